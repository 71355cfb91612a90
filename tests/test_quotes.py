"""Quote extraction: quote marks, attribution forms, reported speech and bad input."""

from __future__ import annotations

import pytest

from pipeline.core.records import Quote
from pipeline.quotes import extract_quotes
from pipeline.quotes.marks import find_marked_spans


def by_text(quotes: list[Quote]) -> dict[str, Quote]:
    return {q.text: q for q in quotes}


def check_offsets(text: str, quotes: list[Quote]) -> None:
    for i, q in enumerate(quotes):
        assert text[q.char_start : q.char_end] == q.text
        assert q.quote_index == i


# --- quote marks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ('"', '"'),
        ("“", "”"),
        ("«\u00a0", "\u00a0»"),
        ("«", "»"),
        ("„", "“"),
        ("‘", "’"),
        ("'", "'"),
    ],
)
def test_quote_marks_of_every_style(opening: str, closing: str) -> None:
    text = f"{opening}We will keep helping families who arrive here,{closing} said Jane Okoye."
    quotes = extract_quotes(text, "en")
    assert [q.text for q in quotes] == ["We will keep helping families who arrive here"]
    assert quotes[0].speaker == "Jane Okoye"
    assert quotes[0].quote_type == "direct"
    check_offsets(text, quotes)


def test_apostrophes_are_not_quote_marks() -> None:
    text = (
        "The claimants' lawyers said they weren't told. It's the government's call, "
        "and Canada's rules haven't changed since the '90s."
    )
    quotes = extract_quotes(text, "en")
    assert all(q.quote_type == "indirect" for q in quotes)
    assert find_marked_spans(text) == []


def test_scare_quotes_and_titles_are_not_quotes() -> None:
    text = (
        'The so-called "safe third country" rule is back in court. Bill C-2, known as the '
        '"Strong Borders Act," passed second reading. Critics call it the "Border Cruelty Act" '
        'and a "border czar" was named.'
    )
    assert [q for q in extract_quotes(text, "en") if q.quote_type == "direct"] == []


def test_partial_quote_inside_a_sentence_with_attribution() -> None:
    text = 'The minister said the measure would "restore fairness and order" to the system.'
    quotes = extract_quotes(text, "en")
    direct = [q for q in quotes if q.quote_type == "direct"]
    assert [q.text for q in direct] == ["restore fairness and order"]
    # Only the quoted words are annotated where reported speech mixes with a direct quote.
    assert not [
        q for q in quotes if q.quote_type == "indirect" and q.char_end > direct[0].char_start
    ]


def test_quote_split_by_attribution_is_two_quotes_one_speaker() -> None:
    text = '"The wait is too long," said Priya Nair, a refugee lawyer. "Families give up."'
    quotes = extract_quotes(text, "en")
    assert [q.text for q in quotes] == ["The wait is too long", "Families give up."]
    assert {q.speaker for q in quotes} == {"Priya Nair"}


def test_multi_paragraph_quote_is_one_quote() -> None:
    text = (
        'Okafor described the plan.\n\n"We are hiring officers this year. They start in May.\n\n'
        '"We are also buying drones for the long stretches of the border," he said.'
    )
    quotes = extract_quotes(text, "en")
    assert len(quotes) == 1
    assert quotes[0].text.startswith("We are hiring") and quotes[0].text.endswith("border")
    assert "\n\n" in quotes[0].text
    check_offsets(text, quotes)


def test_nested_quotes_stay_inside_the_outer_quote() -> None:
    text = "\"He kept saying 'asylum, asylum' and pointing north,\" agent Kyle Brandt said."
    quotes = extract_quotes(text, "en")
    assert [q.text for q in quotes] == ["He kept saying 'asylum, asylum' and pointing north"]
    assert quotes[0].speaker == "Kyle Brandt"


# --- attribution forms ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"The border is secure," Jane Okoye said.', "Jane Okoye"),
        ('"The border is secure," said Jane Okoye.', "Jane Okoye"),
        ('Jane Okoye said: "The border is secure."', "Jane Okoye"),
        ('"The border is secure," Jane Okoye, an immigration lawyer, said.', "Jane Okoye"),
        ('"The border is secure," IRCC spokesman Henri Lavoie told CBC News.', "Henri Lavoie"),
        (
            '"The border is secure," said Henri Lavoie, a spokesman for the department.',
            "Henri Lavoie",
        ),
    ],
)
def test_attribution_forms(text: str, speaker: str) -> None:
    quotes = extract_quotes(text, "en")
    assert [(q.text.rstrip("."), q.speaker) for q in quotes] == [("The border is secure", speaker)]


