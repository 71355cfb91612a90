"""The news spider: discovers article URLs from each source's feeds, sitemaps and section
pages, and fetches the articles. It yields no items: the archive middleware writes every
response to WARC, and extraction happens later, from the archive.

In ``check`` mode (``asylumwatch sources check``) it fetches only the feeds, sitemaps (one
level of a sitemap index) and each homepage's robots.txt, and writes one line per page to the
job's check file: status, reason code, number of entries, newest entry date.
"""

from __future__ import annotations

import json
import resource
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure

from crawlers.decide import FETCH, REFETCH, TOO_OLD, TOPIC_FILTERED, decide
from crawlers.discovery import Entry, Listing, looks_like_article
from crawlers.faults import exception_code
from crawlers.fetchlog import FetchLog
from crawlers.guard import host_problem
from crawlers.job import CrawlJob
from crawlers.seen import SeenIndex
from pipeline.core.config import Source, host_key
from pipeline.core.since import parse_since
from pipeline.core.urls import canonicalize

# Scrapy's link extractor drops links to files (PDF, images...); courlan's filters and our
# own path rules (crawlers.discovery.looks_like_article) then keep story-like links only.
_LINKS = LinkExtractor(unique=True, canonicalize=False)


class NewsSpider(Spider):
    """The one spider: discovers articles through feeds, sitemaps and section pages, and fetches
    each new article once (or checks the listings, in ``check`` mode)."""

    name = "news"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.job: CrawlJob | None = None
        self.seen = SeenIndex()
        self.articles_requested = 0
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self._considered: set[str] = set()
        self._sources: dict[str, Source] = {}
        self._horizons: dict[str, datetime | None] = {}
        self._until: datetime | None = None  # exclusive end of a backfill's window
        self._started = datetime.now(UTC).replace(tzinfo=None)
        self._fetch_log: FetchLog | None = None
        self._sitemaps: set[str] = set()  # every sitemap (and robots.txt) requested this run
        self._sitemap_depth = 3  # AW_SITEMAP_MAX_DEPTH

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        """Scrapy's constructor: the spider for the job file named in the settings."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        job = CrawlJob.load(crawler.settings.get("AW_JOB_FILE"))
        spider.job = job
        spider.seen = SeenIndex.load(job.seen_file) if job.mode == "crawl" else SeenIndex()
        spider.topic = job.options.topic
        spider._sources = {s.name: s for s in job.sources}
        for source in job.sources:
            since = getattr(source, "since", None) or job.options.since
            spider._horizons[source.name] = parse_since(since, spider._started) if since else None
        if job.options.until:
            last_day = date.fromisoformat(job.options.until)
            spider._until = datetime.combine(last_day + timedelta(days=1), datetime.min.time())
        spider._fetch_log = FetchLog.for_crawler(crawler)
        spider._sitemap_depth = crawler.settings.getint("AW_SITEMAP_MAX_DEPTH", 3)
        return spider

    # --- requests -------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        """The start requests: retries of earlier transient failures, then each source's sitemaps,
        feeds and section pages (in ``check`` mode, the listings to check)."""
        assert self.job is not None
        if self.job.mode == "check":
            for request in self._check_requests():
                yield request
            return
        for url, source_name in self.job.retry_urls:
            source = self._sources.get(source_name)
            if source is not None and (request := self._article(url, source, retry=True)):
                self.counts[source.name]["retried"] += 1
                yield request
        for source in self.job.sources:
            for url in source.sitemaps:
                if (request := self._sitemap(url, source, depth=0)) is not None:
                    yield request
            for url in source.feeds:
                yield self._listing(url, "feed", source)
            for url in source.start_urls:
                yield self._request(url, self.parse_section, "section", source)

    def _check_requests(self) -> Iterable[Request]:
        assert self.job is not None
        for source in self.job.sources:
            robots = urljoin(source.homepage, "/robots.txt")
            yield self._listing(robots, "robots", source, aw_probe=True)
            for url in source.sitemaps:
                if (request := self._sitemap(url, source, depth=0)) is not None:
                    yield request
            for url in source.feeds:
                yield self._listing(url, "feed", source)

    def _request(
        self,
        url: str,
        callback: Any,
        kind: str,
        source: Source,
        *,
        dont_filter: bool = True,
        headers: dict[str, str] | None = None,
        **meta: Any,
    ) -> Request:
        meta = {"aw_kind": kind, "aw_source": source.name, **meta}
        if source.download_delay is not None or source.concurrency is not None:
            meta["download_slot"] = host_key(url)
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            meta=meta,
            headers=headers,
            dont_filter=dont_filter,
        )

    def _listing(self, url: str, kind: str, source: Source, **meta: Any) -> Request:
        assert self.job is not None
        headers = None
        etag, modified = ([*(self.job.validators.get(url) or [])] + [None, None])[:2]
        if self.job.mode == "crawl" and (etag or modified):
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
        return self._request(url, self.parse_listing, kind, source, headers=headers, **meta)

    def _article(
        self, url: str, source: Source, *, refetch: bool = False, retry: bool = False
    ) -> Request | None:
        assert self.job is not None
        limit = self.job.options.max_articles
        if limit is not None and self.articles_requested >= limit:
            return None
        self.articles_requested += 1
        meta: dict[str, Any] = {}
        headers = None
        if refetch:
            meta["aw_refetch"] = True
            stored = self.seen.get(canonicalize(url))
            headers = stored.conditional_headers() if stored else None
        if retry:
            meta["aw_retry"] = True
        return self._request(
            url, self.parse_article, "article", source, dont_filter=False, headers=headers, **meta
        )

    # --- discovery ------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterable[Request]:
        """Requests for the articles (and nested sitemaps) a feed or sitemap lists."""
        assert self.job is not None
        source = self._sources[response.meta["aw_source"]]
        kind = response.meta["aw_kind"]
        listing: Listing | None = response.meta.pop("aw_listing", None)
        if self.job.mode == "check":
            yield from self._check_listing(response, source, kind, listing)
            return
        if response.status == 304:
            self.counts[source.name]["listings_not_modified"] += 1
            return
        if response.status != 200 or listing is None:
            return
        self.counts[source.name]["listings"] += 1
        if listing.kind in ("robots", "sitemapindex"):
            yield from self._child_sitemaps(listing, source, response.meta.get("aw_depth", 0))
            return
        for entry in listing.entries:
            if (request := self.consider(entry, source)) is not None:
                yield request

    def _child_sitemaps(self, listing: Listing, source: Source, depth: int) -> Iterable[Request]:
        horizon = self._horizons.get(source.name)
        for entry in listing.entries:
            if horizon is not None and entry.updated is not None and entry.updated < horizon:
                self.counts[source.name]["sitemaps_too_old"] += 1
                continue
            if (request := self._sitemap(entry.url, source, depth=depth + 1)) is not None:
                yield request

    def _sitemap(self, url: str, source: Source, *, depth: int, **meta: Any) -> Request | None:
        """A request for a sitemap (or robots.txt), unless it is not http(s), not on the
        source's hosts, deeper than AW_SITEMAP_MAX_DEPTH below a configured one (all three
        recorded in the fetch log), or already requested this run (counted)."""
        assert self._fetch_log is not None
        counts = self.counts[source.name]
        problem = host_problem(url, source)
        if problem is None and depth > self._sitemap_depth:
            problem = "sitemap_too_deep"
        if problem is not None:
            counts[problem] += 1
            self._fetch_log.write(url, source.name, "sitemap", status=None, error=problem)
            return None
        key = canonicalize(url) if url.startswith(("http://", "https://")) else url
        if key in self._sitemaps:
            counts["sitemaps_repeated"] += 1
            return None
        self._sitemaps.add(key)
        return self._listing(url, _sitemap_kind(url), source, aw_depth=depth, **meta)

    def parse_section(self, response: Response) -> Iterable[Request]:
        """Requests for the article links of a section page."""
        source = self._sources[response.meta["aw_source"]]
        if response.status != 200 or not isinstance(response, TextResponse):
            return
        try:
            links = _LINKS.extract_links(response)
        except (AttributeError, ValueError):  # not HTML after all
            return
        self.counts[source.name]["listings"] += 1
        for link in links:
            if not looks_like_article(link.url, source):
                continue
            if (request := self.consider(Entry(url=link.url), source)) is not None:
                yield request

    def consider(self, entry: Entry, source: Source) -> Request | None:
        """Decide on one discovered entry; a request when it is to be fetched."""
        if (problem := host_problem(entry.url, source)) is not None:
            self.counts[source.name]["off_site" if problem == "offsite" else problem] += 1
            return None
        key = canonicalize(entry.url)
        if key in self._considered:
            return None
        self._considered.add(key)
        counts = self.counts[source.name]
        counts["discovered"] += 1
        decision = decide(
            entry,
            key,
            source,
            seen=self.seen,
            horizon=self._horizons.get(source.name),
            topic=self.topic,
            now=self._started,
            until=self._until,
        )
        counts[decision] += 1
        if decision in (TOO_OLD, TOPIC_FILTERED):
            assert self._fetch_log is not None
            self._fetch_log.write(entry.url, source.name, "article", status=None, error=decision)
            return None
        if decision not in (FETCH, REFETCH):
            return None
        request = self._article(entry.url, source, refetch=decision == REFETCH)
        if request is None:
            counts["over_limit"] += 1
        return request

    def parse_article(self, response: Response) -> Iterable[Any]:
        """Nothing: the archive middleware has already written the response, and extraction reads
        the WARC."""
        return ()

    # --- failures -------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        """Record failures no middleware saw: IgnoreRequest raised on a response (a redirect
        loop, a body over the size cap once decompressed)."""
        request = failure.request  # type: ignore[attr-defined]  # Scrapy sets it on the Failure
        code = exception_code(failure.value)
        source = request.meta.get("aw_source", "")
        if self.job is not None and self.job.mode == "check":
            self._write_check(request.url, source, request.meta.get("aw_kind"), None, code)
        if request.meta.get("aw_logged_code") == code:
            return
        assert self._fetch_log is not None
        self._fetch_log.write(
            request.url, source, request.meta.get("aw_kind", "other"), status=None, error=code
        )
        self.crawler.stats.inc_value(f"asylumwatch/{source}/error/{code}")

    # --- sources check --------------------------------------------------------------------

    def _check_listing(
        self, response: Response, source: Source, kind: str, listing: Listing | None
    ) -> Iterable[Request]:
        error = response.meta.get("aw_logged_code")
        entries = listing.entries if listing else []
        self._write_check(
            response.url if kind != "robots" else response.request.url,
            source.name,
            kind,
            response.status,
            error,
            listing=listing,
            final_url=response.url,
        )
        follow = listing is not None and listing.kind in ("sitemapindex", "robots")
        if follow and not response.meta.get("aw_child") and not response.meta.get("aw_probe"):
            for entry in entries:
                request = self._sitemap(entry.url, source, depth=1, aw_child=True)
                if request is not None:
                    yield request

    def _write_check(
        self,
        url: str,
        source: str,
        kind: str | None,
        status: int | None,
        error: str | None,
        *,
        listing: Listing | None = None,
        final_url: str | None = None,
    ) -> None:
        assert self.job is not None and self.job.check_file
        newest = listing.newest if listing else None
        row = {
            "source": source,
            "kind": (listing.kind if listing and kind == "sitemap" else kind),
            "url": url,
            "final_url": final_url if final_url and final_url != url else None,
            "status": status,
            "error": error,
            "entries": len(listing.entries) if listing else None,
            "newest": newest.isoformat() if newest else None,
            "detail": listing.detail if listing else None,
            "declared": [e.url for e in listing.entries]
            if listing and listing.kind == "robots"
            else None,
        }
        with open(self.job.check_file, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")

    # --- end of crawl ---------------------------------------------------------------------

    def closed(self, reason: str) -> None:
        """Write the crawl's per-source counters to the job's stats file."""
        if self.job is None or not self.job.stats_file:
            return
        stats = self.crawler.stats.get_stats()
        data = {
            "run_id": self.job.run_id,
            "finish_reason": reason,
            "sources": {name: dict(counts) for name, counts in self.counts.items()},
            "articles_requested": self.articles_requested,
            "peak_rss_kib": _peak_rss_kib(),
            "cpu_seconds": _cpu_seconds(),
            "scrapy": {
                k: v
                for k, v in stats.items()
                if isinstance(v, int | float) and not k.startswith("asylumwatch/")
            },
        }
        with open(self.job.stats_file, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, default=str)


def _peak_rss_kib() -> int | None:
    """This process's peak resident memory (Linux ``VmHWM``: unlike ``ru_maxrss`` it does
    not count the parent's memory that the process held between fork and exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_utime + usage.ru_stime, 3)


def _sitemap_kind(url: str) -> str:
    return "robots" if url.rstrip("/").endswith("/robots.txt") else "sitemap"
