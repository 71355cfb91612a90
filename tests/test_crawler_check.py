"""``asylumwatch sources check``: every feed and sitemap fetched, parsed, counted, dated."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_crawler_site import Route, Site, rss, serve
from typer.testing import CliRunner

from flows.cli.sources import sources_app

pytestmark = pytest.mark.slow


def test_sources_check_reports_each_feed_and_sitemap(tmp_path: Path) -> None:
    site = Site()
    with serve(site):
        site.add(
            "/robots.txt",
            Route(body="Sitemap: {{BASE_URL}}/sitemap_index.xml\n", content_type="text/plain"),
        )
        site.add(
            "/good.xml",
            Route(body=rss([("A", "{{BASE_URL}}/a/")] * 3), content_type="application/rss+xml"),
        )
        site.add("/broken.xml", Route(body="<rss><channel><item>", content_type="text/xml"))
        site.add(
            "/sitemap_index.xml",
            Route(
                body=(
                    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    "<sitemap><loc>{{BASE_URL}}/news.xml</loc></sitemap></sitemapindex>"
                ),
                content_type="application/xml",
            ),
        )
        site.add(
            "/news.xml",
            Route(
                body=(
                    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    "<url><loc>{{BASE_URL}}/b/</loc><lastmod>2026-10-02T08:00:00Z</lastmod></url>"
                    "<url><loc>{{BASE_URL}}/c/</loc><lastmod>2026-11-20</lastmod></url></urlset>"
                ),
                content_type="application/xml",
            ),
        )
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[sources]]\nname = "Checked"\nhomepage = "{site.url("/")}"\n'
            f'feeds = ["{site.url("/good.xml")}", "{site.url("/broken.xml")}"]\n'
            f'sitemaps = ["{site.url("/sitemap_index.xml")}", "{site.url("/missing.xml")}"]\n'
        )
        result = CliRunner().invoke(
            sources_app,
            ["check", "--sources", str(sources), "--no-delays"],
            env={"COLUMNS": "250"},
        )
    out = result.output
    assert result.exit_code == 1, out  # two of them fail
    rows = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) == 7 and cells[2].startswith("http"):
            rows[cells[2]] = cells  # source, kind, url, status, result, entries, newest
    good = rows[site.url("/good.xml")]  # answers and parses, but its entries are old
    assert good[3] == "200" and good[4].startswith("stale: nothing for") and good[5] == "3"
    assert good[6].startswith("2026-09-01 18:30")
    assert rows[site.url("/broken.xml")][3:5] == ["200", "malformed_feed"]
    assert rows[site.url("/missing.xml")][3:5] == ["404", "http_404"]
    assert rows[site.url("/sitemap_index.xml")][1:6] == [
        "sitemapindex",
        site.url("/sitemap_index.xml"),
        "200",
        "ok",
        "1",
    ]
    child = rows[site.url("/news.xml")]
    assert child[1] == "urlset" and child[5] == "2" and child[6].startswith("2026-11-20 00:00")
    assert f"robots.txt declares sitemap(s) {site.url('/sitemap_index.xml')}" in out
    assert "2 feed(s)/sitemap(s) failed" in out
    agents = {r.headers.get("User-Agent", "") for r in site.log}
    assert all(a.startswith("asylumwatch/") for a in agents)
