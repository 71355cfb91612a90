#!/usr/bin/env python3
"""Check corpus batch files (JSON Lines) against the corpus format and the codebook's labels.

Usage: python3 data/corpus/check_batch.py FILE.jsonl [FILE.jsonl ...]

Stdlib only, so annotators can run it before the project is installed. Every problem is one
line naming the file, line and key. Exit 1 on any problem, 0 when clean. The evaluation-set
overlap check is ../shared/tools/exclusion_check.py, run on every row.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXCLUSION = HERE.parents[2] / "shared" / "tools"

LANGUAGES = {"en", "fr"}
QUOTE_TYPES = {"direct", "indirect"}
STANCES = {"restrictive", "protective", "neutral"}
ROLES = {
    "official",
    "enforcement",
    "politician",
    "legal",
    "advocacy",
    "international",
    "academic",
    "affected",
    "other",
    "unknown",
}
SPLITS = {"train", "validation", "test"}
ITEM_KEYS = {
    "id": str,
    "url": str,
    "outlet": str,
    "title": str,
    "language": str,
    "published": (str, type(None)),
    "text": str,
    "relevant": bool,
    "article_stance": (str, type(None)),
    "quotes": list,
}
OPTIONAL_ITEM_KEYS = {"article_stance_confident", "topic", "annotator", "notes", "split"}
QUOTE_KEYS = {
    "text": str,
    "quote_type": str,
    "speaker": str,
    "speaker_role": str,
    "speaker_org": str,
    "stance": str,
    "confident": bool,
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_item(item: object, where: str) -> list[str]:
    """Return the problems of one corpus row, each naming ``where`` and the key."""
    if not isinstance(item, dict):
        return [f"{where}: a row must be a JSON object"]
    errs: list[str] = []
    for key, typ in ITEM_KEYS.items():
        if key not in item:
            errs.append(f"{where}: missing key {key!r}")
        elif not isinstance(item[key], typ):
            errs.append(f"{where}: key {key!r} has the wrong type ({type(item[key]).__name__})")
    extra = set(item) - set(ITEM_KEYS) - OPTIONAL_ITEM_KEYS
    if extra:
        errs.append(f"{where}: unknown key(s) {sorted(extra)}")
    if errs:
        return errs
    if item["language"] not in LANGUAGES:
        errs.append(f"{where}: 'language' must be one of {sorted(LANGUAGES)}")
    if not item["url"].startswith(("http://", "https://")):
        errs.append(f"{where}: 'url' must be an http(s) URL")
    if item["published"] is not None and not DATE.match(item["published"]):
        errs.append(f"{where}: 'published' must be YYYY-MM-DD or null")
    if "split" in item and item["split"] not in SPLITS:
        errs.append(f"{where}: 'split' must be one of {sorted(SPLITS)}")
    if item["relevant"]:
        if item["article_stance"] not in STANCES:
            errs.append(f"{where}: 'article_stance' must be one of {sorted(STANCES)} when relevant")
    elif item["article_stance"] is not None:
        errs.append(f"{where}: 'article_stance' must be null when not relevant")
    text, pos = item["text"], 0
    for n, q in enumerate(item["quotes"], 1):
        qw = f"{where} quote {n}"
        if not isinstance(q, dict):
            errs.append(f"{qw}: must be a JSON object")
            continue
        bad = [k for k, t in QUOTE_KEYS.items() if not isinstance(q.get(k), t)]
        if bad:
            errs.append(f"{qw}: missing or wrong type: {bad}")
            continue
        if set(q) - set(QUOTE_KEYS):
            errs.append(f"{qw}: unknown key(s) {sorted(set(q) - set(QUOTE_KEYS))}")
        if q["quote_type"] not in QUOTE_TYPES:
            errs.append(f"{qw}: 'quote_type' must be one of {sorted(QUOTE_TYPES)}")
        if q["speaker_role"] not in ROLES:
            errs.append(f"{qw}: 'speaker_role' {q['speaker_role']!r} is not a codebook role")
        if q["stance"] not in STANCES:
            errs.append(f"{qw}: 'stance' {q['stance']!r} is not a codebook stance")
        if not q["text"].strip() or not q["speaker"].strip():
            errs.append(f"{qw}: 'text' and 'speaker' must not be empty")
            continue
        at = text.find(q["text"], pos)
        if at < 0:
            where_else = text.find(q["text"])
            errs.append(
                f"{qw}: 'text' is not an exact substring of the item text"
                if where_else < 0
                else f"{qw}: quotes must be listed in order of appearance"
            )
        else:
            pos = at + 1
    return errs


def exclusion_overlaps(url: str, text: str) -> list[str]:
    """Reasons the row overlaps the evaluation sets (empty when clean)."""
    sys.path.insert(0, str(EXCLUSION))
    try:
        from exclusion_check import overlaps  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    return overlaps(url, text)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    problems = 0
    seen_ids: set[str] = set()
    seen_urls: set[str] = set()
    for arg in argv:
        path = Path(arg)
        counts: Counter[str] = Counter()
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{where}: not valid JSON ({exc.msg})")
                problems += 1
                continue
            errs = check_item(item, where)
            if not errs:
                if item["id"] in seen_ids:
                    errs.append(f"{where}: duplicate id {item['id']!r}")
                if item["url"] in seen_urls:
                    errs.append(f"{where}: duplicate url {item['url']!r}")
                seen_ids.add(item["id"])
                seen_urls.add(item["url"])
                why = exclusion_overlaps(item["url"], item["title"] + " " + item["text"])
                if why:
                    reason = ", ".join(why)
                    errs.append(f"{where}: OVERLAPS the evaluation sets ({reason}): drop it")
                counts["items"] += 1
                counts[f"lang_{item['language']}"] += 1
                counts["relevant" if item["relevant"] else "not_relevant"] += 1
                if item["relevant"]:
                    counts[f"article_{item['article_stance']}"] += 1
                counts["quotes"] += len(item["quotes"])
                counts[f"quotes_{item['language']}"] += len(item["quotes"])
                counts[f"outlet:{item['outlet']}"] += 1
            for e in errs:
                print(e)
            problems += len(errs)
        outlets = sum(1 for k in counts if k.startswith("outlet:"))
        summary = {k: v for k, v in sorted(counts.items()) if not k.startswith("outlet:")}
        print(f"{path}: {summary} outlets={outlets}")
    print(f"{problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
