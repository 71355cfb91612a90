"""Redirects that stop at a loop instead of going round until ``REDIRECT_MAX_TIMES``.

Scrapy's RedirectMiddleware follows a loop (A -> B -> A) until the redirect budget is spent,
or lets the duplicate filter drop it silently. This subclass gives up as soon as a redirect
leads back into its own chain, with an ``IgnoreRequest`` whose reason is ``redirect_loop``.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawlers.classify import redirect_problem


class LoopAwareRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirect middleware, with redirect loops reported as ``redirect_loop``."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        """Stop at a redirect loop (logged as ``redirect_loop``); follow other redirects as Scrapy
        does."""
        if not request.meta.get("dont_redirect") and (
            redirect_problem(request, response, self.max_redirect_times) == "redirect_loop"
        ):
            self.crawler.stats.inc_value("redirect/loop")
            raise IgnoreRequest(f"redirect loop at {request.url}")
        return super().process_response(request, response)