def test_colon_introduced_quote() -> None:
    text = (
        "OTTAWA — Public Safety Minister Daniel Okafor spoke on Thursday.\n\n"
        'Speaking to reporters, Okafor said: "The border is not a revolving door."'
    )
    quotes = extract_quotes(text, "en")
    assert [(q.text, q.speaker) for q in quotes] == [
        ("The border is not a revolving door.", "Daniel Okafor")
    ]


def test_pronoun_two_paragraphs_away_resolves_to_named_person() -> None:
    text = (
        "Mariana Ocampo crossed into Canada with her two sons last spring.\n\n"
        "The family's hearing has been postponed twice, and the backlog keeps growing.\n\n"
        '"We did not choose to leave," she said.'
    )
    quotes = extract_quotes(text, "en")
    assert [(q.text, q.speaker) for q in quotes] == [
        ("We did not choose to leave", "Mariana Ocampo")
    ]


def test_role_noun_resolves_to_the_person_described() -> None:
    text = (
        "Immigration Minister Celeste Marchand announced funding on Monday.\n\n"
        '"This is about dignity," the minister said.'
    )
    quotes = extract_quotes(text, "en")
    assert quotes[0].speaker == "Celeste Marchand"
    assert quotes[0].speaker_role == "official"


def test_unattributed_quote_paragraph_continues_previous_speaker() -> None:
    text = (
        '"It was March, and I had one bag," said Samuel Mensah, 34, who fled Ghana.\n\n'
        "Today he works at a warehouse and waits for his hearing.\n\n"
        '"I pay taxes. I only want to be safe."'
    )
    quotes = extract_quotes(text, "en")
    assert [q.speaker for q in quotes] == ["Samuel Mensah", "Samuel Mensah"]
    assert quotes[1].text == "I pay taxes. I only want to be safe."


def test_surname_is_normalised_to_full_name() -> None:
    text = (
        "Matthew Krupka, a lawyer in Windsor, represents the family.\n\n"
        '"They have a strong case," Krupka said.'
    )
    quotes = extract_quotes(text, "en")
    assert quotes[-1].speaker == "Matthew Krupka"


def test_speaker_org_comes_from_the_article_words() -> None:
    text = (
        '"Refugees are being failed," said Amara Diallo, executive director of '
        "Amnesty International Canada."
    )
    q = extract_quotes(text, "en")[0]
    assert q.speaker == "Amara Diallo"
    assert q.speaker_org == "Amnesty International Canada"
    assert q.speaker_role == "advocacy"


# --- reported speech --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "clause", "speaker"),
    [
        (
            "Jane Okoye said that the rules would change next year.",
            "the rules would change next year",
            "Jane Okoye",
        ),
        (
            "Jane Okoye said the rules would change next year.",
            "the rules would change next year",
            "Jane Okoye",
        ),
        (
            "According to Jane Okoye, the rules would change next year.",
            "the rules would change next year",
            "Jane Okoye",
        ),
        (
            "The rules would change next year, according to Jane Okoye.",
            "The rules would change next year",
            "Jane Okoye",
        ),
        (
            "Jane Okoye told CBC News the rules would change next year.",
            "the rules would change next year",
            "Jane Okoye",
        ),
        (
            "Jane Okoye wrote on Facebook that the rules would change next year.",
            "the rules would change next year",
            "Jane Okoye",
        ),
        (
            "The RCMP said in a statement that two people were arrested.",
            "two people were arrested",
            "Royal Canadian Mounted Police",
        ),
        (
            "The rules would change next year, Jane Okoye said.",
            "The rules would change next year",
            "Jane Okoye",
        ),
    ],
)
def test_reported_speech(text: str, clause: str, speaker: str) -> None:
    quotes = extract_quotes(text, "en")
    assert [(q.text, q.quote_type) for q in quotes] == [(clause, "indirect")]
    assert quotes[0].speaker in {speaker, "RCMP"}


