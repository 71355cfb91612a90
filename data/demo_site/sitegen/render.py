"""Rendering one outlet's site into files: relative path inside the site folder -> bytes."""

from __future__ import annotations

import hashlib
from types import ModuleType

from . import feeds
from .binary import simple_pdf, solid_png
from .site import Site
from .themes import courrier_frontalier, lakeshore_tribune, northern_ledger, prairie_post
from .themes.common import AboutView, ArticleView, ListingView

THEMES: dict[str, ModuleType] = {
    "northern-ledger": northern_ledger,
    "prairie-post": prairie_post,
    "lakeshore-tribune": lakeshore_tribune,
    "courrier-frontalier": courrier_frontalier,
}
NEWS_SITEMAP = "/news-sitemap.xml"
SECTIONS_SITEMAP = "/sitemap-sections.xml"
REPORT_LINES = {
    "en": [
        "This document is published for readers, advertisers and partners.",
        "It summarises circulation, audience and newsroom staffing for the year.",
    ],
    "fr": [
        "Ce document s'adresse aux lecteurs, aux annonceurs et aux partenaires.",
        "Il resume le tirage, l'auditoire et les effectifs de la redaction.",
    ],
}


def _file(path: str) -> str:
    """Folder-style URL path or file URL path -> file path inside the site folder."""
    relative = path.lstrip("/")
    return f"{relative}index.html" if relative.endswith("/") or not relative else relative


def _photo(seed: str) -> bytes:
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return solid_png(64, 36, (digest[0], digest[1], digest[2]))


def render_site(site: Site) -> dict[str, bytes]:
    theme = THEMES[site.outlet.slug]
    files: dict[str, str | bytes] = {}
    for story in (*site.articles, *site.private):
        view = ArticleView(site=site, story=story, related=site.related(story))
        files[_file(story.path)] = theme.article_page(view)
        files[_file(site.image_path(story))] = _photo(f"{site.outlet.slug}/{story.slug}")
    for listing in site.listings:
        files[_file(listing.path)] = theme.listing_page(ListingView(site=site, listing=listing))
    files[_file(site.outlet.about_path)] = theme.about_page(AboutView(site=site))
    files[_file(theme.STYLESHEET_PATH)] = theme.STYLESHEET
    files["robots.txt"] = feeds.robots(site)
    files[_file(site.outlet.report_path)] = simple_pdf(
        site.outlet.report_title, REPORT_LINES[site.outlet.language]
    )
    if site.outlet.discovery == "rss":
        for path in site.outlet.feeds:
            files[_file(path)] = feeds.rss(site, path)
    elif site.outlet.discovery == "atom":
        for path in site.outlet.feeds:
            files[_file(path)] = feeds.atom(site, path)
    elif site.outlet.discovery == "sitemap":
        files[_file(NEWS_SITEMAP)] = feeds.news_sitemap(site)
        files[_file(SECTIONS_SITEMAP)] = feeds.sections_sitemap(site)
        for path in site.outlet.sitemaps:
            files[_file(path)] = feeds.sitemap_index(site, [NEWS_SITEMAP, SECTIONS_SITEMAP])
    return {
        path: data if isinstance(data, bytes) else data.encode("utf-8")
        for path, data in sorted(files.items())
    }
