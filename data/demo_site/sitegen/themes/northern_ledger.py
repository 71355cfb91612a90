"""The Northern Ledger: national broadsheet markup, Open Graph ``article:*`` dates, RSS link."""

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
    date_long_en,
    esc,
    iso,
    join_names,
    paragraphs_html,
    stable_number,
    zone,
)

STYLESHEET_PATH = "/static/css/ledger.min.css"
STYLESHEET = """\
body{margin:0;font-family:Georgia,serif;color:#1a1a1a;background:#fff}
.masthead{border-bottom:4px double #1a1a1a;padding:12px 24px}
.masthead__logo{font-size:2rem;font-weight:700;text-decoration:none;color:#1a1a1a}
.primary-nav ul{list-style:none;display:flex;gap:16px;padding:0}
.consent-banner{position:fixed;bottom:0;left:0;right:0;background:#222;color:#fff;padding:12px}
.layout{max-width:1100px;margin:0 auto;display:grid;grid-template-columns:2fr 1fr;gap:32px}
.story__headline{font-size:2.4rem;line-height:1.1}
.story__deck{font-size:1.2rem;color:#444}
.story__figure img{width:100%;height:auto}
.story__figure figcaption{font-size:.8rem;color:#666}
.rail{border-left:1px solid #ddd;padding-left:16px}
.site-footer{background:#111;color:#ccc;padding:24px;font-size:.85rem}
"""


def _when(site: Site, moment: datetime) -> str:
    return f"{date_long_en(moment)} {clock_12h(moment)} {zone(site, moment)}"


def _head(site: Site, title: str, description: str, path: str, extra: list[str]) -> str:
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{site.outlet.html_lang}" class="no-js">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f'<meta name="description" content="{esc(description)}">',
        f'<link rel="canonical" href="{site.absolute(path)}">',
        '<meta property="og:site_name" content="The Northern Ledger">',
        '<meta property="og:locale" content="en_CA">',
        *extra,
        '<meta name="twitter:card" content="summary_large_image">',
        '<meta name="twitter:site" content="@northernledger">',
        '<link rel="alternate" type="application/rss+xml" title="The Northern Ledger - Latest"'
        ' href="{{BASE_URL}}/feeds/latest.xml">',
        f'<link rel="stylesheet" href="{STYLESHEET_PATH}">',
        "</head>",
    ]
    return "\n".join(lines)


def _top(site: Site, body_class: str) -> str:
    nav = "\n".join(
        f'        <li class="primary-nav__item"><a href="{site.href(path)}">{esc(label)}</a></li>'
        for path, label in site.nav
    )
    return f"""<body class="{body_class}">
<div id="cookie-consent" class="consent-banner" role="dialog" aria-live="polite">
  <p class="consent-banner__text">We use cookies and similar technologies to personalise
  content and ads, provide social media features and analyse our traffic. You can change your
  choices at any time in Privacy Settings.</p>
  <button type="button" class="consent-banner__accept">Accept all</button>
  <button type="button" class="consent-banner__manage">Manage preferences</button>
</div>
<a class="skip-link" href="#main-content">Skip to main content</a>
<header class="masthead" role="banner">
  <div class="masthead__top">
    <a class="masthead__logo" href="{site.href("/")}">The Northern Ledger</a>
    <a class="masthead__subscribe" href="{site.href(site.outlet.about_path)}">About us</a>
  </div>
  <nav class="primary-nav" aria-label="Sections">
    <ul class="primary-nav__list">
{nav}
    </ul>
  </nav>
</header>"""


def _footer(site: Site) -> str:
    return f"""<footer class="site-footer" role="contentinfo">
  <ul class="site-footer__links">
    <li><a href="{site.href(site.outlet.about_path)}">About The Northern Ledger</a></li>
    <li><a href="{site.href(site.outlet.about_path)}#corrections">Corrections</a></li>
    <li><a href="{site.href("/feeds/latest.xml")}">RSS</a></li>
  </ul>
  <p class="site-footer__copyright">&copy; {COPYRIGHT_YEAR} The Northern Ledger Publishing Co.
  All rights reserved. Republication or distribution of this content is expressly prohibited
  without the prior written consent of The Northern Ledger.</p>
</footer>
</body>
</html>
"""


