"""robots.txt fetched once per host per crawl, whatever the number of workers.

The first worker that needs a host's robots.txt takes a lock in Redis, fetches it as Scrapy's
``RobotsTxtMiddleware`` does (through every downloader middleware, so it is archived in that
worker's WARC) and stores the body; the others wait for the body and parse their own copy.
A lock whose worker died (its heartbeat expired) is taken over.
"""

from __future__ import annotations

import logging
import time

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet import task
from twisted.internet.defer import Deferred

from crawlers.frontier.connection import CrawlKeys, as_text, connect

logger = logging.getLogger(__name__)

NO_FILE = b"\0"  # stored when robots.txt could not be fetched: everything is allowed
POLL_SECONDS = 0.1


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with each host's robots.txt fetched once per crawl, by one
    worker, and shared through Redis."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.client = connect(settings["AW_FRONTIER_URL"])
        self.keys = CrawlKeys(settings["AW_FRONTIER_CRAWL"])
        self.worker = settings["AW_FRONTIER_WORKER"]
        self.wait_seconds = settings.getfloat("DOWNLOAD_TIMEOUT") * 4 + 30

    async def robot_parser(self, request: Request) -> RobotParser | None:
        """The robots.txt parser for ``request``'s host: cached, fetched by another worker, or
        fetched now; None when the host has no usable robots.txt."""
        netloc = urlparse_cached(request).netloc
        cached = self._parsers.get(netloc)
        if netloc in self._parsers and not hasattr(cached, "addCallback"):
            return cached
        if netloc in self._parsers:  # another request of ours is fetching it
            return await maybe_deferred_to_future(cached)  # type: ignore[arg-type]
        pending: Deferred[RobotParser | None] = Deferred()
        self._parsers[netloc] = pending
        body = await self._shared_body(request, netloc)
        parser = None if body is None else build_from_crawler(self._parserimpl, self.crawler, body)
        self._parsers[netloc] = parser
        pending.callback(parser)
        return parser

    async def _shared_body(self, request: Request, netloc: str) -> bytes | None:
        deadline = time.monotonic() + self.wait_seconds
        lock = self.keys.robots_lock(netloc)
        while True:
            body = self.client.hget(self.keys.robots, netloc)
            if body is not None:
                if body == NO_FILE:
                    return None
                return body.encode() if isinstance(body, str) else body
            if self.client.set(lock, self.worker, nx=True):
                return await self._fetch(request, netloc)
            holder = self.client.get(lock)
            alive = holder is not None and self.client.exists(self.keys.heartbeat(as_text(holder)))
            if holder is not None and not alive:
                self.client.delete(lock)  # its worker died while fetching: take over
                continue
            if time.monotonic() > deadline:
                logger.warning("robots.txt of %s never came from %s; fetching it", netloc, holder)
                return await self._fetch(request, netloc)
            await _sleep(POLL_SECONDS)

    async def _fetch(self, request: Request, netloc: str) -> bytes | None:
        url = urlparse_cached(request)
        robots = Request(
            f"{url.scheme}://{netloc}/robots.txt",
            priority=self.DOWNLOAD_PRIORITY,
            meta={"dont_obey_robotstxt": True},
            callback=NO_CALLBACK,
        )
        body: bytes | None = None
        try:
            response = await self.crawler.engine.download_async(robots)
            self._stats.inc_value("robotstxt/response_count")
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            body = response.body
        except Exception as exc:  # noqa: BLE001 - as Scrapy's: no robots.txt, nothing forbidden
            if not isinstance(exc, IgnoreRequest):
                logger.error("Error downloading %s: %s", robots.url, exc)
        self._stats.inc_value("robotstxt/request_count")
        self.client.hset(self.keys.robots, netloc, body if body is not None else NO_FILE)
        return body


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor  # the one Scrapy installed

    await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))
