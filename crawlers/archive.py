"""Archive every HTTP exchange to WARC and log every request to the fetch log.

``WarcArchiveMiddleware`` sits next to the downloader, so it sees each response as it came
over the wire (redirects and retried errors included) and each network failure. Responses go
to the run's ``.warc.gz`` as request/response record pairs; every request, answered or not,
goes to the run's ``.fetches.jsonl``. Both files are flushed after every record, so a crawl
killed at any point keeps everything it fetched up to then.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawlers.job import CrawlJob
from pipeline.config import host_key

KIND_HEADER = "Asylumwatch-Kind"
SOURCE_HEADER = "Asylumwatch-Source"
RUN_HEADER = "Asylumwatch-Run"

# Hop-by-hop headers that no longer describe the body Scrapy hands us.
_DROP_HEADERS = {"transfer-encoding", "connection", "keep-alive"}


def request_kind(request: Request) -> str:
    """What a request is for: article, feed, sitemap, section, robots or other."""
    if kind := request.meta.get("aw_kind"):
        return kind
    if request.url.endswith("/robots.txt"):
        return "robots"
    name = getattr(request.callback, "__name__", "")
    return {"_parse_sitemap": "sitemap", "parse_article": "article"}.get(name, "other")


class SourceIndex:
    """Maps a URL to the configured source whose hosts it belongs to."""

    def __init__(self, job: CrawlJob):
        self._by_host = {host: s.name for s in job.sources for host in s.hosts}

    def source_of(self, url: str) -> str:
        host = host_key(url)
        if host in self._by_host:
            return self._by_host[host]
        # sub-domains (e.g. news.example.com for example.com)
        for known, name in self._by_host.items():
            if host.endswith("." + known.split(":")[0]):
                return name
        return urlsplit(url).netloc


class WarcArchiveMiddleware:
    def __init__(self, job: CrawlJob, crawler: Crawler):
        self.job = job
        self.sources = SourceIndex(job)
        self.crawler = crawler
        Path(job.warc_file).parent.mkdir(parents=True, exist_ok=True)
        self._warc: IO[bytes] = open(job.warc_file, "ab")  # noqa: SIM115 - closed on spider_closed
        self._log: IO[str] = open(job.fetch_log, "a", encoding="utf-8")  # noqa: SIM115
        self._writer = WARCWriter(self._warc, gzip=True)
        if self._warc.tell() == 0:
            self._write_warcinfo()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
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

    def process_response(self, request: Request, response: Response, spider: Spider) -> Response:
        kind = request_kind(request)
        source = self.sources.source_of(request.url)
        self._archive(request, response, kind, source)
        self._log_fetch(
            request.url,
            source,
            kind,
            status=response.status,
            size=len(response.body),
            content_type=_header(response, "Content-Type"),
            error=None,
        )
        self.crawler.stats.inc_value(f"asylumwatch/{source}/responses")
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider) -> None:
        source = self.sources.source_of(request.url)
        reason = type(exception).__name__
        detail = str(exception).strip().splitlines()[0][:200] if str(exception).strip() else ""
        self._log_fetch(
            request.url,
            source,
            request_kind(request),
            status=None,
            size=0,
            content_type=None,
            error=f"{reason}: {detail}" if detail else reason,
        )
        self.crawler.stats.inc_value(f"asylumwatch/{source}/errors")
        return None

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

    def _log_fetch(
        self,
        url: str,
        source: str,
        kind: str,
        *,
        status: int | None,
        size: int,
        content_type: str | None,
        error: str | None,
    ) -> None:
        row: dict[str, Any] = {
            "run_id": self.job.run_id,
            "url": url,
            "source": source,
            "kind": kind,
            "status": status,
            "bytes": size,
            "fetched_at": datetime.now(UTC).replace(tzinfo=None).isoformat(),
            "error": error,
            "content_type": content_type,
            "warc_file": self.job.warc_file if status is not None else None,
        }
        self._log.write(json.dumps(row) + "\n")
        self._log.flush()

    def close(self, spider: Spider) -> None:
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
