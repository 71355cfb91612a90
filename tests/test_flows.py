"""The monitor and backfill flows, end to end under Prefect's test harness (a real, temporary
Prefect server), crawling a site served on 127.0.0.1."""

from __future__ import annotations

import flows.prefect_env  # noqa: F401  (before prefect)

# isort: split
import errno
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.testing.utilities import prefect_test_harness

from crawlers.job import CrawlOptions
from flows import stages
from flows.demo_site import serve_demo_site
from flows.monitor import _transient, archived_warcs, backfill_flow, monitor_flow
from pipeline.core.config import load_sources
from pipeline.store.load import DatabaseBusy, connect
from pipeline.store.snapshot import EXPORTS

pytestmark = pytest.mark.slow

HARNESS_STARTUP = 180  # seconds: the server takes ~20 s on two busy cores


@pytest.fixture(scope="module")
def harness():
    with prefect_test_harness(server_startup_timeout=HARNESS_STARTUP):
        yield


@pytest.fixture
def site(tiny_site: Path):
    with serve_demo_site(0, site_dir=tiny_site) as served:
        yield tiny_site, served


def _params(tmp_path: Path, tiny_site: Path, served) -> dict:
    return {
        "sources": str(tiny_site / "sources.toml"),
        "db": str(tmp_path / "aw.duckdb"),
        "warc_dir": str(tmp_path / "warc"),
        "export_dir": str(tmp_path / "exports"),
        "polite": False,
        "substitutions": served.substitutions,
        "retry_delay_seconds": 1,
        "use_models": False,  # keyword relevance, rule roles: no classifier training in tests
    }


def _rows(db: str, sql: str) -> list[tuple]:
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _artifact(key: str) -> str:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])), limit=1
        )
    assert found, f"no artifact {key}"
    return str(found[0].data)


def test_monitor_flow_end_to_end_and_rerun(harness, site, tmp_path: Path) -> None:
    tiny_site, served = site
    params = _params(tmp_path, tiny_site, served)
    first = monitor_flow(**params)

    assert first.crawl_ok and len(first.crawl_runs) == 1
    [tiny] = first.sources
    assert (tiny.source, tiny.new, tiny.failed_besides_robots) == ("Tiny Times", 4, 0)
    assert tiny.fetched == 4  # article URLs (not robots.txt, the feed or the section page)
    assert tiny.robots_blocked == 1  # /private/ is forbidden and counted apart
    assert first.articles_loaded == 4 and first.relevant_articles == 3
    db = params["db"]
    stored = _rows(db, "SELECT count(*), count(*) FILTER (is_relevant) FROM articles")
    assert stored == [(4, 3)]
    stance_total = sum(first.article_stance.values())
    assert stance_total == 3  # every relevant article, classified or not
    quotes = _rows(db, "SELECT count(*) FROM quotes")[0][0]
    assert first.quotes == quotes

    summary = _artifact("monitor-summary")
    assert "| Tiny Times |" in summary and "articles loaded (new or updated rows): 4" in summary
    assert "Tiny Times" in _artifact("monitor-sources")

    # the snapshot: every export, complete, no temporary files left
    exports = Path(params["export_dir"])
    for name in EXPORTS:
        assert (exports / f"{name}.parquet").is_file(), name
    assert pq.read_table(exports / "articles.parquet").num_rows == 4
    assert not list(exports.glob(".*.tmp"))
    assert (exports / "snapshot.json").is_file()

    # the second run fetches no article again and adds no row
    second = monitor_flow(**params)
    assert second.articles_loaded == 0 and second.sources[0].new == 0
    assert _rows(db, "SELECT count(*) FROM articles") == [(4,)]
    assert _rows(db, "SELECT count(*) FROM quotes")[0][0] == quotes
    dupes = _rows(db, "SELECT count(*) - count(DISTINCT (run_id, url, fetched_at)) FROM fetches")
    assert dupes == [(0,)]


def test_rerun_finishes_what_a_dead_run_left(harness, site, tmp_path: Path) -> None:
    """A run killed between crawl and load left an unprocessed archive: the next run loads it
    first, and loading it again later changes nothing."""
    tiny_site, served = site
    params = _params(tmp_path, tiny_site, served)
    sources = load_sources(Path(params["sources"]), served.substitutions)
    dead = stages.crawl(
        sources, Path(params["db"]), Path(params["warc_dir"]), CrawlOptions(polite=False)
    )
    assert dead.ok and _rows(params["db"], "SELECT count(*) FROM articles") == [(0,)]

    counts = monitor_flow(**params)
    assert any("earlier run" in note for note in counts.notes)
    assert str(dead.warc_file) in counts.warc_files
    assert _rows(params["db"], "SELECT count(*) FROM articles") == [(4,)]
    assert _rows(params["db"], "SELECT count(*) FROM warc_files") == [(2,)]

    again = backfill_flow(
        mode="archive",
        warc_files=[str(dead.warc_file)],
        db=params["db"],
        warc_dir=params["warc_dir"],
        export_dir=params["export_dir"],
        use_models=False,
    )
    assert again.articles_extracted == 4
    assert _rows(params["db"], "SELECT count(*), count(DISTINCT url) FROM articles") == [(4, 4)]
    assert "reprocessed 1 archived WARC" in _artifact("backfill-summary")


