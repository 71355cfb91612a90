"""One test per attribution pattern of the quote stage, on invented text.

Each case is a sentence or two written for the test (never taken from the corpus or the
devset) and the speaker the codebook gives its quote.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.quotes import extract_quotes

CASES = [
    # (language, text, quote text, quote type, speaker)
    (
        "en",
        '"The queue is endless," said Dana Whitcombe.',
        "The queue is endless",
        "direct",
        "Dana Whitcombe",
    ),
    (
        "en",
        '"The queue is endless," Dana Whitcombe said.',
        "The queue is endless",
        "direct",
        "Dana Whitcombe",
    ),
    (
        "en",
        'Immigration lawyer Dana Whitcombe told the Herald Tribune: "The queue is endless."',
        "The queue is endless.",
        "direct",
        "Dana Whitcombe",
    ),
    (
        "en",
        "Dana Whitcombe, an immigration lawyer, told the Tribune that the queue was endless.",
        "the queue was endless",
        "indirect",
        "Dana Whitcombe",
    ),
    (
        "en",
        "Dana Whitcombe spoke at the rally.\n\nShe said the queue was endless and growing.",
        "the queue was endless and growing",
        "indirect",
        "Dana Whitcombe",
    ),
    (
        "en",
        "According to the Canadian Council for Refugees, the queue has doubled since May.",
        "the queue has doubled since May",
        "indirect",
        "Canadian Council for Refugees",
    ),
    (
        "en",
        "Critics said the queue would only grow longer.",
        "the queue would only grow longer",
        "indirect",
        "Critics",
    ),
    (
        "en",
        "Sen. Dana Whitcombe, who said the queue was endless, voted against the bill.",
        "the queue was endless",
        "indirect",
        "Dana Whitcombe",
    ),
    (
        "en",
        'Dana Whitcombe said at a rally in Moncton:\n\n"The queue is endless and nobody answers."',
        "The queue is endless and nobody answers.",
        "direct",
        "Dana Whitcombe",
    ),
    (
        "en",
        "Dana Whitcombe called the new rule \u201ccruel\u201d in a statement.",
        "cruel",
        "direct",
        "Dana Whitcombe",
    ),
    (
        "en",
        "MONCTON \u2014 Dana Whitcombe said the queue was endless.",
        "the queue was endless",
        "indirect",
        "Dana Whitcombe",
    ),
    (
        "fr",
        "\u00ab La file est interminable \u00bb, a d\u00e9clar\u00e9 la ministre Dana Whitcombe.",
        "La file est interminable",
        "direct",
        "Dana Whitcombe",
    ),
    (
        "fr",
        "Dana Whitcombe est avocate.\n\n\u00ab La file est interminable \u00bb, a-t-elle dit.",
        "La file est interminable",
        "direct",
        "Dana Whitcombe",
    ),
    (
        "fr",
        "Selon Dana Whitcombe, la file d\u2019attente a doubl\u00e9 depuis mai.",
        "la file d\u2019attente a doubl\u00e9 depuis mai",
        "indirect",
        "Dana Whitcombe",
    ),
    (
        "fr",
        "Pour Dana Whitcombe, la file d\u2019attente a doubl\u00e9 depuis mai.",
        "la file d\u2019attente a doubl\u00e9 depuis mai",
        "indirect",
        "Dana Whitcombe",
    ),
    (
        "fr",
        "L\u2019avocate Dana Whitcombe a indiqu\u00e9 que la file avait doubl\u00e9.",
        "la file avait doubl\u00e9",
        "indirect",
        "Dana Whitcombe",
    ),
    (
        "fr",
        "La file d\u2019attente a doubl\u00e9 depuis mai, a ajout\u00e9 Dana Whitcombe.",
        "La file d\u2019attente a doubl\u00e9 depuis mai",
        "indirect",
        "Dana Whitcombe",
    ),
    # A conjunction or preposition opening the subject is no part of the speaker's name.
    (
        "fr",
        "Mais des représentants de l'organisme ont affirmé que les délais avaient doublé.",
        "les délais avaient doublé",
        "indirect",
        "des représentants de l'organisme",
    ),
    # A demonstrative ("Celle qui ...") names nobody on its own: the person named before.
    (
        "fr",
        "Lina Dubé dirige le refuge. Celle qui l'a fondé en 2010 assure que «les lits manquent "
        "chaque soir depuis des mois».",
        "les lits manquent chaque soir depuis des mois",
        "direct",
        "Lina Dubé",
    ),
    # The French recogniser tags no dates: "mi-octobre" is a time word (time_nouns).
    (
        "fr",
        "« Il fallait agir vite », a expliqué mi-octobre Lucie Barral.",
        "Il fallait agir vite",
        "direct",
        "Lucie Barral",
    ),
    # "à France 3 Occitanie": the listener's name runs on over the number and the region.
    (
        "fr",
        "« Je n'ai plus de papiers », a confié à France 3 Occitanie Awa Sissoko, un sac à la main.",
        "Je n'ai plus de papiers",
        "direct",
        "Awa Sissoko",
    ),
    # "Transports Paul Garnier" tagged as one entity: the portfolio, then the minister's name.
    (
        "fr",
        "« Nous ferons respecter la loi », a déclaré le ministre des Transports Paul Garnier.",
        "Nous ferons respecter la loi",
        "direct",
        "Paul Garnier",
    ),
    # The article's typo ("Juline" for "Julien"): same surname, one person, the first spelling.
    (
        "en",
        "Julien Marceau runs the shelter in Lacolle.\n\n"
        '"We are full every night," said Juline Marceau, who has run it since 2019.',
        "We are full every night",
        "direct",
        "Julien Marceau",
    ),
    # The recogniser misses "Perminus Kiprotich" (a place, or nothing): ", 47," makes it a person.
    (
        "en",
        "Perminus Kiprotich, 47, landed at Pearson eight days ago from Kenya after escaping a "
        'situation that he said left him "fearing for his life."',
        "fearing for his life.",
        "direct",
        "Perminus Kiprotich",
    ),
    # "Patrol Agent" ends in a speaker noun: a title, so the name after it speaks.
    (
        "en",
        "Patrol Agent in Charge Dana Whitcombe said the river was dangerous in winter.",
        "the river was dangerous in winter",
        "indirect",
        "Dana Whitcombe",
    ),
    # "Toronto asks": a place-tagged subject stays a phrase (place_labels), not a person "she"
    # could take up.
    (
        "en",
        "Jennifer Okoye chairs the budget committee. Toronto asks Ottawa for shelter money "
        'every year.\n\n"That is not sustainable," she said.',
        "That is not sustainable",
        "direct",
        "Jennifer Okoye",
    ),
    # An acronym in brackets with a stray comma names the same body.
    (
        "en",
        "The boat carried 47 people, said Aegean Rescue Watch (ARW,) on Monday. ARW said the "
        "boat was stopped off Lesbos by the coast guard.",
        "the boat was stopped off Lesbos by the coast guard",
        "indirect",
        "Aegean Rescue Watch",
    ),
    # The lemmatizer leaves "indique" as it is: verb_endings reads it as "indiquer".
    (
        "fr",
        "Les arrivées ont doublé depuis juillet, indique la directrice de l'organisme, Marie Roux.",
        "Les arrivées ont doublé depuis juillet",
        "indirect",
        "Marie Roux",
    ),
    # A report closed by an inverted-pronoun incise.
    (
        "fr",
        "Marie Roux dirige l'organisme. Les arrivées ont doublé depuis juillet, a-t-elle noté.",
        "Les arrivées ont doublé depuis juillet",
        "indirect",
        "Marie Roux",
    ),
]


@pytest.mark.parametrize(("language", "text", "quote", "quote_type", "speaker"), CASES)
def test_attribution_pattern(
    language: str, text: str, quote: str, quote_type: str, speaker: str
) -> None:
    quotes = extract_quotes(text, language)
    found = [q for q in quotes if q.text == quote]
    assert found, [q.text for q in quotes]
    assert found[0].quote_type == quote_type
    assert found[0].speaker == speaker


def test_the_outlet_told_is_never_the_speaker() -> None:
    text = (
        "The Herald Tribune reached Dana Whitcombe on Monday.\n\n"
        '"The queue is endless," she told the Herald Tribune.'
    )
    (q,) = extract_quotes(text, "en")
    assert q.speaker == "Dana Whitcombe"


def test_pronoun_takes_the_person_of_its_gender() -> None:
    text = (
        "Ms. Dana Whitcombe met Mr. Hugo Brenner at the border.\n\n"
        '"The queue is endless," she said.'
    )
    (q,) = extract_quotes(text, "en")
    assert q.speaker == "Dana Whitcombe"


def test_second_part_of_a_broken_quote_keeps_the_speaker() -> None:
    text = '"The queue is endless," said Dana Whitcombe. "Nobody answers."'
    assert [q.speaker for q in extract_quotes(text, "en")] == ["Dana Whitcombe", "Dana Whitcombe"]


def test_quotes_in_a_headline_are_not_quotes() -> None:
    text = 'Lawyer says "the queue is endless"\n\nDana Whitcombe said the queue was endless.'
    assert [q.quote_type for q in extract_quotes(text, "en")] == ["indirect"]


def test_a_document_without_author_is_no_speaker() -> None:
    assert extract_quotes("The report says more claimants are coming.", "en") == []


def test_names_inside_a_quote_are_not_candidates() -> None:
    text = (
        "La ministre Dana Whitcombe r\u00e9clame plus d\u2019argent.\n\n"
        "\u00ab Le Qu\u00e9bec fait sa part \u00bb, dit-elle.\n\n"
        "Selon elle, Ottawa doit payer davantage."
    )
    assert {q.speaker for q in extract_quotes(text, "fr")} == {"Dana Whitcombe"}


@pytest.mark.parametrize(
    ("lang", "text", "kind"),
    [
        ("en", '"The queue is endless," said Dana Whitcombe.', "person"),
        (
            "en",
            "According to the Canadian Council for Refugees, the queue has doubled.",
            "organisation",
        ),
        ("en", "Critics said the queue would only grow longer.", "group"),
        ("en", '"The queue is endless," a spokesperson for the agency said.', "description"),
        ("fr", "« La file est sans fin », a déclaré Dana Whitcombe.", "person"),
        ("fr", "Les opposants affirment que la file va encore s'allonger.", "group"),
    ],
)
def test_speaker_kind_tells_named_speakers_from_groups(lang: str, text: str, kind: str) -> None:
    """``speaker_kind``: named people and bodies apart from groups and descriptions, which
    ``top_speakers`` does not rank (invented sentences)."""
    quotes = extract_quotes(text, lang)
    assert [q.speaker_kind for q in quotes] == [kind], [(q.speaker, q.speaker_kind) for q in quotes]


@pytest.mark.parametrize(
    ("lang", "words", "heads", "deps", "lemmas", "pos", "speaker"),
    [
        # "Chaque semaine, des familles disent que ...", parsed with the time as a subject.
        (
            "fr",
            ["Chaque", "semaine", ",", "des", "familles", "disent", "que", "tout", "manque"],
            [1, 5, 5, 4, 5, 5, 8, 8, 5],
            ["det", "nsubj", "punct", "det", "nsubj", "ROOT", "mark", "nsubj", "ccomp"],
            ["chaque", "semaine", ",", "un", "famille", "dire", "que", "tout", "manquer"],
            ["DET", "NOUN", "PUNCT", "DET", "NOUN", "VERB", "SCONJ", "PRON", "VERB"],
            "des familles",
        ),
        (
            "en",
            ["This", "week", "the", "nurses", "said", "beds", "ran", "out"],
            [1, 4, 3, 4, 4, 6, 4, 6],
            ["det", "nsubj", "det", "nsubj", "ROOT", "nsubj", "ccomp", "prt"],
            ["this", "week", "the", "nurse", "say", "bed", "run", "out"],
            ["DET", "NOUN", "DET", "NOUN", "VERB", "NOUN", "VERB", "ADP"],
            "the nurses",
        ),
    ],
)
def test_a_phrase_of_time_is_no_subject(
    lang: str,
    words: list[str],
    heads: list[int],
    deps: list[str],
    lemmas: list[str],
    pos: list[str],
    speaker: str,
) -> None:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from pipeline.quotes.find import _subject_span
    from pipeline.quotes.lexicon import load_lexicon

    doc = Doc(Vocab(), words=words, heads=heads, deps=deps, lemmas=lemmas, pos=pos)
    verb = next(t for t in doc if t.dep_ == "ROOT")
    span = _subject_span(doc, verb, load_lexicon(lang))
    assert span is not None
    assert doc[span[0] : span[1]].text == speaker


def _inverted(
    words: list[str], heads: list[int], deps: list[str], pos: list[str], **kw: object
) -> str | None:
    """The inverted subject ``_inverted_subject`` reads after the ROOT verb of a parse given
    by hand (the parses the French model makes of these sentences)."""
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from pipeline.quotes.find import _inverted_subject
    from pipeline.quotes.lexicon import load_lexicon

    doc = Doc(Vocab(), words=words, heads=heads, deps=deps, pos=pos, **kw)  # type: ignore[arg-type]
    verb = next(t for t in doc if t.dep_ == "ROOT")
    span = _inverted_subject(doc, verb, load_lexicon("fr"))
    return None if span is None else doc[span[0] : span[1]].text


def test_person_apposed_to_the_listener_is_the_inverted_subject() -> None:
    # "a commenté auprès de l'AFP Serge Roux, professeur": the parser hangs the name on the
    # listener as an apposition.
    words = ["a", "commenté", "auprès", "de", "l'", "AFP", "Serge", "Roux", ",", "professeur"]
    heads = [1, 1, 1, 5, 5, 2, 5, 6, 5, 5]
    deps = [
        "aux",
        "ROOT",
        "advmod",
        "case",
        "det",
        "obl:arg",
        "appos",
        "flat:name",
        "punct",
        "appos",
    ]
    pos = ["AUX", "VERB", "ADV", "ADP", "DET", "NOUN", "PROPN", "PROPN", "PUNCT", "NOUN"]
    ents = ["O", "O", "O", "O", "O", "B-ORG", "B-PER", "I-PER", "O", "O"]
    assert _inverted(words, heads, deps, pos, ents=ents) == "Serge Roux"


def test_gerund_between_verb_and_inverted_subject() -> None:
    # "affirme en riant Marco, gérant ...": the gérondif is no end of the clause.
    text = (
        "Les commerçants sont ravis. « Nous allons tripler notre chiffre d’affaires », affirme "
        "en riant Marco, gérant d’une station-service."
    )
    (q,) = extract_quotes(text, "fr")
    assert q.speaker == "Marco"


def _candidates(
    lang: str, words: list[str], ents: list[str], spaces: list[bool] | None = None
) -> list[tuple[str, str, list[str]]]:
    """(name, kind, titles) of the entities ``find_candidates`` makes of a flat parse given by
    hand (every word hangs on the last one) with the recogniser's tags ``ents``."""
    import spacy
    from spacy.tokens import Doc

    from pipeline.quotes.candidates import find_candidates
    from pipeline.quotes.lexicon import load_lexicon
    from pipeline.quotes.orgs import default_table

    root = len(words) - 1
    heads = [root] * len(words)
    deps = ["dep"] * root + ["ROOT"]
    vocab = spacy.blank(lang).vocab
    doc = Doc(vocab, words=words, spaces=spaces, heads=heads, deps=deps, ents=ents)
    cands = find_candidates(doc, load_lexicon(lang), default_table())
    return [(e.name, e.kind, e.titles) for e in cands.entities if e.mentions]


