"""Deduplicate article requests by canonical URL, across this run and earlier ones.

Discovery pages (feeds, sitemaps, sections) keep Scrapy's usual per-run fingerprint check, so
they are fetched afresh on every run. Article requests are keyed by their canonical URL and
seeded with the articles earlier runs already fetched (the job's seen file), so a second run
fetches only what is new.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter

from crawlers.archive import request_kind
from crawlers.job import CrawlJob
from pipeline.urls import canonicalize


class SeenArticlesDupeFilter(RFPDupeFilter):
    def __init__(self, *args: Any, seen: set[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.seen_articles: set[str] = set(seen or ())
        self.previously_fetched = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> SeenArticlesDupeFilter:
        dupefilter = super().from_crawler(crawler)
        job_file = crawler.settings.get("AW_JOB_FILE")
        if job_file:
            dupefilter.seen_articles = CrawlJob.load(job_file).seen_urls()
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        if request_kind(request) != "article" or request.meta.get("aw_refetch"):
            return super().request_seen(request)
        key = canonicalize(request.url)
        if key in self.seen_articles:
            return True
        self.seen_articles.add(key)
        return False
