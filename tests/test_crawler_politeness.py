"""Per-source concurrency and delay hold, with AutoThrottle on."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from test_crawler_site import Route, Site, article_page, rss, serve

from crawlers.job import CrawlOptions
from crawlers.runner import run_crawl
from pipeline.core.config import Source

pytestmark = pytest.mark.slow


def slow_site(site: Site, n: int, delay: float) -> list[str]:
    paths = []
    for i in range(n):
        path = f"/news/asylum-story-number-{i}/"
        site.add(path, Route(body=article_page(f"Story {i}"), delay=delay))
        paths.append(path)
    items = [(f"Story {i}", "{{BASE_URL}}" + p) for i, p in enumerate(paths)]
    site.add("/feed.xml", Route(body=rss(items), content_type="application/rss+xml"))
    return paths


def test_per_source_concurrency_is_a_ceiling() -> None:
    site = Site()
    with serve(site), tempfile.TemporaryDirectory() as tmp:
        slow_site(site, 8, delay=0.3)
        source = Source("Slow", site.url("/"), feeds=(site.url("/feed.xml"),), concurrency=2)
        result = run_crawl([source], Path(tmp), CrawlOptions(polite=False))
    assert result.ok
    assert len(site.log) >= 9
    assert site.max_in_flight == 2  # parallel, but never more than the source allows


def test_per_source_delay_is_a_floor_under_autothrottle() -> None:
    site = Site()
    with serve(site), tempfile.TemporaryDirectory() as tmp:
        paths = slow_site(site, 4, delay=0.0)
        source = Source(
            "Careful", site.url("/"), feeds=(site.url("/feed.xml"),), download_delay=0.6
        )
        result = run_crawl(
            [source],
            Path(tmp),
            CrawlOptions(
                polite=True,
                extra_settings={
                    "DOWNLOAD_DELAY": 0.05,
                    "AUTOTHROTTLE_START_DELAY": 0.05,
                    "RANDOMIZE_DOWNLOAD_DELAY": False,
                },
            ),
        )
    assert result.ok
    times = sorted(r.at for r in site.log if r.path in paths or r.path == "/feed.xml")
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) == 4 and min(gaps) >= 0.55, gaps
