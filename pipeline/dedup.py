"""Duplicate detection across outlets and runs: exact copies and near-copies of one story.

Every stored article gets a signature once: a hash of its normalised words (exact copies)
and a MinHash (datasketch) over its word 3-shingles (near copies: a wire story republished
with a new headline, a trimmed paragraph, a local intro). Signatures and their LSH band keys
live in DuckDB (``article_signatures``, ``article_bands``; :mod:`pipeline.store.dedup` reads
and writes them), so a later run compares its new articles with everything stored without
recomputing anything. An article whose estimated Jaccard similarity with an earlier one
reaches :data:`THRESHOLD` gets ``articles.duplicate_of`` = the first-seen copy of that story
(never a copy of a copy); the view ``unique_stories`` counts each story once.

The threshold was measured on the demo site (docs/crawling.md, ``python -m pipeline.dedup``):
the syndicated wire story's two copies score about 0.8, distinct stories on the same topic
at most about 0.05.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import numpy as np
import pyarrow as pa
from datasketch import MinHash, MinHashLSH

from pipeline.store import dedup as store

log = logging.getLogger(__name__)

NUM_PERM = 128
SHINGLE_WORDS = 3
THRESHOLD = 0.5  # estimated Jaccard similarity from which an article is a copy
# LSH finds candidates from a lower similarity, so that a copy at THRESHOLD is all but
# certain to be compared (probability 0.993 at 0.5, with 37 bands of 3 rows); candidates are
# then checked against THRESHOLD.
LSH_THRESHOLD = 0.3
SCHEME = "affine32"  # datasketch's hashing scheme, pinned: stored signatures must stay valid
_LSH = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
BANDS, ROWS = _LSH.b, _LSH.r
SIGNATURE_VERSION = f"minhash-{SCHEME}-{NUM_PERM}-w{SHINGLE_WORDS}-b{BANDS}r{ROWS}"
CHUNK = 1000

_WORDS = re.compile(r"\w+", re.UNICODE)


@dataclass(slots=True)
class Signature:
    """An article's text hash and MinHash values."""

    text_hash: str
    hashvalues: np.ndarray

    def band_keys(self) -> list[int]:
        """One 64-bit key per LSH band: articles sharing a key are candidates."""
        keys = []
        for band in range(BANDS):
            chunk = self.hashvalues[band * ROWS : (band + 1) * ROWS].tobytes()
            digest = hashlib.blake2b(chunk, digest_size=8, person=b"aw-band").digest()
            keys.append(int.from_bytes(digest, "little", signed=True))
        return keys

    def similarity(self, other: np.ndarray) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        return float(np.count_nonzero(self.hashvalues == other)) / len(self.hashvalues)


def words(text: str) -> list[str]:
    """The text's words, lower-cased."""
    return [w.lower() for w in _WORDS.findall(text)]


def shingles(tokens: Sequence[str], size: int = SHINGLE_WORDS) -> set[bytes]:
    """The word ``size``-shingles of ``tokens`` (the text itself when it is shorter)."""
    if len(tokens) <= size:
        return {" ".join(tokens).encode()}
    return {" ".join(tokens[i : i + size]).encode() for i in range(len(tokens) - size + 1)}


def sign(text: str) -> Signature:
    """The signature of ``text``: its words' hash and their shingles' MinHash."""
    tokens = words(text)
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch(list(shingles(tokens)))
    text_hash = hashlib.sha1(" ".join(tokens).encode()).hexdigest()
    return Signature(text_hash, np.asarray(minhash.hashvalues, dtype="<u4"))


def jaccard(a: str, b: str) -> float:
    """Exact Jaccard similarity of two texts' word 3-shingles (for measurements)."""
    x, y = shingles(words(a)), shingles(words(b))
    return len(x & y) / len(x | y) if x | y else 1.0


@dataclass(slots=True)
class DedupStats:
    """What :func:`mark_duplicates` did: articles signed, copies found (exact, near), links
    restored, copies per outlet."""

    signed: int = 0
    exact: int = 0
    near: int = 0
    restored: int = 0
    by_outlet: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class _Known:
    first_seen: datetime
    article_id: str
    root: str  # the first-seen copy of its story (itself when it is one)
    hashvalues: np.ndarray


