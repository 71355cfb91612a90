"""Turn archived HTML responses into article records with trafilatura.

Only pages that read as articles become records: an HTML 200 response whose extracted body is
long enough and which declares itself an article (``og:type``/JSON-LD) or carries a
publication date. Section pages, feeds, sitemaps and files are not articles.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from htmldate import find_date
from lxml import html as lxml_html
from trafilatura import bare_extraction

from pipeline.records import ArchivedResponse, Article
from pipeline.urls import article_id, domain_of, resolve_canonical

log = logging.getLogger(__name__)

MIN_WORDS = 80
_DATE_PARAMS = {
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    "original_date": True,
    "extensive_search": True,
    # the URL's /yyyy/mm/dd/ has no time of day: use it only when the page gives no date
    "deferred_url_extractor": True,
}
_LISTING_TYPES = {"website", "section", "blog", "profile", "homepage"}
_WORDS = re.compile(r"\w+", re.UNICODE)
_EN = frozenset("the and of to in is that for was on with said as by are from it at".split())
_FR = frozenset("le la les des et est une dans du pour que qui sur pas au aux a été".split())


def is_html(response: ArchivedResponse) -> bool:
    ctype = response.headers.get("content-type", "").lower()
    if ctype:
        return "html" in ctype
    return response.body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))


def extract_article(response: ArchivedResponse, outlet: str | None = None) -> Article | None:
    """The article in ``response``, or None when the page is not an article."""
    if response.status != 200 or response.kind not in (None, "article", "other"):
        return None
    if not response.body or not is_html(response):
        return None
    try:
        tree = lxml_html.fromstring(response.body)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        log.warning("%s: unparseable HTML (%s)", response.url, exc)
        return None
    # htmldate keeps the time and offset when the page gives them (trafilatura keeps the day);
    # it runs first because trafilatura prunes the tree it is given.
    date_string = find_date(tree, url=response.url, **_DATE_PARAMS)
    canonical_href = _canonical_link(tree)
    article_markup = _has_article_markup(tree)
    doc = bare_extraction(
        tree,
        url=response.url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
    )
    if doc is None or not doc.text:
        return None
    text = doc.text.strip()
    words = len(_WORDS.findall(text))
    pagetype = (doc.pagetype or "").lower()
    if words < MIN_WORDS or pagetype in _LISTING_TYPES:
        return None
    published = parse_published(date_string or doc.date)
    if pagetype != "article" and published is None and not article_markup:
        return None
    canonical = resolve_canonical(response.url, canonical_href)
    return Article(
        article_id=article_id(canonical),
        url=response.url,
        canonical_url=canonical,
        outlet=outlet or response.source or doc.sitename or domain_of(response.url),
        domain=domain_of(canonical),
        title=(doc.title or "").strip() or None,
        authors=split_authors(doc.author),
        published_at=published,
        fetched_at=response.fetched_at,
        language=detect_language(tree, text),
        text=text,
        word_count=words,
        warc_file=response.warc_file,
    )


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
    if not value:
        return []
    parts = re.split(r";|\band\b|&", value)
    return [p.strip(" ,") for p in parts if p.strip(" ,")]


def _canonical_link(tree: lxml_html.HtmlElement) -> str | None:
    hrefs = tree.xpath('//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href')
    return hrefs[0] if hrefs else None


def _has_article_markup(tree: lxml_html.HtmlElement) -> bool:
    if tree.xpath("//article"):
        return True
    scripts = tree.xpath('//script[@type="application/ld+json"]/text()')
    return any(re.search(r'"@type"\s*:\s*"(News)?Article"', s) for s in scripts)


def detect_language(tree: lxml_html.HtmlElement, text: str) -> str | None:
    """The page's declared language (``<html lang>``), checked against a stop-word count."""
    declared = (tree.get("lang") or "").split("-")[0].lower() or None
    tokens = [t.lower() for t in _WORDS.findall(text[:5000])]
    en = sum(t in _EN for t in tokens)
    fr = sum(t in _FR for t in tokens)
    guessed = None
    if en + fr >= 10:
        guessed = "en" if en >= fr else "fr"
    if declared and (guessed is None or declared not in ("en", "fr") or declared == guessed):
        return declared
    return guessed or declared
