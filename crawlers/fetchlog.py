"""The run's fetch log: one JSON line per request made (or per entry skipped on purpose).

Shared by the archive middleware (every response and network failure), the spider (entries
skipped by topic or age, failures that surface in an errback) and flushed after every line,
so a crawl killed at any point keeps its log up to the last whole line. Rows become
``fetches`` rows when the WARC is processed; ``etag``/``last_modified`` ride along for the
conditional requests of the next run.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import IO, Any

from scrapy.crawler import Crawler

from crawlers.job import CrawlJob


class FetchLog:
    """The job's fetch log: one JSON line per request, appended as the crawl goes."""

    def __init__(self, job: CrawlJob):
        self.job = job
        self._handle: IO[str] | None = open(job.fetch_log, "a", encoding="utf-8")  # noqa: SIM115
        self.failed: OSError | None = None  # why writing stopped, if it did

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> FetchLog:
        """The crawler's one fetch log (created on first use, closed with the spider)."""
        log = getattr(crawler, "_aw_fetch_log", None)
        if log is None:
            log = cls(CrawlJob.load(crawler.settings.get("AW_JOB_FILE")))
            crawler._aw_fetch_log = log  # type: ignore[attr-defined]  # one log per crawler
        return log

    def write(
        self,
        url: str,
        source: str,
        kind: str,
        *,
        status: int | None,
        size: int = 0,
        error: str | None = None,
        content_type: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Append one request's outcome; after a failed write (a full disk), stop writing and keep
        the error in :attr:`failed`."""
        if self._handle is None:
            return
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
        if etag:
            row["etag"] = etag
        if last_modified:
            row["last_modified"] = last_modified
        try:
            self._handle.write(json.dumps(row) + "\n")
            self._handle.flush()
        except OSError as exc:  # a full disk: stop writing; the archive middleware stops the crawl
            self.failed = exc
            handle, self._handle = self._handle, None
            with contextlib.suppress(OSError):
                handle.close()

    def close(self) -> None:
        """Close the log file (once; errors on closing are ignored)."""
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
            self._handle = None
