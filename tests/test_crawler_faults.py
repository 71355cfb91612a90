"""One crawl of a hostile site on 127.0.0.1; one test per fault checks what the crawl stored
and what it recorded in ``fetches`` (and that it went on)."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest
from test_crawler_site import (
    WORDS,
    Route,
    Site,
    article_page,
    compressed,
    dead_port,
    rss,
    serve,
)

from crawlers.job import CrawlOptions
from flows import stages
from pipeline.annotate import Annotator
from pipeline.core.config import Source, load_topic

pytestmark = pytest.mark.slow

CONTACT = "https://example.org/asylumwatch-contact"
SETTINGS = {
    "DOWNLOAD_TIMEOUT": 2.5,
    "RETRY_TIMES": 2,
    "AW_RETRY_BACKOFF_BASE": 0.3,
    "AW_RETRY_AFTER_MAX": 30,
    "DOWNLOAD_MAXSIZE": 1_000_000,
    "DOWNLOAD_WARNSIZE": 0,
}
ACCENTED = "Le café de Montréal « déjà » plein, disent les réfugiés à Lacolle."
CURLY = "Officials called it a \u201csafe\u201d crossing \u2014 refugees disagreed."


def build_site(site: Site, dead: int) -> list[str]:
    """Routes for every fault; returns the article URLs the feed lists."""
    add = site.add
    pages: list[str] = []

    def article(path: str, route: Route | object) -> None:
        add(path, route)  # type: ignore[arg-type]
        pages.append(path)

    article("/ok/asylum-story-plain/", Route(body=article_page("Plain asylum story")))
    article("/slow/asylum-story-timeout/", Route(body=article_page("Slow"), delay=4))
    article("/gone/asylum-story-404/", Route(404, "gone"))
    article("/gone/asylum-story-410/", Route(410, "gone for good"))
    article("/paywall/asylum-story-403/", Route(403, "forbidden"))
    premium = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"isAccessibleForFree": false}</script>'
    )
    article(
        "/paywall/asylum-story-premium/",
        Route(body=article_page("Premium asylum story", head=premium)),
    )
    article(
        "/busy/asylum-story-429/",
        lambda r: (
            Route(429, "slow down", {"Retry-After": "1"})
            if r.count == 1
            else Route(body=article_page("Busy asylum story"))
        ),
    )
    article("/busy/asylum-story-429-long/", Route(429, "later", {"Retry-After": "3600"}))
    article("/broken/asylum-story-500/", Route(500, "oops"))
    article(
        "/broken/asylum-story-503-once/",
        lambda r: (
            Route(503, "unavailable")
            if r.count == 1
            else Route(body=article_page("Recovered asylum story"))
        ),
    )
    article("/moved/asylum-story-chain-1/", Route(301, "", {"Location": "/moved/chain-2/"}))
    add("/moved/chain-2/", Route(302, "", {"Location": "{{BASE_URL}}/moved/asylum-story-final/"}))
    add("/moved/asylum-story-final/", Route(body=article_page("Redirected asylum story")))
    article("/loop/asylum-story-a/", Route(302, "", {"Location": "/loop/asylum-story-b/"}))
    add("/loop/asylum-story-b/", Route(302, "", {"Location": "/loop/asylum-story-a/"}))
    article(
        "/files/asylum-report.pdf", Route(body=b"%PDF-1.4 fake", content_type="application/pdf")
    )
    article("/files/asylum-chart.png", Route(body=b"\x89PNG fake", content_type="image/png"))
    article("/big/asylum-story-huge/", Route(body=article_page("Huge", body=WORDS * 2000)))
    bomb = compressed(article_page("Bomb", body="a" * 3_000_000).encode(), "gzip")
    article("/big/asylum-story-bomb/", Route(body=bomb, headers={"Content-Encoding": "gzip"}))
    for encoding in ("gzip", "deflate", "br"):
        html = article_page(f"Compressed {encoding} asylum story").encode()
        article(
            f"/enc/asylum-story-{encoding}/",
            Route(body=compressed(html, encoding), headers={"Content-Encoding": encoding}),
        )
    cp1252 = article_page("Windows asylum story", body=f"{CURLY} {WORDS}").encode("cp1252")
    article(
        "/charset/asylum-story-cp1252/",
        Route(body=cp1252, content_type="text/html; charset=windows-1252"),
    )
    latin = article_page(
        "Latin asylum story",
        body=f"{ACCENTED} {WORDS}",
        head='<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
    ).encode("latin-1")
    article("/charset/asylum-story-latin1/", Route(body=latin, content_type="text/html"))
    bom = b"\xef\xbb\xbf" + article_page("BOM asylum story", body=f"{CURLY} {WORDS}").encode()
    article("/charset/asylum-story-bom/", Route(body=bom, content_type="text/html"))
    wrong = article_page("Mislabelled asylum story", body=f"{ACCENTED} {WORDS}").encode()
    article(
        "/charset/asylum-story-mislabelled/",
        Route(body=wrong, content_type="text/html; charset=iso-8859-1"),
    )
    article("/empty/asylum-story-empty/", Route(body=b""))
    article("/private/asylum-story-secret/", Route(body=article_page("Secret")))
    add(
        "/robots.txt", Route(body="User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    )
    feed_urls = [("Refused asylum story", f"http://127.0.0.1:{dead}/refused/asylum-story/")]
    feed_urls += [(f"Asylum entry {p}", "{{BASE_URL}}" + p) for p in pages]
    add("/feed.xml", Route(body=rss(feed_urls), content_type="application/rss+xml"))
    add("/broken-feed.xml", Route(body="<rss><channel><item><title>x</ti", content_type="text/xml"))
    add("/empty-feed.xml", Route(body=b"", content_type="application/rss+xml"))
    add(
        "/broken-sitemap.xml",
        Route(
            body="<urlset><url><loc>{{BASE_URL}}/ok/asylum-story-plain/</url>",
            content_type="text/xml",
        ),
    )
    return pages


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("faults")
    site = Site()
    dead = dead_port()
    with serve(site):
        build_site(site, dead)
        source = Source(
            name="Fault Times",
            homepage=site.url("/"),
            feeds=(
                site.url("/feed.xml"),
                site.url("/broken-feed.xml"),
                site.url("/empty-feed.xml"),
            ),
            sitemaps=(site.url("/broken-sitemap.xml"),),
            domains=(f"127.0.0.1:{dead}",),
        )
        db = tmp / "db.duckdb"
        options = CrawlOptions(polite=False, contact_url=CONTACT, extra_settings=SETTINGS)
        job = stages.RunJob([source], db, tmp / "warc", options)
        summary = stages.run_once(job, Annotator(load_topic()))
    con = duckdb.connect(str(db), read_only=True)
    yield {"site": site, "con": con, "summary": summary, "base": site.base, "dead": dead}
    con.close()


def rows(crawl: dict, path: str) -> list[tuple]:
    """(status, error) of every fetch of a URL ending in ``path``, in order."""
    return (
        crawl["con"]
        .execute(
            "SELECT status, error FROM fetches WHERE url LIKE ? ORDER BY fetched_at",
            ["%" + path],
        )
        .fetchall()
    )


def stored(crawl: dict, path: str) -> list[tuple]:
    return (
        crawl["con"]
        .execute("SELECT title, text FROM articles WHERE url LIKE ?", ["%" + path])
        .fetchall()
    )


def test_crawl_finishes_and_keeps_the_good_article(crawl) -> None:
    assert crawl["summary"].crawl.ok
    assert [t for t, _ in stored(crawl, "/ok/asylum-story-plain/")] == ["Plain asylum story"]


def test_user_agent_is_honest_with_contact_url(crawl) -> None:
    agents = {r.headers.get("User-Agent") for r in crawl["site"].log}
    assert agents == {f"asylumwatch/0.1 (news research crawler; +{CONTACT})"}


def test_timeout_is_retried_then_recorded(crawl) -> None:
    assert rows(crawl, "/slow/asylum-story-timeout/") == [(None, "timeout")] * 3
    assert not stored(crawl, "/slow/asylum-story-timeout/")


def test_connection_refused(crawl) -> None:
    assert rows(crawl, "/refused/asylum-story/") == [(None, "connection_refused")] * 3


@pytest.mark.parametrize("status", [404, 410])
def test_not_found_and_gone(crawl, status: int) -> None:
    assert rows(crawl, f"/gone/asylum-story-{status}/") == [(status, f"http_{status}")]


def test_forbidden(crawl) -> None:
    assert rows(crawl, "/paywall/asylum-story-403/") == [(403, "http_403")]


def test_paywall_page_is_recorded(crawl) -> None:
    assert rows(crawl, "/paywall/asylum-story-premium/") == [(200, "paywall")]


def test_429_waits_for_retry_after_then_succeeds(crawl) -> None:
    assert rows(crawl, "/busy/asylum-story-429/") == [(429, "http_429"), (200, None)]
    first, second = crawl["site"].requests_for("/busy/asylum-story-429/")
    assert second.at - first.at >= 0.95
    assert stored(crawl, "/busy/asylum-story-429/")


def test_429_with_too_long_retry_after_gives_up_at_once(crawl) -> None:
    assert rows(crawl, "/busy/asylum-story-429-long/") == [(429, "retry_after")]


def test_500_is_retried_with_backoff_a_bounded_number_of_times(crawl) -> None:
    assert rows(crawl, "/broken/asylum-story-500/") == [(500, "http_500")] * 3
    times = [r.at for r in crawl["site"].requests_for("/broken/asylum-story-500/")]
    assert times[1] - times[0] >= 0.28 and times[2] - times[1] >= 0.58


def test_503_once_then_recovered(crawl) -> None:
    assert rows(crawl, "/broken/asylum-story-503-once/") == [(503, "http_503"), (200, None)]
    assert stored(crawl, "/broken/asylum-story-503-once/")


def test_redirect_chain_is_followed(crawl) -> None:
    assert rows(crawl, "/moved/asylum-story-chain-1/") == [(301, None)]
    assert rows(crawl, "/moved/chain-2/") == [(302, None)]
    assert [t for t, _ in stored(crawl, "/moved/asylum-story-final/")] == [
        "Redirected asylum story"
    ]


def test_redirect_loop_is_cut(crawl) -> None:
    assert rows(crawl, "/loop/asylum-story-a/") == [(302, None)]
    assert rows(crawl, "/loop/asylum-story-b/") == [(302, "redirect_loop")]


@pytest.mark.parametrize("path", ["/files/asylum-report.pdf", "/files/asylum-chart.png"])
def test_non_html_is_recorded_not_extracted(crawl, path: str) -> None:
    assert rows(crawl, path) == [(200, "not_html")]
    assert not stored(crawl, path)


def test_page_over_the_size_cap(crawl) -> None:
    assert rows(crawl, "/big/asylum-story-huge/") == [(None, "too_large")]


def test_compressed_page_over_the_size_cap_once_decompressed(crawl) -> None:
    assert [e for _, e in rows(crawl, "/big/asylum-story-bomb/")] == ["too_large"]
    assert not stored(crawl, "/big/asylum-story-bomb/")


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compressed_bodies_are_read(crawl, encoding: str) -> None:
    assert rows(crawl, f"/enc/asylum-story-{encoding}/") == [(200, None)]
    ((title, text),) = stored(crawl, f"/enc/asylum-story-{encoding}/")
    assert title == f"Compressed {encoding} asylum story" and "Lacolle" in text


@pytest.mark.parametrize(
    ("slug", "expected"),
    [("cp1252", CURLY), ("latin1", ACCENTED), ("bom", CURLY), ("mislabelled", ACCENTED)],
)
def test_charsets_are_decoded(crawl, slug: str, expected: str) -> None:
    ((_, text),) = stored(crawl, f"/charset/asylum-story-{slug}/")
    assert expected in text


def test_empty_body(crawl) -> None:
    assert rows(crawl, "/empty/asylum-story-empty/") == [(200, "empty_body")]
    assert rows(crawl, "/empty-feed.xml") == [(200, "empty_body")]


def test_malformed_feed_and_sitemap(crawl) -> None:
    assert rows(crawl, "/broken-feed.xml") == [(200, "malformed_feed")]
    assert rows(crawl, "/broken-sitemap.xml") == [(200, "malformed_sitemap")]


def test_robots_txt_is_obeyed(crawl) -> None:
    assert rows(crawl, "/private/asylum-story-secret/") == [(None, "robots_txt")]
    assert not crawl["site"].requests_for("/private/asylum-story-secret/")


def test_report_counts_failures_by_reason(crawl) -> None:
    from pipeline.core.counts import build_report
    from pipeline.core.warc import read_fetch_log

    result = crawl["summary"].crawl
    (report,) = build_report(
        read_fetch_log(result.fetch_log), result.stats(), None, ["Fault Times"]
    )
    assert report.discovered == 26  # 25 feed entries on the site + the refused one
    assert report.fetched == 11  # plain, 429 and 503 retried, redirected, 3 encodings, 4 charsets
    assert report.failed == {
        "timeout": 1,
        "connection_refused": 1,
        "http_404": 1,
        "http_410": 1,
        "http_403": 1,
        "paywall": 1,
        "retry_after": 1,
        "http_500": 1,
        "redirect_loop": 1,
        "not_html": 2,
        "too_large": 2,
        "empty_body": 2,
        "malformed_feed": 1,
        "malformed_sitemap": 1,
        "robots_txt": 1,
    }


def test_report_table_prints(crawl) -> None:
    from io import StringIO

    from rich.console import Console

    from flows.cli.sources import print_crawl_report

    db = Path(crawl["con"].execute("PRAGMA database_list").fetchall()[0][2])
    crawl["con"].close()
    out = StringIO()
    try:
        print_crawl_report(db, crawl["summary"].crawl, Console(file=out, width=300))
    finally:
        crawl["con"] = duckdb.connect(str(db), read_only=True)
    text = out.getvalue()
    assert "Fault Times" in text and "redirect_loop 1" in text and "new articles" in text


def test_gzip_sanity() -> None:
    assert gzip.decompress(compressed(b"abc", "gzip")) == b"abc"