def _parsed_entities(lang: str, words: list[str], **parse: Any) -> list[tuple[str, str]]:
    """(name, kind) of the entities ``find_candidates`` makes of ``words`` with a parse given
    by hand (``parse``: the annotations spaCy's ``Doc`` takes: heads, deps, pos, ents...)."""
    import spacy
    from spacy.tokens import Doc

    from pipeline.quotes.candidates import find_candidates
    from pipeline.quotes.lexicon import load_lexicon
    from pipeline.quotes.orgs import default_table

    doc = Doc(spacy.blank(lang).vocab, words=words, **parse)
    cands = find_candidates(doc, load_lexicon(lang), default_table())
    return [(e.name, e.kind) for e in cands.entities]


def test_a_day_the_recogniser_tags_as_a_person_is_nobody() -> None:
    words = ["Mardi", ",", "Paule", "Brossard", "a", "répondu"]
    ents = ["B-PER", "O", "B-PER", "I-PER", "O", "O"]
    assert [c[0] for c in _candidates("fr", words, ents)] == ["Paule Brossard"]
    words = ["After", "Saint", "Brendan", "’s", "Day", ",", "Tim", "Oakes", "replied"]
    ents = ["O", "B-PERSON", "I-PERSON", "I-PERSON", "I-PERSON", "O", "B-PERSON", "I-PERSON", "O"]
    assert [c[0] for c in _candidates("en", words, ents)] == ["Tim Oakes"]


