"""The role rules as data: the phrase notation, the loader and the shipped cues (invented text)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from pipeline.quotes.orgs import default_table
from pipeline.quotes.phrases import PhraseError, compile_phrase, compile_phrases
from pipeline.quotes.role_rules import RoleRulesError, default_role_rules, load_role_rules
from pipeline.quotes.roles import _guess_langs, rule_role


def _hit(phrase: str, text: str, **kw: bool) -> bool:
    return compile_phrases([phrase], **kw).search(text) is not None


@pytest.mark.parametrize(
    ("phrase", "text", "hit"),
    [
        ("asylum seeker", "an asylum  seeker from Peru", True),
        ("asylum seeker", "asylum seekers", False),  # whole words
        ("[lawyer|attorney]", "her attorney said", True),
        ("member of [parliament|the house]", "member of the house", True),
        ("[a|an] <word>? group [that|which]", "a small group that helps", True),
        ("[a|an] <word>? group [that|which]", "a group which helps", True),
        ("[a|an] <word>? group [that|which]", "a very small group that", False),
        ("demandeur d'asile", "un demandeur d’asile", True),
        ("l'[agence|ministère]", "selon l'agence", True),
        ("prof <Name>", "Prof Ada Byron", True),
        ("=Justice <Name>", "justice minister", False),
        ("=Justice <Name>", "Justice Ada Byron", True),
        ("^ [the]? [agent|agents] <Name>", "Agent Smith", True),
        ("^ [the]? [agent|agents] <Name>", "an agent Smith", False),
        ("![media|film] critic", "a film critic", False),
        ("![media|film] critic", "the party's critic", True),
        ("!vice- president of", "vice-president of", False),
        ("attorney !general", "the attorney general", False),
        ("attorney !general", "her attorney, Jo", True),
        ("[help|support] ... [to|for] refugees", "offers legal help to refugees", True),
        ("[help|support] ... [to|for] refugees", "offers help, food and rooms to refugees", False),
        ("coordinat<word>", "coordination", True),
        ("[sen|rep].", "Sen. Ada Byron", True),
    ],
)
def test_phrase_notation(phrase: str, text: str, hit: bool) -> None:
    assert _hit(phrase, text) is hit


def test_case_and_word_end_options() -> None:
    assert not _hit("Refugee", "refugee", ignore_case=False)
    assert _hit("pastor", "the pastors", word_end=False)
    assert not _hit("pastor", "the pastors")
    assert compile_phrases([]).search("anything") is None


@pytest.mark.parametrize("bad", ["[a|b", "a]", "<Nom>", "[a|]", "a !b c", "x ^"])
def test_bad_phrases_are_refused(bad: str) -> None:
    with pytest.raises(PhraseError):
        compile_phrase(bad)


def test_loader_names_the_file_and_the_list(tmp_path: Path) -> None:
    bad = tmp_path / "roles.toml"
    bad.write_text('[[strong]]\nrole = "wizard"\nen = ["mage"]\n', encoding="utf-8")
    with pytest.raises(RoleRulesError, match="wizard"):
        load_role_rules(bad)
    bad.write_text('[[strong]]\nrole = "academic"\nen = ["[oops"]\n', encoding="utf-8")
    with pytest.raises(RoleRulesError, match="roles.toml"):
        load_role_rules(bad)


def test_rules_are_built_once_and_immutable() -> None:
    rules = default_role_rules()
    assert default_role_rules() is rules
    with pytest.raises(AttributeError):
        rules.title_words = frozenset()  # type: ignore[misc]
    assert all(isinstance(rx, re.Pattern) for _, rx in rules.strong)


def test_edited_word_list_changes_the_role(tmp_path: Path) -> None:
    """A researcher adds a title to the data file; the rules follow without code changes."""
    shipped = Path(__file__).resolve().parents[1] / "data" / "quotes" / "roles.toml"
    text = shipped.read_text(encoding="utf-8").replace(
        '"political scientist",', '"political scientist", "glaciologist",', 1
    )
    edited = tmp_path / "roles.toml"
    edited.write_text(text, encoding="utf-8")
    desc = "Ada Byron, a glaciologist"
    assert rule_role(desc, [], "person", default_role_rules())[0] != "academic"
    assert rule_role(desc, [], "person", load_role_rules(edited)) == ("academic", 0.85)


@pytest.mark.parametrize(
    ("description", "role"),
    [
        ("Me Lina Dubé, qui représente la famille", "legal"),
        ("la chercheuse Lina Dubé", "academic"),
        ("Lina Dubé, une bénévole", "advocacy"),
        ("Lina Dubé, sous-ministre", "official"),
        ("Lina Dubé, demandeuse d'asile arrivée en mars", "affected"),
        ("l'agent Lina Dubé", "enforcement"),
        ("Lina Dubé, une voisine", "other"),
        ("Rep. Ada Byron", "politician"),
        ("Ada Byron, a former mayor and now a volunteer", "advocacy"),
        ("Ada Byron, the church's minister", "advocacy"),
        ("Ada Byron, chief executive officer of a bakery", "other"),
    ],
)
def test_shipped_cues_on_invented_descriptions(description: str, role: str) -> None:
    table = default_table()
    assert rule_role(description, table.find_all(description), "person")[0] == role


def test_language_hints_for_descriptions() -> None:
    assert _guess_langs(["la directrice de l'organisme", "the director of the shelter"]) == [
        "fr",
        "en",
    ]


@pytest.mark.parametrize(
    "description",
    ["Lina Dubé, qui me parle souvent", "Ada Byron, who told me everything"],
)
def test_the_pronoun_me_is_no_lawyer_title(description: str) -> None:
    """The lawyer's title "Me <Name>" only as written: "Me" with a capital, then a name."""
    assert rule_role(description, [], "person")[0] != "legal"
    assert rule_role("Me Lina Dubé, qui représente la famille", [], "person")[0] == "legal"


