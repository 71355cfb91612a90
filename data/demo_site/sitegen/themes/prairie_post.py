"""Prairie Post: WordPress-style markup, absolute links, JSON-LD ``NewsArticle`` metadata."""

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
    json_ld,
    paragraphs_html,
    stable_number,
    weekday_en,
    zone,
)

STYLESHEET_PATH = "/wp-content/themes/prairiepost/style.css"
STYLESHEET = """\
/* Theme Name: Prairie Post 3 */
body{font-family:"Helvetica Neue",Arial,sans-serif;margin:0;color:#222}
.site-header{background:#7a1f1f;color:#fff;padding:10px 20px}
.site-title a{color:#fff;text-decoration:none;font-weight:800;letter-spacing:.02em}
.main-navigation .menu{display:flex;gap:14px;list-style:none;margin:0;padding:0}
#cmplz-cookiebanner{position:fixed;bottom:0;width:100%;background:#f4f1ea;padding:14px}
.site-content{max-width:1040px;margin:0 auto;padding:20px}
.entry-title{font-size:2.2rem;margin:.3em 0}
.entry-subtitle{font-size:1.15rem;color:#555}
.entry-meta{font-size:.85rem;color:#666;text-transform:uppercase}
.wp-caption-text{font-size:.8rem;color:#777}
.pp-newsletter{background:#f4f1ea;border-top:3px solid #7a1f1f;padding:16px}
.site-footer{background:#2b2b2b;color:#bbb;padding:30px 20px}
"""


def _stamp(site: Site, moment: datetime) -> str:
    return (
        f"{weekday_en(moment)}, {date_long_en(moment)}, "
        f"{clock_12h(moment, dotted=False)} {zone(site, moment)}"
    )


def _head(site: Site, title: str, description: str, path: str, extra: list[str]) -> str:
    lines = [
        "<!doctype html>",
        f'<html lang="{site.outlet.html_lang}" prefix="og: https://ogp.me/ns#">',
        "<head>",
        '<meta charset="UTF-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="index, follow, max-image-preview:large">',
        f"<title>{esc(title)}</title>",
        f'<meta name="description" content="{esc(description)}">',
        f'<link rel="canonical" href="{site.absolute(path)}">',
        '<meta property="og:locale" content="en_US">',
        '<meta property="og:site_name" content="Prairie Post">',
        *extra,
        '<link rel="alternate" type="application/atom+xml" title="Prairie Post &raquo; Feed"'
        ' href="{{BASE_URL}}/atom.xml">',
        f"<link rel='stylesheet' id='prairiepost-style-css' href='{site.href(STYLESHEET_PATH)}"
        "?ver=3.4.1' media='all'>",
        "</head>",
    ]
    return "\n".join(lines)


def _top(site: Site, body_class: str) -> str:
    menu = "\n".join(
        f'\t\t\t<li class="menu-item menu-item-type-taxonomy"><a href="{site.href(path)}">'
        f"{esc(label)}</a></li>"
        for path, label in site.nav
    )
    return f"""<body class="{body_class}">
<div id="cmplz-cookiebanner" class="cmplz-cookiebanner cookie-notice" role="dialog">
\t<div class="cmplz-message">We use cookies to give you the best experience on our website,
\tto measure how our site is used and to show you relevant advertising. By clicking
\t&ldquo;Accept&rdquo;, you consent to the use of all cookies.</div>
\t<div class="cmplz-buttons">
\t\t<button class="cmplz-btn cmplz-accept">Accept</button>
\t\t<button class="cmplz-btn cmplz-deny">Deny</button>
\t\t<button class="cmplz-btn cmplz-view-preferences">View preferences</button>
\t</div>
</div>
<div id="page" class="site">
<header id="masthead" class="site-header">
\t<div class="site-branding">
\t\t<p class="site-title"><a href="{site.href("/")}" rel="home">Prairie Post</a></p>
\t\t<p class="site-description">Local news for Manitoba and Saskatchewan</p>
\t</div>
\t<nav id="site-navigation" class="main-navigation" aria-label="Primary Menu">
\t\t<ul id="primary-menu" class="menu">
{menu}
\t\t\t<li class="menu-item"><a href="{site.href(site.outlet.about_path)}">About Us</a></li>
\t\t</ul>
\t</nav>
</header>
<div id="content" class="site-content">"""


def _footer(site: Site) -> str:
    return f"""</div><!-- #content -->
<footer id="colophon" class="site-footer">
\t<div class="footer-widgets">
\t\t<section class="widget widget_text">
\t\t\t<h2 class="widget-title">Prairie Post</h2>
\t\t\t<p>Independent, reader-supported journalism from Winnipeg and Regina.</p>
\t\t</section>
\t\t<section class="widget widget_nav_menu">
\t\t\t<ul class="menu">
\t\t\t\t<li><a href="{site.href(site.outlet.about_path)}">About Us</a></li>
\t\t\t\t<li><a href="{site.href(site.outlet.about_path)}#advertise">Advertise</a></li>
\t\t\t\t<li><a href="{site.href("/atom.xml")}">Subscribe to our feed</a></li>
\t\t\t</ul>
\t\t</section>
\t</div>
\t<div class="site-info">Copyright &copy; {COPYRIGHT_YEAR} Prairie Post Media Inc. |
\tPowered by community support</div>
</footer>
</div><!-- #page -->
</body>
</html>
"""


