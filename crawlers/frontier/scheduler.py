"""scrapy-redis's scheduler over the frontier's polite queue, with a heartbeat.

A worker has pending requests while anything is queued or in flight anywhere in the crawl
(another worker's callback may still add requests) or the start requests are not all sent:
so every worker stops when, and only when, the whole crawl is done. Every tick (0.2 s) the
scheduler refreshes the worker's heartbeat key, wakes the engine while work remains, and
every second puts back the requests of workers that died (:meth:`PoliteQueue.reap`).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis import picklecompat
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawlers.frontier import scrapy_hooks
from crawlers.frontier.connection import CrawlKeys, connect
from crawlers.frontier.dupefilter import FrontierDupeFilter
from crawlers.frontier.queue import PoliteQueue
from crawlers.frontier.seed import DONE
from crawlers.frontier.seen import RedisSeenIndex

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.2
REAP_EVERY_TICKS = 5


class FrontierScheduler(Scheduler):
    """A Scrapy scheduler whose queue is the shared frontier in Redis, polite per host across
    workers."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        """Scrapy's constructor: the scheduler for the crawl named in the settings (refused on an
        untested Scrapy)."""
        scrapy_hooks.check_scrapy()
        settings = crawler.settings
        server = connect(settings["AW_FRONTIER_URL"])
        keys = CrawlKeys(settings["AW_FRONTIER_CRAWL"])
        seen = RedisSeenIndex(server, keys.seen)
        scheduler = cls(
            server=server,
            persist=True,
            queue_key=keys.requests,
            dupefilter=FrontierDupeFilter(server, keys.fingerprints, keys.this_run, seen),
            serializer=picklecompat,
        )
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        scheduler.keys = keys
        scheduler.seen = seen
        scheduler.worker = settings["AW_FRONTIER_WORKER"]
        scheduler.heartbeat_ttl = settings.getfloat("AW_FRONTIER_HEARTBEAT_TTL", 10.0)
        scheduler.lease_ms = int(settings.getfloat("AW_FRONTIER_LEASE_SECONDS", 300.0) * 1000)
        scheduler.delay_ms = int(settings.getfloat("AW_FRONTIER_DELAY", 1.0) * 1000)
        scheduler.concurrency = settings.getint("AW_FRONTIER_CONCURRENCY", 4)
        return scheduler

    def open(self, spider: Spider) -> None:
        """Open the shared queue, hand the spider the shared seen index and start the heartbeat."""
        self.spider = spider
        self.queue = PoliteQueue(
            self.server,
            spider,
            self.keys,
            self.worker,
            lease_ms=self.lease_ms,
            default_delay_ms=self.delay_ms,
            default_concurrency=self.concurrency,
            serializer=self.serializer,
        )
        setattr(spider, "seen", self.seen)  # noqa: B010 - what earlier runs stored, shared by every worker (an attribute of our spiders, not of scrapy.Spider)
        self._beat()
        scrapy_hooks.on_request_done(self.crawler.engine, self._done)
        self._ticks = 0
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(TICK_SECONDS, now=False)

    def close(self, reason: str) -> None:
        """Stop the heartbeat and remove this worker's heartbeat key."""
        if getattr(self, "_loop", None) is not None and self._loop.running:
            self._loop.stop()
        self.server.delete(self.keys.heartbeat(self.worker))

    def _beat(self) -> None:
        self.server.set(self.keys.heartbeat(self.worker), b"1", px=int(self.heartbeat_ttl * 1000))

    def _done(self, request: Request) -> None:
        if self.queue.ack(request) and self.stats:
            self.stats.inc_value("frontier/acknowledged")

    def _tick(self) -> None:
        try:
            self._beat()
            self._ticks += 1
            if self._ticks % REAP_EVERY_TICKS == 0:
                back = self.queue.reap()
                if back:
                    logger.warning("frontier: %d request(s) of a stopped worker queued again", back)
                    self.stats.inc_value("frontier/requeued", back)
            if self.has_pending_requests():
                scrapy_hooks.wake(self.crawler.engine)
        except Exception as exc:  # noqa: BLE001 - a Redis hiccup must not stop the loop
            logger.warning("frontier tick failed: %s", exc)

    def enqueue_request(self, request: Request) -> bool:
        """Queue ``request`` unless the duplicate filter drops it; returns whether it was queued."""
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        """The next request this worker may send, or None."""
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        """Whether the crawl may still send requests: some are queued or in flight, or the start
        requests are still being sent by a live worker."""
        if len(self.queue) > 0 or self.queue.in_flight() > 0:
            return True
        seed = self.server.get(self.keys.seed)
        if seed == DONE:
            return False
        if seed is not None and not self.server.exists(self.keys.heartbeat(seed.decode())):
            logger.error("frontier: worker %s died while sending the start requests", seed)
            self.stats.set_value("frontier/seed_lost", seed.decode())
            return False
        return True

    def __len__(self) -> int:
        return len(self.queue)


def frontier_settings(
    url: str, crawl_id: str, worker: str, *, polite: bool, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The Scrapy settings that make a crawl a frontier worker. Politeness moves to the
    frontier (global per host), so the worker's own delays are off."""
    from crawlers import settings as defaults

    middlewares = dict(defaults.DOWNLOADER_MIDDLEWARES)
    middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] = None
    middlewares["crawlers.frontier.robots.SharedRobotsTxtMiddleware"] = 100
    settings: dict[str, Any] = {
        "AW_FRONTIER_URL": url,
        "AW_FRONTIER_CRAWL": crawl_id,
        "AW_FRONTIER_WORKER": worker,
        "AW_FRONTIER_DELAY": defaults.DOWNLOAD_DELAY if polite else 0.0,
        "AW_FRONTIER_CONCURRENCY": defaults.CONCURRENT_REQUESTS_PER_DOMAIN if polite else 16,
        # A live worker holds a request at most this long: a retry waits up to
        # AW_RETRY_AFTER_MAX before its download (crawlers/retry.py), then the download.
        # A dead worker's requests come back sooner, when its heartbeat key expires.
        "AW_FRONTIER_LEASE_SECONDS": defaults.AW_RETRY_AFTER_MAX
        + 2 * defaults.DOWNLOAD_TIMEOUT
        + 60,
        "SCHEDULER": "crawlers.frontier.scheduler.FrontierScheduler",
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "SPIDER_MIDDLEWARES": {"crawlers.frontier.seed.FrontierSeedMiddleware": 10},
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
    }
    settings.update(extra or {})
    return settings