def test_a_name_after_an_article_or_a_body_noun_is_an_organisation() -> None:
    # "au Gazettier": no person's name takes an article; "l'association Horizon 12": the
    # body's name, its number included, and the noun the article later takes it up by.
    words = ["Dans", "un", "entretien", "au", "Gazettier", ",", "Paule", "Brossard", "a", "parlé"]
    ents = ["O", "O", "O", "O", "B-PER", "O", "B-PER", "I-PER", "O", "O"]
    assert _candidates("fr", words, ents) == [
        ("Gazettier", "org", []),
        ("Paule Brossard", "person", []),
    ]
    words = ["l'", "association", "Horizon", "12", "a", "dénoncé"]
    ents = ["O", "O", "B-PER", "O", "O", "O"]
    assert _candidates("fr", words, ents) == [("Horizon 12", "org", ["association"])]


def test_a_first_name_joined_by_a_hyphen_to_a_place_name_is_the_persons() -> None:
    # The recogniser tags "France" of "France-Isabelle Roux" as a place.
    words = ["a", "lancé", "France", "-", "Isabelle", "Roux"]
    ents = ["O", "O", "B-LOC", "O", "B-PER", "I-PER"]
    spaces = [True, True, False, False, True, False]
    assert [c[0] for c in _candidates("fr", words, ents, spaces)] == ["France-Isabelle Roux"]


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        # A public body's definite phrase that names no entity of the article is the speaker,
        # not the body named before.
        (
            "L’association Horizon Solidaire a dénoncé l’opération. La préfecture précise que "
            "« 80 personnes ont accepté une mise à l’abri ».",
            "80 personnes ont accepté une mise à l’abri",
            "La préfecture",
        ),
        # A phrase that names no speaker, subject of a verb that is no speech verb, gives way
        # to the person.
        (
            "Julie Marchetti a présenté son projet de loi pour refondre « l’ensemble du droit "
            "des étrangers ».",
            "l’ensemble du droit des étrangers",
            "Julie Marchetti",
        ),
    ],
)
def test_the_cue_phrase_or_an_entity(text: str, quote: str, speaker: str) -> None:
    found = [q for q in extract_quotes(text, "fr") if q.text == quote]
    assert found, [q.text for q in extract_quotes(text, "fr")]
    assert found[0].speaker == speaker