def test_monitor_marks_the_crawl_of_a_killed_run_interrupted(harness, site, tmp_path: Path) -> None:
    """As ``asylumwatch run`` does (the same flows.stages.run_once): a crawl still marked
    ``running`` whose archive the monitor finishes ends ``interrupted``."""
    tiny_site, served = site
    params = _params(tmp_path, tiny_site, served)
    sources = load_sources(Path(params["sources"]), served.substitutions)
    dead = stages.crawl(
        sources, Path(params["db"]), Path(params["warc_dir"]), CrawlOptions(polite=False)
    )
    with connect(Path(params["db"])) as con:  # as if killed before it could say how it ended
        con.execute("UPDATE crawl_runs SET status = 'running', finished_at = NULL")

    counts = monitor_flow(**params)
    assert str(dead.warc_file) in counts.warc_files
    statuses = _rows(params["db"], "SELECT run_id, status FROM crawl_runs ORDER BY started_at")
    assert statuses[0] == (dead.run_id, "interrupted")
    assert [status for _, status in statuses[1:]] == ["finished"]


def _sitemap_backfill_params(site, tmp_path: Path) -> dict:
    """A tiny outlet whose sitemap lists four entries dated 1-4 September 2026."""
    tiny_site, served = site
    entries = "".join(
        f"<url><loc>{{{{BASE_URL}}}}/news/2026/09/0{day}/{slug}/</loc>"
        f"<lastmod>2026-09-0{day}T18:30:00Z</lastmod></url>"
        for day, slug in [
            (1, "asylum-story-number-zero"),
            (2, "asylum-story-number-one"),
            (3, "asylum-story-number-two"),
            (4, "hockey-team-wins-in-overtime-again"),
        ]
    )
    (tiny_site / "tiny" / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + entries
        + "</urlset>",
        encoding="utf-8",
    )
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[sources]]\nname = "Tiny Times"\nhomepage = "{{BASE_URL:tiny}}/"\n'
        'feeds = ["{{BASE_URL:tiny}}/feeds/latest.xml"]\n'
        'sitemaps = ["{{BASE_URL:tiny}}/sitemap.xml"]\nlanguage = "en"\n',
        encoding="utf-8",
    )
    params = _params(tmp_path, tiny_site, served)
    params["sources"] = str(sources)
    return params


def test_backfill_from_sitemaps_since_a_date(harness, site, tmp_path: Path) -> None:
    params = _sitemap_backfill_params(site, tmp_path)
    counts = backfill_flow(mode="sitemaps", since=date(2026, 9, 3), **params)
    titles = _rows(params["db"], "SELECT title FROM articles ORDER BY published_at")
    assert [t[0] for t in titles] == [
        "Asylum story number two",
        "Hockey team wins in overtime again",
    ]
    kinds = _rows(params["db"], "SELECT DISTINCT kind FROM fetches WHERE status IS NOT NULL")
    assert "feed" not in {k[0] for k in kinds}  # a sitemap backfill leaves feeds out
    assert counts.sources[0].new == 2 and counts.sources[0].skipped == 2
    # a later backfill reaching further back fetches what the first one skipped for age
    backfill_flow(mode="sitemaps", since=date(2026, 9, 1), **params)
    assert len(_rows(params["db"], "SELECT title FROM articles")) == 4


def test_backfill_from_sitemaps_within_a_window(harness, site, tmp_path: Path) -> None:
    params = _sitemap_backfill_params(site, tmp_path)
    backfill_flow(mode="sitemaps", since=date(2026, 9, 2), until=date(2026, 9, 2), **params)
    titles = _rows(params["db"], "SELECT title FROM articles")
    assert [t[0] for t in titles] == ["Asylum story number one"]
    # entries after the window are not recorded as skipped: the next backfill fetches them
    backfill_flow(mode="sitemaps", since=date(2026, 9, 2), **params)
    titles = _rows(params["db"], "SELECT title FROM articles ORDER BY published_at")
    assert len(titles) == 3


def test_archived_warcs_by_crawl_day(tmp_path: Path) -> None:
    for day in ("2026-09-01", "2026-09-05", "not-a-date"):
        (tmp_path / day).mkdir()
        (tmp_path / day / "run.warc.gz").write_bytes(b"")
    found = archived_warcs(tmp_path, date(2026, 9, 2), None)
    assert [p.parent.name for p in found] == ["2026-09-05"]
    assert len(archived_warcs(tmp_path)) == 2


def test_only_transient_failures_are_retried() -> None:
    assert _transient(DatabaseBusy("locked"))
    assert _transient(duckdb.IOException("IO Error: No space left on device"))
    assert _transient(OSError(errno.ENOSPC, "No space left on device"))
    assert not _transient(FileNotFoundError(errno.ENOENT, "missing"))
    assert not _transient(ValueError("bad configuration"))


def test_weekly_report_flow_leaves_an_artifact(harness, tmp_path: Path) -> None:
    from test_report_fixtures import WEEK, build_db

    from flows.report_flow import weekly_report_flow

    db = build_db(tmp_path / "aw.duckdb")
    result = weekly_report_flow(db=str(db), week=WEEK, reports_dir=str(tmp_path / "reports"))
    assert Path(result.out_dir) == tmp_path / "reports" / WEEK
    assert result.rows["articles.csv"] == 4 and not result.empty
    summary = _artifact("weekly-report")
    assert f"# Weekly report {WEEK}" in summary and "| articles.csv | 4 |" in summary
    link = _artifact("weekly-report-html")
    assert f"{WEEK}/report.html" in link and "file://" in link