def mark_duplicates(con: duckdb.DuckDBPyConnection) -> DedupStats:
    """Sign every article not signed yet (or whose text changed), set ``duplicate_of``.

    Idempotent; cheap when nothing is new. Articles are taken in first-seen order, so a copy
    always points to an article seen before it.
    """
    stats = DedupStats()
    stats.restored = _restore_links(con)
    pending = store.unsigned_articles(con, SIGNATURE_VERSION)
    for start in range(0, len(pending), CHUNK):
        _sign_chunk(con, pending[start : start + CHUNK], stats)
    return stats


def _restore_links(con: duckdb.DuckDBPyConnection) -> int:
    """Reloading an article (reprocessing a WARC) resets ``duplicate_of``; put it back from
    the signature when the text is unchanged."""
    rows = store.lost_links(con, SIGNATURE_VERSION)
    if rows:
        store.set_duplicate_of(con, [r[0] for r in rows], [r[1] for r in rows])
    return len(rows)


def _sign_chunk(con: duckdb.DuckDBPyConnection, rows: list[tuple], stats: DedupStats) -> None:
    ids = [r[0] for r in rows]
    signatures = [sign(r[2]) for r in rows]
    keys = [sig.band_keys() for sig in signatures]
    exact_known, near_known = _stored_candidates(con, ids, signatures, keys)
    by_band: dict[tuple[int, int], list[_Known]] = defaultdict(list)
    for known in near_known.values():
        for band, key in enumerate(_keys_of(known.hashvalues)):
            by_band[(band, key)].append(known)
    by_hash: dict[str, _Known] = dict(exact_known)
    out: list[tuple] = []
    for (article_id, outlet, _text, first_seen, warc, first_warc), sig, sig_keys in zip(
        rows, signatures, keys, strict=True
    ):
        me = _Known(first_seen, article_id, article_id, sig.hashvalues)
        match, method, score = _best_match(me, sig, sig_keys, by_hash, by_band)
        if match is not None:
            me.root = match.root
            stats.exact += method == "exact"
            stats.near += method == "near"
            stats.by_outlet[outlet] = stats.by_outlet.get(outlet, 0) + 1
        by_hash.setdefault(sig.text_hash, me)
        for band, key in enumerate(sig_keys):
            by_band[(band, key)].append(me)
        out.append(
            (
                article_id,
                sig.text_hash,
                sig.hashvalues.tobytes(),
                first_seen,
                first_warc or warc,
                match.root if match else None,
                score if match else None,
                method if match else None,
            )
        )
    _write_chunk(con, rows, out, keys)
    stats.signed += len(rows)


def _best_match(
    me: _Known,
    sig: Signature,
    keys: list[int],
    by_hash: dict[str, _Known],
    by_band: dict[tuple[int, int], list[_Known]],
) -> tuple[_Known | None, str | None, float]:
    """The earliest-seen earlier article that is an exact or near copy of ``me``."""
    same = by_hash.get(sig.text_hash)
    if same is not None and _earlier(same, me):
        return same, "exact", 1.0
    best: _Known | None = None
    best_score = 0.0
    checked: set[str] = set()
    for band, key in enumerate(keys):
        for other in by_band.get((band, key), ()):
            if other.article_id in checked or not _earlier(other, me):
                continue
            checked.add(other.article_id)
            score = sig.similarity(other.hashvalues)
            if score >= THRESHOLD and (best is None or _earlier(other, best)):
                best, best_score = other, score
    return best, ("near" if best else None), best_score


def _earlier(a: _Known, b: _Known) -> bool:
    return (a.first_seen, a.article_id) < (b.first_seen, b.article_id)


def _keys_of(hashvalues: np.ndarray) -> list[int]:
    return Signature("", hashvalues).band_keys()


def _stored_candidates(
    con: duckdb.DuckDBPyConnection,
    ids: list[str],
    signatures: list[Signature],
    keys: list[list[int]],
) -> tuple[dict[str, _Known], dict[str, _Known]]:
    """Stored articles (outside this chunk) sharing a text hash or an LSH band."""
    rows = store.stored_candidates(
        con, ids, [s.text_hash for s in signatures], keys, SIGNATURE_VERSION
    )
    exact: dict[str, _Known] = {}
    near: dict[str, _Known] = {}
    for article_id, first_seen, root, blob, text_hash in rows:
        known = _Known(first_seen, article_id, root, np.frombuffer(blob, dtype="<u4"))
        near[article_id] = known
        kept = exact.get(text_hash)
        if kept is None or _earlier(known, kept):
            exact[text_hash] = known
    return exact, near


