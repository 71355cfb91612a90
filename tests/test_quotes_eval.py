"""Quote evaluation: matching rules, scores, gold loading errors and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli.quotes import quotes_app
from pipeline.core.gold import GoldArticle, GoldError, GoldQuote, load_gold
from pipeline.core.records import Quote
from pipeline.evaluation.quotes import (
    evaluate,
    macro_f1,
    same_speaker,
    summary,
)

ROOT = Path(__file__).resolve().parents[1]
TEAM_GOLD = ROOT / "tests" / "data" / "quotes_gold.jsonl"

TEXT = 'Intro line.\n\n"We will rebuild the system from the ground up," said Jane Okoye.'


def gold_article(quote_text: str = "We will rebuild the system from the ground up") -> GoldArticle:
    start = TEXT.index(quote_text)
    q = GoldQuote(
        quote_text, "direct", "Jane Okoye", "official", None, start, start + len(quote_text)
    )
    return GoldArticle("a1", TEXT, "en", [q])


def pred(start: int, end: int, speaker: str | None = "Jane Okoye", role: str = "official") -> Quote:
    return Quote("a1", 0, TEXT[start:end], "direct", speaker, role, char_start=start, char_end=end)


def test_found_needs_80_percent_coverage() -> None:
    art = gold_article()
    g = art.quotes[0]
    n = g.end - g.start
    covered = evaluate([art], lambda a: [pred(g.start, g.start + int(n * 0.85))])
    assert covered.by_type["direct"].found == 1
    short = evaluate([art], lambda a: [pred(g.start, g.start + int(n * 0.6))])
    assert short.by_type["direct"].found == 0
    # A partial prediction still overlaps the gold quote, so it is not a false positive.
    assert short.by_type["direct"].correct == 1


def test_quote_marks_and_spaces_do_not_count_towards_coverage() -> None:
    art = gold_article()
    g = art.quotes[0]
    # Including the marks and the comma around the quote changes nothing.
    res = evaluate([art], lambda a: [pred(g.start - 1, g.end + 2)])
    assert res.by_type["direct"].found == 1
    assert res.by_type["direct"].precision == 1.0


def test_types_are_scored_separately_and_false_positives_counted() -> None:
    art = gold_article()
    g = art.quotes[0]
    indirect = Quote("a1", 1, TEXT[0:10], "indirect", "X", char_start=0, char_end=10)
    res = evaluate([art], lambda a: [pred(g.start, g.end), indirect])
    assert res.by_type["direct"].f1 == 1.0
    assert res.by_type["indirect"].predicted == 1
    assert res.by_type["indirect"].precision == 0.0


def test_speaker_and_role_scoring() -> None:
    art = gold_article()
    g = art.quotes[0]
    right = evaluate([art], lambda a: [pred(g.start, g.end, "Okoye", "legal")])
    assert right.speaker_accuracy == 1.0
    assert right.role_pairs == [("official", "legal")]
    assert right.role_accuracy == 0.0
    wrong = evaluate([art], lambda a: [pred(g.start, g.end, "John Roe")])
    assert wrong.speaker_accuracy == 0.0
    assert wrong.role_pairs == []  # roles only where the speaker is right


@pytest.mark.parametrize(
    ("gold", "predicted", "same"),
    [
        ("Matthew Krupovich", "Krupovich", True),
        ("Lena Metlege Diab", "Lena Diab", True),
        ("Canada Border Services Agency", "CBSA", True),
        ("l’ASFC", "Agence des services frontaliers du Canada", True),
        ("l'Ofpra", "Office français de protection des réfugiés et apatrides", True),
        ("Jane Okoye", "John Okoye", False),
        ("unknown", None, True),
        ("Jane Okoye", None, False),
        ("City of Toronto", "the city", False),
    ],
)
def test_same_speaker(gold: str, predicted: str | None, same: bool) -> None:
    assert same_speaker(gold, predicted) is same


def test_macro_f1() -> None:
    assert macro_f1([("a", "a"), ("b", "b")]) == 1.0
    assert macro_f1([("a", "b"), ("b", "a")]) == 0.0


def test_team_gold_set_is_valid_and_scores() -> None:
    articles = load_gold(TEAM_GOLD)
    assert len(articles) >= 15
    assert {a.language for a in articles} == {"en", "fr"}
    res = summary(evaluate(articles))
    assert res["direct"]["f1"] > 0.9
    assert res["indirect"]["f1"] > 0.8
    # The team's set is invented text the stage was never trained on (the ranker learns from
    # the corpus's train part); docs/evaluation.md reports the figure.
    assert res["speaker_accuracy"] > 0.85


def test_bad_json_line_names_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "gold.jsonl"
    f.write_text('{"id": "a", "text": "x", "quotes": []}\n{not json\n', encoding="utf-8")
    with pytest.raises(GoldError, match=r"gold\.jsonl:2"):
        load_gold(f)


def test_quote_not_in_text_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "gold.jsonl"
    line = {"id": "a", "text": "Hello there.", "quotes": [{"text": "Bye", "quote_type": "direct"}]}
    f.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match="not found"):
        load_gold(f)


def test_markdown_directory(tmp_path: Path) -> None:
    body = '"We need help now," said Jane Okoye.'
    md = (
        '+++\ntitle = "T"\nlanguage = "en"\n\n[[quotes]]\ntext = "We need help now"\n'
        'quote_type = "direct"\nspeaker = "Jane Okoye"\nspeaker_role = "advocacy"\n+++\n\n'
        + body
        + "\n"
    )
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(md, encoding="utf-8")
    arts = load_gold(tmp_path)
    assert arts[0].text == body
    assert summary(evaluate(arts))["direct"]["recall"] == 1.0


def test_cli_prints_tables() -> None:
    r = CliRunner().invoke(quotes_app, ["--gold", str(TEAM_GOLD), "--no-classifier"])
    assert r.exit_code == 0, r.output
    assert "direct" in r.output and "indirect" in r.output
    assert "speaker accuracy" in r.output and "role macro-F1" in r.output


def test_cli_json() -> None:
    r = CliRunner().invoke(quotes_app, ["--gold", str(TEAM_GOLD), "--no-classifier", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert set(out) >= {"direct", "indirect", "speaker_accuracy", "role_macro_f1", "confusion"}


def test_cli_json_keeps_the_errors_inside_one_document() -> None:
    args = ["--gold", str(TEAM_GOLD), "--no-classifier", "--json", "--errors", "3"]
    r = CliRunner().invoke(quotes_app, args)
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert 0 < len(out["errors"]) <= 3
    assert {"article", "kind", "type"} <= set(out["errors"][0])


@pytest.mark.parametrize("content", [None, '{"id": 1, "text": "x"}\n[oops\n'])
def test_cli_user_errors_exit_2_without_traceback(tmp_path: Path, content: str | None) -> None:
    f = tmp_path / "gold.jsonl"
    if content is not None:
        f.write_text(content, encoding="utf-8")
    r = CliRunner().invoke(quotes_app, ["--gold", str(f), "--no-classifier"])
    assert r.exit_code == 2
    assert "gold.jsonl" in r.output
    assert "Traceback" not in r.output
    if content is not None:
        assert ":2" in r.output