def _authors_html(site: Site, story: Story) -> str:
    if not story.authors:
        return f'<span class="author vcard wire">{esc(site.outlet.wire_credit)}</span>'
    links = [
        f'<span class="author vcard"><a class="url fn n" href="{site.href(site.author_path(n))}">'
        f"{esc(n)}</a></span>"
        for n in story.authors
    ]
    return join_names(links, "and")


def _schema(site: Site, story: Story) -> str:
    people: list[dict[str, str]]
    if story.authors:
        people = [
            {"@type": "Person", "name": n, "url": site.absolute(site.author_path(n))}
            for n in story.authors
        ]
    else:
        people = [{"@type": "Organization", "name": site.outlet.wire_credit}]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": site.absolute(story.path)},
        "headline": story.title,
        "description": story.summary,
        "image": [site.absolute(site.image_path(story))],
        "datePublished": iso(story.published),
        "dateModified": iso(story.updated or story.published),
        "author": people,
        "articleSection": site.section_label(story.section),
        "inLanguage": story.language,
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": "Prairie Post",
            "url": site.absolute("/"),
        },
    }
    return json_ld(data)


def _page_schema(site: Site, page_type: str, name: str, path: str) -> str:
    """JSON-LD for pages that are not articles, as SEO plugins write it."""
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": page_type,
            "@id": site.absolute(path),
            "url": site.absolute(path),
            "name": name,
            "isPartOf": {"@type": "WebSite", "name": "Prairie Post", "url": site.absolute("/")},
            "inLanguage": site.outlet.html_lang,
        }
    )


def article_page(view: ArticleView) -> str:
    site, story = view.site, view.story
    section = site.section_label(story.section)
    meta = [
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(story.title)}">',
        f'<meta property="og:description" content="{esc(story.summary)}">',
        f'<meta property="og:url" content="{site.absolute(story.path)}">',
        f'<meta property="og:image" content="{site.absolute(site.image_path(story))}">',
        _schema(site, story),
    ]
    updated = (
        f'\n\t\t\t<span class="updated-on">Updated: {_stamp(site, story.updated)}</span>'
        if story.updated
        else ""
    )
    caption = story.image_caption or f"Prairie Post file photo, {section}."
    related = "\n".join(
        f'\t\t<article class="related-post"><a href="{site.href(r.path)}" rel="bookmark">'
        f'{esc(r.title)}</a> <span class="related-date">{date_long_en(r.published)}</span>'
        "</article>"
        for r in view.related
    )
    body_class = f"post-template-default single single-post category-{story.section}"
    body = paragraphs_html(story, "\t\t\t")
    return f"""{_head(site, f"{story.title} - Prairie Post", story.summary, story.path, meta)}
{_top(site, body_class)}
<main id="primary" class="site-main">
\t<div class="breadcrumbs" typeof="BreadcrumbList"><a href="{site.href("/")}">Home</a> &raquo;
\t<a href="{site.href(site.section_path(story.section))}">{esc(section)}</a> &raquo;
\t<span class="breadcrumb_last">{esc(story.title)}</span></div>
\t<article id="post-{esc(story.slug)}" class="post type-post status-publish format-standard">
\t\t<header class="entry-header">
\t\t\t<span class="cat-links"><a href="{site.href(site.section_path(story.section))}"
\t\t\t\trel="category tag">{esc(section)}</a></span>
\t\t\t<h1 class="entry-title">{esc(story.title)}</h1>
\t\t\t<p class="entry-subtitle">{esc(story.summary)}</p>
\t\t\t<div class="entry-meta">
\t\t\t<span class="byline">Posted by {_authors_html(site, story)}</span>
\t\t\t<span class="posted-on">{_stamp(site, story.published)}</span>{updated}
\t\t\t</div>
\t\t</header>
\t\t<div class="post-thumbnail">
\t\t<figure class="wp-caption aligncenter">
\t\t\t<img src="{site.href(site.image_path(story))}" class="attachment-full wp-post-image"
\t\t\t\talt="" width="1200" height="675" decoding="async">
\t\t\t<figcaption class="wp-caption-text">{esc(caption)}</figcaption>
\t\t</figure>
\t\t</div>
\t\t<div class="entry-content">
{body}
\t\t</div><!-- .entry-content -->
\t</article>
\t<div class="sharedaddy sd-sharing-enabled">
\t\t<h3 class="sd-title">Share this:</h3>
\t\t<button class="share-facebook sd-button" data-shared="{esc(story.slug)}">Facebook</button>
\t\t<button class="share-twitter sd-button" data-shared="{esc(story.slug)}">X</button>
\t\t<button class="share-print sd-button" onclick="window.print()">Print</button>
\t</div>
\t<aside class="pp-newsletter widget">
\t\t<h3>Get the Prairie Post Daily</h3>
\t\t<p>Subscribe to our free daily newsletter for local news delivered to your inbox every
\t\tweekday at 6 a.m.</p>
\t\t<form action="{site.href("/newsletter/")}" method="post" class="pp-newsletter-form">
\t\t\t<input type="email" name="EMAIL" placeholder="Email address" required>
\t\t\t<input type="submit" value="Subscribe">
\t\t</form>
\t</aside>
\t<section class="jp-relatedposts" id="jp-relatedposts">
\t\t<h3 class="jp-relatedposts-headline">Related stories</h3>
{related}
\t</section>
\t<div id="comments" class="comments-area">
\t\t<h2 class="comments-title">{stable_number(story.slug, 0, 60)} thoughts on
\t\t&ldquo;{esc(story.title)}&rdquo;</h2>
\t\t<p class="comments-teaser">Comments are open to registered readers.
\t\t<a href="#respond">Log in to leave a comment</a>.</p>
\t</div>
</main>
{_footer(site)}"""


