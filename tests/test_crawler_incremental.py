"""Discovery in every format, topic and age filters, and incremental runs: two crawls of the
same three outlets on 127.0.0.1, with the sites changing in between."""

from __future__ import annotations

import duckdb
import pytest
from test_crawler_site import WORDS, Request, Route, Site, article_page, serve

from crawlers.job import CrawlOptions
from flows import stages
from pipeline.annotate import Annotator
from pipeline.core.config import Source, load_topic

pytestmark = pytest.mark.slow

SETTINGS = {"RETRY_TIMES": 0, "DOWNLOAD_TIMEOUT": 5}
HOCKEY = "The home side won the hockey game in overtime on Saturday night. " * 3


def rss091(items: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{u}</link><description>{t}</description></item>"
        for t, u in items
    )
    return (
        '<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title>'
        f"<link>{{{{BASE_URL}}}}/</link><description>d</description>{body}</channel></rss>"
    )


def rss10(items: list[tuple[str, str]]) -> str:
    seq = "".join(f'<rdf:li resource="{u}"/>' for _, u in items)
    body = "".join(
        f'<item rdf:about="{u}"><title>{t}</title><link>{u}</link>'
        f"<dc:date>2026-09-02T10:00:00Z</dc:date></item>"
        for t, u in items
    )
    return (
        '<?xml version="1.0"?><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<channel rdf:about="{{BASE_URL}}/rdf.xml"><title>RDF</title>'
        "<link>{{BASE_URL}}/</link><description>d</description>"
        f"<items><rdf:Seq>{seq}</rdf:Seq></items></channel>{body}</rdf:RDF>"
    )


def rss20(items: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{u}</link><description>{t}</description>"
        f"<pubDate>{d}</pubDate></item>"
        for t, u, d in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>{body}</channel></rss>'
    )


def atom(items: list[tuple[str, str]]) -> str:
    body = "".join(
        f'<entry><title>{t}</title><link rel="alternate" href="{u}"/><id>{u}</id>'
        f"<published>2026-09-03T10:00:00Z</published><updated>2026-09-03T10:00:00Z</updated>"
        f"<summary>{t}</summary></entry>"
        for t, u in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>A</title><id>{{{{BASE_URL}}}}/</id><updated>2026-09-03T10:00:00Z</updated>"
        f"{body}</feed>"
    )


def story(title: str, body: str = WORDS, etag: str | None = None) -> Route:
    headers = {"ETag": etag} if etag else {}
    return Route(body=article_page(title, body=f"{title}. {body}"), headers=headers)