def test_celui_ci_takes_up_the_person_named_last_whatever_their_role() -> None:
    text = (
        "Le collectif a interpellé le ministre de l’Intérieur, Paul Garnier, sur les expulsions."
        " Celui-ci s’est exprimé lundi à la radio. Il était l’invité de Julien Marchand.\n\n"
        "« Nous ferons tout notre possible », a-t-il expliqué."
    )
    (q,) = [q for q in extract_quotes(text, "fr") if q.text.startswith("Nous ferons")]
    assert q.speaker == "Paul Garnier"


def test_a_demonstrative_description_takes_up_the_person_named_last() -> None:
    text = (
        "Le journal a rencontré Lucie Barral, 52 ans, au palais de justice. Cette "
        "avocate de Laval affirme que « les délais sont beaucoup plus longs ici »."
    )
    (q,) = [q for q in extract_quotes(text, "fr") if q.text.startswith("les délais")]
    assert q.speaker == "Lucie Barral"


def test_a_pronoun_takes_up_the_one_person_its_paragraph_names_as_an_object() -> None:
    text = (
        "« Les files sont longues », raconte Marc Tessier, chauffeur de taxi.\n\n"
        "Plus loin, le journal a rencontré Lucie Barral, 52 ans, devant sa voiture. "
        "« Nous attendons depuis trois heures », dit-elle."
    )
    (q,) = [q for q in extract_quotes(text, "fr") if q.text.startswith("Nous attendons")]
    assert q.speaker == "Lucie Barral"


