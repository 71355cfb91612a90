"""Whether the quote stage still gives the same results: a dump and a comparison.

    .venv/bin/python bench/check_quotes_same.py --write ref.json      # before a change
    .venv/bin/python bench/check_quotes_same.py --compare ref.json    # after it

Runs ``QuoteStage.analyse_many`` (batches of 32, as the annotate stage and the benchmark
call it) on the corpus's train and validation articles (``--split`` to choose; the test
part is never read unless named) and records, for every quote, its span, type, speaker,
speaker kind, organisation, rule role and score, and the speaker description the role
classifier reads. ``--compare`` prints every article whose quotes differ and exits 1 when
any does. ``--single`` uses ``QuoteStage.analyse``, one article at a time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.core.gold import load_gold  # noqa: E402
from pipeline.quotes import QuoteStage  # noqa: E402

CORPUS = ROOT / "data" / "corpus" / "news.jsonl"


def dump(stage: QuoteStage, splits: list[str], single: bool = False) -> dict[str, list[Any]]:
    """Every article's quotes, as comparable rows, by article id."""
    arts = [a for a in load_gold(CORPUS) if a.split in splits]
    if single:
        found = [stage.analyse(a.text, a.language, a.id) for a in arts]
    else:
        found = []
        for i in range(0, len(arts), 32):
            chunk = arts[i : i + 32]
            found.extend(stage.analyse_many([(a.text, a.language, a.id) for a in chunk], 32))
    out: dict[str, list[Any]] = {}
    for a, fs in zip(arts, found, strict=True):
        out[a.id] = [
            [
                f.quote.char_start,
                f.quote.char_end,
                f.quote.quote_type,
                f.quote.speaker,
                f.quote.speaker_kind,
                f.quote.speaker_org,
                f.quote.speaker_role,
                f.quote.speaker_role_score,
                f.mention.description,
                f.mention.kind,
                f.mention.org_role,
            ]
            for f in fs
        ]
    return out


def compare(ref: dict[str, list[Any]], new: dict[str, list[Any]]) -> int:
    """Print the differences; the number of quotes that differ (missing or extra count)."""
    changed = 0
    for aid in sorted(set(ref) | set(new)):
        a, b = ref.get(aid, []), new.get(aid, [])
        if a == b:
            continue
        sa = {tuple(map(str, r)) for r in a}
        sb = {tuple(map(str, r)) for r in b}
        n = max(len(sa - sb), len(sb - sa))
        changed += n
        print(f"{aid}: {n} quote(s) differ")
        for r in sorted(sa - sb):
            print("   -", r[:8])
        for r in sorted(sb - sa):
            print("   +", r[:8])
    return changed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--write", type=Path, help="write the results here")
    ap.add_argument("--compare", type=Path, help="compare with results written before")
    ap.add_argument("--split", action="append", help="corpus part (default: train, validation)")
    ap.add_argument("--single", action="store_true", help="one article per call (analyse)")
    args = ap.parse_args(argv)
    splits = args.split or ["train", "validation"]
    new = dump(QuoteStage.load(), splits, args.single)
    n_quotes = sum(len(v) for v in new.values())
    print(f"{len(new)} articles, {n_quotes} quotes ({', '.join(splits)})")
    if args.write:
        args.write.write_text(json.dumps(new, ensure_ascii=False, indent=0), encoding="utf-8")
    if args.compare:
        ref = json.loads(args.compare.read_text(encoding="utf-8"))
        changed = compare(ref, new)
        print(f"{changed} of {n_quotes} quotes differ")
        return 1 if changed else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