class World:
    """Three outlets and the state that changes between the two runs."""

    def __init__(self) -> None:
        self.feeds, self.maps, self.section = Site(), Site(), Site()
        self.run = 1
        self.feed_etag = '"feed-v1"'
        self._bumped = ""  # the news sitemap's new <lastmod> for the second run

    def build(self) -> None:
        f, m, s = self.feeds, self.maps, self.section
        # --- Feeds Daily: four feed dialects, topic filter, an old entry --------------------
        for n in range(1, 9):
            f.add(f"/news/asylum-story-{n}/", story(f"Asylum story {n}"))
        f.add("/sports/hockey-overtime-win/", story("Hockey overtime win", HOCKEY))
        f.add("/news/asylum-story-new/", story("Asylum story new"))
        f.add(
            "/news/asylum-story-flaky/",
            lambda r: Route(503, "busy") if self.run == 1 else story("Asylum story flaky"),
        )
        f.add(
            "/rss091.xml",
            Route(
                body=rss091([("Asylum claims rise", "{{BASE_URL}}/news/asylum-story-1/")]),
                content_type="text/xml",
            ),
        )
        f.add(
            "/rdf.xml",
            Route(
                body=rss10([("Refugee hearing", "{{BASE_URL}}/news/asylum-story-2/")]),
                content_type="application/rdf+xml",
            ),
        )
        f.add("/rss20.xml", self.rss20_route)
        f.add(
            "/atom.xml",
            lambda r: Route(
                body=atom(
                    [("Asylum shelter full", "{{BASE_URL}}/news/asylum-story-4/")]
                    + (
                        [("Asylum story new", "{{BASE_URL}}/news/asylum-story-new/")]
                        if self.run == 2
                        else []
                    )
                ),
                content_type="application/atom+xml",
            ),
        )
        # --- Maps Herald: robots.txt -> sitemap index -> Google News sitemap -----------------
        m.add(
            "/robots.txt",
            Route(
                body="User-agent: *\nSitemap: {{BASE_URL}}/sitemap_index.xml\n",
                content_type="text/plain",
            ),
        )
        m.add(
            "/sitemap_index.xml",
            Route(
                body=(
                    '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    "<sitemap><loc>{{BASE_URL}}/news-sitemap.xml</loc><lastmod>2026-09-05</lastmod></sitemap>"
                    "<sitemap><loc>{{BASE_URL}}/archive-2019.xml</loc><lastmod>2019-12-31</lastmod></sitemap>"
                    "</sitemapindex>"
                ),
                content_type="application/xml",
            ),
        )
        m.add("/news-sitemap.xml", self.news_sitemap)
        m.add("/archive-2019.xml", Route(body="<urlset/>", content_type="application/xml"))
        m.add(
            "/politics/2026/09/04/asylum-bill-vote/",
            lambda r: story(
                "Asylum bill vote" if self.run == 1 else "Asylum bill vote (updated)",
                etag=f'"vote-v{self.run}"',
            ),
        )
        m.add("/politics/2026/09/05/refugee-board-backlog/", story("Refugee board backlog"))
        # --- Section Courier: an HTML section page, links followed one level ----------------
        s.add(
            "/news/",
            Route(
                body=(
                    "<html><body><nav><a href='/tag/asylum/'>Tag</a>"
                    "<a href='/author/jane-doe/'>Jane</a>"
                    "<a href='/about/'>About</a></nav><ul>"
                    "<li><a href='/news/2026/09/06/asylum-seekers-cross-at-lacolle/'>One</a></li>"
                    "<li><a href='/news/2026/09/07/refugee-claimants-wait-for-hearings/'>Two"
                    "</a></li>"
                    "<li><a href='/files/asylum-report.pdf'>PDF</a></li>"
                    "<li><a href='http://elsewhere.example/2026/09/01/asylum-story-elsewhere/'>"
                    "Off</a></li>"
                    "</ul></body></html>"
                )
            ),
        )
        s.add("/news/2026/09/06/asylum-seekers-cross-at-lacolle/", story("Crossing at Lacolle"))
        s.add("/news/2026/09/07/refugee-claimants-wait-for-hearings/", story("Claimants wait"))
        s.add("/tag/asylum/", story("Tag page"))

    def rss20_route(self, request: Request) -> Route:
        if request.headers.get("If-None-Match") == self.feed_etag:
            return Route(304, b"", {"ETag": self.feed_etag}, content_type=None)
        date = "Tue, 01 Sep 2026 18:30:00 GMT"
        items = [
            (f"Asylum story {n}", f"{{{{BASE_URL}}}}/news/asylum-story-{n}/", date)
            for n in (3, 5, 6)
        ]
        items += [
            ("Hockey team wins in overtime", "{{BASE_URL}}/sports/hockey-overtime-win/", date),
            (
                "Asylum story from 2020",
                "{{BASE_URL}}/news/asylum-story-7/",
                "Wed, 01 Jan 2020 10:00:00 GMT",
            ),
            ("Asylum story flaky", "{{BASE_URL}}/news/asylum-story-flaky/", date),
        ]
        return Route(
            body=rss20(items), headers={"ETag": self.feed_etag}, content_type="application/rss+xml"
        )

    def news_sitemap(self, request: Request) -> Route:
        lastmod = "2026-09-04T12:00:00Z" if self.run == 1 else self._bumped
        return Route(
            body=(
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                "<url><loc>{{BASE_URL}}/politics/2026/09/04/asylum-bill-vote/</loc>"
                "<news:news><news:publication><news:name>Maps Herald</news:name></news:publication>"
                "<news:publication_date>2026-09-04T10:00:00Z</news:publication_date>"
                "<news:title>Asylum bill vote</news:title></news:news>"
                f"<lastmod>{lastmod}</lastmod></url>"
                "<url><loc>{{BASE_URL}}/politics/2026/09/05/refugee-board-backlog/</loc>"
                "<lastmod>2026-09-05T12:00:00Z</lastmod></url></urlset>"
            ),
            content_type="application/xml",
        )

    def sources(self) -> list[Source]:
        return [
            Source(
                "Feeds Daily",
                self.feeds.url("/"),
                feeds=tuple(
                    self.feeds.url(p)
                    for p in ("/rss091.xml", "/rdf.xml", "/rss20.xml", "/atom.xml")
                ),
                filter="topic",
            ),
            Source("Maps Herald", self.maps.url("/"), sitemaps=(self.maps.url("/robots.txt"),)),
            Source(
                "Section Courier", self.section.url("/"), start_urls=(self.section.url("/news/"),)
            ),
        ]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    from datetime import UTC, datetime

    tmp = tmp_path_factory.mktemp("incremental")
    world = World()
    db, warc = tmp / "db.duckdb", tmp / "warc"
    annotator = Annotator(load_topic())
    with serve(world.feeds), serve(world.maps), serve(world.section):
        world.build()
        options = CrawlOptions(polite=False, since="2026-01-01", extra_settings=SETTINGS)
        first = stages.run_once(stages.RunJob(world.sources(), db, warc, options), annotator)
        world.run = 2
        # a lastmod after the first fetch and before the second run: the article changed
        world._bumped = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        logs = {
            name: len(site.log)
            for name, site in (
                ("feeds", world.feeds),
                ("maps", world.maps),
                ("section", world.section),
            )
        }
        second = stages.run_once(stages.RunJob(world.sources(), db, warc, options), annotator)
    con = duckdb.connect(str(db), read_only=True)
    yield {"world": world, "con": con, "first": first, "second": second, "logs": logs}
    con.close()


