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
    """scrapy-redis's duplicate filter, with the articles stored by earlier runs (the shared seen
    hash) and those requested by any worker in this crawl dropped too."""

    def __init__(self, server, fingerprints_key: str, this_run_key: str, seen: RedisSeenIndex):
        super().__init__(server, key=fingerprints_key, debug=False)
        self.this_run_key = this_run_key
        self.seen = seen

    def request_seen(self, request: Request) -> bool:
        """Whether to drop ``request``: an article seen before or claimed by a worker (unless asked
        to fetch it again), or any other request already fingerprinted."""
        if request_kind(request) != "article":
            return super().request_seen(request)
        key = canonicalize(request.url)
        if key in self.seen and not request.meta.get("aw_refetch"):
            return True
        return self.server.sadd(self.this_run_key, key) == 0

    def close(self, reason: str = "") -> None:
        """Keep the keys: they belong to the crawl, not to the worker."""
        return None