def _write_chunk(
    con: duckdb.DuckDBPyConnection, rows: list[tuple], out: list[tuple], keys: list[list[int]]
) -> None:
    ids = [r[0] for r in rows]
    signatures = pa.table(
        {
            "article_id": [o[0] for o in out],
            "text_md5": [hashlib.md5(r[2].encode()).hexdigest() for r in rows],
            "text_hash": [o[1] for o in out],
            "minhash": pa.array([o[2] for o in out], pa.binary()),
            "first_seen": pa.array([o[3] for o in out], pa.timestamp("us")),
            "first_warc": pa.array([o[4] for o in out], pa.string()),
            "duplicate_of": pa.array([o[5] for o in out], pa.string()),
            "similarity": pa.array([o[6] for o in out], pa.float64()),
            "method": pa.array([o[7] for o in out], pa.string()),
            "version": [SIGNATURE_VERSION] * len(out),
        }
    )
    bands = pa.table(
        {
            "band": pa.array([b for k in keys for b in range(len(k))], pa.int16()),
            "key": pa.array([x for k in keys for x in k], pa.int64()),
            "article_id": [i for i, k in zip(ids, keys, strict=True) for _ in k],
        }
    )
    store.replace_signatures(con, signatures, bands)
    store.set_duplicate_of(con, [o[0] for o in out], [o[5] for o in out])


def measure_on_demo() -> dict:
    """Exact Jaccard (word 3-shingles) and MinHash estimate on the demo site: each
    syndicated pair, and every pair of distinct on-topic stories in the same language."""
    import json
    from itertools import combinations
    from pathlib import Path

    from pipeline.core.paths import REFERENCE_DIR
    from pipeline.core.records import ArchivedResponse
    from pipeline.extract import extract_article

    demo = REFERENCE_DIR / "demo_site"
    manifest = json.loads((demo / "manifest.json").read_text(encoding="utf-8"))
    texts: dict[str, tuple[str, dict]] = {}
    for item in manifest["articles"]:
        page = demo / "site" / item["outlet"] / item["path"].strip("/") / "index.html"
        url = "http://127.0.0.1:9" + item["path"]
        body = Path(page).read_bytes().replace(b"{{BASE_URL}}", b"http://127.0.0.1:9")
        response = ArchivedResponse(
            url,
            200,
            {"content-type": "text/html; charset=utf-8"},
            body,
            datetime(2026, 11, 1),
            item["outlet"],
            "article",
            str(page),
            0,
        )
        article = extract_article(response)
        if article is not None and item["relevant"]:
            texts[f"{item['outlet']}{item['path']}"] = (article.text, item)
    same, distinct = [], []
    for (ka, (ta, a)), (kb, (tb, b)) in combinations(texts.items(), 2):
        if a["language"] != b["language"]:
            continue
        pair = (ka, kb, jaccard(ta, tb), sign(ta).similarity(sign(tb).hashvalues))
        if a.get("syndicated") and a.get("syndicated") == b.get("syndicated"):
            same.append(pair)
        else:
            distinct.append(pair)
    distinct.sort(key=lambda p: p[2])
    return {"threshold": THRESHOLD, "syndicated": same, "distinct": distinct}


def main() -> None:
    """``python -m pipeline.dedup``: measure the threshold on the demo site."""
    result = measure_on_demo()
    for a, b, exact, estimate in result["syndicated"]:
        print(f"syndicated  {exact:.3f} (MinHash {estimate:.3f})  {a}  {b}")
    distinct = result["distinct"]
    print(f"{len(distinct)} pairs of distinct on-topic stories in the same language:")
    for a, b, exact, estimate in distinct[-3:]:
        print(f"distinct    {exact:.3f} (MinHash {estimate:.3f})  {a}  {b}")
    print(f"threshold   {result['threshold']}")


if __name__ == "__main__":
    main()
