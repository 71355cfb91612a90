"""Per-source counts of a crawl, from its fetches: the one computation behind the table
printed at the end of every crawl (``flows/cli/sources.py``) and the per-source rows of a
monitor run's summary (:mod:`pipeline.store.summary`).

The fetches come from a run's fetch log (always there, even after a kill) or from the
``fetches`` table; the spider's counters (the stats file, written when the crawl ends
normally) add what was discovered, and the database, once the WARC is processed, what was
stored (new articles and duplicates, by the dedup signatures' first WARC).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pipeline.core.records import Fetch, SourceCounts

# Reasons the processing stage gives a fetched page that is no article (``not_article:...``):
# the fetch succeeded, so it counts as fetched, not failed.
NOT_ARTICLE = "not_article:"


def final_outcomes(fetches: Iterable[Fetch]) -> dict[str, Fetch]:
    """The last row per URL: a 503 retried into a 200 counts as the 200."""
    last: dict[str, Fetch] = {}
    for fetch in sorted(fetches, key=lambda f: f.fetched_at):
        last[fetch.url] = fetch
    return last


def build_report(
    fetches: Iterable[Fetch],
    stats: Mapping[str, Any],
    stored: Mapping[str, tuple[int, int]] | None,
    source_names: Iterable[str],
) -> list[SourceCounts]:
    """One row per source (``source_names`` first, in order, then any other seen).

    ``stats`` is the spider's stats file (``{}`` when the crawl did not end normally, or for
    runs read from the database: ``discovered`` stays None); ``stored`` maps a source to its
    new articles and duplicates (None while the WARC is not processed: they stay None).
    """
    rows: dict[str, SourceCounts] = {n: SourceCounts(n) for n in source_names}

    def row(name: str) -> SourceCounts:
        return rows.setdefault(name, SourceCounts(name))

    for fetch in final_outcomes(fetches).values():
        counts = row(fetch.source)
        error = None if (fetch.error or "").startswith(NOT_ARTICLE) else fetch.error
        if fetch.kind == "robots":
            continue  # robots.txt trouble shows as the failures of the pages behind it
        if error == "topic_filtered":
            counts.topic_filtered += 1
        elif error == "too_old":
            counts.too_old += 1
        elif error:
            counts.failed[error] += 1
        elif (
            fetch.kind == "article"
            and fetch.status is not None
            and (200 <= fetch.status < 300 or fetch.status == 304)
        ):
            counts.fetched += 1
    for name, found in (stats.get("sources") or {}).items():
        counts = row(name)
        counts.discovered = found.get("discovered", 0)
        counts.already_fetched = found.get("already_fetched", 0) + found.get("skipped_before", 0)
    if stored is not None:
        for counts in rows.values():
            counts.new, counts.duplicates = stored.get(counts.source, (0, 0))
    return list(rows.values())