def test_a_speaking_name_the_recogniser_tags_misc_is_a_person() -> None:
    # The recogniser may tag a hyphenated first name and its surname as MISC.
    words = ["«", "Non", "»", ",", "lance", "France", "-", "Isabelle", "Roux", "."]
    spaces = [True, False, True, False, True, False, False, True, False, False]
    heads = [4, 4, 4, 4, 4, 7, 7, 4, 7, 4]
    deps = ["punct", "obj", "punct", "punct", "ROOT", "flat:name", "flat:name", "obl:agent"]
    deps += ["flat:name", "punct"]
    pos = ["PUNCT", "ADV", "PUNCT", "PUNCT", "VERB", "PROPN", "PROPN", "PROPN", "PROPN", "PUNCT"]
    lemmas = ["«", "non", "»", ",", "lancer", "France", "-", "Isabelle", "Roux", "."]
    ents = ["O", "O", "O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"]

    import spacy
    from spacy.tokens import Doc

    from pipeline.quotes.candidates import find_candidates
    from pipeline.quotes.lexicon import load_lexicon
    from pipeline.quotes.orgs import default_table

    doc = Doc(
        spacy.blank("fr").vocab,
        words=words,
        spaces=spaces,
        heads=heads,
        deps=deps,
        pos=pos,
        lemmas=lemmas,
        ents=ents,
    )
    cands = find_candidates(doc, load_lexicon("fr"), default_table())
    assert [(e.name, e.kind) for e in cands.entities] == [("France-Isabelle Roux", "person")]


