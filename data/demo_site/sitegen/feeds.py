"""Discovery documents: RSS 2.0, Atom 1.0, Google News sitemap, sitemap index, robots.txt."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from .content import Story
from .site import Site

FEED_SIZE = 50


def _latest(story: Story) -> datetime:
    return story.updated or story.published


def _credits(site: Site, story: Story) -> list[str]:
    return list(story.authors) or [site.outlet.wire_credit]


def rss(site: Site, path: str) -> str:
    """RSS 2.0 with ``dc:creator``; item links carry the outlet's feed tracking parameters."""
    stories = site.articles[:FEED_SIZE]
    built = max((_latest(s) for s in stories), default=None)
    items = []
    for story in stories:
        items.append(
            f"""    <item>
      <title>{escape(story.title)}</title>
      <link>{escape(site.article_url(story, "feed"))}</link>
      <description>{escape(story.summary)}</description>
      <pubDate>{format_datetime(story.published)}</pubDate>
      <guid isPermaLink="true">{site.absolute(story.path)}</guid>
      <dc:creator>{escape(", ".join(_credits(site, story)))}</dc:creator>
      <category>{escape(site.section_label(story.section))}</category>
    </item>"""
        )
    build_date = f"\n    <lastBuildDate>{format_datetime(built)}</lastBuildDate>" if built else ""
    body = "\n".join(items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{escape(site.outlet.name)} - Latest news</title>
    <link>{{{{BASE_URL}}}}/</link>
    <description>The latest stories from {escape(site.outlet.name)}.</description>
    <language>{site.outlet.html_lang.lower()}</language>
    <atom:link href="{{{{BASE_URL}}}}{path}" rel="self" type="application/rss+xml"/>{build_date}
    <ttl>15</ttl>
{body}
  </channel>
</rss>
"""


def atom(site: Site, path: str) -> str:
    """Atom 1.0: entries with title, alternate link, published, updated, summary, author."""
    stories = site.articles[:FEED_SIZE]
    feed_updated = max((_latest(s) for s in stories), default=None)
    entries = []
    for story in stories:
        link = site.article_url(story, "feed")
        authors = "\n".join(
            f"    <author><name>{escape(name)}</name></author>" for name in _credits(site, story)
        )
        entries.append(
            f"""  <entry>
    <title type="text">{escape(story.title)}</title>
    <link rel="alternate" type="text/html" href={quoteattr(link)}/>
    <id>{site.absolute(story.path)}</id>
    <published>{story.published.isoformat()}</published>
    <updated>{_latest(story).isoformat()}</updated>
{authors}
    <category term={quoteattr(story.section)} label={quoteattr(site.section_label(story.section))}/>
    <summary type="text">{escape(story.summary)}</summary>
  </entry>"""
        )
    updated = f"\n  <updated>{feed_updated.isoformat()}</updated>" if feed_updated else ""
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{site.outlet.html_lang}">
  <title>{escape(site.outlet.name)}</title>
  <subtitle>News from the Prairies</subtitle>
  <link rel="alternate" type="text/html" href="{{{{BASE_URL}}}}/"/>
  <link rel="self" type="application/atom+xml" href="{{{{BASE_URL}}}}{path}"/>
  <id>{{{{BASE_URL}}}}/</id>{updated}
  <generator>{escape(site.outlet.name)} publishing system</generator>
{body}
</feed>
"""


def news_sitemap(site: Site) -> str:
    """Google News sitemap listing every article."""
    urls = []
    for story in site.articles:
        urls.append(
            f"""  <url>
    <loc>{site.absolute(story.path)}</loc>
    <news:news>
      <news:publication>
        <news:name>{escape(site.outlet.name)}</news:name>
        <news:language>{site.outlet.language}</news:language>
      </news:publication>
      <news:publication_date>{story.published.isoformat()}</news:publication_date>
      <news:title>{escape(story.title)}</news:title>
    </news:news>
    <lastmod>{_latest(story).isoformat()}</lastmod>
  </url>"""
        )
    body = "\n".join(urls)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{body}
</urlset>
"""


def sections_sitemap(site: Site) -> str:
    """Regular sitemap of the homepage and section pages, with lastmod."""
    entries: list[tuple[str, str]] = []
    for listing in site.listings:
        if listing.kind == "author" or not listing.items:
            continue
        lastmod = max(_latest(s) for s in listing.items).isoformat()
        entries.append((site.absolute(listing.path), lastmod))
    body = "\n".join(
        f"  <url>\n    <loc>{loc}</loc>\n    <lastmod>{lastmod}</lastmod>\n  </url>"
        for loc, lastmod in entries
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{body}
</urlset>
"""


def sitemap_index(site: Site, children: list[str]) -> str:
    latest = max((_latest(s) for s in site.articles), default=None)
    lastmod = f"\n    <lastmod>{latest.isoformat()}</lastmod>" if latest else ""
    body = "\n".join(
        f"  <sitemap>\n    <loc>{site.absolute(child)}</loc>{lastmod}\n  </sitemap>"
        for child in children
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{body}
</sitemapindex>
"""


def robots(site: Site) -> str:
    lines = ["User-agent: *", "Disallow: /private/"]
    lines += [f"Sitemap: {site.absolute(path)}" for path in site.outlet.sitemaps]
    return "\n".join(lines) + "\n"