def _byline(site: Site, story: Story) -> str:
    if not story.authors:
        return f'<span class="byline__wire">{esc(site.outlet.wire_credit)}</span>'
    links = [
        f'<a class="byline__author" rel="author" href="{site.href(site.author_path(name))}">'
        f"{esc(name)}</a>"
        for name in story.authors
    ]
    return "By " + join_names(links, "and")


def article_page(view: ArticleView) -> str:
    site, story = view.site, view.story
    section = site.section_label(story.section)
    authors = ", ".join(story.authors) if story.authors else site.outlet.wire_credit
    meta = [
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(story.title)}">',
        f'<meta property="og:description" content="{esc(story.summary)}">',
        f'<meta property="og:url" content="{site.absolute(story.path)}">',
        f'<meta property="og:image" content="{site.absolute(site.image_path(story))}">',
        f'<meta property="article:published_time" content="{iso(story.published)}">',
        f'<meta property="article:section" content="{esc(section)}">',
        f'<meta name="author" content="{esc(authors)}">',
    ]
    if story.updated:
        meta.insert(6, f'<meta property="article:modified_time" content="{iso(story.updated)}">')
    updated = (
        f'\n        <span class="story__updated">Updated {_when(site, story.updated)}</span>'
        if story.updated
        else ""
    )
    caption = story.image_caption or f"{section} news photo."
    related = "\n".join(
        f'      <li class="rail__item"><a href="{site.href(r.path)}">{esc(r.title)}</a>'
        f'<span class="rail__date">{date_long_en(r.published)}</span></li>'
        for r in view.related
    )
    comments = stable_number(story.slug, 3, 180)
    share_url = site.absolute(story.path)
    head = _head(site, f"{story.title} | The Northern Ledger", story.summary, story.path, meta)
    mail = f"mailto:?subject={esc(story.title)}&amp;body={share_url}"
    return f"""{head}
{_top(site, "template-article")}
<main id="main-content" class="layout">
  <div class="layout__primary">
    <nav class="breadcrumb" aria-label="Breadcrumb">
      <ol>
        <li><a href="{site.href("/")}">Home</a></li>
        <li><a href="{site.href(site.section_path(story.section))}">{esc(section)}</a></li>
      </ol>
    </nav>
    <article class="story" id="story-{esc(story.slug)}">
      <header class="story__header">
        <p class="story__kicker">{esc(section)}</p>
        <h1 class="story__headline">{esc(story.title)}</h1>
        <p class="story__deck">{esc(story.summary)}</p>
        <div class="story__byline byline">{_byline(site, story)}</div>
        <p class="story__dateline">Published {_when(site, story.published)}</p>{updated}
      </header>
      <figure class="story__figure">
        <img src="{site.href(site.image_path(story))}" alt="" width="1200" height="675"
          loading="lazy">
        <figcaption>{esc(caption)}
          <span class="story__credit">The Northern Ledger</span></figcaption>
      </figure>
      <div class="story__body" id="article-body">
{paragraphs_html(story, "        ")}
      </div>
    </article>
    <div class="share-tools" aria-label="Share this article">
      <span class="share-tools__label">Share</span>
      <button type="button" class="share-tools__button" data-network="facebook"
        data-url="{share_url}">Facebook</button>
      <button type="button" class="share-tools__button" data-network="x"
        data-url="{share_url}">X</button>
      <a class="share-tools__button" href="{mail}">Email</a>
    </div>
    <section class="comments-teaser" id="comments">
      <h2 class="comments-teaser__title">Comments</h2>
      <p>Join the conversation: {comments} readers have commented on this story.
      Comments are moderated and open to subscribers only.</p>
      <button type="button" class="comments-teaser__open">Show comments</button>
    </section>
  </div>
  <aside class="layout__rail rail">
    <section class="rail__related">
      <h2 class="rail__title">Related stories</h2>
      <ul class="rail__list">
{related}
      </ul>
    </section>
    <section class="newsletter-signup">
      <h2>The Morning Ledger</h2>
      <p>Sign up for our morning newsletter and get the day's top stories in your inbox before
      breakfast.</p>
      <form class="newsletter-signup__form" action="/newsletters/subscribe" method="post">
        <label for="nl-email">Email address</label>
        <input id="nl-email" type="email" name="email" placeholder="you@example.com">
        <button type="submit">Sign up</button>
      </form>
    </section>
  </aside>
</main>
{_footer(site)}"""


