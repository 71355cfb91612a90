"""Turn archived HTML responses into article records with trafilatura.

Only pages that read as articles become records: an HTML 200 response whose extracted body is
long enough and which declares itself an article (``og:type``/JSON-LD) or carries a
publication date. Section pages, feeds, sitemaps and files are not articles.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from htmldate import find_date
from lxml import html as lxml_html
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from pipeline.core.language import guess_language, normalize_language
from pipeline.core.records import ArchivedResponse, Article
from pipeline.core.urls import article_id, domain_of, resolve_canonical
from pipeline.encoding import decode_html

log = logging.getLogger(__name__)

MIN_WORDS = 80  # a page that does not declare itself an article needs this many words
# A page that declares itself an article (og:type article, or article markup with a date in
# its metadata) is kept down to this floor: a wire brief with one quote runs 35-60 words; under
# 30 it is a teaser, a caption or a video page's standfirst (docs/crawling.md).
MIN_ARTICLE_WORDS = 30
WORDS_PER_TEASER = 60  # fewer extracted words than this per headline link: a listing
MAX_LINK_SHARE = 0.5  # above this, a page is a list of links (a section page), not a story
_DATE_PARAMS = {
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    "original_date": True,
    "extensive_search": True,
    # the URL's /yyyy/mm/dd/ has no time of day: use it only when the page gives no date
    "deferred_url_extractor": True,
}
_WORDS = re.compile(r"\w+", re.UNICODE)


def is_html(response: ArchivedResponse) -> bool:
    """Whether the response is HTML: by its Content-Type, or by its first bytes when it has none."""
    ctype = response.headers.get("content-type", "").lower()
    if ctype:
        return "html" in ctype
    return response.body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))


@dataclass(slots=True)
class Page:
    """What trafilatura and htmldate read off one HTML page, before deciding if it is an
    article."""

    title: str | None
    text: str
    authors: list[str]
    published_at: datetime | None
    language: str | None
    canonical_href: str | None
    pagetype: str
    sitename: str | None
    article_markup: bool
    date_in_markup: bool = False  # a date in the page's metadata, not only in its text
    listing_markup: bool = False  # schema.org CollectionPage/ProfilePage/AboutPage/ItemList
    link_share: float = 0.0  # share of the page's visible text that sits inside links
    headline_links: int = 0  # links whose text reads like a headline (4 words or more)

    @property
    def word_count(self) -> int:
        """Words in the page's text."""
        return len(_WORDS.findall(self.text))


def parse_page(
    body: bytes | str, url: str | None = None, content_type: str | None = None
) -> Page | None:
    """Main text and metadata of an HTML page, or None when it has no extractable text."""
    if isinstance(body, bytes):
        body = decode_html(body, content_type)
    tree = load_html(body)
    if tree is None:
        log.warning("%s: unparseable HTML", url)
        return None
    # htmldate keeps the time and offset when the page gives them (trafilatura keeps the day);
    # it runs first because trafilatura prunes the tree it is given.
    date_string = find_date(tree, url=url, **_DATE_PARAMS)
    date_in_markup = find_date(tree, **{**_DATE_PARAMS, "extensive_search": False}) is not None
    published = parse_published(date_string)
    if published is not None and published.time() == time(0):
        published = _precise_timestamp(tree, published.date()) or published
    canonical_href = _canonical_link(tree)
    types = _schema_types(tree)
    article_markup = bool(types & _ARTICLE_TYPES) or tree.find(".//article") is not None
    listing_markup = bool(types & _LISTING_TYPES) and not types & _ARTICLE_TYPES
    link_share, headline_links = _link_stats(tree)
    doc = bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
    )
    if doc is None or not doc.text:
        return None
    text = doc.text.strip()
    return Page(
        title=(doc.title or "").strip() or None,
        text=text,
        authors=split_authors(doc.author),
        published_at=published or parse_published(doc.date),
        language=detect_language(tree, text),
        canonical_href=canonical_href,
        pagetype=(doc.pagetype or "").lower(),
        sitename=doc.sitename,
        article_markup=article_markup,
        date_in_markup=date_in_markup,
        listing_markup=listing_markup,
        link_share=link_share,
        headline_links=headline_links,
    )


def looks_like_article(page: Page) -> bool:
    """A story rather than a section, author or about page (see :func:`not_article_reason`)."""
    return not_article_reason(page) is None


def not_article_reason(page: Page) -> str | None:
    """Why ``page`` is not an article (``too_short``, ``listing``, ``link_list``, ``no_date``),
    or None when it is one.

    A page that declares itself an article (``og:type``, or article markup with a date in its
    metadata) needs only ``MIN_ARTICLE_WORDS``. A page that declares itself a collection,
    profile or about page is not one. Otherwise it needs ``MIN_WORDS``, a publication date in
    its metadata, and must not be mostly link text. (``og:type`` "website" says little: many
    sites put it on every page, stories included.)
    """
    declared = page.pagetype == "article" or (
        page.article_markup and page.date_in_markup and not page.listing_markup
    )
    if declared:
        return None if page.word_count >= MIN_ARTICLE_WORDS else "too_short"
    if page.listing_markup:
        return "listing"
    if page.word_count < MIN_WORDS:
        return "too_short"
    if page.headline_links >= 5 and page.word_count / page.headline_links < WORDS_PER_TEASER:
        return "listing"  # a list of headlines with teasers: a section, tag or author page
    if page.link_share > MAX_LINK_SHARE:
        return "link_list"
    return None if page.date_in_markup else "no_date"


