"""Throughput of the quote stage on one CPU core: spaCy parse, quotes, speakers, roles.

    .venv/bin/python bench/bench_quotes.py                       # team gold set + demo site
    .venv/bin/python bench/bench_quotes.py --gold ../shared/devset/devset.jsonl --repeat 3
    .venv/bin/python bench/bench_quotes.py --no-classifier       # rules and table only
    .venv/bin/python bench/bench_quotes.py --large-kb 500        # one very long article

Reports articles/s and quotes/s for extraction alone and for the whole stage (extraction and
the role classifier, one batch per article). The process is pinned to one core and torch to
one thread. The classifier is loaded (and trained if needed) before timing starts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.core.gold import GoldArticle, load_gold  # noqa: E402
from pipeline.quotes import QuoteStage  # noqa: E402
from pipeline.quotes.roles import assign_roles  # noqa: E402

DEFAULT_INPUTS = [
    ROOT / "tests" / "data" / "quotes_gold.jsonl",
    ROOT / "data" / "demo_site" / "content",
]


def pin_one_core() -> str:
    """Restrict this process to one CPU and torch to one thread."""
    try:
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        where = f"core {core}"
    except (AttributeError, OSError):
        where = "unpinned"
    os.environ["OMP_NUM_THREADS"] = "1"
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    return where


def load_articles(paths: list[Path]) -> list[GoldArticle]:
    out: list[GoldArticle] = []
    for p in paths:
        if p.exists():
            out.extend(load_gold(p))
    return out


def run(
    stage: QuoteStage,
    articles: list[GoldArticle],
    repeat: int,
    clf: Any | None,
    batch: int = 32,
) -> dict[str, float]:
    quotes = 0
    extract_s = 0.0
    roles_s = 0.0
    slowest = 0.0
    for _ in range(repeat):
        for a in articles:
            t0 = time.perf_counter()
            found = stage.analyse(a.text, a.language, a.id)
            t1 = time.perf_counter()
            assign_roles([(f.quote, f.mention) for f in found], clf)
            t2 = time.perf_counter()
            extract_s += t1 - t0
            roles_s += t2 - t1
            slowest = max(slowest, t2 - t0)
            quotes += len(found)
    # The same in batches: each batch's articles parsed together (QuoteStage.analyse_many)
    # and the role classifier called once per batch (the annotate stage batches the
    # classifier this way but still parses one article at a time).
    batched_s = 0.0
    for _ in range(repeat):
        for i in range(0, len(articles), batch):
            chunk = articles[i : i + batch]
            t0 = time.perf_counter()
            found = stage.analyse_many([(a.text, a.language, a.id) for a in chunk], batch)
            pairs = [(f.quote, f.mention) for fs in found for f in fs]
            assign_roles(pairs, clf)
            batched_s += time.perf_counter() - t0
    n = len(articles) * repeat
    total = extract_s + roles_s
    return {
        "articles": n,
        "quotes": quotes,
        "chars": sum(len(a.text) for a in articles) * repeat,
        "extract_seconds": round(extract_s, 3),
        "roles_seconds": round(roles_s, 3),
        "extract_articles_per_s": round(n / extract_s, 1) if extract_s else 0.0,
        "stage_articles_per_s": round(n / total, 1) if total else 0.0,
        "stage_quotes_per_s": round(quotes / total, 1) if total else 0.0,
        "batched_stage_articles_per_s": round(n / batched_s, 1) if batched_s else 0.0,
        "batched_stage_quotes_per_s": round(quotes / batched_s, 1) if batched_s else 0.0,
        "slowest_article_seconds": round(slowest, 3),
    }


LARGE_PARAGRAPH = (
    '"We need more officers at the border," said Jane Okoye, a union leader. '
    'The agency said it would hire 200 staff. Scare "quotes" and apostrophes\' abound.\n\n'
    '"It will take years," she said. The minister said the plan would work.\n\n'
)


def run_large(stage: QuoteStage, kb: int) -> dict[str, float]:
    """Extraction time of one article of ``kb`` kilobytes (the pathological-input check)."""
    text = LARGE_PARAGRAPH * (kb * 1000 // len(LARGE_PARAGRAPH) + 1)
    stage.analyse("Warm-up.", "en")
    t0 = time.perf_counter()
    quotes = stage.analyse(text, "en")
    return {
        "chars": len(text),
        "quotes": len(quotes),
        "seconds": round(time.perf_counter() - t0, 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--gold", type=Path, action="append", help="gold JSONL or .md folder")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--classifier", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--batch", type=int, default=32, help="articles per batched classifier call")
    ap.add_argument("--large-kb", type=int, help="time one synthetic article of this size")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    where = pin_one_core()
    stage = QuoteStage.load()
    if args.large_kb:
        res_large: dict[str, Any] = {**run_large(stage, args.large_kb), "cpu": where}
        print(json.dumps(res_large) if args.json else res_large)
        return 0
    articles = load_articles(args.gold or DEFAULT_INPUTS)
    if not articles:
        print("no articles to benchmark", file=sys.stderr)
        return 2
    clf = None
    clf_name = "none (rules and organisation table)"
    if args.classifier:
        from models.classifier import TextClassifier
        from models.config import load_model_config

        clf = TextClassifier.load("role", load_model_config())
        clf_name = clf.version
    # Warm-up: every language's spaCy pipeline (loaded once per process, not per article) and
    # the first torch call.
    warm = list({(a.language or "en")[:2]: a for a in reversed(articles)}.values())
    run(stage, warm, 1, clf)
    res: dict[str, Any] = run(stage, articles, args.repeat, clf, args.batch)
    res["cpu"] = where
    res["role_classifier"] = clf_name
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        for k, v in res.items():
            print(f"{k:24} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