def test_a_misc_name_after_a_comma_closing_a_long_inverted_subject_is_the_speaker() -> None:
    # "« Oui », a expliqué la vice-présidente à la Section, Jeanne Roe.": the recogniser
    # tags the name MISC and the parse hangs the complement on the verb.
    import spacy
    from spacy.tokens import Doc

    from pipeline.quotes.attribute import _apposed_after
    from pipeline.quotes.candidates import find_candidates
    from pipeline.quotes.lexicon import load_lexicon
    from pipeline.quotes.orgs import default_table

    words = ["«", "Oui", "»", ",", "a", "expliqué", "la", "vice-présidente", "à", "la"]
    words += ["Section", ",", "Jeanne", "Roe", "."]
    heads = [1, 5, 1, 5, 5, 5, 7, 5, 10, 10, 5, 12, 10, 12, 5]
    deps = ["punct", "obj", "punct", "punct", "aux:tense", "ROOT", "det", "nsubj", "case"]
    deps += ["det", "obl:arg", "punct", "appos", "flat:name", "punct"]
    pos = ["PUNCT", "ADV", "PUNCT", "PUNCT", "AUX", "VERB", "DET", "NOUN", "ADP", "DET"]
    pos += ["NOUN", "PUNCT", "PROPN", "PROPN", "PUNCT"]
    ents = ["O"] * 12 + ["B-MISC", "I-MISC", "O"]
    doc = Doc(spacy.blank("fr").vocab, words=words, heads=heads, deps=deps, pos=pos, ents=ents)
    cands = find_candidates(doc, load_lexicon("fr"), default_table())
    found = _apposed_after(doc, cands, (6, 8))
    assert found is not None
    assert cands.entities[found].name == "Jeanne Roe"


def test_elle_after_l_organisation_takes_up_the_body_named_before() -> None:
    text = (
        "« Les lits manquent », rapporte Lina Dubé, présidente du Cercle d’accueil.\n\n"
        "Dans son rapport, le Cercle d’accueil dénonce la situation. L’organisation avait "
        "prévenu les autorités. « Les visites seront insuffisantes », explique-t-elle."
    )
    (q,) = [q for q in extract_quotes(text, "fr") if q.text.startswith("Les visites")]
    assert q.speaker == "Cercle d’accueil"


def test_a_lede_description_names_the_person_the_next_paragraph_names() -> None:
    # Codebook section 1: the description resolves to the person the article names after it.
    text = (
        "Forty people crossed the border on foot overnight, the town's mayor says.\n\n"
        "Dana Whitcombe said the shelter in the church basement was full by midnight."
    )
    (q,) = [q for q in extract_quotes(text, "en") if q.text.startswith("Forty people")]
    assert q.speaker == "Dana Whitcombe"


def test_a_description_after_a_named_person_is_not_taken_for_the_next_one() -> None:
    # Somebody is named before the description: the lede rule does not apply.
    text = (
        "Dana Whitcombe runs the shelter. Forty people crossed the border on foot overnight, "
        "the town's mayor says.\n\nMarc Tessier said the church basement was full."
    )
    (q,) = [q for q in extract_quotes(text, "en") if q.text.startswith("Forty people")]
    assert q.speaker != "Marc Tessier"


def test_a_demonstrative_body_noun_takes_up_no_person() -> None:
    # "Ce conseil" is a body ([speakers] bodies): not the last person named.
    text = (
        "Le journal a rencontré Lucie Barral, 52 ans, au palais de justice. Ce conseil "
        "affirme que « les délais sont beaucoup plus longs ici »."
    )
    (q,) = [q for q in extract_quotes(text, "fr") if q.text.startswith("les délais")]
    assert q.speaker != "Lucie Barral"


