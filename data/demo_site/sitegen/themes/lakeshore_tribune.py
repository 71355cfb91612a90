"""Lakeshore Tribune: U.S. metro daily markup, AP-style dates in ``<time datetime>`` elements."""

from __future__ import annotations

from datetime import datetime

from ..content import Story
from ..site import Site
from .common import (
    COPYRIGHT_YEAR,
    AboutView,
    ArticleView,
    ListingView,
    clock_12h,
    date_ap,
    esc,
    iso,
    iso_utc_z,
    join_names,
    paragraphs_html,
    stable_number,
    zone,
)

STYLESHEET_PATH = "/assets/tribune.css"
STYLESHEET = """\
:root{--brand:#0b3d63}
body{margin:0;font-family:"Franklin Gothic",Arial,sans-serif;color:#121212}
.gnt_n{background:var(--brand);color:#fff;display:flex;align-items:center;gap:18px;padding:8px 18px}
.gnt_n_a{color:#fff;text-decoration:none;font-size:.9rem}
.privacy-prompt{position:fixed;bottom:0;background:#fff;border-top:2px solid var(--brand)}
.page-wrap{max-width:980px;margin:0 auto;padding:16px}
.headline{font-size:2.3rem;font-weight:800}
.article-dek{font-size:1.1rem;color:#3a3a3a}
.byline-block{font-size:.85rem}
.article-photo figcaption{font-size:.75rem;color:#666}
.more-stories{border-top:1px solid #ccc}
.site-foot{background:#f2f2f2;padding:20px;font-size:.8rem}
"""


def _ap_time(site: Site, moment: datetime) -> str:
    """ "2:30 p.m. ET Sept. 8, 2026" (zone abbreviations collapse to ET/CT)."""
    label = zone(site, moment).replace("EDT", "ET").replace("EST", "ET")
    label = label.replace("CDT", "CT").replace("CST", "CT")
    return f"{clock_12h(moment)} {label} {date_ap(moment)}"


def _head(site: Site, title: str, description: str, path: str, extra: list[str]) -> str:
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{site.outlet.html_lang}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f'<meta name="description" content="{esc(description)}">',
        f'<link rel="canonical" href="{site.absolute(path)}">',
        '<meta property="og:site_name" content="Lakeshore Tribune">',
        *extra,
        '<meta name="twitter:card" content="summary">',
        f'<link rel="stylesheet" href="{STYLESHEET_PATH}">',
        "</head>",
    ]
    return "\n".join(lines)


def _top(site: Site) -> str:
    links = "\n".join(
        f'    <a class="gnt_n_a" href="{site.href(path)}">{esc(label)}</a>'
        for path, label in site.nav
    )
    return f"""<body>
<div class="privacy-prompt" id="privacy-prompt" data-nosnippet>
  <p>We use cookies and other tracking technologies to improve your browsing experience, to
  show you personalized content and targeted ads, and to understand where our audience is
  coming from. <a href="{site.href(site.outlet.about_path)}#privacy">Your Privacy Choices</a></p>
  <button class="privacy-prompt__ok">OK</button>
</div>
<header class="site-head">
  <nav class="gnt_n" aria-label="Main">
    <a class="gnt_n_logo" href="{site.href("/")}">Lakeshore Tribune</a>
{links}
    <a class="gnt_n_a gnt_n_a--sub" href="{site.href(site.outlet.about_path)}">Subscribe</a>
  </nav>
</header>"""


def _foot(site: Site) -> str:
    return f"""<footer class="site-foot">
  <nav class="site-foot__nav">
    <a href="{site.href(site.outlet.about_path)}">About Us</a>
    <a href="{site.href(site.outlet.about_path)}#privacy">Privacy Policy</a>
    <a href="{site.href(site.outlet.about_path)}#privacy">Your Privacy Choices</a>
    <a href="{site.href("/sitemap_index.xml")}">Site Map</a>
  </nav>
  <p class="site-foot__copy">&copy; {COPYRIGHT_YEAR} Lakeshore Tribune, a Great Lakes Media
  company. All rights reserved.</p>
</footer>
</body>
</html>
"""


def _byline(site: Site, story: Story) -> str:
    if not story.authors:
        return f'<span class="byline-wire">{esc(site.outlet.wire_credit)}</span>'
    names = [
        f'<a class="author-name" href="{site.href(site.author_path(n))}">{esc(n)}</a>'
        for n in story.authors
    ]
    return f'<span class="byline-text">{join_names(names, "and")}</span>'


