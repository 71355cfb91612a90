"""The frontier's dupefilter: scrapy-redis's fingerprint set for discovery pages, and, for
articles, the single-process rules (crawlers/dupefilter.py) on sets shared by every worker:
one fetch per canonical URL per crawl, none for what an earlier run stored unless the spider
marked the request ``aw_refetch``."""

from __future__ import annotations

from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter

from crawlers.archive import request_kind
from crawlers.frontier.seen import RedisSeenIndex
from pipeline.core.urls import canonicalize


class FrontierDupeFilter(RFPDupeFilter):
    def __init__(self, server, fingerprints_key: str, this_run_key: str, seen: RedisSeenIndex):
        super().__init__(server, key=fingerprints_key, debug=False)
        self.this_run_key = this_run_key
        self.seen = seen

    def request_seen(self, request: Request) -> bool:
        if request_kind(request) != "article":
            return super().request_seen(request)
        key = canonicalize(request.url)
        if key in self.seen and not request.meta.get("aw_refetch"):
            return True
        return self.server.sadd(self.this_run_key, key) == 0

    def close(self, reason: str = "") -> None:  # the keys belong to the crawl, not the worker
        return None
