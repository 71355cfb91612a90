"""Retries with exponential backoff, honouring ``Retry-After`` on 429 and 503.

Scrapy's RetryMiddleware decides *whether* to retry (``RETRY_TIMES``, ``RETRY_HTTP_CODES``,
``RETRY_EXCEPTIONS``); this subclass decides *when*: the retry of attempt n waits
``AW_RETRY_BACKOFF_BASE * 2 ** (n - 1)`` seconds (at most ``AW_RETRY_BACKOFF_MAX``), or as
long as the server's ``Retry-After`` asks. A ``Retry-After`` longer than
``AW_RETRY_AFTER_MAX`` is not waited for: the request gives up at once (reason
``retry_after``) and the crawl goes on. The wait happens in ``process_request`` of the retry,
without blocking the other downloads.
"""

from __future__ import annotations

import time

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet import reactor
from twisted.internet.task import deferLater

from crawlers.faults import RETRY_AFTER_STATUSES, retry_after_seconds

NOT_BEFORE = "aw_not_before"


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware with exponential backoff and Retry-After obeyed up to a limit,
    without blocking other requests."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("AW_RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("AW_RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("AW_RETRY_AFTER_MAX", 600.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        """Scrapy's constructor."""
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Wait until a retried request's backoff has passed."""
        wait = request.meta.get(NOT_BEFORE, 0.0) - time.monotonic()
        if wait > 0:
            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return None

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        """Schedule a retry of a retryable status after its backoff or Retry-After; give up past the
        limits."""
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        asked = None
        if response.status in RETRY_AFTER_STATUSES:
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None and asked > self.retry_after_max:
                self.crawler.stats.inc_value("retry/retry_after_too_long")
                return response
        retry = self._retry_request(request, response_status_message(response.status))
        if retry is None:
            return response
        return self._schedule(retry, asked)

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        """Retry a request that failed without a response, after its backoff."""
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            return self._schedule(retry, None)
        return retry

    def _retry_request(self, request: Request, reason: str) -> Request | None:
        """The retry of ``request``, or None when its retries are spent: Scrapy's public
        ``get_retry_request`` with the settings and request meta RetryMiddleware reads."""
        assert self.crawler.spider is not None
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )

    def _schedule(self, retry: Request, asked: float | None) -> Request:
        attempt = retry.meta.get("retry_times", 1)
        backoff = min(self.backoff_base * 2 ** (attempt - 1), self.backoff_max)
        wait = max(backoff, asked) if asked is not None else backoff
        retry.meta[NOT_BEFORE] = time.monotonic() + wait
        retry.meta["aw_retry_wait"] = wait
        return retry
