"""The news spider: discovers article URLs from each source's feeds, sitemaps and section
pages, and fetches the articles. It yields no items: the archive middleware writes every
response to WARC, and extraction happens later, from the archive."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from scrapy import Request
from scrapy.http import Response
from scrapy.spiders import SitemapSpider

from crawlers.job import CrawlJob
from pipeline.config import Source, host_key

# Paths that are navigation, not stories, whatever the site.
_NOT_ARTICLE = re.compile(
    r"/(tag|tags|topic|topics|author|authors|category|section|page|search|about|contact|"
    r"privacy|terms|subscribe|newsletter|login|account|video|videos|podcast|live)(/|$)|"
    r"\.(pdf|jpe?g|png|gif|webp|svg|mp[34]|zip|css|js|xml|rss)$",
    re.IGNORECASE,
)


def looks_like_article(url: str, source: Source) -> bool:
    """An on-site URL whose path looks like a story: a dated path or a long hyphenated slug."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or host_key(url) not in source.hosts:
        return False
    path = parts.path
    if _NOT_ARTICLE.search(path):
        return False
    segments = [s for s in path.split("/") if s]
    if not segments:
        return False
    dated = re.search(r"/(19|20)\d\d/\d{1,2}/", path) is not None
    slug = max(segments, key=len)
    return dated or (slug.count("-") >= 3 and len(segments) >= 1)


class NewsSpider(SitemapSpider):
    name = "news"
    sitemap_rules = [("", "parse_article")]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.job: CrawlJob | None = None
        self.articles_requested = 0

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.job = CrawlJob.load(crawler.settings.get("AW_JOB_FILE"))
        return spider

    # --- discovery ------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        assert self.job is not None
        for source in self.job.sources:
            for url in source.sitemaps:
                yield self._request(url, self._parse_sitemap, "sitemap", source)
            for url in source.feeds:
                yield self._request(url, self.parse_feed, "feed", source)
            for url in source.start_urls:
                yield self._request(url, self.parse_section, "section", source)

    def _request(self, url: str, callback: Any, kind: str, source: Source, **meta: Any) -> Request:
        meta = {"aw_kind": kind, "aw_source": source.name, **meta}
        if source.download_delay is not None:
            meta["download_slot"] = host_key(url)
        return Request(url, callback=callback, meta=meta, dont_filter=kind != "article")

    def _source_for(self, url: str) -> Source | None:
        assert self.job is not None
        host = host_key(url)
        return next((s for s in self.job.sources if host in s.hosts), None)

    def article_request(self, url: str, source: Source) -> Request | None:
        limit = self.job.max_articles if self.job else None
        if limit is not None and self.articles_requested >= limit:
            return None
        self.articles_requested += 1
        return Request(
            url,
            callback=self.parse_article,
            meta={"aw_kind": "article", "aw_source": source.name},
        )

    def parse_feed(self, response: Response) -> Iterable[Request]:
        source = self._source_for(response.url)
        if source is None:
            return
        feed = feedparser.parse(response.body)
        for entry in feed.entries:
            link = entry.get("link")
            if not link:
                continue
            url = urljoin(response.url, link)
            if host_key(url) in source.hosts and (request := self.article_request(url, source)):
                yield request

    def parse_section(self, response: Response) -> Iterable[Request]:
        source = self._source_for(response.url)
        if source is None or not hasattr(response, "css"):
            return
        for href in response.css("a::attr(href)").getall():
            url = urljoin(response.url, href.strip())
            if looks_like_article(url, source) and (request := self.article_request(url, source)):
                yield request

    def _parse_sitemap(self, response: Response) -> Iterable[Request]:
        source = self._source_for(response.url)
        for request in super()._parse_sitemap(response):
            if request.callback == self.parse_article:
                if source is None:
                    continue
                article = self.article_request(request.url, source)
                if article is not None:
                    yield article
            else:
                yield request.replace(meta={**request.meta, "aw_kind": "sitemap"})

    def parse_article(self, response: Response) -> Iterable[Any]:
        # The archive middleware has already written the response; extraction reads the WARC.
        return ()
