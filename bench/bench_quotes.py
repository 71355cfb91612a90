"""Throughput of the quote stage on one CPU core: spaCy parse, quotes, speakers, roles.

    .venv/bin/python bench/bench_quotes.py                       # team gold set + demo site
    .venv/bin/python bench/bench_quotes.py --gold ../shared/devset/devset.jsonl --repeat 3
    .venv/bin/python bench/bench_quotes.py --no-classifier       # rules and table only
    .venv/bin/python bench/bench_quotes.py --large-kb 500        # one very long article
    .venv/bin/python bench/bench_quotes.py --gold data/corpus/news.jsonl --repeat 1 --baseline

Reports articles/s and quotes/s for extraction alone and for the whole stage (extraction and
the role classifier, one batch per article). The process is pinned to one core, torch and
numpy's BLAS to one thread. The classifier is loaded (and trained if needed) before timing
starts.

``--baseline`` times, in the same process and on the same articles, the stage with spaCy's
own code paths (``load_pipeline(lang, tuned=False)``) and long texts analysed whole, and the
stage as shipped (tuned: ``pipeline/quotes/nlp_speed.py``; texts over 20,000 characters in
parts, ``pipeline.quotes.stage.split_parts``), ``--rounds`` times each, alternating, and prints both
with their ratio; each variant's best round counts. ``*_cpu_*`` figures divide by the
process's CPU time, which other people's work on the machine disturbs less than wall time.
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
from pipeline.quotes.nlp import load_pipeline  # noqa: E402
from pipeline.quotes.roles import assign_roles  # noqa: E402
from pipeline.quotes.stage import MAX_CHARS  # noqa: E402

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
        # numpy's OpenBLAS started with one thread per core before the process was pinned.
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass
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
    batched_cpu = 0.0
    batched_roles_s = 0.0
    for _ in range(repeat):
        for i in range(0, len(articles), batch):
            chunk = articles[i : i + batch]
            t0 = time.perf_counter()
            c0 = time.process_time()
            found = stage.analyse_many([(a.text, a.language, a.id) for a in chunk], batch)
            pairs = [(f.quote, f.mention) for fs in found for f in fs]
            t1 = time.perf_counter()
            assign_roles(pairs, clf)
            batched_roles_s += time.perf_counter() - t1
            batched_s += time.perf_counter() - t0
            batched_cpu += time.process_time() - c0
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
        "batched_stage_cpu_articles_per_s": round(n / batched_cpu, 1) if batched_cpu else 0.0,
        "batched_extract_seconds": round(batched_s - batched_roles_s, 3),
        "batched_roles_seconds": round(batched_roles_s, 3),
        "slowest_article_seconds": round(slowest, 3),
    }


_RATES = {
    "extract_articles_per_s",
    "stage_articles_per_s",
    "stage_quotes_per_s",
    "batched_stage_articles_per_s",
    "batched_stage_quotes_per_s",
    "batched_stage_cpu_articles_per_s",
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
    c0 = time.process_time()
    quotes = stage.analyse(text, "en")
    return {
        "chars": len(text),
        "quotes": len(quotes),
        "seconds": round(time.perf_counter() - t0, 2),
        "cpu_seconds": round(time.process_time() - c0, 2),
    }


def plain_stage(languages: set[str]) -> QuoteStage:
    """The stage as it was: spaCy's own code paths (the pipelines before ``nlp_speed.tune``)
    and a long text analysed as one document (no ``split_parts``)."""
    stage = QuoteStage.load()
    stage.part_chars = MAX_CHARS
    for lang in languages:
        stage.pipelines[lang] = load_pipeline(lang, tuned=False)
    return stage


def compare(
    variants: dict[str, QuoteStage], rounds: int, timed: Any, higher_is_better: set[str]
) -> dict[str, dict[str, Any]]:
    """Each variant timed ``rounds`` times, alternating; each figure its best round."""
    best: dict[str, dict[str, Any]] = {}
    for r in range(rounds):
        for name, stage in variants.items():
            res = timed(stage)
            print(f"round {r + 1} {name}: {json.dumps(res)}", file=sys.stderr, flush=True)
            if name not in best:
                best[name] = dict(res)
                continue
            for k, v in res.items():
                if isinstance(v, (int, float)) and k not in {"articles", "quotes", "chars"}:
                    better = max if k in higher_is_better else min
                    best[name][k] = better(best[name][k], v)
    return best


def print_comparison(best: dict[str, dict[str, Any]], as_json: bool) -> None:
    plain, tuned = best["plain"], best["tuned"]
    if as_json:
        print(json.dumps({"plain": plain, "tuned": tuned}, indent=2))
        return
    print(f"{'measure':34} {'plain':>10} {'tuned':>10} {'ratio':>7}")
    for k, v in tuned.items():
        if not isinstance(v, (int, float)):
            print(f"{k:34} {plain[k]!s:>10} {v!s:>10}")
            continue
        ratio = ""
        if k not in {"articles", "quotes", "chars"} and plain[k] and v:
            r = v / plain[k] if k.endswith("_per_s") else plain[k] / v
            ratio = f"{r:.2f}x"
        print(f"{k:34} {plain[k]!s:>10} {v!s:>10} {ratio:>7}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--gold", type=Path, action="append", help="gold JSONL or .md folder")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--classifier", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--batch", type=int, default=32, help="articles per batched classifier call")
    ap.add_argument("--large-kb", type=int, help="time one synthetic article of this size")
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--baseline",
        action="store_true",
        help="time spaCy's own code paths too, in the same run, and print the ratio",
    )
    ap.add_argument("--rounds", type=int, default=1, help="alternating rounds with --baseline")
    args = ap.parse_args(argv)
    where = pin_one_core()
    stage = QuoteStage.load()
    if args.large_kb and args.baseline:
        variants = {"plain": plain_stage({"en"}), "tuned": stage}
        best = compare(variants, args.rounds, lambda st: run_large(st, args.large_kb), set())
        print_comparison(best, args.json)
        return 0
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
    if args.baseline:
        plain = plain_stage({(a.language or "en")[:2] for a in warm})
        run(plain, warm, 1, clf)
        best = compare(
            {"plain": plain, "tuned": stage},
            args.rounds,
            lambda st: run(st, articles, args.repeat, clf, args.batch),
            _RATES,
        )
        for b in best.values():
            b["cpu"] = where
            b["role_classifier"] = clf_name
        print_comparison(best, args.json)
        return 0
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
