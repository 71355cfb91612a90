"""The crawl job: everything the crawler subprocess needs, written to a JSON file by the
parent process (the CLI or a Prefect task) and read by the spider, the archive and the
dupefilter. The subprocess never opens the database: what it must know about earlier runs
comes in the seen file, the validators and the retry list.

A job is the user's :class:`CrawlOptions` (built once, where the crawl is asked for: a
command's flags, a flow's parameters) plus what belongs to one run: its id, its files and
what earlier runs left it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core.config import Source, TopicProfile


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    """What the user chooses about a crawl. Built once at the edge and handed down unchanged
    (``flows.stages.crawl`` -> ``crawlers.runner.run_crawl`` -> :class:`CrawlJob`)."""

    polite: bool = True  # False: no delays, more parallel requests (local test sites only)
    contact_url: str | None = None  # put in the User-Agent
    max_articles: int | None = None  # stop after this many article requests (tests, demos)
    topic: TopicProfile | None = None  # for sources with filter = "topic"
    since: str | None = None  # horizon for every source (see pipeline.core.since); a source's wins
    until: str | None = None  # last day (YYYY-MM-DD) of entries to fetch: a backfill's window
    extra_settings: dict[str, Any] = field(default_factory=dict)  # Scrapy settings, last word

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrawlOptions:
        """The options back from :func:`dataclasses.asdict` output read from JSON."""
        data = dict(data)
        topic = data.pop("topic", None)
        if topic:
            topic = TopicProfile(
                terms={lang: tuple(t) for lang, t in topic.get("terms", {}).items()},
                min_distinct_terms=topic.get("min_distinct_terms", 3),
                title_weight=topic.get("title_weight", 2),
            )
        return cls(topic=topic or None, **data)


@dataclass(slots=True)
class CrawlJob:
    """Everything the crawler subprocess needs for one run, handed to it as a JSON file."""

    run_id: str
    warc_file: str  # path of the WARC file this run writes
    fetch_log: str  # path of the JSON-lines fetch log written next to it
    sources: list[Source]
    options: CrawlOptions = field(default_factory=CrawlOptions)
    seen_file: str | None = None  # articles fetched (or skipped) by earlier runs, see seen.py
    mode: str = "crawl"  # "crawl", or "check": fetch feeds and sitemaps only, report on them
    # ETag/Last-Modified of feeds and sitemaps from the last complete run: url -> [etag, lm]
    validators: dict[str, list[str | None]] = field(default_factory=dict)
    # Articles whose fetch failed for a passing reason in an earlier run: [url, source name]
    retry_urls: list[list[str]] = field(default_factory=list)
    stats_file: str | None = None  # per-source counters, written when the crawl ends
    check_file: str | None = None  # "check" mode: one JSON line per feed/sitemap checked

    def save(self, path: Path) -> None:
        """Write the job to ``path`` as JSON (the file ``python -m crawlers`` reads)."""
        path.write_text(self.dumps(), encoding="utf-8")

    def dumps(self) -> str:
        """The job as indented JSON; paths and dates become strings."""
        return json.dumps(asdict(self), indent=1, default=str)

    @classmethod
    def load(cls, path: str | Path) -> CrawlJob:
        """Read a job written by :meth:`save`."""
        return cls.loads(Path(path).read_text(encoding="utf-8"))

    @classmethod
    def loads(cls, text: str | bytes) -> CrawlJob:
        """Parse the JSON of :meth:`dumps`, rebuilding the sources and crawl options."""
        data = json.loads(text)
        data["sources"] = [
            Source(**{k: tuple(v) if isinstance(v, list) else v for k, v in s.items()})
            for s in data["sources"]
        ]
        data["options"] = CrawlOptions.from_dict(data.get("options") or {})
        return cls(**data)
