"""The real-news corpus (data/corpus/news.jsonl): labels, exclusion, split, sizes, agreement."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline import corpus
from pipeline.core.gold import SPLITS, gold_articles, load_gold
from pipeline.core.records import QUOTE_TYPES, SPEAKER_ROLES, STANCES

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "data" / "corpus" / "news.jsonl"
EXCLUSION = ROOT.parent / "shared" / "tools" / "exclusion_check.py"


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return corpus.read_rows([NEWS])


@pytest.fixture(scope="module")
def extension_rows() -> list[dict]:
    return corpus.read_rows(sorted(corpus.EXTENSIONS_DIR.glob("*.jsonl")))


def _checker():
    spec = importlib.util.spec_from_file_location(
        "check_batch", ROOT / "data" / "corpus" / "check_batch.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_row_uses_the_codebooks_label_names(rows: list[dict]) -> None:
    checker = _checker()
    assert set(SPEAKER_ROLES) == checker.ROLES
    assert set(STANCES) == checker.STANCES and set(QUOTE_TYPES) == checker.QUOTE_TYPES
    problems = [e for i, r in enumerate(rows, 1) for e in checker.check_item(r, f"news:{i}")]
    assert problems == []
    assert all(r["split"] in SPLITS for r in rows)


def test_the_train_only_extensions_are_clean_batches(extension_rows: list[dict]) -> None:
    checker = _checker()
    problems = [e for i, r in enumerate(extension_rows, 1) for e in checker.check_item(r, f"x:{i}")]
    assert extension_rows and problems == []
    assert {corpus.batch_of(r["id"]) for r in extension_rows} == corpus.TRAIN_ONLY_BATCHES


def test_the_gold_loader_reads_every_part(rows: list[dict]) -> None:
    parts = {split: load_gold(NEWS, split) for split in SPLITS}
    assert sum(len(p) for p in parts.values()) == len(rows)
    for articles in parts.values():
        assert all(q.start >= 0 and q.quote_type in QUOTE_TYPES for a in articles for q in a.quotes)


@pytest.mark.skipif(not EXCLUSION.exists(), reason="../shared/tools/exclusion_check.py is absent")
def test_no_row_overlaps_the_evaluation_sets(rows: list[dict], extension_rows: list[dict]) -> None:
    sys.path.insert(0, str(EXCLUSION.parent))
    try:
        from exclusion_check import overlaps
    finally:
        sys.path.pop(0)
    hits = {r["id"]: overlaps(r["url"], f"{r['title']} {r['text']}") for r in rows + extension_rows}
    assert {k: v for k, v in hits.items() if v} == {}


def test_the_split_keeps_each_outlet_and_story_in_one_part(rows: list[dict]) -> None:
    assert corpus.assign_splits(rows) == {r["id"]: r["split"] for r in rows}  # reproducible
    for key in (lambda r: corpus.outlet_key(r["outlet"]), lambda r: corpus.site_key(r["url"])):
        parts: dict[str, set[str]] = {}
        for r in rows:
            parts.setdefault(key(r), set()).add(r["split"])
        assert all(len(p) == 1 for p in parts.values())
    extension = [r for r in rows if corpus.batch_of(r["id"]) in corpus.TRAIN_ONLY_BATCHES]
    assert all(r["split"] == "train" for r in extension)
    base = [r for r in rows if r not in extension]
    for lang in ("en", "fr"):
        sizes = Counter(r["split"] for r in base if r["language"] == lang)
        total = sum(sizes.values())
        assert 0.62 < sizes["train"] / total < 0.78
        assert 0.10 < sizes["validation"] / total < 0.20 and 0.10 < sizes["test"] / total < 0.20


def test_the_corpus_meets_the_sizes_it_was_built_for(rows: list[dict]) -> None:
    stats = corpus.stats(rows)
    assert stats["excerpts"] >= 400 and stats["outlet_groups"] >= 60
    assert stats["quotes"] >= 2500
    assert stats["by_language"]["fr"]["excerpts"] >= 100
    assert stats["by_language"]["fr"]["quotes"] >= 500
    assert sum(1 for r in rows if not r["relevant"]) >= 80
    relevant = sum(stats["article_stance"].values())
    assert all(stats["article_stance"][s] >= 0.2 * relevant for s in STANCES)


def test_splits_follow_groups_of_shared_outlets_sites_and_sentences() -> None:
    wire = "The minister said the border would stay open to people seeking refuge this winter."
    made = [
        {"id": "a-1", "outlet": "Daily One", "url": "https://one.example/x", "language": "en",
         "text": wire},
        {"id": "a-2", "outlet": "Other Site", "url": "https://two.example/y", "language": "en",
         "text": "Intro. " + wire},
        {"id": "a-3", "outlet": "The Daily One", "url": "https://three.example/z",
         "language": "en", "text": "Something else entirely happened in the city today."},
        {"id": "a-4", "outlet": "Fourth", "url": "https://www.one.example/w", "language": "en",
         "text": "Short."},
    ]  # fmt: skip
    groups = corpus.outlet_groups(made)
    assert len(set(groups.values())) == 1  # sentence, outlet name and site each join one more


def test_train_only_batches_add_rows_without_moving_any() -> None:
    first = [
        {"id": f"b{k}-1", "outlet": f"Outlet {k}", "url": f"https://site{k}.example/a",
         "language": "en", "text": f"Story number {k} about the border."}
        for k in range(40)
    ]  # fmt: skip
    before = corpus.assign_splits(first)
    held = next(r for r in first if before[r["id"]] == "test")
    batch = sorted(corpus.TRAIN_ONLY_BATCHES)[0]
    added = [
        {"id": f"{batch}-001", "outlet": "A New Outlet", "url": "https://new.example/b",
         "language": "en", "text": "A story from an outlet the corpus never had."},
        {"id": f"{batch}-002", "outlet": held["outlet"], "url": "https://other.example/c",
         "language": "en", "text": "Another story, from an outlet of the test part."},
    ]  # fmt: skip
    after = corpus.assign_splits(first + added)
    assert {k: after[k] for k in before} == before  # nothing earlier moved
    assert after[f"{batch}-001"] == after[f"{batch}-002"] == "train"
    assert corpus.held_out_conflicts(first + added, after) == {f"{batch}-002"}


@pytest.mark.skipif(not EXCLUSION.exists(), reason="../shared/tools/exclusion_check.py is absent")
def test_train_only_rows_are_the_extension_rows_a_build_keeps(tmp_path: Path) -> None:
    first = [
        {"id": f"b{k}-1", "outlet": f"Outlet {k}", "url": f"https://site{k}.example/a",
         "language": "en", "text": f"Story number {k} about the border.", "quotes": []}
        for k in range(40)
    ]  # fmt: skip
    held = next(r for r in first if corpus.assign_splits(first)[r["id"]] == "validation")
    batch = sorted(corpus.TRAIN_ONLY_BATCHES)[0]
    added = [
        {"id": f"{batch}-001", "outlet": "A New Outlet", "url": "https://new.example/b",
         "language": "en", "text": "A story from an outlet the corpus never had.", "quotes": []},
        {"id": f"{batch}-002", "outlet": held["outlet"], "url": "https://other.example/c",
         "language": "en", "text": "Another story, from a validation outlet.", "quotes": []},
    ]  # fmt: skip
    corpus.write_rows(first, tmp_path / "base.jsonl")
    corpus.write_rows(added, tmp_path / "ext.jsonl")
    kept = corpus.train_only_rows([tmp_path / "base.jsonl"], [tmp_path / "ext.jsonl"])
    assert [(r["id"], r["split"]) for r in kept] == [(f"{batch}-001", "train")]
    (article,) = gold_articles(kept, tmp_path / "ext.jsonl")
    assert article.split == "train" and article.outlet == "A New Outlet"


@pytest.mark.skipif(not EXCLUSION.exists(), reason="../shared/tools/exclusion_check.py is absent")
def test_extension_articles_are_train_articles_of_the_committed_batches() -> None:
    articles = corpus.extension_articles()
    ids = {row["id"] for row in corpus.read_rows(sorted(corpus.EXTENSIONS_DIR.glob("*.jsonl")))}
    assert articles and {a.split for a in articles} == {"train"}
    assert {a.id for a in articles} <= ids


def test_cohen_kappa_and_quote_pairing() -> None:
    assert corpus.cohen_kappa([("a", "a"), ("b", "b")]) == 1.0
    assert corpus.cohen_kappa([("a", "b"), ("b", "a")]) == -1.0
    assert corpus.cohen_kappa([]) is None
    text = "“We will act,” said Ann Lee. Critics said the plan would fail."
    q = {"quote_type": "direct", "speaker": "Ann Lee", "speaker_role": "official",
         "speaker_org": "", "stance": "restrictive", "confident": True}  # fmt: skip
    first = {
        "id": "x",
        "text": text,
        "relevant": True,
        "article_stance": "neutral",
        "quotes": [
            dict(q, text="We will act"),
            dict(
                q,
                text="the plan would fail",
                quote_type="indirect",
                speaker="critics",
                speaker_role="unknown",
                stance="protective",
            ),
        ],
    }
    second = {
        "id": "x",
        "text": text,
        "relevant": True,
        "article_stance": "restrictive",
        "quotes": [dict(q, text="We will act,", speaker="Lee", stance="neutral")],
    }
    # fmt: skip
    res = corpus.agreement([first], [second])
    assert (res.quotes_a, res.quotes_b, res.matched) == (2, 1, 1)
    assert res.speaker == 1.0  # "Lee" names "Ann Lee"
    kinds = Counter(d["what"] for d in res.disagreements)
    assert kinds == {"article_stance": 1, "stance": 1, "only_a": 1}


def test_the_agreement_files_are_a_blind_second_annotation_of_corpus_rows(rows: list[dict]) -> None:
    folder = ROOT / "data" / "corpus" / "agreement"
    by_id = {r["id"]: r for r in rows}
    second = corpus.read_rows(sorted(folder.glob("second_*.jsonl")))
    # The sample was drawn from the first batches; train-only extensions were annotated once.
    sampled = [r for r in rows if corpus.batch_of(r["id"]) not in corpus.TRAIN_ONLY_BATCHES]
    assert len(second) >= 0.15 * len(sampled)
    for row in second:
        assert row["annotator"].startswith("second_")
        first = by_id[row["id"]]
        assert row["text"] == first["text"] and row["annotator"] != first.get("annotator")
    summary = json.loads((folder / "agreement.json").read_text(encoding="utf-8"))
    assert summary["excerpts"] == len(second)


def test_the_corpus_command_refuses_an_unknown_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert corpus.main(["build", "--extension"]) == 2  # a typo must not build without them
    assert "unknown option --extension" in capsys.readouterr().err


def test_a_build_without_the_exclusion_tool_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(corpus, "SHARED_DIR", tmp_path)  # no tools/exclusion_check.py here
    before = NEWS.read_bytes()
    assert corpus.main(["build"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "exclusion_check.py: not found" in err
    assert NEWS.read_bytes() == before  # nothing written
