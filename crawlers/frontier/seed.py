"""The crawl's start requests (feeds, sitemaps, sections, retries) are sent by one worker.

Every worker runs the same spider; the first to claim the crawl's seed key passes its start
requests on to the frontier and then marks the key ``done``, the others drop theirs. A
spider middleware (``process_start``, Scrapy's public hook), so the spider is unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.crawler import Crawler

from crawlers.frontier.connection import CrawlKeys, connect

DONE = b"done"


class FrontierSeedMiddleware:
    """Spider middleware that lets one worker only send a crawl's start requests."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.client = connect(settings["AW_FRONTIER_URL"])
        self.keys = CrawlKeys(settings["AW_FRONTIER_CRAWL"])
        self.worker = settings["AW_FRONTIER_WORKER"]
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierSeedMiddleware:
        """Scrapy's constructor."""
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Pass the start requests on when this worker is the first to claim the seeding; send none
        otherwise."""
        if not self.client.set(self.keys.seed, self.worker, nx=True):
            self.crawler.stats.set_value("frontier/seeded_by", "another worker")
            return
        sent = 0
        async for item in start:
            sent += 1
            yield item
        self.client.set(self.keys.seed, DONE)
        self.crawler.stats.set_value("frontier/start_requests_sent", sent)
