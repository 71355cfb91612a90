"""What the database knows about earlier crawls, in the form a crawl job needs.

Read by the stages in the parent process, which hand it to the crawl job (the crawler
subprocess never opens DuckDB):

- :func:`seen_rows`: every article URL already settled, canonicalised: stored articles (with
  their fetch time and cache validators) and URLs whose last answer was final (a redirect, a
  404, a PDF, robots.txt...). Entries skipped by topic are listed as skipped; entries skipped
  for age are not, so a later run whose horizon reaches back past them (a backfill) fetches them.
- :func:`retry_urls`: articles whose every fetch failed for a passing reason (timeout, 5xx,
  429...), to try again, for at most ``max_runs`` runs.
- :func:`listing_validators` / :func:`record_validators`: ETag and Last-Modified of feeds,
  sitemaps and articles, sent back as ``If-None-Match``/``If-Modified-Since``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import duckdb
import pyarrow as pa

from pipeline.core.records import SKIPPED, TRANSIENT, SeenRow
from pipeline.core.urls import canonicalize
from pipeline.core.warc import Validators

MAX_RETRY_RUNS = 3
_NOT_FINAL = sorted(TRANSIENT | SKIPPED)
# Skips that hold for later runs: the topic verdict on a headline does not change, while "too
# old" depends on the run's horizon and is decided again each time.
_LASTING_SKIPS = ("topic_filtered",)


def seen_rows(
    con: duckdb.DuckDBPyConnection, max_retry_runs: int = MAX_RETRY_RUNS
) -> list[SeenRow]:
    """The article URLs earlier runs settled, canonicalised, one row each: stored articles (with
    their newest fetch time and cache validators), URLs whose last answer was final, and entries
    skipped by topic (marked skipped)."""
    rows: dict[str, SeenRow] = {}
    # An article's URL comes back in its fetches: canonicalise each distinct URL once (courlan's
    # normalisation is most of this function's time on a months-old database).
    canonical_of: dict[str, str] = {}

    def keep(url: str, fetched: datetime, etag: str | None, modified: str | None, skipped: bool):
        key = canonical_of.get(url)
        if key is None:
            key = canonical_of[url] = canonicalize(url)
        kept = rows.get(key)
        if kept is not None:
            if kept.skipped != skipped:  # fetched after all: that wins
                if not skipped:
                    rows[key] = SeenRow(key, fetched, etag, modified, False)
                return
            fetched = max(fetched, kept.fetched_at)
            etag, modified = etag or kept.etag, modified or kept.last_modified
        rows[key] = SeenRow(key, fetched, etag, modified, skipped)

    for canonical, url, fetched, etag, modified in con.execute(
        """
        SELECT a.canonical_url, a.url, a.fetched_at, v.etag, v.last_modified
        FROM articles a LEFT JOIN http_validators v ON v.url = a.url
        """
    ).fetchall():
        keep(canonical, fetched, etag, modified, False)
        keep(url, fetched, etag, modified, False)
    placeholders = ", ".join("?" for _ in _NOT_FINAL)
    settled = con.execute(
        f"""
        SELECT url, max(fetched_at) FROM fetches
        WHERE kind = 'article' AND (
            (status IS NOT NULL AND (error IS NULL OR error NOT IN ({placeholders})))
            OR (status IS NULL AND error IS NOT NULL AND error NOT IN ({placeholders}))
        )
        GROUP BY url
        UNION ALL
        SELECT url, max(fetched_at) FROM fetches
        WHERE kind = 'article' AND error IN ({", ".join("?" for _ in TRANSIENT)})
        GROUP BY url HAVING count(DISTINCT run_id) >= ?
        """,
        [*_NOT_FINAL, *_NOT_FINAL, *sorted(TRANSIENT), max_retry_runs],
    ).fetchall()
    for url, fetched in settled:
        keep(url, fetched, None, None, False)
    skipped = con.execute(
        f"SELECT url, max(fetched_at) FROM fetches WHERE kind = 'article' "
        f"AND error IN ({', '.join('?' for _ in _LASTING_SKIPS)}) GROUP BY url",
        list(_LASTING_SKIPS),
    ).fetchall()
    for url, fetched in skipped:
        keep(url, fetched, None, None, True)
    return list(rows.values())


def retry_urls(con: duckdb.DuckDBPyConnection, max_runs: int = MAX_RETRY_RUNS) -> list[list[str]]:
    """``[url, source]`` of articles that only ever failed for a passing reason, in fewer than
    ``max_runs`` runs."""
    transient = sorted(TRANSIENT)
    marks = ", ".join("?" for _ in transient)
    rows = con.execute(
        f"""
        SELECT url, any_value(source) FROM fetches WHERE kind = 'article'
        GROUP BY url
        HAVING bool_and(coalesce(error IN ({marks}), false)) AND count(DISTINCT run_id) < ?
        ORDER BY url
        """,
        [*transient, max_runs],
    ).fetchall()
    stored = {key for (key,) in con.execute("SELECT canonical_url FROM articles").fetchall()}
    return [[url, source] for url, source in rows if canonicalize(url) not in stored]


def listing_validators(con: duckdb.DuckDBPyConnection) -> dict[str, list[str | None]]:
    """``url -> [etag, last_modified]`` of feeds and sitemaps."""
    rows = con.execute(
        "SELECT url, etag, last_modified FROM http_validators WHERE kind IN ('feed', 'sitemap')"
    ).fetchall()
    return {url: [etag, modified] for url, etag, modified in rows}


def record_validators(
    con: duckdb.DuckDBPyConnection, validators: Iterable[Validators], *, listings: bool
) -> int:
    """Store the validators of a run's 200 responses (the newest per URL). Those of feeds and
    sitemaps only when ``listings``: a crawl that did not finish may not have fetched every
    entry, and a ``304 Not Modified`` next time would hide them."""
    newest: dict[str, Validators] = {}
    for item in validators:
        if item.kind in ("feed", "sitemap") and not listings:
            continue
        if item.kind not in ("feed", "sitemap", "article"):
            continue
        kept = newest.get(item.url)
        if kept is None or item.fetched_at >= kept.fetched_at:
            newest[item.url] = item
    if not newest:
        return 0
    table = pa.table(
        {
            "url": [v.url for v in newest.values()],
            "kind": [v.kind for v in newest.values()],
            "etag": pa.array([v.etag for v in newest.values()], pa.string()),
            "last_modified": pa.array([v.last_modified for v in newest.values()], pa.string()),
            "fetched_at": pa.array([v.fetched_at for v in newest.values()], pa.timestamp("us")),
        }
    )
    con.register("aw_validators", table)
    try:
        con.execute(
            "INSERT INTO http_validators SELECT url, kind, etag, last_modified, fetched_at "
            "FROM aw_validators ON CONFLICT (url) DO UPDATE SET kind = excluded.kind, "
            "etag = excluded.etag, last_modified = excluded.last_modified, "
            "fetched_at = excluded.fetched_at"
        )
    finally:
        con.unregister("aw_validators")
    return len(newest)
