"""Read discovery pages into entries: RSS/Atom feeds, sitemaps (plain, index, Google News),
robots.txt ``Sitemap:`` lines and HTML section pages.

Pure functions over bytes, so they serve the spider, ``asylumwatch sources check`` and the
tests alike. feedparser reads every RSS (0.9x, 1.0, 2.0) and Atom dialect; sitemaps are read
with lxml (entities off); a document that is not well-formed is flagged ``malformed`` and
whatever a recovering parser still finds in it is kept.
"""

from __future__ import annotations

import calendar
import re
import xml.sax
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import feedparser
from courlan.filters import extension_filter, is_navigation_page, is_not_crawlable, type_filter
from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from pipeline.core.config import Source, host_key
from pipeline.core.since import to_naive_utc


@dataclass(slots=True)
class Entry:
    """One article (or child sitemap) announced by a discovery page."""

    url: str
    title: str | None = None
    summary: str | None = None
    published: datetime | None = None  # naive UTC
    updated: datetime | None = None  # naive UTC: <lastmod>, Atom <updated>

    @property
    def newest(self) -> datetime | None:
        """The later of the entry's published and updated dates; None when it has neither."""
        dates = [d for d in (self.published, self.updated) if d is not None]
        return max(dates) if dates else None


@dataclass(slots=True)
class Listing:
    """What a discovery page holds. ``kind``: feed, urlset, sitemapindex, robots, section."""

    kind: str
    entries: list[Entry] = field(default_factory=list)
    malformed: bool = False
    detail: str | None = None

    @property
    def newest(self) -> datetime | None:
        """The newest date among the listing's entries; None when none is dated."""
        dates = [e.newest for e in self.entries if e.newest is not None]
        return max(dates) if dates else None


# --- feeds ---------------------------------------------------------------------------------


def parse_feed(body: bytes, base_url: str) -> Listing:
    """Entries of an RSS or Atom feed; ``malformed`` when the XML is broken or not a feed."""
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    broken_xml = isinstance(problem, xml.sax.SAXException) and not isinstance(
        problem, feedparser.CharacterEncodingOverride | feedparser.NonXMLContentType
    )
    entries = []
    for item in parsed.entries:
        link = item.get("link") or _alternate_link(item)
        if not link:
            continue
        entries.append(
            Entry(
                url=urljoin(base_url, link.strip()),
                title=_clean(item.get("title")),
                summary=_clean(item.get("summary")),
                # dict.get: FeedParserDict.get falls back from updated to published
                published=_struct_time(dict.get(item, "published_parsed")),
                updated=_struct_time(dict.get(item, "updated_parsed")),
            )
        )
    not_a_feed = not parsed.get("version") and not entries
    detail = None
    if broken_xml or not_a_feed:
        detail = str(problem).splitlines()[0][:200] if problem else "not an RSS or Atom feed"
    return Listing("feed", entries, malformed=broken_xml or not_a_feed, detail=detail)


def _alternate_link(item: dict) -> str | None:
    for link in item.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None


def _struct_time(value: object) -> datetime | None:
    if not value:
        return None
    try:
        # feedparser's parsed dates are time.struct_time, typed loosely:
        return datetime.fromtimestamp(calendar.timegm(value), UTC).replace(tzinfo=None)  # type: ignore[arg-type]
    except (OverflowError, ValueError, TypeError):
        return None


_TAGS = re.compile(r"<[^>]+>")


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    text = re.sub(r"\s+", " ", _TAGS.sub(" ", value)).strip()
    return text or None


# --- sitemaps ------------------------------------------------------------------------------

_STRICT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_RECOVER = etree.XMLParser(
    recover=True, resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True
)


def sitemap_body(body: bytes, max_size: int = 0) -> bytes:
    """The XML of a sitemap, gunzipped when it was served as a ``.xml.gz`` file."""
    if body[:2] == b"\x1f\x8b":
        return gunzip(body, max_size=max_size)
    return body


def parse_sitemap(body: bytes, base_url: str) -> Listing:
    """Entries of a ``<urlset>`` (Google News fields included) or a ``<sitemapindex>``."""
    malformed, detail = False, None
    try:
        root = etree.fromstring(body, parser=_STRICT)
    except etree.XMLSyntaxError as exc:
        malformed, detail = True, str(exc)[:200]
        try:
            root = etree.fromstring(body, parser=_RECOVER)
        except etree.XMLSyntaxError:
            root = None
    if root is None:
        return Listing("urlset", malformed=True, detail=detail or "empty document")
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        return Listing("urlset", malformed=True, detail=f"root element <{kind}> is not a sitemap")
    entries = []
    for node in root:
        if not isinstance(node.tag, str) or _local(node.tag) not in ("url", "sitemap"):
            continue
        fields = _fields(node)
        loc = fields.get("loc")
        if not loc:
            continue
        entries.append(
            Entry(
                url=urljoin(base_url, loc),
                title=fields.get("title"),
                published=_w3c_date(fields.get("publication_date")),
                updated=_w3c_date(fields.get("lastmod")),
            )
        )
    return Listing(kind, entries, malformed=malformed, detail=detail)


def _fields(node: etree._Element) -> dict[str, str]:
    """Text of the entry's descendants by local name (news:news/news:title -> title)."""
    found: dict[str, str] = {}
    for child in node.iter():
        if child is node or not isinstance(child.tag, str):
            continue
        name = _local(child.tag)
        if child.text and child.text.strip() and name not in found:
            found[name] = child.text.strip()
    return found


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _w3c_date(value: str | None) -> datetime | None:
    """A W3C datetime (``2026-09-01``, ``2026-09-01T14:30Z``, ``...+02:00``) as naive UTC."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    if re.fullmatch(r"\d{4}-\d\d", text):
        text += "-01"
    if re.search(r"T\d\d:\d\d([+-]|$)", text):  # no seconds
        text = re.sub(r"(T\d\d:\d\d)", r"\1:00", text)
    try:
        return to_naive_utc(datetime.fromisoformat(text))
    except ValueError:
        return None


def robots_sitemaps(body: bytes, base_url: str) -> Listing:
    """Sitemaps declared by ``Sitemap:`` lines of a robots.txt."""
    urls = sitemap_urls_from_robots(body, base_url=base_url)
    return Listing("robots", [Entry(url=u) for u in urls])


# --- HTML section pages --------------------------------------------------------------------

_NOT_ARTICLE = re.compile(
    r"/(tag|tags|topic|topics|author|authors|category|categories|section|page|search|about|"
    r"contact|privacy|terms|subscribe|newsletter|login|account|video|videos|podcast|live|"
    r"staff|feed|rss)(/|$)",
    re.IGNORECASE,
)


def looks_like_article(url: str, source: Source) -> bool:
    """An on-site URL whose path reads as a story (dated path or long hyphenated slug) and
    that courlan's filters do not reject as navigation, a file or an uncrawlable page."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or host_key(url) not in source.hosts:
        return False
    path = parts.path
    if _NOT_ARTICLE.search(path) or not extension_filter(path):
        return False
    if not type_filter(url, strict=True) or is_navigation_page(url) or is_not_crawlable(url):
        return False
    segments = [s for s in path.split("/") if s]
    if not segments:
        return False
    dated = re.search(r"/(19|20)\d\d/\d{1,2}/", path) is not None
    slug = max(segments, key=len)
    return dated or slug.count("-") >= 3
