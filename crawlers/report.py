"""The end-of-crawl account, per source: what was discovered, fetched, new, duplicated,
skipped, and what failed and why.

Built from the run's fetch log (always there, even after a kill), the spider's counters (the
stats file, written when the crawl ends normally) and, once the run's WARC is processed, the
database (new articles and duplicates, by the dedup signatures' first WARC).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from crawlers.faults import SKIPPED
from pipeline.core.records import Fetch


@dataclass(slots=True)
class SourceReport:
    source: str
    discovered: int | None = None  # unique article URLs found (None: crawl did not end)
    already_fetched: int | None = None  # ... of which earlier runs had fetched
    fetched: int = 0  # article URLs whose final answer was a 2xx or a 304
    new_articles: int | None = None  # None: WARC not processed yet
    duplicates: int | None = None
    topic_filtered: int = 0
    too_old: int = 0
    failed: Counter[str] = field(default_factory=Counter)  # reason -> URLs (any kind)

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())


def final_outcomes(fetches: list[Fetch]) -> dict[str, Fetch]:
    """The last row per URL: a 503 retried into a 200 counts as the 200."""
    last: dict[str, Fetch] = {}
    for fetch in sorted(fetches, key=lambda f: f.fetched_at):
        last[fetch.url] = fetch
    return last


def build_report(
    fetches: list[Fetch],
    stats: dict,
    stored: dict[str, tuple[int, int]] | None,
    source_names: list[str],
) -> list[SourceReport]:
    """One row per source (configured ones first, in order, then any other seen)."""
    reports: dict[str, SourceReport] = {n: SourceReport(n) for n in source_names}

    def row(name: str) -> SourceReport:
        return reports.setdefault(name, SourceReport(name))

    for fetch in final_outcomes(fetches).values():
        report = row(fetch.source)
        if fetch.kind == "robots":
            continue  # robots.txt trouble shows as the failures of the pages behind it
        if fetch.error == "topic_filtered":
            report.topic_filtered += 1
        elif fetch.error == "too_old":
            report.too_old += 1
        elif fetch.error:
            report.failed[fetch.error] += 1
        elif (
            fetch.kind == "article"
            and fetch.status is not None
            and (200 <= fetch.status < 300 or fetch.status == 304)
        ):
            report.fetched += 1
    for name, counts in (stats.get("sources") or {}).items():
        report = row(name)
        report.discovered = counts.get("discovered", 0)
        report.already_fetched = counts.get("already_fetched", 0) + counts.get("skipped_before", 0)
    if stored is not None:
        for report in reports.values():
            new, duplicates = stored.get(report.source, (0, 0))
            report.new_articles, report.duplicates = new, duplicates
    return list(reports.values())


def is_skip(code: str | None) -> bool:
    return code in SKIPPED
