"""The duplicate detector's reads and writes (:mod:`pipeline.dedup`): articles still to sign,
stored signatures sharing a text hash or an LSH band, and ``duplicate_of`` links.

Signatures live in ``article_signatures`` and their band keys in ``article_bands``
(docs/schema.md); ``version`` names the signing scheme, so signatures made another way are
signed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb
import pyarrow as pa


def unsigned_articles(
    con: duckdb.DuckDBPyConnection, version: str
) -> list[tuple[str, str, str, datetime, str | None, str | None]]:
    """Articles without a signature of ``version``, or whose text changed since signing:
    ``(article_id, outlet, text, first_seen, warc_file, first_warc)`` in first-seen order."""
    return con.execute(
        """
        SELECT a.article_id, a.outlet, a.text, coalesce(s.first_seen, a.fetched_at),
               a.warc_file, s.first_warc
        FROM articles a LEFT JOIN article_signatures s USING (article_id)
        WHERE s.article_id IS NULL OR s.text_md5 <> md5(a.text) OR s.version <> ?
        ORDER BY 4, 1
        """,
        [version],
    ).fetchall()


def lost_links(con: duckdb.DuckDBPyConnection, version: str) -> list[tuple[str, str | None]]:
    """``(article_id, duplicate_of)`` of articles whose ``duplicate_of`` differs from their
    unchanged signature's (reloading an article resets it)."""
    return con.execute(
        """
        SELECT a.article_id, s.duplicate_of FROM articles a JOIN article_signatures s
        USING (article_id)
        WHERE s.text_md5 = md5(a.text) AND s.version = ?
          AND a.duplicate_of IS DISTINCT FROM s.duplicate_of
        """,
        [version],
    ).fetchall()


def stored_candidates(
    con: duckdb.DuckDBPyConnection,
    ids: Sequence[str],
    text_hashes: Sequence[str],
    keys: Sequence[Sequence[int]],
    version: str,
) -> list[tuple[str, datetime, str, bytes, str]]:
    """Stored signatures of ``version``, outside the articles ``ids``, sharing a text hash
    with ``text_hashes`` or a band key with ``keys`` (one list of band keys per article):
    ``(article_id, first_seen, root, minhash, text_hash)``, ``root`` being the first-seen
    copy of the story."""
    incoming = pa.table(
        {
            "band": pa.array([b for k in keys for b in range(len(k))], pa.int16()),
            "key": pa.array([x for k in keys for x in k], pa.int64()),
        }
    )
    con.register("aw_incoming_bands", incoming)
    con.register("aw_incoming_hashes", pa.table({"text_hash": pa.array(text_hashes, pa.string())}))
    con.register("aw_chunk_ids", pa.table({"article_id": pa.array(ids, pa.string())}))
    try:
        return con.execute(
            """
            WITH cand AS (
                SELECT DISTINCT b.article_id FROM article_bands b
                JOIN aw_incoming_bands i ON b.band = i.band AND b.key = i.key
                UNION
                SELECT s.article_id FROM article_signatures s
                JOIN aw_incoming_hashes h ON s.text_hash = h.text_hash
            )
            SELECT s.article_id, s.first_seen, coalesce(s.duplicate_of, s.article_id),
                   s.minhash, s.text_hash
            FROM article_signatures s JOIN cand USING (article_id)
            WHERE s.version = ? AND s.article_id NOT IN (SELECT article_id FROM aw_chunk_ids)
            """,
            [version],
        ).fetchall()
    finally:
        for name in ("aw_incoming_bands", "aw_incoming_hashes", "aw_chunk_ids"):
            con.unregister(name)


def replace_signatures(
    con: duckdb.DuckDBPyConnection, signatures: pa.Table, bands: pa.Table
) -> None:
    """Store ``signatures`` (the columns of ``article_signatures``) and their ``bands``
    (``band``, ``key``, ``article_id``) in one transaction, replacing those the articles had."""
    con.execute("BEGIN")
    try:
        con.register("aw_signatures", signatures)
        con.register("aw_bands", bands)
        con.execute(
            "DELETE FROM article_bands WHERE article_id IN (SELECT article_id FROM aw_signatures)"
        )
        con.execute(
            "DELETE FROM article_signatures "
            "WHERE article_id IN (SELECT article_id FROM aw_signatures)"
        )
        con.execute(
            "INSERT INTO article_signatures (article_id, text_md5, text_hash, minhash, "
            "first_seen, first_warc, duplicate_of, similarity, method, version) "
            "SELECT article_id, text_md5, text_hash, minhash, first_seen, first_warc, "
            "duplicate_of, similarity, method, version FROM aw_signatures"
        )
        con.execute("INSERT INTO article_bands SELECT band, key, article_id FROM aw_bands")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("aw_signatures")
        con.unregister("aw_bands")


def set_duplicate_of(
    con: duckdb.DuckDBPyConnection, ids: Sequence[str], duplicate_of: Sequence[str | None]
) -> None:
    """Set ``articles.duplicate_of`` of each article in ``ids`` (None: an original)."""
    table = pa.table(
        {
            "article_id": pa.array(ids, pa.string()),
            "duplicate_of": pa.array(duplicate_of, pa.string()),
        }
    )
    con.register("aw_links", table)
    try:
        con.execute(
            "UPDATE articles SET duplicate_of = l.duplicate_of FROM aw_links l "
            "WHERE articles.article_id = l.article_id "
            "AND articles.duplicate_of IS DISTINCT FROM l.duplicate_of"
        )
    finally:
        con.unregister("aw_links")
