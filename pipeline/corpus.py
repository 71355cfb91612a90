"""The real-news annotated corpus (``data/corpus/``): build, split, count, measure agreement.

The corpus is written in batches (``data/corpus/batches/*.jsonl``, one per annotator and topic
slice, each checked by ``data/corpus/check_batch.py``). ``build`` merges them into
``data/corpus/news.jsonl``: rows that overlap the evaluation sets (``../shared/tools/
exclusion_check.py``) or repeat a URL are dropped, and each row gets its ``split``, assigned by
outlet so that no outlet is in two parts. Batches written after the split was fixed
(``TRAIN_ONLY_BATCHES``) only add training rows.

Commands (run from the repository root)::

    python -m pipeline.corpus build      # batches -> news.jsonl (splits assigned), print counts
    python -m pipeline.corpus build --extensions   # ... plus the train-only extensions
    python -m pipeline.corpus stats [--markdown]   # the counts (README tables with --markdown)
    python -m pipeline.corpus sample     # the blind double-annotation sample (agreement/)
    python -m pipeline.corpus agreement A.jsonl B.jsonl   # kappa and speaker agreement
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.core.gold import GoldArticle, gold_articles
from pipeline.core.paths import REFERENCE_DIR, SHARED_DIR
from pipeline.core.records import SPEAKER_ROLES

CORPUS_DIR = REFERENCE_DIR / "corpus"
SHARE = {"train": 0.70, "validation": 0.15, "test": 0.15}
SAMPLE_SHARE = 0.16  # of excerpts annotated twice
SPLIT_SALT = "asylumwatch-corpus-v1"
# Batches written after the split was fixed (data/corpus/extensions/, README "Train-only
# extensions"): their rows go to the train part only, so adding them never moves an earlier row
# to another part and the validation and test parts stay the ones every earlier figure was
# measured on. A row of theirs whose outlet group (outlet name, site or a shared wire sentence)
# already lies in validation or test is dropped at build. `build --extensions` adds them.
EXTENSIONS_DIR = CORPUS_DIR / "extensions"
TRAIN_ONLY_BATCHES = frozenset(path.stem for path in EXTENSIONS_DIR.glob("*.jsonl"))


# --- reading and writing ----------------------------------------------------------------------


def read_rows(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Rows of JSON Lines files, in file order."""
    rows: list[dict[str, Any]] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def write_rows(rows: Iterable[dict[str, Any]], path: Path) -> None:
    """Write ``rows`` as JSON Lines to ``path``, replacing the file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)


# --- splitting -----------------------------------------------------------------------------


def outlet_key(outlet: str) -> str:
    """Outlet names compared without case, accents, punctuation or a leading 'the'."""
    s = unicodedata.normalize("NFKD", outlet).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    return re.sub(r"^the ", "", s)


def site_key(url: str) -> str:
    """The registered domain of a URL (``ici.radio-canada.ca`` -> ``radio-canada.ca``,
    ``www.bbc.co.uk`` -> ``bbc.co.uk``)."""
    host = re.sub(r"^[a-z]+://", "", url.lower()).split("/", 1)[0].split(":", 1)[0]
    labels = host.removeprefix("www.").split(".")
    keep = 3 if len(labels) > 2 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "gouv", "qc"}


def _rank(key: str) -> str:
    return hashlib.sha256(f"{SPLIT_SALT}:{key}".encode()).hexdigest()


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_WORDS = re.compile(r"[^\W_]+")


def _long_sentences(text: str) -> set[str]:
    """Sentences of eight words or more, lower-cased words only (to find wire copies)."""
    out = set()
    for sentence in _SENTENCE.split(unicodedata.normalize("NFKC", text)):
        words = _WORDS.findall(sentence.lower())
        if len(words) >= 8:
            out.add(" ".join(words))
    return out


def outlet_groups(rows: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Row id -> group: rows that share an outlet name, a site or a sentence of eight words or
    more are one group, so one publisher written two ways, two names on one site, or one wire
    story on two sites never straddle two parts."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        a, b = find(a), find(b)
        if a != b:
            parent[max(a, b)] = min(a, b)

    for row in rows:
        outlet = "outlet:" + outlet_key(row["outlet"])
        union(outlet, "site:" + site_key(row["url"]))
        for sentence in _long_sentences(row["text"]):
            union(outlet, "sentence:" + sentence)
    return {row["id"]: find("outlet:" + outlet_key(row["outlet"])) for row in rows}


def batch_of(row_id: str) -> str:
    """The batch a row was written in: its id less the running number (``ca1-007``: ``ca1``)."""
    return row_id.rsplit("-", 1)[0]


def assign_splits(rows: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Row id -> split, about 70/15/15 of the excerpts in each language, by outlet group.

    Groups (``outlet_groups``) are taken in a fixed pseudo-random order (a salted hash of the
    group's key) and each goes to the part furthest below its share of that language's
    excerpts; a group's language is that of most of its excerpts. The same rows always give
    the same split. Rows of ``TRAIN_ONLY_BATCHES`` take no part in that draw and are ``train``
    (``held_out_conflicts`` names those that must be dropped instead).
    """
    base = [r for r in rows if batch_of(r["id"]) not in TRAIN_ONLY_BATCHES]
    group_of = outlet_groups(base)
    sizes: dict[str, Counter[str]] = defaultdict(Counter)
    for row in base:
        sizes[group_of[row["id"]]][row["language"]] += 1
    part_of: dict[str, str] = {}
    for lang in sorted({c.most_common(1)[0][0] for c in sizes.values()}):
        groups = sorted((g for g, c in sizes.items() if c.most_common(1)[0][0] == lang), key=_rank)
        filled = Counter({part: 0 for part in SHARE})
        for group in groups:
            n = sum(sizes[group].values())
            total = sum(filled.values()) + n
            part = max(SHARE, key=lambda p: SHARE[p] * total - filled[p])
            part_of[group] = part
            filled[part] += n
    parts = {row["id"]: part_of[group_of[row["id"]]] for row in base}
    return {row["id"]: parts.get(row["id"], "train") for row in rows}