def test_document_attributions_are_not_quotes() -> None:
    text = (
        "According to federal data, 14,000 claims were made last year. "
        "The report says more are coming."
    )
    assert extract_quotes(text, "en") == []


def test_object_of_announce_is_not_reported_speech() -> None:
    assert extract_quotes("The minister announced new funding for housing on Monday.", "en") == []


# --- French ---------------------------------------------------------------------------------


def test_french_article() -> None:
    text = (
        "MONTRÉAL — La ministre de l'Immigration, Sophie Tremblay, réclame plus d'argent.\n\n"
        "« Le Québec fait plus que sa part », a déclaré la ministre mardi.\n\n"
        "Selon elle, le fédéral doit mieux répartir les nouveaux arrivants.\n\n"
        "« Nous ne demandons pas la charité, affirme Mme Tremblay. Nous demandons l'équité. »\n\n"
        "Le porte-parole de l'ASFC, Karim Belhadj, a indiqué que des discussions étaient en cours."
    )
    quotes = extract_quotes(text, "fr")
    got = [(q.text, q.quote_type, q.speaker) for q in quotes]
    assert got == [
        ("Le Québec fait plus que sa part", "direct", "Sophie Tremblay"),
        ("le fédéral doit mieux répartir les nouveaux arrivants", "indirect", "Sophie Tremblay"),
        ("Nous ne demandons pas la charité", "direct", "Sophie Tremblay"),
        ("Nous demandons l'équité.", "direct", "Sophie Tremblay"),
        ("des discussions étaient en cours", "indirect", "Karim Belhadj"),
    ]
    assert quotes[0].speaker_role == "official"
    assert quotes[-1].speaker_role == "enforcement"
    check_offsets(text, quotes)


def test_language_is_detected_when_missing() -> None:
    text = "« C'est une question de dignité », a-t-elle ajouté, selon la porte-parole du groupe."
    assert [q.text for q in extract_quotes(text, None)] == ["C'est une question de dignité"]


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "   \n\n ", "No quotes here at all. Just facts.", '"', "«", "“”"]
)
def test_bad_or_empty_input_returns_list(text: str) -> None:
    assert isinstance(extract_quotes(text, "en"), list)


def test_unbalanced_quote_mark_runs_to_paragraph_end_without_failing() -> None:
    text = 'She said: "We will not give up on this family\n\nThe hearing is set for May.'
    quotes = extract_quotes(text, "en")
    check_offsets(text, quotes)
    assert quotes[0].text == "We will not give up on this family"


def test_quote_cut_off_at_end_of_text() -> None:
    text = '"My children ask me every day," she said, Nadia Haddad. "I tell them soon, soon, but'
    quotes = extract_quotes(text, "en")
    assert quotes[-1].text == "I tell them soon, soon, but"


def test_500kb_article_is_processed() -> None:
    # Its speed is measured by bench/bench_quotes.py --large-kb 500, not here.
    para = (
        '"We need more officers at the border," said Jane Okoye, a union leader. '
        'The agency said it would hire 200 staff. Scare "quotes" and apostrophes\' abound.\n\n'
        '"It will take years," she said. The minister said the plan would work.\n\n'
    )
    text = para * (500_000 // len(para) + 1)
    assert len(text) >= 500_000
    quotes = extract_quotes(text, "en")
    assert len(quotes) > 1000
    check_offsets(text[:5000], [q for q in quotes if q.char_end < 5000])


def test_analyse_many_gives_what_analyse_gives_one_by_one() -> None:
    from pipeline.quotes.stage import default_stage

    stage = default_stage()
    articles = [
        ('"The shelter is full," said Dana Whitcombe, a volunteer.', "en", "a1"),
        ("", "en", "empty"),
        ("« Les lits manquent », a déclaré la ministre Lina Dubé.", "fr", "a2"),
        ("Officials said the queue had doubled since May.", None, "a3"),
    ]

    def key(found: list) -> list:
        return [(f.quote, f.mention) for f in found]

    one = [key(stage.analyse(*a)) for a in articles]
    many = [key(found) for found in stage.analyse_many(articles, batch_size=2)]
    assert many == one
    assert many[1] == [] and many[0] and many[2]