def article_page(view: ArticleView) -> str:
    site, story = view.site, view.story
    section = site.section_label(story.section)
    meta = [
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(story.title)}">',
        f'<meta property="og:description" content="{esc(story.summary)}">',
        f'<meta property="og:url" content="{site.absolute(story.path)}">',
        f'<meta property="og:image" content="{site.absolute(site.image_path(story))}">',
    ]
    updated = ""
    if story.updated:
        updated = (
            f'\n        <div class="article-updated">Updated <time datetime="{iso(story.updated)}">'
            f"{_ap_time(site, story.updated)}</time></div>"
        )
    caption = story.image_caption or "Lakeshore Tribune file photo"
    photographer = "Staff photo" if story.authors else "Associated Press file"
    published = (
        f'<time datetime="{iso(story.published)}" data-utc="{iso_utc_z(story.published)}">'
        f"{_ap_time(site, story.published)}</time>"
    )
    more = "\n".join(
        f'    <li><a class="more-stories__link" href="{site.href(r.path)}">{esc(r.title)}</a></li>'
        for r in view.related
    )
    return f"""{_head(site, f"{story.title}", story.summary, story.path, meta)}
{_top(site)}
<div class="page-wrap">
  <ol class="crumbs">
    <li><a href="{site.href("/")}">Home</a></li>
    <li><a href="{site.href(site.section_path(story.section))}">{esc(section)}</a></li>
  </ol>
  <article class="primary-content">
    <h1 class="headline">{esc(story.title)}</h1>
    <h2 class="article-dek">{esc(story.summary)}</h2>
    <div class="byline-block">
        {_byline(site, story)}
        <div class="article-published">Published {published}</div>{updated}
    </div>
    <div class="share-bar" role="group" aria-label="Share">
      <button class="share-bar__btn" data-target="facebook">Share on Facebook</button>
      <button class="share-bar__btn" data-target="x">Share on X</button>
      <button class="share-bar__btn" data-target="email">Email</button>
    </div>
    <figure class="article-photo">
      <img src="{site.href(site.image_path(story))}" alt="" width="1200" height="675">
      <figcaption><span class="caption-text">{esc(caption)}</span>
        <span class="caption-credit">{photographer}</span></figcaption>
    </figure>
    <div class="article-body">
{paragraphs_html(story, "      ")}
    </div>
  </article>
  <div class="comments-cta">
    <a href="#comments">{stable_number(story.slug, 1, 240)} Comments</a> &mdash; join the
    discussion with other subscribers.
  </div>
  <div class="newsletter-promo">
    <strong>Sign up for Lakeshore Today.</strong> Get the morning's top headlines from around
    the lake in your inbox. <a href="{site.href(site.outlet.about_path)}#newsletters">Sign up</a>
  </div>
  <section class="more-stories">
    <h3>Related stories</h3>
    <ul>
{more}
    </ul>
  </section>
</div>
{_foot(site)}"""


def listing_page(view: ListingView) -> str:
    site, listing = view.site, view.listing
    if listing.kind == "home":
        title, heading = "Lakeshore Tribune: Local News, Sports and Weather", "Top Stories"
    elif listing.kind == "author":
        title, heading = f"{listing.title} | Lakeshore Tribune", listing.title
    else:
        page = f", page {listing.page}" if listing.page > 1 else ""
        title, heading = f"{listing.title} news{page} | Lakeshore Tribune", listing.title
    context = "home" if listing.kind == "home" else "section"
    meta = [
        '<meta property="og:type" content="website">',
        f'<meta property="og:title" content="{esc(title)}">',
    ]
    cards = "\n".join(
        f"""    <a class="promo" href="{esc(site.article_href(s, context))}">
      <span class="promo__title">{esc(s.title)}</span>
      <span class="promo__summary">{esc(s.summary)}</span>
      <span class="promo__date">{date_ap(s.published)}</span>
    </a>"""
        for s in listing.items
    )
    extras = "\n".join(
        f'    <a class="promo promo--doc" href="{site.href(path)}">{esc(label)}</a>'
        for path, label in listing.extra_links
    )
    pager = []
    if listing.prev_path:
        pager.append(f'<a class="pager-link" href="{site.href(listing.prev_path)}">Previous</a>')
    if listing.next_path:
        pager.append(f'<a class="pager-link" href="{site.href(listing.next_path)}">Load more</a>')
    return f"""{_head(site, title, title, listing.path, meta)}
{_top(site)}
<div class="page-wrap">
  <h1 class="front-heading">{esc(heading)}</h1>
  <div class="promo-list">
{cards}
{extras}
  </div>
  <div class="pager">{" ".join(pager)}</div>
</div>
{_foot(site)}"""


def about_page(view: AboutView) -> str:
    site = view.site
    path = site.outlet.about_path
    meta = ['<meta property="og:type" content="website">']
    return f"""{_head(site, "About Us | Lakeshore Tribune", "About the Tribune.", path, meta)}
{_top(site)}
<div class="page-wrap">
  <h1>About the Lakeshore Tribune</h1>
  <p>The Lakeshore Tribune has served communities along the southern shore of the Great Lakes
  since 1887. Our reporters cover local government, schools, the economy, high school and
  college sports, and life on the water.</p>
  <h2 id="newsletters">Newsletters</h2>
  <p>Lakeshore Today arrives every weekday morning. Friday Night Lights brings scores and
  highlights from every game in the region during football season.</p>
  <h2 id="privacy">Privacy</h2>
  <p>We collect limited information to run this site and to measure our audience. You can opt
  out of targeted advertising at any time.</p>
</div>
{_foot(site)}"""
