"""Deduplicate article requests by canonical URL, across this run and earlier ones.

Discovery pages (feeds, sitemaps, sections) keep Scrapy's usual per-run fingerprint check, so
they are fetched afresh on every run. Article requests are keyed by their canonical URL: one
fetch per article per run, and none for an article an earlier run stored (the job's seen
file) unless the spider marked the request ``aw_refetch`` (a newer sitemap ``<lastmod>``).
The spider applies the same rules when it reads an entry; this filter catches what reaches
the scheduler another way, such as a redirect to an article already stored.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter

from crawlers.archive import request_kind
from crawlers.job import CrawlJob
from crawlers.seen import SeenIndex
from pipeline.core.urls import canonicalize


class SeenArticlesDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter that also drops article requests for URLs stored by earlier runs or
    already requested in this one (by canonical URL)."""

    def __init__(self, *args: Any, seen: SeenIndex | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.seen = seen or SeenIndex()
        self.this_run: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> SeenArticlesDupeFilter:
        """Scrapy's constructor: the filter, with the seen URLs of the spider or of the job file."""
        dupefilter = super().from_crawler(crawler)
        spider_seen = getattr(getattr(crawler, "spider", None), "seen", None)
        if isinstance(spider_seen, SeenIndex):
            dupefilter.seen = spider_seen
        elif job_file := crawler.settings.get("AW_JOB_FILE"):
            dupefilter.seen = SeenIndex.load(CrawlJob.load(job_file).seen_file)
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        """Whether to drop ``request``: an article already seen (unless asked to fetch it again), or
        any other request Scrapy has seen."""
        if request_kind(request) != "article":
            return super().request_seen(request)
        key = canonicalize(request.url)
        if key in self.this_run:
            return True
        if key in self.seen and not request.meta.get("aw_refetch"):
            return True
        self.this_run.add(key)
        return False