def held_out_conflicts(rows: Sequence[dict[str, Any]], parts: dict[str, str]) -> set[str]:
    """Ids of train-only rows whose outlet group, over all ``rows``, holds a row of the
    validation or test part: keeping them would put one outlet or story in two parts."""
    group_of = outlet_groups(rows)
    held = {group_of[r["id"]] for r in rows if parts[r["id"]] != "train"}
    return {
        r["id"]
        for r in rows
        if batch_of(r["id"]) in TRAIN_ONLY_BATCHES and group_of[r["id"]] in held
    }


# --- building -------------------------------------------------------------------------------


class CorpusError(RuntimeError):
    """The corpus cannot be built here; the message says why in one line."""


def _exclusion_overlaps() -> Any:
    tools = SHARED_DIR / "tools"
    if not (tools / "exclusion_check.py").is_file():
        raise CorpusError(
            f"{tools / 'exclusion_check.py'}: not found; every corpus row is checked against "
            "the evaluation sets, so a build needs ../shared beside the checkout"
        )
    sys.path.insert(0, str(tools))
    try:
        from exclusion_check import overlaps  # ../shared/tools: no stubs, no package
    finally:
        sys.path.pop(0)
    return overlaps


def build(
    batch_paths: Sequence[Path], adjudicated: Sequence[Path] = ()
) -> tuple[list[dict[str, Any]], list[str]]:
    """Merged rows with splits, and a line for each row dropped (overlap or repeated URL).

    Rows in ``adjudicated`` (the double-annotated sample after adjudication) replace the batch
    rows with the same id."""
    overlaps = _exclusion_overlaps()
    final = {row["id"]: row for row in read_rows(adjudicated)}
    dropped: list[str] = []
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in (final.get(r["id"], r) for r in read_rows(batch_paths)):
        why = overlaps(row["url"], f"{row.get('title', '')} {row['text']}")
        if why:
            dropped.append(f"{row['id']}: overlaps the evaluation sets ({', '.join(why)})")
            continue
        url = re.sub(r"^https?://(www\.)?", "", row["url"]).split("#")[0].rstrip("/")
        if url in seen:
            dropped.append(f"{row['id']}: repeats the URL of an earlier row")
            continue
        seen.add(url)
        rows.append(row)
    parts = assign_splits(rows)
    conflicts = held_out_conflicts(rows, parts)
    for row in rows:
        if row["id"] in conflicts:
            dropped.append(f"{row['id']}: train-only, but its outlet or story is held out")
        row["split"] = parts[row["id"]]
    return [r for r in rows if r["id"] not in conflicts], dropped


def train_only_rows(batch_paths: Sequence[Path], extension_paths: Sequence[Path]) -> list[dict]:
    """The rows of ``extension_paths`` that ``build`` keeps beside ``batch_paths``: exclusion
    checked, none of a held-out outlet or story, each with ``split`` "train". For training
    data read beside ``news.jsonl`` (the role classifier's lines) without rebuilding it."""
    wanted = {row["id"] for row in read_rows(extension_paths)}
    rows, _ = build([*batch_paths, *extension_paths])
    return [row for row in rows if row["id"] in wanted]


