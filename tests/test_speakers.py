"""Speaker roles: the organisation table, title rules, and combining with a classifier."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipeline.core.records import SPEAKER_ROLES
from pipeline.quotes import analyse
from pipeline.quotes.orgs import DEFAULT_PATH, OrgTable, default_table
from pipeline.quotes.roles import assign_roles, describe_speaker, rule_role

ROOT = Path(__file__).resolve().parents[1]
ROLES_DATA = ROOT / "models" / "training_data" / "roles.jsonl"


def with_roles(text: str, language: str, role_clf: object) -> list:
    """The quote stage and the role step, as the annotator runs them."""
    found = analyse(text, language)
    assign_roles([(a.quote, a.mention) for a in found], role_clf)  # type: ignore[arg-type]
    return [a.quote for a in found]


def test_organisation_table_uses_codebook_roles_and_required_bodies() -> None:
    data = tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert {o["role"] for o in data["organisation"]} <= set(SPEAKER_ROLES)
    table = default_table()
    required = {
        "IRCC": "official",
        "CBSA": "enforcement",
        "RCMP": "enforcement",
        "IRB": "legal",
        "DHS": "official",
        "ICE": "enforcement",
        "CBP": "enforcement",
        "UNHCR": "international",
        "IOM": "international",
        "Amnesty International": "advocacy",
        "Canadian Council for Refugees": "advocacy",
        "ACLU": "advocacy",
        "Human Rights Watch": "advocacy",
        "Canadian Bar Association": "legal",
    }
    for alias, role in required.items():
        org = table.lookup(alias)
        assert org is not None, alias
        assert org.role == role, alias


def test_org_matching_is_whole_word_and_case_aware_for_acronyms() -> None:
    table = default_table()
    text = "The ice was thin near the CBSA post, said an officer with the border agency."
    got = [(m.surface, m.org.role) for m in table.find_all(text)]
    assert ("CBSA", "enforcement") in got
    assert all(s != "ice" for s, _ in got)


def test_a_serial_comma_before_the_last_part_of_a_name_still_matches() -> None:
    text = "Immigration, Refugees, and Citizenship Canada said so."
    (m,) = default_table().find_all(text)
    assert (m.surface, m.org.name) == (
        "Immigration, Refugees, and Citizenship Canada",
        "Immigration, Refugees and Citizenship Canada",
    )


def test_the_word_start_filter_finds_what_the_whole_pattern_finds() -> None:
    # find_all tries its alternation only where a word starts with a name's first letters:
    # the matches must be those of the pattern tried everywhere.
    table = default_table()
    names = [a for org in table.organisations for a in (org.name, *org.aliases)]
    text = " ".join(
        f"({name.replace(' ', chr(10) + '  ')}), the {name.upper()}'s x-{name} {name}."
        for name in names
    )
    found = [(m.start, m.end) for m in table.find_all(text)]
    assert table._re is not None
    assert found == [(m.start(), m.end()) for m in table._re.finditer(text)]
    assert len(found) > len(names)


def test_bad_role_in_table_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "orgs.toml"
    bad.write_text('[[organisation]]\nname = "X"\nrole = "villain"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="villain"):
        OrgTable.load(bad)


def test_an_alias_names_one_organisation(tmp_path: Path) -> None:
    bad = tmp_path / "orgs.toml"
    bad.write_text(
        '[[organisation]]\nname = "CBC News"\naliases = ["Reuters"]\nrole = "other"\n'
        '[[organisation]]\nname = "Reuters"\nrole = "other"\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"orgs\.toml: alias 'Reuters' names two organisations"):
        OrgTable.load(bad)


def test_case_variants_of_a_one_word_alias_all_match(tmp_path: Path) -> None:
    path = tmp_path / "orgs.toml"
    path.write_text(
        '[[organisation]]\nname = "Ombudsman"\naliases = ["ombudsman"]\nrole = "official"\n',
        encoding="utf-8",
    )
    table = OrgTable.load(path)
    text = "The Ombudsman wrote to the provincial ombudsman."
    assert [m.surface for m in table.find_all(text)] == ["Ombudsman", "ombudsman"]
    assert table.find_all("OMBUDSMAN") == []  # one-word names match case-sensitively


@pytest.mark.parametrize(
    ("description", "role"),
    [
        ("Jane Okoye, an immigration lawyer in Montreal", "legal"),
        ("Immigration Minister Celeste Marchand", "official"),
        ("a spokesperson for the Canada Border Services Agency", "enforcement"),
        ("Amara Diallo, executive director of the Canadian Council for Refugees", "advocacy"),
        ("Dr. Ingrid Holm, a professor of migration studies", "academic"),
        ("Rep. Dana Whitfield, a Republican from upstate New York", "politician"),
        ("a Haitian mother who crossed at Roxham Road with her two children", "affected"),
        ("Lucía Fernández, a UNHCR representative in Ottawa", "international"),
        ("Local farmer Earl Jennings", "other"),
        ("critics", "unknown"),
        ("Me Chantal Roy", "legal"),
        ("Karen Olsen, porte-parole du Réseau des droits des migrants", "advocacy"),
        ("Prof. Helen Moreau", "academic"),
        ("Rev. Ruth Penner, the church's minister", "advocacy"),
        (
            "Dale Fisk, the former acting director of Immigration and Customs Enforcement "
            "and the president's border appointee",
            "official",
        ),
        ("Nadia Roy, executive director of Legal Aid Manitoba", "legal"),
        ("Owen Blake, a managing partner at a venture capital firm", "other"),
        ("Tess Arnaud, who came on a study permit and claimed asylum two years later", "affected"),
        ("Paul Ames, a longtime critic of the new rules", "other"),
        ("Lina Haddad, national director of the United Steelworkers", "other"),
        ("Peru's President Ana Quispe", "official"),
        ("President Ana Quispe", "official"),
        ("Amnesty International President Ana Quispe", "advocacy"),
        ("Tom Reed, Home Office civil servant", "official"),
        ("Conseil d'État", "legal"),
    ],
)
def test_rule_roles(description: str, role: str) -> None:
    orgs = default_table().find_all(description)
    kind = "group" if description == "critics" else "person"
    assert rule_role(description, orgs, kind)[0] == role


@pytest.mark.parametrize(
    ("description", "role"),
    [
        ("a person familiar with the schedules, who spoke on condition of anonymity", "unknown"),
        ("les juristes", "legal"),
    ],
)
def test_group_rule_roles(description: str, role: str) -> None:
    assert rule_role(description, default_table().find_all(description), "group")[0] == role


def _roles(text: str) -> dict[str | None, str | None]:
    quotes = with_roles(text, "en", None)
    return {q.speaker: q.speaker_role for q in quotes}


def test_role_from_how_the_article_introduces_the_speaker_elsewhere() -> None:
    text = (
        "The director general of the International Organization for Migration, Maren Holt, "
        "toured two reception centres on Tuesday.\n\n"
        '"Safe routes save lives," said Maren Holt.'
    )
    assert _roles(text)["Maren Holt"] == "international"


def test_the_agency_refers_to_the_body_named_before() -> None:
    text = (
        "The Canada Border Services Agency removed more people this year than in any year "
        "since 2015.\n\n"
        '"Removals are a priority," said Yves Caron, the agency\'s regional director.'
    )
    assert _roles(text)["Yves Caron"] == "enforcement"


@dataclass
class FakePrediction:
    label: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)


class FakeClassifier:
    """Stands in for models.classifier.TextClassifier: records its batches."""

    def __init__(self, label: str, score: float) -> None:
        self.label, self.score = label, score
        self.calls: list[list[str]] = []

    def predict(self, texts: list[str], languages: list[str] | None = None) -> list[FakePrediction]:
        self.calls.append(list(texts))
        return [FakePrediction(self.label, self.score, {self.label: self.score}) for _ in texts]


ARTICLE = (
    '"We will keep helping," said Jane Okoye, an immigration lawyer in Montreal. '
    '"Families need it," Okoye said.\n\n'
    "Ahmed Salmi from Nigeria said he has slept outside for three days."
)


def test_assign_roles_without_classifier_uses_rules() -> None:
    quotes = with_roles(ARTICLE, "en", None)
    assert [q.speaker_role for q in quotes[:2]] == ["legal", "legal"]
    assert all(q.speaker_role_score is not None and 0 < q.speaker_role_score <= 1 for q in quotes)


def test_assign_roles_batches_unique_descriptions_and_combines() -> None:
    clf = FakeClassifier("affected", 0.9)
    quotes = with_roles(ARTICLE, "en", clf)
    assert len(clf.calls) == 1  # one batch per article
    assert len(clf.calls[0]) == len(set(clf.calls[0]))  # each description once
    by = {q.speaker: q for q in quotes}
    # A title rule ("an immigration lawyer") is not overruled by a less certain classifier...
    assert by["Jane Okoye"].speaker_role == "legal"
    # ...but a speaker the rules cannot place takes the classifier's label and confidence.
    assert by["Ahmed Salmi"].speaker_role == "affected"
    assert by["Ahmed Salmi"].speaker_role_score == pytest.approx(0.9)
    # Nothing is kept between calls: the same article is classified again, the same way.
    again = with_roles(ARTICLE, "en", clf)
    assert len(clf.calls) == 2
    assert [q.speaker_role for q in again] == [q.speaker_role for q in quotes]


def test_assign_roles_on_empty_list_is_a_no_op() -> None:
    assign_roles([], FakeClassifier("other", 0.5))


def test_unattributed_quote_role_is_unknown() -> None:
    text = 'First paragraph with no people.\n\n"A lone quote with nobody attached to it at all."'
    quotes = with_roles(text, "en", None)
    assert [q.speaker for q in quotes] == [None]
    assert quotes[0].speaker_role == "unknown"


def test_role_training_data_format_and_coverage() -> None:
    rows = [json.loads(line) for line in ROLES_DATA.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 400
    for row in rows:
        assert set(row) >= {"text", "label", "lang"}
        assert row["label"] in SPEAKER_ROLES
        assert row["lang"] in {"en", "fr"}
        assert row["text"].strip()
    for lang in ("en", "fr"):
        assert {r["label"] for r in rows if r["lang"] == lang} == set(SPEAKER_ROLES)
    assert len({r["text"] for r in rows}) == len(rows)


def test_classifier_does_not_overrule_a_cue_for_a_bare_name() -> None:
    text = (
        "Lina Barzani claimed asylum at the airport last spring.\n\n"
        '"We waited for months," said Lina Barzani.'
    )
    quotes = with_roles(text, "en", SureClassifier())
    assert {q.speaker: q.speaker_role for q in quotes}["Lina Barzani"] == "affected"


class SureClassifier(FakeClassifier):
    """Says `other` at 0.99 and leaves `affected` no chance."""

    def __init__(self) -> None:
        super().__init__("other", 0.99)

    def predict(self, texts: list[str], languages: list[str] | None = None) -> list[FakePrediction]:
        return [FakePrediction("other", 0.99, {"other": 0.99, "affected": 0.001}) for _ in texts]


def test_a_name_after_a_clause_is_not_in_apposition_to_it() -> None:
    # "... from ICE, Garcia said": the words before the comma do not describe Garcia.
    text = (
        "Rosa Garcia runs a shelter for newcomers in the city.\n\n"
        "The shelter took in 300 people a week released from ICE, Garcia said.\n\n"
        '"We have run out of beds," Garcia said.'
    )
    assert _roles(text)["Rosa Garcia"] != "enforcement"


def test_a_preposition_governing_a_name_is_no_title() -> None:
    from pipeline.quotes.stage import default_stage

    text = "Selon Philippe Morel, les renvois ont doublé cette année."
    stage = default_stage()
    _, _, _, cands = stage.found(text, "fr")
    (ent,) = [e for e in cands.entities if e.name == "Philippe Morel"]
    assert not any("elon" in t for t in ent.titles)


def test_an_organisation_name_keeps_its_speaker_noun() -> None:
    from pipeline.quotes.stage import default_stage

    text = "Le Conseil d'État a suspendu la décision du gouvernement mercredi."
    _, _, _, cands = default_stage().found(text, "fr")
    assert "Conseil d'État" in [e.name for e in cands.entities]


def test_an_acronym_is_not_a_french_article() -> None:
    from pipeline.quotes.stage import default_stage

    text = "The UN Refugee Agency said it was watching the border closely."
    _, _, _, cands = default_stage().found(text, "en")
    assert [e.name for e in cands.entities] == ["UN Refugee Agency"]
    (q,) = default_stage().analyse(text, "en")
    assert q.mention.org_role == "international"


@pytest.mark.parametrize(
    ("text", "speaker", "words", "role"),
    [
        # "le ministre de X, des Y et de Z, Name": the portfolio list is one title.
        ("Le ministre de l'Agriculture, des Pêches et de l'Alimentation, Luc Ferrand, a "
         "visité la ferme jeudi. « Nous aiderons les familles », a déclaré Luc Ferrand.",
         "Luc Ferrand", "ministre de l'Agriculture", "official"),
        # "Name, tête de liste du parti ...": no article before the role noun.
        ("Sandrine Arnal, tête de liste du parti Horizon Commun aux élections régionales, "
         "a tenu une réunion samedi. « Il faut fermer ce passage », a lancé Sandrine Arnal.",
         "Sandrine Arnal", "tête de liste du parti Horizon Commun", "politician"),
        # A bare role noun the rules do not settle: the classifier reads the apposition.
        ("Marion Léger, coordonnatrice du festival des lanternes, a ouvert la soirée. "
         "« Le public est au rendez-vous », a dit Marion Léger.",
         "Marion Léger", "Marion Léger, coordonnatrice du festival des lanternes", None),
        # No rule settles "une habituée du marché": those words, not the bare name, are the
        # classifier's input.
        ("Marion Léger, une habituée du marché de Noël, a ouvert la soirée. "
         "« Le public est au rendez-vous », a dit Marion Léger.",
         "Marion Léger", "Marion Léger, une habituée du marché de Noël", None),
    ],
)  # fmt: skip
def test_how_another_mention_introduces_a_speaker_reaches_the_role_step(
    text: str, speaker: str, words: str, role: str | None
) -> None:
    mention = describe_speaker(text, speaker, "person")
    assert words in mention.description
    if role is not None:
        assert mention.rule_role == role
    else:
        assert mention.description == words
