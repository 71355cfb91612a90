"""The organisation table's search (``OrgTable.find_all``): tried at every character against
tried only at word starts whose first letters begin a name, on the same texts.

    .venv/bin/python bench/bench_orgs.py                 # corpus, its batches, team gold set
    .venv/bin/python bench/bench_orgs.py --repeat 5 --json

Both ways must find the same matches (the bench exits 1 if any text differs); it prints the
seconds each took, best of ``--repeat``, and the matches found.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.core.gold import load_gold  # noqa: E402
from pipeline.quotes.orgs import _matches, default_table  # noqa: E402

DEFAULT_INPUTS = [
    ROOT / "data" / "corpus" / "news.jsonl",
    *sorted((ROOT / "data" / "corpus" / "extensions").glob("*.jsonl")),
    ROOT / "tests" / "data" / "quotes_gold.jsonl",
]


def main(argv: list[str] | None = None) -> int:
    """Time both searches; 1 when their matches differ."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, nargs="*", default=DEFAULT_INPUTS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    texts = [a.text for p in args.gold if p.exists() for a in load_gold(p)]
    table = default_table()
    pattern = table._re
    if pattern is None:
        print("the organisation table is empty", file=sys.stderr)
        return 1
    found: dict[str, list[list[tuple[int, int]]]] = {}
    best: dict[str, float] = {}
    for name, prefixes in (("every character", None), ("word starts", table._prefixes)):
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            spans = [[m.span() for m in _matches(pattern, prefixes, t, 0, len(t))] for t in texts]
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - t0)
        found[name] = spans
    pairs = zip(found["every character"], found["word starts"], strict=True)
    differ = sum(a != b for a, b in pairs)
    seconds = {k: round(v, 3) for k, v in best.items()}
    out = {
        "texts": len(texts),
        "characters": sum(map(len, texts)),
        "matches": sum(map(len, found["word starts"])),
        "texts_differing": differ,
        "seconds": seconds,
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(
            f"{out['texts']} texts, {out['characters']:,} characters, {out['matches']} matches; "
            f"every character {seconds['every character']} s, word starts "
            f"{seconds['word starts']} s (best of {args.repeat}); "
            f"{differ} texts differ"
        )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
