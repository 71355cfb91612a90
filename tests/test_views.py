"""The trend views (pipeline/store/views.py) on a database with known content."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from test_report_fixtures import build_db

from pipeline.core.records import CrawlRun, Fetch
from pipeline.store.load import connect, load_fetches, record_crawl_run
from pipeline.store.views import VIEWS


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return build_db(tmp_path_factory.mktemp("views") / "aw.duckdb")


def rows(db: Path, sql: str) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_view_exists_after_migration(db: Path) -> None:
    names = {r[0] for r in rows(db, "SELECT view_name FROM duckdb_views() WHERE NOT internal")}
    assert set(VIEWS) <= names
    assert rows(db, "SELECT max(version) >= 2 FROM schema_version") == [(True,)]


def test_weeks_are_iso_8601_in_utc(db: Path) -> None:
    got = dict(
        (r[0], r[1:])
        for r in rows(db, "SELECT article_id, week, week_start, date_source FROM article_weeks")
    )
    assert got["art002"] == ("2025-W25", date(2025, 6, 16), "published")  # Sunday 23:30
    assert got["art005"] == ("2025-W25", date(2025, 6, 16), "published")  # Monday 00:00
    assert got["art006"] == ("2025-W26", date(2025, 6, 23), "fetched")  # no publication date


def test_iso_week_across_the_new_year(tmp_path: Path) -> None:
    with connect(tmp_path / "y.duckdb") as con:
        for i, ts in enumerate(["2020-12-31 12:00", "2021-01-03 23:59", "2021-01-04 00:00"]):
            con.execute(
                "INSERT INTO articles (article_id, url, canonical_url, outlet, domain, "
                "published_at, fetched_at, text, word_count, is_relevant) "
                "VALUES (?, 'u', 'u', 'O', 'd', ?, ?, 't', 1, true)",
                [f"a{i}", ts, ts],
            )
        got = con.execute("SELECT week, week_start FROM article_weeks ORDER BY 1, 2").fetchall()
    assert got == [
        ("2020-W53", date(2020, 12, 28)),
        ("2020-W53", date(2020, 12, 28)),
        ("2021-W01", date(2021, 1, 4)),
    ]


def test_weekly_coverage_counts_relevant_articles_and_stories(db: Path) -> None:
    got = rows(
        db,
        "SELECT outlet, articles, relevant_articles, unique_stories, duplicates "
        "FROM weekly_coverage WHERE week = '2025-W25' ORDER BY outlet",
    )
    # Outlet A: 3 relevant (art003 copies art001: 2 stories) and 1 off-topic article
    assert got == [("Outlet A", 4, 3, 2, 1), ("Outlet B", 1, 1, 1, 0)]


def test_weekly_totals(db: Path) -> None:
    got = rows(
        db,
        "SELECT articles, relevant_articles, unique_stories, outlets, quotes, speakers "
        "FROM weekly_totals WHERE week_start = DATE '2025-06-16'",
    )
    # quotes of relevant articles only (not the hockey story's); unattributed quote: no speaker
    assert got == [(5, 4, 3, 2, 7, 3)]


def test_weekly_stance_shares_add_up_and_keep_unclassified(db: Path) -> None:
    got = rows(
        db,
        "SELECT stance, articles, round(share, 4) FROM weekly_stance "
        "WHERE week = '2025-W25' AND outlet = 'Outlet A' ORDER BY stance NULLS LAST",
    )
    assert got == [("protective", 1, 0.3333), ("restrictive", 1, 0.3333), (None, 1, 0.3333)]
    sums = rows(db, "SELECT week, outlet, sum(share) FROM weekly_stance GROUP BY ALL")
    assert all(abs(total - 1.0) < 1e-9 for *_, total in sums)


def test_weekly_sources_and_quote_stance(db: Path) -> None:
    got = dict(rows(db, "SELECT speaker_role, quotes FROM weekly_sources WHERE week='2025-W25'"))
    assert got == {"official": 2, "legal": 2, "politician": 1, "unknown": 1, "advocacy": 1}
    total = rows(db, "SELECT sum(share) FROM weekly_sources WHERE week = '2025-W25'")[0][0]
    assert abs(total - 1.0) < 1e-9
    official = rows(
        db,
        "SELECT stance, quotes, share FROM weekly_quote_stance "
        "WHERE week = '2025-W25' AND speaker_role = 'official' ORDER BY stance",
    )
    assert official == [("protective", 1, 0.5), ("restrictive", 1, 0.5)]


def test_top_speakers(db: Path) -> None:
    got = rows(
        db,
        "SELECT rank, speaker, speaker_role, speaker_org, quotes, outlets, articles "
        "FROM top_speakers WHERE week = '2025-W25' ORDER BY rank, speaker",
    )
    assert got == [
        (1, "Jane Minister", "official", "IRCC", 3, 1, 2),  # official twice, politician once
        (2, "Sam Lawyer", "legal", None, 2, 1, 2),
        (3, "Ana Advocate", "advocacy", "CCR", 1, 1, 1),
    ]
    # a filter on week_start gives the same rows as one on week
    by_start = rows(
        db,
        "SELECT rank, speaker FROM top_speakers WHERE week_start = DATE '2025-06-16' "
        "ORDER BY rank, speaker",
    )
    assert by_start == [(r[0], r[1]) for r in got]


def test_crawl_health(tmp_path: Path) -> None:
    db = build_db(tmp_path / "aw.duckdb")
    warc = "/data/warc/2025-06-17/run1.warc.gz"
    at = datetime(2025, 6, 17, 9)
    fetches = [
        Fetch("run1", "https://outlet-a.example/feed", "Outlet A", "feed", 200, 10, at),
        Fetch("run1", "https://outlet-a.example/news/1", "Outlet A", "article", 200, 10, at),
        Fetch("run1", "https://outlet-a.example/gone", "Outlet A", "article", 404, 0, at,
              error="http_404"),
        Fetch("run1", "https://outlet-a.example/t", "Outlet A", "article", None, 0, at,
              error="timeout"),
        Fetch("run1", "https://outlet-a.example/private", "Outlet A", "article", None, 0, at,
              error="robots_txt"),
        Fetch("run1", "https://outlet-a.example/old", "Outlet A", "article", None, 0, at,
              error="too_old"),
    ]  # fmt: skip
    with connect(db) as con:
        record_crawl_run(con, CrawlRun("run1", at, at, ["Outlet A"], warc, status="finished"))
        load_fetches(con, fetches)
        # two of Outlet A's stored articles came from this run's archive (any folder)
        con.execute(
            "UPDATE articles SET warc_file = 'elsewhere/run1.warc.gz' "
            "WHERE article_id IN ('art001', 'art002')"
        )
    got = rows(
        db,
        "SELECT source, requests, fetched, articles_fetched, articles_stored, failed, "
        "robots_blocked, skipped FROM crawl_health",
    )
    assert got == [("Outlet A", 6, 2, 1, 2, 2, 1, 1)]


def test_example_queries_of_the_schema_doc_run(db: Path) -> None:
    import re

    doc = (Path(__file__).resolve().parent.parent / "docs" / "schema.md").read_text()
    examples = re.findall(r"```sql\n(.*?)```", doc, flags=re.S)
    assert len(examples) >= 8
    for sql in examples:
        rows(db, sql)  # raises on a wrong column or view name


def test_schema_doc_names_every_column(db: Path) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "schema.md").read_text()
    columns = rows(
        db,
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'main'",
    )
    missing = [(t, c) for t, c in columns if f"`{c}`" not in doc and c not in doc]
    assert not missing, missing


def test_top_speakers_come_in_rank_order(db: Path) -> None:
    got = rows(db, "SELECT week_start, rank, speaker FROM top_speakers")
    assert got == sorted(got) and len(got) > 3


def test_top_speakers_ranks_named_speakers_not_groups(tmp_path: Path) -> None:
    """Groups ("critics") and unnamed speakers ("a spokesperson") count everywhere but are
    not ranked as speakers; quotes loaded before speaker_kind existed (NULL) are ranked."""
    from pipeline.core.records import AnnotatedArticle, Article, Quote
    from pipeline.store.load import load_annotated

    when = datetime(2025, 6, 17, 10, 0)
    article = Article(
        article_id="k1",
        url="https://a.example/k1",
        canonical_url="https://a.example/k1",
        outlet="Outlet A",
        domain="a.example",
        title="t",
        authors=[],
        published_at=when,
        fetched_at=when,
        language="en",
        text="body",
        word_count=1,
        is_relevant=True,
    )
    speakers = [
        ("Jane Roe", "person"),
        ("Critics", "group"),
        ("Critics", "group"),
        ("Critics", "group"),
        ("a spokesperson", "description"),
        ("a spokesperson", "description"),
        ("Amnesty International", "organisation"),
        ("Old Row", None),
    ]
    quotes = [
        Quote("k1", i, f"q{i}", "direct", name, "other", speaker_kind=kind)
        for i, (name, kind) in enumerate(speakers)
    ]
    db = tmp_path / "k.duckdb"
    with connect(db) as con:
        load_annotated(con, [AnnotatedArticle(article, quotes)])
    ranked = rows(db, "SELECT speaker FROM top_speakers ORDER BY rank, speaker")
    assert ranked == [("Amnesty International",), ("Jane Roe",), ("Old Row",)]
    counted = rows(db, "SELECT sum(quotes) FROM weekly_sources")
    assert counted == [(8,)]
    kinds = rows(db, "SELECT speaker_kind, count(*) FROM quote_weeks GROUP BY 1 ORDER BY 1")
    assert kinds == [
        ("description", 2),
        ("group", 3),
        ("organisation", 1),
        ("person", 1),
        (None, 1),
    ]
