"""Decide, for a response as it comes over the wire, what went wrong with it, if anything.

Runs in the archive middleware, before Scrapy's retry, decompression and redirect
middlewares see the response, so every attempt (a 503 that is retried, a 301 hop) gets its own
verdict. Feeds and sitemaps are parsed here once; the listing rides to the spider callback in
``request.meta["aw_listing"]`` so the page is not parsed twice.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

import brotli
from scrapy import Request
from scrapy.http import Response

from crawlers.discovery import Listing, parse_feed, parse_sitemap, robots_sitemaps, sitemap_body
from crawlers.faults import RETRY_AFTER_STATUSES, article_problem, retry_after_seconds, status_code
from pipeline.core.warc import BodyTooLarge, decode_body

REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class Limits:
    """Size, Retry-After and redirect limits the classifier applies to a response."""

    max_size: int  # DOWNLOAD_MAXSIZE, applied to decompressed bodies too
    retry_after_max: float  # a Retry-After longer than this is not waited for
    max_redirects: int  # REDIRECT_MAX_TIMES


def redirect_target(request: Request, response: Response) -> str | None:
    """The absolute URL a redirect response points to; None when it is no redirect or has no
    Location."""
    location = response.headers.get("Location")
    if response.status not in REDIRECTS or not location:
        return None
    return urljoin(request.url, location.decode("latin-1").strip())


def redirect_problem(request: Request, response: Response, max_redirects: int) -> str | None:
    """``redirect_loop`` when the redirect leads back into its own chain, ``too_many_redirects``
    when the chain is longer than allowed."""
    target = redirect_target(request, response)
    if target is None:
        return None
    chain = {urldefrag(u)[0] for u in [*request.meta.get("redirect_urls", []), request.url]}
    if urldefrag(target)[0] in chain:
        return "redirect_loop"
    if request.meta.get("redirect_times", 0) + 1 > max_redirects:
        return "too_many_redirects"
    return None


def gives_up_on_retry_after(response: Response, retry_after_max: float) -> bool:
    """The server asks to come back later than we are willing to wait."""
    if response.status not in RETRY_AFTER_STATUSES:
        return False
    wait = retry_after_seconds(response.headers.get("Retry-After"))
    return wait is not None and wait > retry_after_max


def classify(
    request: Request, response: Response, kind: str, limits: Limits
) -> tuple[str | None, Listing | None]:
    """The reason code for ``response`` (None when all is well) and, for a feed, sitemap or
    robots.txt the spider asked for, what it lists."""
    status = response.status
    if status in REDIRECTS:
        return redirect_problem(request, response, limits.max_redirects), None
    if gives_up_on_retry_after(response, limits.retry_after_max):
        return "retry_after", None
    if status >= 400:
        return status_code(status), None
    if status != 200:
        return None, None
    encoding = response.headers.get("Content-Encoding")
    try:
        body = decode_body(
            response.body, encoding.decode("latin-1") if encoding else None, limits.max_size
        )
    except BodyTooLarge:
        return "too_large", None
    except (zlib.error, brotli.error, OSError, EOFError, ValueError):
        return "bad_encoding", None
    ctype = response.headers.get("Content-Type")
    content_type = ctype.decode("latin-1") if ctype else None
    if kind == "article":
        return article_problem(content_type, body), None
    if "aw_kind" not in request.meta or kind not in ("feed", "sitemap", "robots"):
        return None, None
    if not body.strip():
        return "empty_body", Listing(kind)
    if kind == "robots":
        return None, robots_sitemaps(body, request.url)
    if kind == "feed":
        listing = parse_feed(body, response.url)
        return ("malformed_feed" if listing.malformed else None), listing
    try:
        xml = sitemap_body(body, limits.max_size)
    except (OSError, EOFError, ValueError):
        return "malformed_sitemap", Listing("urlset", malformed=True, detail="bad gzip")
    listing = parse_sitemap(xml, response.url)
    return ("malformed_sitemap" if listing.malformed else None), listing