def listing_page(view: ListingView) -> str:
    site, listing = view.site, view.listing
    if listing.kind == "home":
        title, heading = "Prairie Post - Local news for Manitoba and Saskatchewan", "Top Stories"
    elif listing.kind == "author":
        title, heading = f"{listing.title}, Author at Prairie Post", f"Author: {listing.title}"
    else:
        suffix = f" - Page {listing.page} of {listing.pages}" if listing.page > 1 else ""
        title, heading = f"{listing.title} Archives{suffix} - Prairie Post", listing.title
    context = "home" if listing.kind == "home" else "section"
    meta = [
        '<meta property="og:type" content="website">',
        f'<meta property="og:title" content="{esc(title)}">',
        f'<meta property="og:url" content="{site.absolute(listing.path)}">',
    ]
    if listing.kind == "author":
        meta.append('<meta name="robots" content="noindex, follow">')
    if listing.prev_path:
        meta.append(f'<link rel="prev" href="{site.absolute(listing.prev_path)}">')
    if listing.next_path:
        meta.append(f'<link rel="next" href="{site.absolute(listing.next_path)}">')
    page_type = "ProfilePage" if listing.kind == "author" else "CollectionPage"
    meta.append(_page_schema(site, page_type, title, listing.path))
    posts = "\n".join(
        f"""\t<div class="post-card">
\t\t<h2 class="post-card-title"><a href="{esc(site.article_href(s, context))}">
\t\t\t{esc(s.title)}</a></h2>
\t\t<div class="post-card-meta">{date_long_en(s.published)} &middot;
\t\t\t{esc(site.section_label(s.section))}</div>
\t\t<div class="post-card-excerpt"><p>{esc(s.summary)}</p></div>
\t</div>"""
        for s in listing.items
    )
    extras = "\n".join(
        f'\t<p class="document-link"><a href="{site.href(path)}">{esc(label)} (PDF)</a></p>'
        for path, label in listing.extra_links
    )
    nav = ""
    if listing.pages > 1:
        links = []
        if listing.prev_path:
            links.append(
                f'<a class="prev page-numbers" href="{site.href(listing.prev_path)}">'
                "&laquo; Previous</a>"
            )
        links.append(f'<span class="page-numbers current">{listing.page}</span>')
        if listing.next_path:
            links.append(
                f'<a class="next page-numbers" href="{site.href(listing.next_path)}">'
                "Next &raquo;</a>"
            )
        nav = '\t<nav class="navigation pagination">' + " ".join(links) + "</nav>"
    body_class = "home blog" if listing.kind == "home" else f"archive {listing.kind}"
    return f"""{_head(site, title, title, listing.path, meta)}
{_top(site, body_class)}
<main id="primary" class="site-main">
\t<header class="page-header"><h1 class="page-title">{esc(heading)}</h1></header>
{posts}
{extras}
{nav}
</main>
{_footer(site)}"""


def about_page(view: AboutView) -> str:
    site = view.site
    path = site.outlet.about_path
    meta = [
        '<meta property="og:type" content="website">',
        '<meta property="og:title" content="About Us - Prairie Post">',
        _page_schema(site, "AboutPage", "About Us - Prairie Post", path),
    ]
    return f"""{_head(site, "About Us - Prairie Post", "About the Prairie Post.", path, meta)}
{_top(site, "page-template-default page")}
<main id="primary" class="site-main">
\t<h1 class="entry-title">About Us</h1>
\t<div class="page-content">
\t\t<p>The Prairie Post is a reader-supported digital newsroom covering Manitoba and
\t\tSaskatchewan. We launched in 2014 with three reporters and a borrowed office above a
\t\thardware store, and today publish every day from Winnipeg and Regina.</p>
\t\t<p>Our reporting focuses on provincial politics, agriculture, rural communities, health
\t\tand the people who make the Prairies home.</p>
\t\t<h2 id="advertise">Advertise with us</h2>
\t\t<p>Our media kit lists audience figures and rates for display, newsletter and sponsored
\t\tcontent placements.</p>
\t</div>
</main>
{_footer(site)}"""