def extract_article(response: ArchivedResponse, outlet: str | None = None) -> Article | None:
    """The article in ``response``, or None when the page is not an article."""
    return extract_or_reason(response, outlet)[0]


def extract_or_reason(
    response: ArchivedResponse, outlet: str | None = None
) -> tuple[Article | None, str | None]:
    """The article in ``response``, or None and why a fetched page is not one
    (``not_article:<reason>``; None for responses that were never meant to be articles: errors,
    feeds, sitemaps, section pages)."""
    if response.status != 200 or response.kind not in (None, "article", "other"):
        return None, None
    if not response.body:
        return None, "not_article:empty"
    if not is_html(response):
        return None, "not_article:not_html"
    page = parse_page(response.body, response.url, response.headers.get("content-type"))
    if page is None:
        return None, "not_article:no_text"
    if (reason := not_article_reason(page)) is not None:
        return None, f"not_article:{reason}"
    canonical = resolve_canonical(response.url, page.canonical_href)
    article = Article(
        article_id=article_id(canonical),
        url=response.url,
        canonical_url=canonical,
        outlet=outlet or response.source or page.sitename or domain_of(response.url),
        domain=domain_of(canonical),
        title=page.title,
        authors=page.authors,
        published_at=page.published_at,
        fetched_at=response.fetched_at,
        language=page.language,
        text=page.text,
        word_count=page.word_count,
        warc_file=response.warc_file,
    )
    return article, None


def parse_published(value: str | None) -> datetime | None:
    """htmldate's output (``%Y-%m-%dT%H:%M:%S%z`` or a bare date) as naive UTC."""
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed
    return None


def split_authors(value: str | None) -> list[str]:
    """The author names in a byline (split on ``;``, "and" and ``&``)."""
    if not value:
        return []
    parts = re.split(r";|\band\b|&", value)
    return [p.strip(" ,") for p in parts if p.strip(" ,")]


def _canonical_link(tree: lxml_html.HtmlElement) -> str | None:
    hrefs = tree.xpath('//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href')
    return hrefs[0] if hrefs else None


def _link_stats(tree: lxml_html.HtmlElement) -> tuple[float, int]:
    """Share of the body's words inside links, and the number of headline-like links."""
    body = tree.find(".//body")
    if body is None:
        return 0.0, 0
    total = len(" ".join(body.itertext()).split())
    lengths = [len(" ".join(a.itertext()).split()) for a in body.iter("a")]
    share = sum(lengths) / total if total else 0.0
    return share, sum(1 for n in lengths if n >= 4)


_ARTICLE_TYPES = {
    "Article",
    "NewsArticle",
    "ReportageNews",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
}
_LISTING_TYPES = {
    "CollectionPage",
    "ProfilePage",
    "AboutPage",
    "ItemList",
    "SearchResultsPage",
    "ContactPage",
}
_JSONLD_TYPE = re.compile(r'"@type"\s*:\s*(\[[^\]]*\]|"[^"]+")')


def _schema_types(tree: lxml_html.HtmlElement) -> set[str]:
    """schema.org types the page declares in JSON-LD or microdata."""
    found: set[str] = set()
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        for match in _JSONLD_TYPE.finditer(script):
            found.update(re.findall(r'"([^"]+)"', match.group(1)))
    for itemtype in tree.xpath("//@itemtype"):
        found.update(t.rsplit("/", 1)[-1] for t in itemtype.split())
    return found


def _precise_timestamp(tree: lxml_html.HtmlElement, day: date) -> datetime | None:
    """A full publication timestamp for ``day`` from the page's markup, when htmldate kept
    only the day (e.g. a ``<time datetime>`` element or microdata)."""
    candidates = tree.xpath(
        '//meta[@property="article:published_time" or @itemprop="datePublished"]/@content'
        ' | //*[@itemprop="datePublished"]/@datetime | //time/@datetime'
    )
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        candidates += re.findall(r'"datePublished"\s*:\s*"([^"]+)"', script)
    for value in candidates:
        try:
            stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        if stamp.tzinfo is not None and stamp.date() == day:
            return stamp.astimezone(UTC).replace(tzinfo=None)
    return None


def detect_language(tree: lxml_html.HtmlElement, text: str) -> str | None:
    """The page's declared language (``<html lang>``) unless its words clearly say otherwise."""
    declared = normalize_language(tree.get("lang"))
    guessed = guess_language(text[:5000], min_hits=10)
    return guessed if guessed and guessed != declared else declared
