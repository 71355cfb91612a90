"""The crawler's pure parts: discovery parsing, entry decisions, horizons, reason codes,
charset detection, canonical URLs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError

from crawlers.classify import redirect_problem
from crawlers.decide import decide
from crawlers.discovery import Entry, looks_like_article, parse_feed, parse_sitemap
from crawlers.faults import exception_code, retry_after_seconds
from crawlers.job import CrawlJob, CrawlOptions
from crawlers.seen import SeenIndex, SeenRow, write_seen_file
from pipeline.core.config import Source, TopicProfile
from pipeline.core.since import parse_since
from pipeline.core.urls import canonicalize
from pipeline.encoding import decode_html, html_encoding

NOW = datetime(2026, 11, 26, 12, 0)
SOURCE = Source("Ledger", "https://www.ledger.example/", feeds=("https://ledger.example/f",))
TOPIC = TopicProfile(terms={"en": ("asylum", "refugee")})


# --- horizon ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30d", NOW - timedelta(days=30)),
        ("12h", NOW - timedelta(hours=12)),
        ("2w", NOW - timedelta(weeks=2)),
        ("2026-09-01", datetime(2026, 9, 1)),
        ("2026-09-01T12:00:00+02:00", datetime(2026, 9, 1, 10, 0)),
        ("2026-09-01T12:00:00Z", datetime(2026, 9, 1, 12, 0)),
    ],
)
def test_parse_since(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


def test_parse_since_rejects_nonsense_with_a_readable_message() -> None:
    with pytest.raises(ValueError, match="30d"):
        parse_since("last month")


# --- decisions --------------------------------------------------------------------------------


def seen_index(tmp_path, *rows: SeenRow) -> SeenIndex:
    path = tmp_path / "seen.tsv"
    write_seen_file(path, rows)
    return SeenIndex.load(path)


def test_until_ends_a_backfill_window_by_publication_date(tmp_path) -> None:
    seen = seen_index(tmp_path)
    until = datetime(2026, 10, 1)  # exclusive: the window's last day is 2026-09-30

    def d(entry: Entry) -> str:
        return decide(
            entry,
            entry.url,
            SOURCE,
            seen=seen,
            horizon=datetime(2026, 9, 1),
            topic=None,
            now=NOW,
            until=until,
        )

    u = "https://ledger.example/u"
    assert d(Entry(u, published=datetime(2026, 9, 30, 23, 59))) == "fetch"
    assert d(Entry(u, published=datetime(2026, 10, 1))) == "too_new"
    # published in the window, updated after it: still the window's article
    assert d(Entry(u, published=datetime(2026, 9, 10), updated=datetime(2026, 10, 5))) == "fetch"
    assert d(Entry(u, updated=datetime(2026, 10, 5))) == "too_new"  # <lastmod> only
    assert d(Entry(u)) == "fetch"  # undated entries are fetched
    assert d(Entry(u, published=datetime(2026, 8, 1))) == "too_old"


def test_decisions_in_order(tmp_path) -> None:
    stored = datetime(2026, 10, 1)
    seen = seen_index(
        tmp_path,
        SeenRow("https://ledger.example/a", stored, '"e1"', None),
        SeenRow("https://ledger.example/skipped", stored, skipped=True),
    )
    topic_source = Source("Ledger", "https://ledger.example/", feeds=("x",), filter="topic")
    horizon = datetime(2026, 9, 1)

    def d(entry: Entry, key: str, source: Source = SOURCE) -> str:
        return decide(entry, key, source, seen=seen, horizon=horizon, topic=TOPIC, now=NOW)

    a = "https://ledger.example/a"
    assert d(Entry(a, published=datetime(2026, 8, 1)), a) == "too_old"
    assert d(Entry(a, updated=datetime(2026, 9, 15)), a) == "already_fetched"
    assert d(Entry(a, updated=datetime(2026, 10, 2)), a) == "refetch"
    assert d(Entry(a, updated=NOW + timedelta(days=30)), a) == "already_fetched"  # bad clock
    skipped = "https://ledger.example/skipped"
    assert d(Entry(skipped, updated=datetime(2026, 11, 1)), skipped) == "skipped_before"
    new = "https://ledger.example/new"
    assert d(Entry(new, title="Hockey night"), new, topic_source) == "topic_filtered"
    assert d(Entry(new, title="Hockey", summary="Refugees at the rink"), new, topic_source) == (
        "fetch"
    )
    assert d(Entry(new), new, topic_source) == "fetch"  # nothing to judge by
    assert d(Entry(new, title="Hockey night"), new) == "fetch"  # filter = "all"
    assert seen.get(a).conditional_headers() == {"If-None-Match": '"e1"'}


def test_crawl_job_round_trip_keeps_the_options() -> None:
    """The subprocess reads the job back from JSON: every option, the topic included."""
    options = CrawlOptions(
        polite=False,
        contact_url="https://example.org/contact",
        max_articles=5,
        topic=TOPIC,
        since="30d",
        until="2026-09-30",
        extra_settings={"DOWNLOAD_DELAY": 0.1},
    )
    job = CrawlJob(
        run_id="r1",
        warc_file="/tmp/r1.warc.gz",
        fetch_log="/tmp/r1.fetches.jsonl",
        sources=[SOURCE],
        options=options,
        seen_file="/tmp/r1.seen.tsv",
        validators={"https://ledger.example/f": ['"e1"', None]},
        retry_urls=[["https://ledger.example/a", "Ledger"]],
    )
    again = CrawlJob.loads(job.dumps())
    assert again == job
    assert again.options.topic == TOPIC and again.sources == [SOURCE]
    assert CrawlJob.loads(CrawlJob("r2", "w", "f", [SOURCE]).dumps()).options == CrawlOptions()


# --- feeds and sitemaps -----------------------------------------------------------------------


def test_feed_dialects_and_dates() -> None:
    rss2 = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        b"<title>Asylum <b>story</b></title><link>/news/a?utm_source=rss</link>"
        b"<description>Deck</description><pubDate>Tue, 01 Sep 2026 18:30:00 GMT</pubDate>"
        b"</item></channel></rss>"
    )
    listing = parse_feed(rss2, "https://ledger.example/feed")
    (entry,) = listing.entries
    assert not listing.malformed
    assert entry.url == "https://ledger.example/news/a?utm_source=rss"
    assert (entry.title, entry.summary) == ("Asylum story", "Deck")
    assert entry.published == datetime(2026, 9, 1, 18, 30)
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>x</title>'
        b'<link rel="alternate" href="https://ledger.example/b"/><id>b</id>'
        b"<updated>2026-09-03T10:00:00-04:00</updated></entry></feed>"
    )
    (entry,) = parse_feed(atom, "https://ledger.example/atom").entries
    assert entry.url == "https://ledger.example/b" and entry.updated == datetime(2026, 9, 3, 14)


def test_malformed_and_non_feeds() -> None:
    assert parse_feed(b"<rss><channel><item><title>x</ti", "https://x/").malformed
    html = parse_feed(b"<html><body><p>Not a feed</p></body></html>", "https://x/")
    assert html.malformed and html.detail
    empty_but_valid = parse_feed(
        b'<rss version="2.0"><channel><title>t</title></channel></rss>', ""
    )
    assert not empty_but_valid.malformed and not empty_but_valid.entries


def test_google_news_sitemap_fields() -> None:
    body = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
        b"<loc>https://ledger.example/a</loc><lastmod>2026-09-04T12:00Z</lastmod>"
        b"<news:news><news:publication><news:name>Ledger</news:name></news:publication>"
        b"<news:publication_date>2026-09-04T10:00:00+02:00</news:publication_date>"
        b"<news:title>Asylum bill vote</news:title></news:news></url></urlset>"
    )
    listing = parse_sitemap(body, "https://ledger.example/news.xml")
    (entry,) = listing.entries
    assert listing.kind == "urlset" and not listing.malformed
    assert entry.title == "Asylum bill vote"
    assert entry.published == datetime(2026, 9, 4, 8, 0)
    assert entry.updated == datetime(2026, 9, 4, 12, 0)


def test_sitemap_index_and_broken_sitemaps() -> None:
    index = parse_sitemap(
        b"<sitemapindex><sitemap><loc>https://x/s1.xml</loc><lastmod>2026-09</lastmod>"
        b"</sitemap></sitemapindex>",
        "https://x/",
    )
    assert index.kind == "sitemapindex" and index.entries[0].updated == datetime(2026, 9, 1)
    broken = parse_sitemap(b"<urlset><url><loc>https://x/a</loc></url><url><loc>", "https://x/")
    assert broken.malformed and [e.url for e in broken.entries] == ["https://x/a"]
    assert parse_sitemap(b"<html><body/></html>", "https://x/").malformed


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://ledger.example/news/2026/09/01/asylum-story/", True),
        ("https://www.ledger.example/canada/refugee-claimants-wait-four-years", True),
        ("https://ledger.example/tag/asylum/", False),
        ("https://ledger.example/author/jane-doe-and-friends-here/", False),
        ("https://ledger.example/files/asylum-report-2026-final.pdf", False),
        ("https://elsewhere.example/news/2026/09/01/asylum-story/", False),
        ("https://ledger.example/about/", False),
    ],
)
def test_section_links_that_read_as_stories(url: str, expected: bool) -> None:
    assert looks_like_article(url, SOURCE) is expected


# --- reason codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (TimeoutError(), "timeout"),
        (ConnectionRefusedError(), "connection_refused"),
        (DNSLookupError(), "dns_error"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots_txt"),
        (IgnoreRequest("max redirections reached"), "too_many_redirects"),
        (IgnoreRequest("redirect loop at https://x/"), "redirect_loop"),
        (IgnoreRequest("body is larger than the download max size (10)"), "too_large"),
    ],
)
def test_exception_codes(exc: Exception, code: str) -> None:
    assert exception_code(exc) == code


def test_retry_after_seconds_and_dates() -> None:
    assert retry_after_seconds("120") == 120.0
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("Thu, 26 Nov 2026 12:01:00 GMT", now) == 60.0
    assert retry_after_seconds("soon") is None


def test_redirect_loop_and_chain_length() -> None:
    first = Request("https://x/a")
    back = Request("https://x/b", meta={"redirect_urls": ["https://x/a"], "redirect_times": 1})
    to_b = Response("https://x/a", status=301, headers={"Location": "/b"})
    to_a = Response("https://x/b", status=302, headers={"Location": "https://x/a#top"})
    assert redirect_problem(first, to_b, 10) is None
    assert redirect_problem(back, to_a, 10) == "redirect_loop"
    long = Request("https://x/c", meta={"redirect_times": 10})
    assert redirect_problem(long, to_b, 10) == "too_many_redirects"


# --- charsets --------------------------------------------------------------------------------

TEXT = "Café « déjà » \u201cquoted\u201d \u2014 naïve"


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (TEXT.encode("utf-8"), None, "utf-8"),
        (TEXT.encode("utf-8"), "text/html; charset=iso-8859-1", "utf-8"),  # mislabelled
        (TEXT.encode("cp1252"), "text/html; charset=windows-1252", "cp1252"),
        (TEXT.encode("cp1252"), None, "cp1252"),  # undeclared, not UTF-8
        (b'<meta charset="iso-8859-1">' + "Café".encode("latin-1"), None, "cp1252"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "text/html; charset=iso-8859-1", "utf-8"),
    ],
)
def test_html_encoding(body: bytes, content_type: str | None, expected: str) -> None:
    assert html_encoding(body, content_type) == expected


def test_decoded_html_parses_whatever_the_page_claims() -> None:
    from lxml import html

    page = f'<html><head><meta charset="iso-8859-1"></head><body><p>{TEXT}</p></body></html>'
    text = decode_html(page.encode("utf-8"), "text/html; charset=iso-8859-1")
    assert html.fromstring(text).xpath("//p/text()")[0] == TEXT
    assert decode_html(b"\xef\xbb\xbf<p>x</p>") == "<p>x</p>"


# --- canonical URLs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.ledger.example/news/story/",
        "https://m.ledger.example/news/story/",
        "https://amp.ledger.example/news/story/",
        "https://ledger.example/news/story/amp/",
        "https://ledger.example/news/story/?amp=1",
        "https://ledger.example/news/story/?utm_source=rss&utm_medium=feed#comments",
        "https://ledger.example/news/story/?outputType=amp",
        "HTTPS://Ledger.Example/news/story/",
    ],
)
def test_canonical_variants(variant: str) -> None:
    assert canonicalize(variant) == "https://ledger.example/news/story/"


# --- history ---------------------------------------------------------------------------------


def test_retry_list_keeps_only_urls_that_never_succeeded_in_fewer_than_three_runs() -> None:
    import duckdb

    from pipeline.store.history import retry_urls

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE fetches (run_id VARCHAR, url VARCHAR, source VARCHAR, kind VARCHAR, "
        "status INT, error VARCHAR, fetched_at TIMESTAMP)"
    )
    con.execute("CREATE TABLE articles (canonical_url VARCHAR)")
    con.execute(
        "INSERT INTO fetches VALUES "
        "('r1', 'https://x/ok', 'S', 'article', 503, 'http_503', now()), "
        "('r1', 'https://x/ok', 'S', 'article', 200, NULL, now()), "
        "('r1', 'https://x/busy', 'S', 'article', 503, 'http_503', now()), "
        "('r1', 'https://x/gone', 'S', 'article', 404, 'http_404', now()), "
        "('r1', 'https://x/slow', 'S', 'article', NULL, 'timeout', now()), "
        "('r2', 'https://x/slow', 'S', 'article', NULL, 'timeout', now()), "
        "('r3', 'https://x/slow', 'S', 'article', NULL, 'timeout', now())"
    )
    assert retry_urls(con) == [["https://x/busy", "S"]]
