"""Shared fixtures: a tiny news site written on the fly, temporary databases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

os.environ.setdefault("PREFECT_HOME", str(REPO / "data" / "prefect"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

BODY = (
    "Asylum seekers crossed the border at Lacolle this week, and refugee claimants said the "
    "Safe Third Country Agreement had pushed them to take dangerous routes through the woods. "
    "Officers of the Canada Border Services Agency met families at the crossing overnight. "
)
OFFTOPIC = (
    "The home side won the hockey game in overtime on Saturday night, and the coach praised "
    "the young goaltender, who stopped forty shots in front of a sold-out crowd downtown. "
)


def article_html(title: str, published: str, body: str, canonical_path: str) -> str:
    paragraphs = "".join(f"<p>{body} Paragraph {i} adds detail.</p>" for i in range(5))
    return f"""<!doctype html><html lang="en"><head><title>{title} | Tiny Times</title>
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published}">
<meta name="author" content="Jane Doe">
<link rel="canonical" href="{{{{BASE_URL}}}}{canonical_path}"></head>
<body><div class="cookie">We use cookies to improve your experience.</div>
<nav><a href="/">Home</a> <a href="/news/">News</a></nav>
<article><h1>{title}</h1><p class="byline">By Jane Doe</p>{paragraphs}</article>
<aside><h2>Related</h2><a href="/news/2026/09/01/asylum-story-number-zero/">Other</a></aside>
<footer>Copyright 2026 Tiny Times</footer></body></html>"""


def write_tiny_site(root: Path, n: int = 3) -> Path:
    """A one-outlet site served as ``{{BASE_URL:tiny}}``: n on-topic stories, one off-topic,
    an RSS feed, a section page and a robots.txt that forbids /private/."""
    site = root / "tiny"
    items = []
    links = []
    stories = [(f"Asylum story number {w}", BODY) for w in ("zero", "one", "two", "three")[:n]]
    stories.append(("Hockey team wins in overtime again", OFFTOPIC))
    for i, (title, body) in enumerate(stories):
        slug = title.lower().replace(" ", "-")
        path = f"/news/2026/09/0{i + 1}/{slug}/"
        folder = site / path.strip("/")
        folder.mkdir(parents=True, exist_ok=True)
        html = article_html(title, f"2026-09-0{i + 1}T14:30:00-04:00", body, path)
        (folder / "index.html").write_text(html, encoding="utf-8")
        items.append(
            f"<item><title>{title}</title><link>{{{{BASE_URL}}}}{path}?utm_source=rss</link>"
            f"<pubDate>Tue, 0{i + 1} Sep 2026 18:30:00 GMT</pubDate></item>"
        )
        links.append(f'<li><a href="{path}">{title}</a></li>')
    (site / "feeds").mkdir(parents=True, exist_ok=True)
    (site / "feeds" / "latest.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Tiny Times</title>'
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )
    private = site / "private" / "draft-asylum-story-not-for-crawlers"
    private.mkdir(parents=True, exist_ok=True)
    (private / "index.html").write_text(
        article_html("Draft", "2026-09-09T10:00:00Z", BODY, "/private/draft/"), encoding="utf-8"
    )
    links.append('<li><a href="/private/draft-asylum-story-not-for-crawlers/">Draft</a></li>')
    (site / "news").mkdir(exist_ok=True)
    (site / "news" / "index.html").write_text(
        "<!doctype html><html lang='en'><head><title>News</title></head><body><ul>"
        + "".join(links)
        + "</ul></body></html>",
        encoding="utf-8",
    )
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    sources = root / "sources.toml"
    sources.write_text(
        '[[sources]]\nname = "Tiny Times"\nhomepage = "{{BASE_URL:tiny}}/"\n'
        'feeds = ["{{BASE_URL:tiny}}/feeds/latest.xml"]\n'
        'start_urls = ["{{BASE_URL:tiny}}/news/"]\nlanguage = "en"\ncountry = "CA"\n',
        encoding="utf-8",
    )
    return root


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    """Folder holding ``tiny/`` (the site) and ``sources.toml``."""
    return write_tiny_site(tmp_path / "site")