def fetched(runs: dict, run: str, kind: str = "article") -> list[tuple]:
    result = runs[run].crawl
    return sorted(
        runs["con"]
        .execute(
            "SELECT regexp_replace(url, '^http://[^/]+', ''), status, error FROM fetches "
            "WHERE run_id = ? AND kind = ? ORDER BY 1",
            [result.run_id, kind],
        )
        .fetchall()
    )


def test_every_feed_dialect_is_read(runs) -> None:
    paths = {p for p, status, _ in fetched(runs, "first") if status == 200}
    for n in (1, 2, 3, 4, 5, 6):  # RSS 0.91, RSS 1.0, RSS 2.0 (3, 5, 6), Atom
        assert f"/news/asylum-story-{n}/" in paths


def test_sitemaps_from_robots_txt_index_and_google_news(runs) -> None:
    paths = {p for p, status, _ in fetched(runs, "first") if status == 200}
    assert "/politics/2026/09/04/asylum-bill-vote/" in paths
    assert "/politics/2026/09/05/refugee-board-backlog/" in paths
    sitemaps = [p for p, _, _ in fetched(runs, "first", "sitemap")]
    assert "/news-sitemap.xml" in sitemaps
    assert "/archive-2019.xml" not in sitemaps  # older than the horizon: not even fetched


def test_section_page_followed_one_level_to_articles_on_site(runs) -> None:
    courier = {p for p, _, _ in fetched(runs, "first") if "2026/09/0" in p and "news" in p}
    assert courier == {
        "/news/2026/09/06/asylum-seekers-cross-at-lacolle/",
        "/news/2026/09/07/refugee-claimants-wait-for-hearings/",
    }
    requested = {r.path for r in runs["world"].section.log}
    assert not requested & {
        "/tag/asylum/",
        "/author/jane-doe/",
        "/about/",
        "/files/asylum-report.pdf",
    }


def test_topic_filter_and_horizon_skip_entries_before_fetching(runs) -> None:
    rows = fetched(runs, "first")
    assert ("/sports/hockey-overtime-win/", None, "topic_filtered") in rows
    assert ("/news/asylum-story-7/", None, "too_old") in rows
    requested = {r.path for r in runs["world"].feeds.log}
    assert "/sports/hockey-overtime-win/" not in requested
    assert "/news/asylum-story-7/" not in requested


def test_second_run_fetches_only_what_is_new_or_changed(runs) -> None:
    rows = fetched(runs, "second")
    assert [(p, s) for p, s, _ in rows if s is not None] == [
        ("/news/asylum-story-flaky/", 200),  # failed with a 503 in run 1: retried
        ("/news/asylum-story-new/", 200),  # new Atom entry
        ("/politics/2026/09/04/asylum-bill-vote/", 200),  # sitemap lastmod newer: refetched
    ]
    # skipped entries are not recorded twice
    assert not [r for r in rows if r[2] in ("topic_filtered", "too_old")]


def test_feed_is_requested_conditionally(runs) -> None:
    requests = runs["world"].feeds.requests_for("/rss20.xml")
    assert requests[0].headers.get("If-None-Match") is None
    assert requests[1].headers.get("If-None-Match") == '"feed-v1"'
    assert ("/rss20.xml", 304, None) in fetched(runs, "second", "feed")


def test_refetch_is_conditional_and_keeps_the_newer_version(runs) -> None:
    requests = runs["world"].maps.requests_for("/politics/2026/09/04/asylum-bill-vote/")
    assert [r.headers.get("If-None-Match") for r in requests] == [None, '"vote-v1"']
    titles = (
        runs["con"]
        .execute("SELECT title FROM articles WHERE url LIKE '%asylum-bill-vote%'")
        .fetchall()
    )
    assert titles == [("Asylum bill vote (updated)",)]


def test_no_duplicate_rows_and_report(runs) -> None:
    con = runs["con"]
    urls = con.execute(
        "SELECT canonical_url, count(*) FROM articles GROUP BY 1 HAVING count(*) > 1"
    )
    assert urls.fetchall() == []
    stats = runs["second"].crawl.stats()["sources"]
    assert stats["Feeds Daily"]["already_fetched"] >= 2
