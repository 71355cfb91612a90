"""Write a synthetic news site of any size, for crawl and extraction benchmarks.

The site is deterministic for a given size and seed and has the same shape as the demo
site: one folder per outlet served by :func:`flows.demo_site.serve_demo_site`, the
``{{BASE_URL}}`` placeholder in every absolute address, a sitemap index over sitemaps of at
most 1,000 URLs, an RSS feed of the latest 50 stories, a robots.txt, and a ``sources.toml``.
Article pages carry realistic furniture (navigation, cookie banner, related links, footer)
around 6-9 paragraphs of varied text, a third of them on the asylum topic.

    .venv/bin/python bench/synthetic_site.py --pages 2000 --out /tmp/synthetic-site
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUTLETS = ("daily-bench", "bench-herald")
_TOPIC = (
    "asylum seekers crossed the border at Lacolle overnight",
    "the Safe Third Country Agreement was challenged in Federal Court",
    "refugee claimants waited months for a hearing at the Immigration and Refugee Board",
    "the Canada Border Services Agency said removals rose this year",
    "advocates warned that the Strong Borders Act would close the door to claimants",
    "a family that fled persecution described the long walk through the snow",
)
_OTHER = (
    "the city council approved a new budget for road repairs",
    "the home team won in overtime in front of a sold-out crowd",
    "grocery prices climbed again as the harvest came in late",
    "a winter storm is expected to bring heavy snow to the region",
    "the local theatre opened its season with a new play",
    "shares of the regional bank fell after its quarterly report",
)
_FILLER = (
    "Officials said more details would follow in the coming days.",
    "Residents gathered at the community centre to hear the plans.",
    "The figures were published on Tuesday in the annual report.",
    "Critics questioned the timing and the cost of the decision.",
    "Several people interviewed asked not to be named.",
    "The debate is expected to continue when the session resumes.",
    "Observers noted that the numbers have changed sharply since spring.",
    "A spokesperson declined to comment further on Wednesday.",
)


def _paragraph(rng: random.Random, on_topic: bool) -> str:
    lead = rng.choice(_TOPIC if on_topic else _OTHER)
    sentences = [lead[0].upper() + lead[1:] + "."]
    sentences += rng.sample(_FILLER, k=3)
    if rng.random() < 0.5:
        sentences.append(f'"We will keep watching this closely," said {rng.choice(_NAMES)}.')
    return " ".join(sentences)


_NAMES = ("Ana Duarte", "Marc Tremblay", "Priya Nair", "John Okafor", "Léa Gagnon", "Tom Reid")


def _article_html(
    outlet: str,
    idx: int,
    title: str,
    published: datetime,
    paragraphs: list[str],
    related: list[tuple[str, str]],
) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    links = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in related)
    stamp = published.isoformat()
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="{stamp}">
<meta name="author" content="{_NAMES[idx % len(_NAMES)]}">
<link rel="canonical" href="{{{{BASE_URL}}}}/news/{idx}/story-number-{idx}-of-the-bench/">
</head><body>
<div class="cookie-banner">We use cookies to improve your experience. Accept?</div>
<header><nav><a href="/">Home</a> <a href="/news/">News</a> <a href="/sports/">Sports</a></nav>
</header>
<main><article><h1>{title}</h1><p class="byline">By {_NAMES[idx % len(_NAMES)]}</p>
<time datetime="{stamp}">{published:%B %d, %Y}</time>
{body}
</article>
<aside><h2>Related stories</h2><ul>{links}</ul></aside></main>
<footer><p>Copyright 2026 {outlet}. All rights reserved.</p></footer>
</body></html>
"""


def write_site(out: Path, pages: int, seed: int = 7) -> Path:
    """Write ``pages`` article pages spread over the outlets; returns the sources file."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    per_outlet = {slug: [] for slug in OUTLETS}
    for idx in range(pages):
        slug = OUTLETS[idx % len(OUTLETS)]
        on_topic = rng.random() < 0.34
        title = rng.choice(_TOPIC if on_topic else _OTHER).capitalize() + f" ({idx})"
        published = start + timedelta(minutes=137 * idx)
        paragraphs = [_paragraph(rng, on_topic) for _ in range(rng.randint(6, 9))]
        path = f"/news/{idx}/story-number-{idx}-of-the-bench/"
        per_outlet[slug].append((idx, path, title, published, paragraphs))
    for slug, stories in per_outlet.items():
        root = out / slug
        for n, (idx, path, title, published, paragraphs) in enumerate(stories):
            related = [(s[1], s[2]) for s in stories[max(0, n - 3) : n]]
            folder = root / path.strip("/")
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "index.html").write_text(
                _article_html(slug, idx, title, published, paragraphs, related), encoding="utf-8"
            )
        chunks = [stories[i : i + 1000] for i in range(0, len(stories), 1000)]
        index = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        for k, chunk in enumerate(chunks):
            urls = "".join(
                f"<url><loc>{{{{BASE_URL}}}}{p}</loc><lastmod>{d.date()}</lastmod></url>"
                for _, p, _, d, _ in chunk
            )
            (root / f"sitemap-{k}.xml").write_text(
                '<?xml version="1.0" encoding="UTF-8"?><urlset '
                f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                encoding="utf-8",
            )
            index.append(f"<sitemap><loc>{{{{BASE_URL}}}}/sitemap-{k}.xml</loc></sitemap>")
        index.append("</sitemapindex>")
        (root / "sitemap.xml").write_text("\n".join(index), encoding="utf-8")
        items = "".join(
            f"<item><title>{t}</title><link>{{{{BASE_URL}}}}{p}</link></item>"
            for _, p, t, _, _ in stories[-50:]
        )
        (root / "feed.xml").write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{slug}</title>{items}'
            "</channel></rss>",
            encoding="utf-8",
        )
        (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    sources = out / "sources.toml"
    sources.write_text(
        "".join(
            f'[[sources]]\nname = "{slug}"\nhomepage = "{{{{BASE_URL:{slug}}}}}/"\n'
            f'feeds = ["{{{{BASE_URL:{slug}}}}}/feed.xml"]\n'
            f'sitemaps = ["{{{{BASE_URL:{slug}}}}}/sitemap.xml"]\nlanguage = "en"\n\n'
            for slug in OUTLETS
        ),
        encoding="utf-8",
    )
    return sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sources = write_site(args.out, args.pages, args.seed)
    print(f"{args.pages} pages under {args.out}; sources: {sources}")


if __name__ == "__main__":
    main()
