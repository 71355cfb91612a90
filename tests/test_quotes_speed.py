"""The quote stage's faster parse gives what spaCy's own code paths give.

``pipeline.quotes.nlp_speed.tune`` changes how the pipelines compute (numpy's matrix products,
the lemmatizer's index as sets, the attribute ruler's matches remembered per kind of token);
these tests compare every token's annotations and the stage's results with and without it on
invented text. Long texts are analysed in parts (``split_parts``): offsets stay those of the
whole text and ``analyse_many`` still gives what ``analyse`` gives.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from pipeline.quotes import QuoteStage
from pipeline.quotes.nlp import load_pipeline
from pipeline.quotes.stage import split_parts

EN = (
    "REGINA — Immigration Minister Marc Miller said Tuesday that the cap would stay.\n\n"
    '"We are not going to change course," Miller told reporters. "It\'s gonna take time, '
    "and I ain't sorry.\" He said the agency, which he called “overwhelmed”, needed staff.\n\n"
    "According to the Canadian Council for Refugees, nobody was consulted. Critics say "
    "that's wrong; they'd rather see the money spent on legal aid. Y'all know it, "
    "said Jane Okoye, a union leader in Toronto.\n\n"
    "The report says 4,000 claims wait. She added: “Let's be honest about it.” Its authors "
    "and themselves disagree; I told them so, and you and it and she and her, us and we, "
    "were there. Something's got to give, somebody said. Anyone can see it.\n"
)
FR = (
    "PARIS — La ministre de l'Intérieur a déclaré mardi que les demandeurs d'asile "
    "seraient accueillis.\n\n"
    "« Nous ne changerons pas de cap », a-t-elle dit. « C'est une question de dignité, "
    "affirme Mme Lina Dubé. Les lits manquent. »\n\n"
    "Selon la Cimade, personne n'a été consulté. Pour Jean Bonheur, la situation est "
    "explosive : « Il faut agir vite. » Les associations assurent être prêtes, a ajouté "
    "le préfet du Pas-de-Calais.\n"
)


@cache
def _pipelines() -> dict[tuple[str, bool], Any]:
    return {(lang, tuned): load_pipeline(lang, tuned) for lang in ("en", "fr") for tuned in (0, 1)}


def _annotations(doc: Any) -> list[tuple[Any, ...]]:
    return [
        (
            t.text,
            t.tag_,
            t.pos_,
            str(t.morph),
            t.lemma_,
            t.dep_,
            t.head.i,
            t.ent_iob_,
            t.ent_type_,
            t.is_sent_start,
        )
        for t in doc
    ]


@pytest.mark.parametrize(("lang", "text"), [("en", EN), ("fr", FR)])
def test_tuned_pipeline_annotates_every_token_alike(lang: str, text: str) -> None:
    plain, tuned = _pipelines()[(lang, 0)], _pipelines()[(lang, 1)]
    for t in (text, text.upper(), text.replace("\n\n", "\n")):
        assert _annotations(tuned(t)) == _annotations(plain(t))
    # Batched as the stage batches, twice (the second pass answers from the ruler's memory).
    texts = [text, text[: len(text) // 2], text.lower()]
    for _ in range(2):
        got = [_annotations(d) for d in tuned.pipe(texts, batch_size=2)]
        assert got == [_annotations(d) for d in plain.pipe(texts, batch_size=2)]


def _stage(tuned: bool) -> QuoteStage:
    stage = QuoteStage.load()
    for lang in ("en", "fr"):
        stage.pipelines[lang] = _pipelines()[(lang, int(tuned))]
    return stage


def _rows(found: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (
            a.quote.char_start,
            a.quote.char_end,
            a.quote.quote_type,
            a.quote.speaker,
            a.quote.speaker_kind,
            a.quote.speaker_org,
            a.quote.speaker_role,
            a.mention.description,
        )
        for a in found
    ]


def test_tuned_stage_attributes_alike() -> None:
    plain, tuned = _stage(False), _stage(True)
    for text, lang in ((EN, "en"), (FR, "fr")):
        want = _rows(plain.analyse(text, lang))
        assert want  # the texts do carry attributed quotes
        assert _rows(tuned.analyse(text, lang)) == want
    many = tuned.analyse_many([(EN, "en", "a"), (FR, "fr", "b")])
    assert [_rows(m) for m in many] == [
        _rows(plain.analyse(EN, "en")),
        _rows(plain.analyse(FR, "fr")),
    ]


def test_split_parts_cuts_at_paragraphs_and_covers_the_text() -> None:
    text = ("A paragraph of some length about the border. " * 5 + "\n\n") * 40
    parts = split_parts(text, 1000)
    assert "".join(p for _, p in parts) == text
    assert all(text[o : o + len(p)] == p for o, p in parts)
    assert all(len(p) <= 1000 and p.endswith("\n\n") for _, p in parts[:-1])
    assert split_parts("short", 1000) == [(0, "short")]
    # No break at all in reach: cut at the limit.
    assert [len(p) for _, p in split_parts("x" * 2500, 1000)] == [1000, 1000, 500]


def test_long_text_in_parts_keeps_offsets_and_order() -> None:
    stage = _stage(True)
    para = (
        '"We need more officers at the border," said Jane Okoye, a union leader.\n\n'
        '"It will take years," she said. The minister said the plan would work.\n\n'
    )
    text = para * 30
    stage.part_chars = 1000
    found = stage.analyse(text, "en", "long")
    assert len(found) >= 60
    for i, a in enumerate(found):
        assert a.quote.quote_index == i
        assert text[a.quote.char_start : a.quote.char_end] == a.quote.text
    assert [a.quote.char_start for a in found] == sorted(a.quote.char_start for a in found)
    many = stage.analyse_many([(para, "en", "short"), (text, "en", "long")])
    assert _rows(many[1]) == _rows(found)
    assert _rows(many[0]) == _rows(stage.analyse(para, "en"))


def test_tune_applies_only_to_the_checked_releases(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from pipeline.quotes import nlp_speed

    assert nlp_speed.checked_releases() is None  # the locked spaCy and thinc: the tests above
    tuned = _pipelines()[("en", 1)]  # compare a tuned pipeline, not spaCy's twice
    assert isinstance(tuned.get_pipe("attribute_ruler").match, nlp_speed.RulerMatches)
    monkeypatch.setitem(nlp_speed.CHECKED, "spacy", "9.9")
    assert "spacy" in (nlp_speed.checked_releases() or "")
    plain = load_pipeline("en", tuned=False)
    with caplog.at_level("WARNING"):
        assert nlp_speed.tune(plain) is plain
    assert not isinstance(plain.get_pipe("attribute_ruler").match, nlp_speed.RulerMatches)
    assert "left untuned" in caplog.text
