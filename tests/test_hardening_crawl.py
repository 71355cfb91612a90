"""Issue #14, failures 2 and 3: sitemap discovery and the allowed-hosts/addresses rule.

One crawl of a hostile site on 127.0.0.1 (plus a second server on another port, which is
another host): self-listing and cyclic sitemap indexes, an index deeper than the limit,
``file:``/``data:``/``ftp:`` entries, robots.txt ``Sitemap:`` lines off the site, a redirect
to another host, and feed entries on private and link-local addresses the source lists.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import duckdb
import pytest
from test_crawler_site import Route, Site, article_page, rss, serve

from crawlers.guard import address_class, host_problem, scheme_problem
from pipeline.core.config import Source

pytestmark = pytest.mark.slow

SETTINGS = {"DOWNLOAD_TIMEOUT": 2, "RETRY_TIMES": 0, "AW_SITEMAP_MAX_DEPTH": 3}
# Addresses the source lists as its own hosts; nothing listens there, and the guard must
# refuse them before any connection is tried (a timeout would mean it did not).
PRIVATE = "10.255.255.1:9"
LINK_LOCAL = "169.254.169.254"


def index(*urls: str) -> str:
    entries = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)
    return f'<?xml version="1.0"?><sitemapindex xmlns="x">{entries}</sitemapindex>'


def urlset(*urls: str) -> str:
    entries = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return f'<?xml version="1.0"?><urlset xmlns="x">{entries}</urlset>'


def build(site: Site, other: Site) -> None:
    add = site.add
    xml = "application/xml"
    b = "{{BASE_URL}}"
    add("/sitemap-self.xml", Route(body=index(f"{b}/sitemap-self.xml"), content_type=xml))
    add("/sitemap-a.xml", Route(body=index(f"{b}/sitemap-b.xml"), content_type=xml))
    add("/sitemap-b.xml", Route(body=index(f"{b}/sitemap-a.xml"), content_type=xml))
    for depth in range(6):
        add(
            f"/deep-{depth}.xml",
            Route(body=index(f"{b}/deep-{depth + 1}.xml"), content_type=xml),
        )
    add(
        "/sitemap-schemes.xml",
        Route(
            body=index(
                "file:///etc/passwd",
                "data:text/xml,<urlset/>",
                "ftp://127.0.0.1/sitemap.xml",
                other.url("/sitemap-other.xml"),
                f"{b}/sitemap-news.xml",
            ),
            content_type=xml,
        ),
    )
    add(
        "/sitemap-news.xml",
        Route(
            body=urlset(f"{b}/news/asylum-story-from-sitemap/", "file:///etc/hostname"),
            content_type=xml,
        ),
    )
    add("/news/asylum-story-from-sitemap/", Route(body=article_page("Sitemap asylum story")))
    add(
        "/robots.txt",
        Route(
            body=(
                "User-agent: *\nDisallow:\nSitemap: file:///etc/passwd\n"
                f"Sitemap: {other.url('/sitemap-robots.xml')}\nSitemap: {b}/sitemap-self.xml\n"
            ),
            content_type="text/plain",
        ),
    )
    add(
        "/news/asylum-story-moved-away/",
        Route(302, "", {"Location": other.url("/news/asylum-story-elsewhere/")}),
    )
    other.add("/news/asylum-story-elsewhere/", Route(body=article_page("Elsewhere")))
    other.add("/sitemap-other.xml", Route(body=urlset(), content_type=xml))
    other.add("/sitemap-robots.xml", Route(body=urlset(), content_type=xml))
    feed = [
        ("Moved", f"{b}/news/asylum-story-moved-away/"),
        ("Private", f"http://{PRIVATE}/news/asylum-story-private/"),
        ("Link-local", f"http://{LINK_LOCAL}/latest/meta-data/asylum-story-x/"),
    ]
    add("/feed.xml", Route(body=rss(feed), content_type="application/rss+xml"))


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory):
    from crawlers.job import CrawlOptions
    from flows import stages
    from pipeline.annotate import Annotator
    from pipeline.core.config import load_topic

    tmp = tmp_path_factory.mktemp("hostile")
    site, other = Site(), Site()
    with serve(site), serve(other):
        build(site, other)
        source = Source(
            name="Hostile Times",
            homepage=site.url("/"),
            feeds=(site.url("/feed.xml"),),
            sitemaps=(
                site.url("/robots.txt"),
                site.url("/sitemap-self.xml"),
                site.url("/sitemap-a.xml"),
                site.url("/deep-0.xml"),
                site.url("/sitemap-schemes.xml"),
            ),
            domains=(PRIVATE, LINK_LOCAL),
        )
        db = tmp / "db.duckdb"
        options = CrawlOptions(
            polite=False, contact_url="https://example.org/c", extra_settings=SETTINGS
        )
        job = stages.RunJob([source], db, tmp / "warc", options)
        summary = stages.run_once(job, Annotator(load_topic()))
    con = duckdb.connect(str(db), read_only=True)
    yield {"site": site, "other": other, "con": con, "summary": summary}
    con.close()


def errors(crawl: dict, like: str) -> list[str | None]:
    rows = crawl["con"].execute(
        "SELECT error FROM fetches WHERE url LIKE ? ORDER BY fetched_at", [like]
    )
    return [r[0] for r in rows.fetchall()]


def test_crawl_finishes(crawl) -> None:
    assert crawl["summary"].crawl.ok
    titles = crawl["con"].execute("SELECT title FROM articles").fetchall()
    assert titles == [("Sitemap asylum story",)]


def test_self_listing_and_cyclic_indexes_are_fetched_once(crawl) -> None:
    site = crawl["site"]
    for path in ("/sitemap-self.xml", "/sitemap-a.xml", "/sitemap-b.xml"):
        assert len(site.requests_for(path)) == 1, path
    assert crawl["summary"].crawl.stats()["sources"]["Hostile Times"]["sitemaps_repeated"] >= 3


def test_sitemap_index_depth_is_limited(crawl) -> None:
    site = crawl["site"]
    assert [len(site.requests_for(f"/deep-{d}.xml")) for d in range(6)] == [1, 1, 1, 1, 0, 0]
    assert errors(crawl, "%/deep-4.xml") == ["sitemap_too_deep"]


def test_only_http_sitemaps_and_articles(crawl) -> None:
    for url in ("file:///etc/passwd", "data:%", "ftp://%", "file:///etc/hostname"):
        assert set(errors(crawl, url)) <= {"bad_scheme"}
    assert errors(crawl, "file:///etc/passwd") == ["bad_scheme", "bad_scheme"]
    assert errors(crawl, "data:%") == ["bad_scheme"]
    from pipeline.core.warc import iter_responses

    (warc,) = Path(crawl["summary"].crawl.warc_file).parent.glob("*.warc.gz")
    assert all(r.url.startswith("http://127.0.0.1:") for r in iter_responses(warc))


def test_sitemaps_on_other_hosts_are_not_fetched(crawl) -> None:
    assert crawl["other"].log == []  # nothing at all reached the other host
    assert errors(crawl, "%/sitemap-other.xml") == ["offsite"]
    assert errors(crawl, "%/sitemap-robots.xml") == ["offsite"]


def test_redirect_to_another_host_is_refused(crawl) -> None:
    assert errors(crawl, "%/asylum-story-moved-away/") == [None]
    assert errors(crawl, "%/asylum-story-elsewhere/") == ["offsite"]
    stored = crawl["con"].execute("SELECT count(*) FROM articles WHERE url LIKE '%elsewhere%'")
    assert stored.fetchall() == [(0,)]


def test_private_and_link_local_addresses_are_refused(crawl) -> None:
    assert errors(crawl, f"http://{PRIVATE}/%") == ["blocked_address"]
    assert errors(crawl, f"http://{LINK_LOCAL}/%") == ["blocked_address"]


# --- units -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("172.16.0.1", "private"),
        ("100.64.0.1", "private"),
        ("169.254.169.254", "link_local"),
        ("fe80::1", "link_local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "reserved"),
        ("224.0.0.1", "reserved"),
        ("240.0.0.1", "reserved"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_class(address: str, kind: str | None) -> None:
    assert address_class(ipaddress.ip_address(address)) == kind


def test_host_and_scheme_problems() -> None:
    source = Source(name="x", homepage="https://www.example.org/", domains=("cdn.example.net",))
    assert host_problem("https://example.org/a", source) is None
    assert host_problem("http://cdn.example.net/a", source) is None
    assert host_problem("https://evil.example.com/a", source) == "offsite"
    assert host_problem("file:///etc/passwd", source) == "bad_scheme"
    assert scheme_problem("http://[::1/") == "bad_scheme"
    assert scheme_problem("http://example.org:99999/") == "bad_scheme"
    assert scheme_problem("javascript:alert(1)") == "bad_scheme"