def extension_articles() -> list[GoldArticle]:
    """The train-only batches (``extensions/``) as train articles, as ``build --extensions``
    keeps them beside the committed batches: training data for the role classifier and the
    speaker ranker that needs no rebuilt ``news.jsonl``."""
    rows = train_only_rows(
        sorted((CORPUS_DIR / "batches").glob("*.jsonl")), sorted(EXTENSIONS_DIR.glob("*.jsonl"))
    )
    return gold_articles(rows, EXTENSIONS_DIR)


# --- counting -------------------------------------------------------------------------------


def stats(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The counts the data statement reports."""
    out: dict[str, Any] = {
        "excerpts": len(rows),
        "outlets": len({outlet_key(r["outlet"]) for r in rows}),
        "outlet_groups": len(set(outlet_groups(rows).values())),
        "quotes": sum(len(r["quotes"]) for r in rows),
    }
    for key in ("language", "split"):
        out[f"by_{key}"] = {
            v: {
                "excerpts": sum(1 for r in rows if r.get(key) == v),
                "relevant": sum(1 for r in rows if r.get(key) == v and r["relevant"]),
                "not_relevant": sum(1 for r in rows if r.get(key) == v and not r["relevant"]),
                "quotes": sum(len(r["quotes"]) for r in rows if r.get(key) == v),
                "outlets": len({outlet_key(r["outlet"]) for r in rows if r.get(key) == v}),
            }
            for v in sorted({r.get(key) for r in rows if r.get(key)})
        }
    relevant = [r for r in rows if r["relevant"]]
    out["article_stance"] = dict(Counter(r["article_stance"] for r in relevant))
    quotes = [(r, q) for r in rows for q in r["quotes"]]
    out["quote_type"] = dict(Counter(q["quote_type"] for _, q in quotes))
    out["quote_stance"] = dict(Counter(q["stance"] for _, q in quotes))
    out["quote_stance_relevant"] = dict(Counter(q["stance"] for r, q in quotes if r["relevant"]))
    out["role"] = {
        role: dict(Counter(q["stance"] for _, q in quotes if q["speaker_role"] == role))
        for role in SPEAKER_ROLES
    }
    out["uncertain_quotes"] = sum(1 for _, q in quotes if not q.get("confident", True))
    return out


def stats_markdown(rows: Sequence[dict[str, Any]]) -> str:
    """The counts as the Markdown tables of data/corpus/README.md."""
    st = stats(rows)
    out = [
        f"{st['excerpts']} excerpts from {st['outlets']} outlet names ({st['outlet_groups']} "
        f"outlet groups after joining names, sites and shared wire sentences), "
        f"{st['quotes']} quotes ({st['quote_type'].get('direct', 0)} direct, "
        f"{st['quote_type'].get('indirect', 0)} indirect; {st['uncertain_quotes']} marked "
        "`confident: false`).",
        "",
        "| part | excerpts | relevant | not relevant | quotes | outlets |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key in ("by_language", "by_split"):
        for name, c in st[key].items():
            out.append(
                f"| {name} | {c['excerpts']} | {c['relevant']} | {c['not_relevant']} | "
                f"{c['quotes']} | {c['outlets']} |"
            )
    relevant = [r for r in rows if r["relevant"]]
    out += ["", "Article stance (relevant excerpts):", ""]
    out += [
        "| language | restrictive | protective | neutral | total |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for lang in ("en", "fr", None):
        part = [r for r in relevant if lang is None or r["language"] == lang]
        c = Counter(r["article_stance"] for r in part)
        share = " | ".join(
            f"{c[s]} ({c[s] / len(part):.0%})" for s in ("restrictive", "protective", "neutral")
        )
        out.append(f"| {lang or 'all'} | {share} | {len(part)} |")
    out += [
        "",
        "Quotes by speaker role and stance (all excerpts; quotes of non-relevant excerpts are "
        "`neutral`):",
        "",
    ]
    out += [
        "| speaker_role | quotes | restrictive | protective | neutral | en | fr |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    quotes = [(r, q) for r in rows for q in r["quotes"]]
    for role in SPEAKER_ROLES:
        qs = [(r, q) for r, q in quotes if q["speaker_role"] == role]
        c = Counter(q["stance"] for _, q in qs)
        lang = Counter(r["language"] for r, _ in qs)
        out.append(
            f"| {role} | {len(qs)} | {c['restrictive']} | {c['protective']} | {c['neutral']} | "
            f"{lang['en']} | {lang['fr']} |"
        )
    c = Counter(q["stance"] for _, q in quotes)
    lang = Counter(r["language"] for r, _ in quotes)
    out.append(
        f"| **total** | {len(quotes)} | {c['restrictive']} | {c['protective']} | {c['neutral']} | "
        f"{lang['en']} | {lang['fr']} |"
    )
    return "\n".join(out)


# --- double annotation ----------------------------------------------------------------------


def sample_ids(rows: Sequence[dict[str, Any]], share: float = SAMPLE_SHARE) -> list[str]:
    """A fixed share of each batch's rows, chosen by a salted hash of the id."""
    by_batch: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_batch[batch_of(row["id"])].append(row["id"])
    chosen: list[str] = []
    for ids in by_batch.values():
        k = max(1, round(len(ids) * share))
        chosen.extend(sorted(ids, key=lambda i: _rank("sample:" + i))[:k])
    return sorted(chosen)


BLIND_KEYS = ("id", "url", "outlet", "title", "language", "published", "text")


def blind(row: dict[str, Any]) -> dict[str, Any]:
    """A row without any label, for a second annotator."""
    return {k: row.get(k) for k in BLIND_KEYS}


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two annotators' labels on the same items (None without items)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    ca = Counter(a for a, _ in pairs)
    cb = Counter(b for _, b in pairs)
    expected = sum(ca[label] * cb[label] for label in set(ca) | set(cb)) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def _span(text: str, quote: str, start: int) -> tuple[int, int]:
    i = text.find(quote, start)
    if i < 0:
        i = text.find(quote)
    return (i, i + len(quote)) if i >= 0 else (-1, -1)


def _spans(row: dict[str, Any]) -> list[tuple[int, int]]:
    out, pos = [], 0
    for q in row["quotes"]:
        s = _span(row["text"], q["text"], pos)
        out.append(s)
        pos = max(pos, s[0] + 1)
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


@dataclass(slots=True)
class Agreement:
    """How far two annotators agree on the excerpts both coded."""

    excerpts: int
    relevance: float | None
    article_stance: float | None
    article_stance_n: int
    quotes_a: int
    quotes_b: int
    matched: int
    quote_stance: float | None
    role: float | None
    speaker: float | None
    quote_type: float | None
    disagreements: list[dict[str, Any]]

    @property
    def span_f1(self) -> float:
        """F1 of the two annotators' quote spans against each other."""
        total = self.quotes_a + self.quotes_b
        return 2 * self.matched / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready values, without the disagreements."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "disagreements"}
        out["span_f1"] = self.span_f1
        return out


def agreement(first: Sequence[dict[str, Any]], second: Sequence[dict[str, Any]]) -> Agreement:
    """Agreement of two independent annotations of the same excerpts.

    Quotes are paired when their spans overlap by at least half of the shorter one (each quote
    pairs at most once, largest overlap first). Kappa is computed for quote stance, speaker role
    and quote type on paired quotes, for article stance on excerpts both call relevant, and for
    relevance; speaker agreement is the share of paired quotes with the same speaker
    (``pipeline.quotes.speaker_match.same_speaker``: surnames and descriptions compared loosely).
    """
    from pipeline.quotes.speaker_match import same_speaker

    by_id = {r["id"]: r for r in second}
    rel, art, stance, role, qtype = [], [], [], [], []
    speaker_same = n_a = n_b = matched = 0
    disagreements: list[dict[str, Any]] = []
    common = [r for r in first if r["id"] in by_id]
    for a in common:
        b = by_id[a["id"]]
        rel.append((str(a["relevant"]), str(b["relevant"])))
        if a["relevant"] != b["relevant"]:
            disagreements.append(
                {"id": a["id"], "what": "relevant", "a": a["relevant"], "b": b["relevant"]}
            )
        if a["relevant"] and b["relevant"]:
            art.append((a["article_stance"], b["article_stance"]))
            if a["article_stance"] != b["article_stance"]:
                disagreements.append(
                    {
                        "id": a["id"],
                        "what": "article_stance",
                        "a": a["article_stance"],
                        "b": b["article_stance"],
                    }
                )
        sa, sb = _spans(a), _spans(b)
        n_a += len(sa)
        n_b += len(sb)
        cands = sorted(
            (
                (_overlap(x, y), i, j)
                for i, x in enumerate(sa)
                for j, y in enumerate(sb)
                if _overlap(x, y) * 2 >= min(x[1] - x[0], y[1] - y[0]) > 0
            ),
            reverse=True,
        )
        used_a: set[int] = set()
        used_b: set[int] = set()
        for _, i, j in cands:
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            matched += 1
            qa, qb = a["quotes"][i], b["quotes"][j]
            stance.append((qa["stance"], qb["stance"]))
            role.append((qa["speaker_role"], qb["speaker_role"]))
            qtype.append((qa["quote_type"], qb["quote_type"]))
            same = same_speaker(qa["speaker"], qb["speaker"]) or (
                same_speaker(qa["speaker"], None) and same_speaker(qb["speaker"], None)
            )
            speaker_same += same
            for key in ("stance", "speaker_role", "speaker"):
                differ = not same if key == "speaker" else qa[key] != qb[key]
                if differ:
                    disagreements.append(
                        {
                            "id": a["id"],
                            "what": key,
                            "quote": qa["text"][:80],
                            "a": qa[key],
                            "b": qb[key],
                        }
                    )
        for i in set(range(len(sa))) - used_a:
            disagreements.append(
                {"id": a["id"], "what": "only_a", "quote": a["quotes"][i]["text"][:80]}
            )
        for j in set(range(len(sb))) - used_b:
            disagreements.append(
                {"id": a["id"], "what": "only_b", "quote": b["quotes"][j]["text"][:80]}
            )
    return Agreement(
        excerpts=len(common),
        relevance=cohen_kappa(rel),
        article_stance=cohen_kappa(art),
        article_stance_n=len(art),
        quotes_a=n_a,
        quotes_b=n_b,
        matched=matched,
        quote_stance=cohen_kappa(stance),
        role=cohen_kappa(role),
        speaker=speaker_same / matched if matched else None,
        quote_type=cohen_kappa(qtype),
        disagreements=disagreements,
    )


# --- command line ---------------------------------------------------------------------------


def main(argv: Sequence[str]) -> int:
    """``python -m pipeline.corpus build|stats|sample|agreement``; returns the exit code."""
    if not argv or argv[0] not in {"build", "stats", "sample", "agreement"}:
        print(__doc__)
        return 2
    flags = {"build": {"--extensions"}, "stats": {"--markdown"}}.get(argv[0], set())
    unknown = [a for a in argv[1:] if a.startswith("-") and a not in flags]
    if unknown:
        print(f"python -m pipeline.corpus {argv[0]}: unknown option {unknown[0]}", file=sys.stderr)
        return 2
    news = CORPUS_DIR / "news.jsonl"
    batches = sorted((CORPUS_DIR / "batches").glob("*.jsonl"))
    if "--extensions" in argv:
        batches += sorted(EXTENSIONS_DIR.glob("*.jsonl"))
    agreement_dir = CORPUS_DIR / "agreement"
    if argv[0] == "build":
        try:
            rows, dropped = build(batches, sorted(agreement_dir.glob("adjudicated_*.jsonl")))
        except CorpusError as exc:
            print(f"python -m pipeline.corpus build: {exc}", file=sys.stderr)
            return 2
        write_rows(rows, news)
        for line in dropped:
            print("dropped", line)
        print(json.dumps(stats(rows), indent=1, ensure_ascii=False))
        print(f"wrote {len(rows)} rows to {news}")
    elif argv[0] == "stats":
        rows = read_rows([news])
        if "--markdown" in argv:
            print(stats_markdown(rows))
        else:
            print(json.dumps(stats(rows), indent=1, ensure_ascii=False))
    elif argv[0] == "sample":
        rows = read_rows([news])
        ids = set(sample_ids(rows))
        out = CORPUS_DIR / "agreement" / "blind.jsonl"
        write_rows((blind(r) for r in rows if r["id"] in ids), out)
        print(f"wrote {len(ids)} unlabelled excerpts to {out}")
    else:
        if len(argv) not in (1, 3):
            print("usage: python -m pipeline.corpus agreement [FIRST.jsonl SECOND.jsonl]")
            return 2
        if len(argv) == 3:
            second = read_rows([Path(argv[2])])
            first = read_rows([Path(argv[1])])
        else:  # the batches' first annotations against the second annotators' files
            second = read_rows(sorted(agreement_dir.glob("second_*.jsonl")))
            ids = {r["id"] for r in second}
            first = [r for r in read_rows(batches) if r["id"] in ids]
        figures: dict[str, Any] = {}
        for lang in ("all", "en", "fr"):
            part = [r for r in first if lang == "all" or r["language"] == lang]
            figures[lang] = agreement(part, second).as_dict()
        res = agreement(first, second)
        print(json.dumps(figures, indent=1))
        if len(argv) == 1:
            summary = {"excerpts": res.excerpts, "by_language": figures}
            (agreement_dir / "agreement.json").write_text(json.dumps(summary, indent=1) + "\n")
            write_rows(res.disagreements, agreement_dir / "disagreements.jsonl")
            print(f"wrote {agreement_dir / 'agreement.json'} and disagreements.jsonl")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
