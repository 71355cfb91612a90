"""The crawl job: everything the crawler subprocess needs, written to a JSON file by the
parent process (the CLI or a Prefect task) and read by the spider, the archive and the
dupefilter. The subprocess never opens the database: what it must know about earlier runs
comes in the seen file, the validators and the retry list."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.core.config import Source, TopicProfile


@dataclass(slots=True)
class CrawlJob:
    run_id: str
    warc_file: str  # path of the WARC file this run writes
    fetch_log: str  # path of the JSON-lines fetch log written next to it
    sources: list[Source]
    seen_file: str | None = None  # articles fetched (or skipped) by earlier runs, see seen.py
    polite: bool = True
    contact_url: str | None = None
    max_articles: int | None = None  # stop after this many article requests (tests, demos)
    extra_settings: dict = field(default_factory=dict)
    mode: str = "crawl"  # "crawl", or "check": fetch feeds and sitemaps only, report on them
    topic: dict | None = None  # TopicProfile as a dict, for sources with filter = "topic"
    since: str | None = None  # horizon for every source (see pipeline.core.since); a source's wins
    until: str | None = None  # last day (YYYY-MM-DD) of entries to fetch: a backfill's window
    # ETag/Last-Modified of feeds and sitemaps from the last complete run: url -> [etag, lm]
    validators: dict[str, list[str | None]] = field(default_factory=dict)
    # Articles whose fetch failed for a passing reason in an earlier run: [url, source name]
    retry_urls: list[list[str]] = field(default_factory=list)
    stats_file: str | None = None  # per-source counters, written when the crawl ends
    check_file: str | None = None  # "check" mode: one JSON line per feed/sitemap checked

    def save(self, path: Path) -> None:
        path.write_text(self.dumps(), encoding="utf-8")

    def dumps(self) -> str:
        return json.dumps(asdict(self), indent=1, default=str)

    @classmethod
    def load(cls, path: str | Path) -> CrawlJob:
        return cls.loads(Path(path).read_text(encoding="utf-8"))

    @classmethod
    def loads(cls, text: str | bytes) -> CrawlJob:
        data = json.loads(text)
        data["sources"] = [
            Source(**{k: tuple(v) if isinstance(v, list) else v for k, v in s.items()})
            for s in data["sources"]
        ]
        return cls(**data)

    def topic_profile(self) -> TopicProfile | None:
        if not self.topic:
            return None
        terms = {lang: tuple(t) for lang, t in self.topic.get("terms", {}).items()}
        return TopicProfile(
            terms=terms,
            min_distinct_terms=self.topic.get("min_distinct_terms", 3),
            title_weight=self.topic.get("title_weight", 2),
        )

    @staticmethod
    def topic_dict(topic: TopicProfile | None) -> dict | None:
        return asdict(topic) if topic is not None else None
