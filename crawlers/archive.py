"""Archive every HTTP exchange to WARC and log every request to the fetch log.

``WarcArchiveMiddleware`` sits next to the downloader, so it sees each response as it came
over the wire (redirects and retried errors included) and each network failure. Responses go
to the run's ``.warc.gz`` as request/response record pairs; every request, answered or not,
goes to the run's ``.fetches.jsonl`` with a reason code when something went wrong
(:mod:`crawlers.faults`, :mod:`crawlers.classify`). Both files are flushed after every record,
so a crawl killed at any point keeps everything it fetched up to then.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawlers.classify import Limits, classify
from crawlers.faults import ARCHIVE_FAILED, exception_code
from crawlers.fetchlog import FetchLog
from crawlers.job import CrawlJob
from pipeline.core.config import host_key
from pipeline.core.warc import KIND_HEADER, RUN_HEADER, SOURCE_HEADER, lock_warc

logger = logging.getLogger(__name__)

# Hop-by-hop headers that no longer describe the body Scrapy hands us.
_DROP_HEADERS = {"transfer-encoding", "connection", "keep-alive"}


def request_kind(request: Request) -> str:
    """What a request is for: article, feed, sitemap, section, robots or other."""
    if kind := request.meta.get("aw_kind"):
        return kind
    if request.url.endswith("/robots.txt"):
        return "robots"
    name = getattr(request.callback, "__name__", "")
    return "article" if name == "parse_article" else "other"


class SourceIndex:
    """Maps a URL to the configured source whose hosts it belongs to."""

    def __init__(self, job: CrawlJob):
        self._by_host = {host: s.name for s in job.sources for host in s.hosts}

    def source_of(self, url: str) -> str:
        """The source whose host (or a parent domain of it) ``url`` is on; ``""`` when none is."""
        host = host_key(url)
        if host in self._by_host:
            return self._by_host[host]
        # sub-domains (e.g. news.example.com for example.com)
        for known, name in self._by_host.items():
            if host.endswith("." + known.split(":")[0]):
                return name
        return urlsplit(url).netloc


class WarcArchiveMiddleware:
    """Downloader middleware that writes every response to the job's WARC file and every request,
    answered or not, to its fetch log."""

    def __init__(self, job: CrawlJob, crawler: Crawler):
        self.job = job
        self.sources = SourceIndex(job)
        self.crawler = crawler
        settings = crawler.settings
        self.limits = Limits(
            max_size=settings.getint("DOWNLOAD_MAXSIZE"),
            retry_after_max=settings.getfloat("AW_RETRY_AFTER_MAX"),
            max_redirects=settings.getint("REDIRECT_MAX_TIMES"),
        )
        Path(job.warc_file).parent.mkdir(parents=True, exist_ok=True)
        self._warc: IO[bytes] = open(job.warc_file, "ab")  # noqa: SIM115 - closed on spider_closed
        lock_warc(self._warc)  # a run that finds this WARC leaves it alone while we write it
        self._log = FetchLog.for_crawler(crawler)
        self._writer = WARCWriter(self._warc, gzip=True)
        self._failed = False
        if self._warc.tell() == 0:
            self._write_warcinfo()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        """Scrapy's constructor: the middleware for the crawl's job, closed with the spider."""
        job = CrawlJob.load(crawler.settings.get("AW_JOB_FILE"))
        middleware = cls(job, crawler)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def _write_warcinfo(self) -> None:
        info = {
            "software": "asylumwatch crawler (Scrapy + warcio)",
            "format": "WARC File Format 1.1",
            "run-id": self.job.run_id,
            "robots": "obey",
        }
        record = self._writer.create_warcinfo_record(Path(self.job.warc_file).name, info)
        self._writer.write_record(record)
        self._warc.flush()

    # --- downloader middleware hooks ------------------------------------------------------

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        """Archive ``response`` and log it; a failure to write the archive stops the crawl."""
        kind = request_kind(request)
        source = self.source_of(request)
        try:
            self._archive(request, response, kind, source)
        except OSError as exc:  # a full disk: nothing more can be kept, so stop the crawl
            self._stop(exc)
            raise IgnoreRequest(f"archive write failed: {exc}") from None
        error, listing = classify(request, response, kind, self.limits)
        if listing is not None:
            request.meta["aw_listing"] = listing
        request.meta["aw_logged_code"] = error
        self._log.write(
            request.url,
            source,
            kind,
            status=response.status,
            size=len(response.body),
            content_type=_header(response, "Content-Type"),
            error=error,
            etag=_header(response, "ETag") if error is None else None,
            last_modified=_header(response, "Last-Modified") if error is None else None,
        )
        if self._log.failed is not None:
            self._stop(self._log.failed)
        stats = self.crawler.stats
        stats.inc_value(f"asylumwatch/{source}/responses")
        if error:
            stats.inc_value(f"asylumwatch/{source}/error/{error}")
        return response

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        """Log a request that got no response, with the reason code of ``exception``."""
        source = self.source_of(request)
        code = exception_code(exception)
        request.meta["aw_logged_code"] = code
        self._log.write(request.url, source, request_kind(request), status=None, error=code)
        self.crawler.stats.inc_value(f"asylumwatch/{source}/error/{code}")
        return None

    def _stop(self, exc: OSError) -> None:
        """Close the spider with reason ``archive_write_failed`` (once): the crawler then exits
        with ARCHIVE_FAILED_EXIT, which the parent turns into a one-line cause."""
        if self._failed:
            return
        self._failed = True
        logger.error("cannot write the archive (%s): stopping the crawl", exc)
        self.crawler.stats.set_value("asylumwatch/archive_error", str(exc))
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=ARCHIVE_FAILED))

    def source_of(self, request: Request) -> str:
        """The source that asked for ``request``: its ``aw_source`` meta, else the one its host
        belongs to."""
        return request.meta.get("aw_source") or self.sources.source_of(request.url)

    # --- writing --------------------------------------------------------------------------

    def _archive(self, request: Request, response: Response, kind: str, source: str) -> None:
        now = _warc_date()
        extra = {KIND_HEADER: kind, SOURCE_HEADER: source, RUN_HEADER: self.job.run_id}
        target = urlsplit(request.url)
        path = target.path or "/"
        if target.query:
            path += "?" + target.query
        req_headers = [
            (k.decode(), b", ".join(v).decode("latin-1")) for k, v in request.headers.items()
        ]
        req_headers.insert(0, ("Host", target.netloc))
        req_record = self._writer.create_warc_record(
            request.url,
            "request",
            payload=BytesIO(request.body or b""),
            http_headers=StatusAndHeaders(
                f"{request.method} {path} HTTP/1.1", req_headers, is_http_request=True
            ),
            warc_headers_dict={"WARC-Date": now, **extra},
        )
        resp_headers = [
            (k.decode(), b", ".join(v).decode("latin-1"))
            for k, v in response.headers.items()
            if k.decode().lower() not in _DROP_HEADERS
        ]
        resp_headers = [(k, v) for k, v in resp_headers if k.lower() != "content-length"]
        resp_headers.append(("Content-Length", str(len(response.body))))
        status_line = f"{response.status} {_reason(response.status)}"
        resp_record = self._writer.create_warc_record(
            response.url,
            "response",
            payload=BytesIO(response.body),
            http_headers=StatusAndHeaders(status_line, resp_headers, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": now, **extra},
        )
        self._writer.write_request_response_pair(req_record, resp_record)
        self._warc.flush()

    def close(self, spider: Spider) -> None:
        """Close the WARC file and the fetch log."""
        with contextlib.suppress(OSError):
            self._warc.close()
        self._log.close()


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _warc_date() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