def _shipped_list(table: str, role: str, language: str) -> list[str]:
    """One list of the shipped roles.toml: ``language``'s phrases of ``table`` for ``role``."""
    shipped = Path(__file__).resolve().parents[1] / "data" / "quotes" / "roles.toml"
    data = tomllib.loads(shipped.read_text(encoding="utf-8"))
    [entry] = [e for e in data[table] if e["role"] == role]
    return list(entry[language])


@pytest.mark.parametrize(
    "description",
    ["la porte-parole de l'opposition Lina Dubé", "Lina Dubé, porte-parole de l’opposition"],
)
def test_the_french_politician_list_reads_de_l_opposition(description: str) -> None:
    """The French list on its own, not the English "opposition" that also catches it."""
    assert compile_phrases(_shipped_list("strong", "politician", "fr")).search(description)


@pytest.mark.parametrize(
    "description",
    [
        "Ada Byron, an adviser with the United Nations",
        "Ada Byron, an adviser with the united nations",
        "Lina Dubé, conseillère aux Nations unies",
        "Lina Dubé, conseillère aux Nations Unies",
    ],
)
def test_the_united_nations_in_either_case(description: str) -> None:
    """Without the organisation table's help: the rules' own list, in either case."""
    assert rule_role(description, [], "person")[0] == "international"


def test_in_french_text_a_after_a_name_is_the_verb_not_an_article() -> None:
    from pipeline.quotes.roles import _post_window

    rules = default_role_rules()
    fr = (
        "La file d’attente s’allonge devant le centre et les familles attendent dans le froid. "
        "Jeanne Roe, 45 ans, a fui le pays en 2019 avec ses enfants."
    )
    assert _post_window(fr, fr.index("Jeanne Roe") + len("Jeanne Roe"), rules) == ""
    en = "The queue grows and families wait in the cold. Jeanne Roe, 45, a lawyer, said so."
    end = en.index("Jeanne Roe") + len("Jeanne Roe")
    assert _post_window(en, end, rules) == "a lawyer"
