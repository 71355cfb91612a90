"""Ground truth for tests: every article with its labels, and every other kind of page."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC
from typing import Any

from .content import Story
from .render import NEWS_SITEMAP, SECTIONS_SITEMAP
from .site import Site
from .validate import FIRST_DAY, LAST_DAY

UTC_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _article(site: Site, story: Story) -> dict[str, Any]:
    return {
        "outlet": site.outlet.slug,
        "outlet_name": site.outlet.name,
        "path": story.path,
        "title": story.title,
        "summary": story.summary,
        "published": story.published_utc.strftime(UTC_FORMAT),
        "published_local": story.published.isoformat(),
        "updated": (story.updated.astimezone(UTC).strftime(UTC_FORMAT) if story.updated else None),
        "authors": list(story.authors),
        "byline": ", ".join(story.authors) if story.authors else site.outlet.wire_credit,
        "language": story.language,
        "relevant": story.relevant,
        "stance": story.stance,
        "syndicated": story.syndicated,
        "section": story.section,
        "word_count": story.word_count,
        "image_caption": story.image_caption,
        "source": story.source,
        "body": story.body,
        "quotes": [asdict(q) for q in story.quotes],
    }


def _discovery(site: Site) -> dict[str, Any]:
    outlet = site.outlet
    sitemaps = list(outlet.sitemaps)
    if outlet.discovery == "sitemap":
        sitemaps += [NEWS_SITEMAP, SECTIONS_SITEMAP]
    return {
        "slug": outlet.slug,
        "name": outlet.name,
        "language": outlet.language,
        "html_lang": outlet.html_lang,
        "country": outlet.country,
        "discovery": outlet.discovery,
        "feeds": list(outlet.feeds),
        "sitemaps": sitemaps,
        "start_paths": start_paths(site),
        "tracked_links": {"where": outlet.tracked, "query": outlet.tracking_query},
        "article_count": len(site.articles),
    }


def start_paths(site: Site) -> list[str]:
    """Entry points for outlets discovered through their HTML pages only."""
    if site.outlet.discovery != "html":
        return []
    return [site.section_path(section) for section in site.section_slugs]


def build_manifest(sites: list[Site]) -> str:
    articles, listings, others, files, private = [], [], [], [], []
    for site in sites:
        slug = site.outlet.slug
        articles += [_article(site, s) for s in sorted(site.articles, key=lambda s: s.sort_key)]
        for listing in site.listings:
            listings.append(
                {
                    "outlet": slug,
                    "path": listing.path,
                    "kind": listing.kind,
                    "section": listing.section,
                    "page": listing.page,
                    "article_paths": [s.path for s in listing.items],
                }
            )
        others.append({"outlet": slug, "path": site.outlet.about_path, "kind": "about"})
        report_from = site.section_path(site.report_section) if site.report_section else None
        files.append(
            {
                "outlet": slug,
                "path": site.outlet.report_path,
                "content_type": "application/pdf",
                "linked_from": report_from,
            }
        )
        private += [
            {
                "outlet": slug,
                "path": s.path,
                "title": s.title,
                "linked_from": site.section_path(s.section),
                "source": s.source,
            }
            for s in site.private
        ]
    manifest = {
        "about": (
            "Ground truth for the bundled demo site, written by data/demo_site/build_site.py. "
            "Paths are URL paths under each outlet's base URL. published is UTC; word_count is "
            "the number of whitespace-separated tokens of body (paragraphs joined by a blank line)."
        ),
        "date_range": [FIRST_DAY.isoformat(), LAST_DAY.isoformat()],
        "outlets": [_discovery(site) for site in sites],
        "articles": articles,
        "listing_pages": listings,
        "other_pages": others,
        "non_html": files,
        "private_pages": private,
    }
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