def test_a_name_the_recogniser_cuts_at_a_particle_goes_on_to_the_next_word() -> None:
    # The recogniser may end a person at "von der" and tag the surname a place.
    words = ["Anna", "van", "der", "Meeren", "spoke", "."]
    pos = ["PROPN", "PROPN", "PROPN", "PROPN", "VERB", "PUNCT"]
    ents = ["B-PERSON", "I-PERSON", "I-PERSON", "B-GPE", "O", "O"]
    heads, deps = [4, 3, 3, 0, 4, 4], ["nsubj", "compound", "compound", "flat", "ROOT", "punct"]
    found = _parsed_entities("en", words, pos=pos, ents=ents, heads=heads, deps=deps)
    assert found == [("Anna van der Meeren", "person")]


def test_a_quoted_word_taken_for_the_subject_leaves_the_inverted_subject() -> None:
    # The parse makes "ça", inside the quote, the verb's subject: the speaker follows the verb.
    text = (
        "« J'ai froid. C'est pour ça que je suis parti », explique une mère au micro de Radio Nord."
    )
    (q,) = extract_quotes(text, "fr")
    assert q.speaker is not None and q.speaker.startswith("une mère")


def test_an_organisation_in_the_table_overrides_the_recognisers_entities() -> None:
    # The recogniser tags "Immigration" a person inside a name the table knows.
    words = ["Immigration", ",", "Refugees", "and", "Citizenship", "Canada", "said", "so", "."]
    spaces = [False, True, True, True, True, True, True, False, False]
    ents = ["B-PERSON", "O", "O", "O", "B-ORG", "I-ORG", "O", "O", "O"]
    pos = ["PROPN", "PUNCT", "PROPN", "CCONJ", "PROPN", "PROPN", "VERB", "ADV", "PUNCT"]
    heads, deps = [5, 0, 0, 4, 5, 6, 6, 6, 6], ["compound"] * 5 + ["nsubj", "ROOT", "advmod", "p"]
    found = _parsed_entities("en", words, spaces=spaces, pos=pos, heads=heads, deps=deps, ents=ents)
    assert found == [("Immigration, Refugees and Citizenship Canada", "org")]


def test_a_name_after_a_title_is_a_person_whatever_the_recogniser_tagged() -> None:
    # "Reyes" tagged an organisation after "Judge Ana": the name runs back to the title.
    words = ["Federal", "Judge", "Ana", "Whitcombe", "blocked", "it", "."]
    lemmas = ["federal", "judge", "Ana", "Whitcombe", "block", "it", "."]
    pos = ["ADJ", "PROPN", "PROPN", "PROPN", "VERB", "PRON", "PUNCT"]
    heads = [3, 3, 3, 4, 4, 4, 4]
    deps = ["amod", "compound", "compound", "nsubj", "ROOT", "dobj", "p"]
    ents = ["O", "O", "O", "B-ORG", "O", "O", "O"]
    found = _parsed_entities("en", words, lemmas=lemmas, pos=pos, heads=heads, deps=deps, ents=ents)
    assert found == [("Ana Whitcombe", "person")]


def test_a_title_the_recogniser_tags_a_person_is_nobodys_name() -> None:
    # "Deputy Patrol Agent" tagged a person: its last word names one person's post, a title.
    words = ["Deputy", "Patrol", "Agent", "in", "Charge", "Dana", "Whitcombe", "spoke", "."]
    pos = ["PROPN", "PROPN", "PROPN", "ADP", "PROPN", "PROPN", "PROPN", "VERB", "PUNCT"]
    heads = [2, 2, 6, 4, 2, 6, 7, 7, 7]
    deps = ["compound", "compound", "compound", "prep", "pobj", "compound", "nsubj", "ROOT", "p"]
    ents = ["B-PERSON", "I-PERSON", "I-PERSON", "O", "O", "B-PERSON", "I-PERSON", "O", "O"]
    found = _parsed_entities("en", words, pos=pos, heads=heads, deps=deps, ents=ents)
    assert found == [("Dana Whitcombe", "person")]


def test_a_digit_int_refuses_between_commas_costs_no_quote() -> None:
    # "²" is a digit to str.isdigit but not to int(): the age rule must not fail the article.
    text = 'Dana Whitcombe, ², said "the queue is endless at the border."'
    assert [q.speaker for q in extract_quotes(text, "en")] == ["Dana Whitcombe"]