def listing_page(view: ListingView) -> str:
    site, listing = view.site, view.listing
    if listing.kind == "home":
        heading, title = "Latest news", "The Northern Ledger | Canadian news, politics and business"
    elif listing.kind == "author":
        heading, title = listing.title, f"{listing.title} | The Northern Ledger"
    else:
        heading = listing.title
        page_note = f" - Page {listing.page}" if listing.page > 1 else ""
        title = f"{listing.title}{page_note} | The Northern Ledger"
    description = f"{heading} from The Northern Ledger."
    meta = [
        '<meta property="og:type" content="website">',
        f'<meta property="og:title" content="{esc(title)}">',
        f'<meta property="og:url" content="{site.absolute(listing.path)}">',
    ]
    if listing.prev_path:
        meta.append(f'<link rel="prev" href="{site.absolute(listing.prev_path)}">')
    if listing.next_path:
        meta.append(f'<link rel="next" href="{site.absolute(listing.next_path)}">')
    context = "home" if listing.kind == "home" else "section"
    items = "\n".join(
        f"""      <li class="story-list__item">
        <h2 class="story-list__headline"><a href="{esc(site.article_href(s, context))}">
          {esc(s.title)}</a></h2>
        <p class="story-list__summary">{esc(s.summary)}</p>
        <p class="story-list__meta">{esc(site.section_label(s.section))} &middot;
          {date_long_en(s.published)}</p>
      </li>"""
        for s in listing.items
    )
    extras = "\n".join(
        f'      <li class="story-list__item story-list__item--document">'
        f'<a href="{site.href(path)}">{esc(label)}</a></li>'
        for path, label in listing.extra_links
    )
    pager = _pager(site, listing.prev_path, listing.next_path, listing.page, listing.pages)
    return f"""{_head(site, title, description, listing.path, meta)}
{_top(site, f"template-{listing.kind}")}
<main id="main-content" class="layout">
  <div class="layout__primary">
    <h1 class="listing__title">{esc(heading)}</h1>
    <ul class="story-list">
{items}
{extras}
    </ul>
{pager}
  </div>
</main>
{_footer(site)}"""


def _pager(site: Site, prev: str | None, nxt: str | None, page: int, pages: int) -> str:
    if pages == 1:
        return ""
    parts = ['    <nav class="pager" aria-label="Pagination">']
    if prev:
        parts.append(f'      <a class="pager__prev" rel="prev" href="{site.href(prev)}">Newer</a>')
    parts.append(f'      <span class="pager__status">Page {page} of {pages}</span>')
    if nxt:
        parts.append(f'      <a class="pager__next" rel="next" href="{site.href(nxt)}">Older</a>')
    parts.append("    </nav>")
    return "\n".join(parts)


def about_page(view: AboutView) -> str:
    site = view.site
    path = site.outlet.about_path
    meta = [
        '<meta property="og:type" content="website">',
        '<meta property="og:title" content="About The Northern Ledger">',
    ]
    return f"""{_head(site, "About us | The Northern Ledger", "Who we are.", path, meta)}
{_top(site, "template-page")}
<main id="main-content" class="layout">
  <div class="layout__primary page">
    <h1>About The Northern Ledger</h1>
    <p>The Northern Ledger is an independent Canadian daily founded in 1911. Our newsroom of
    reporters and editors covers national politics, business, courts and communities from
    bureaus in Ottawa, Toronto, Montreal, Winnipeg and Vancouver.</p>
    <p>We are a member of the National NewsMedia Council and follow its standards for accuracy,
    fairness and independence. Our journalists do not accept gifts or paid travel from the people
    and organizations they cover.</p>
    <h2 id="corrections">Corrections</h2>
    <p>We correct errors of fact promptly and note the correction at the end of the story. To
    report an error, write to our standards editor.</p>
    <h2 id="contact">Contact</h2>
    <p>Newsroom tips and letters to the editor are read every day. Subscriber services are
    available Monday to Friday.</p>
  </div>
</main>
{_footer(site)}"""
