"""Issue #14, failures 5 and 4 (the still-growing WARC): projects side by side.

``run --db other.duckdb`` with the default archive folder loaded every WARC in it, so a new
project's database filled with another project's articles. A database now loads only the
WARCs its own crawls wrote (``crawl_runs``, recorded when each crawl starts), and never a WARC
a live crawler is still writing.
"""

from __future__ import annotations

import fcntl
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from test_crawler_site import Route, Site, article_page, rss, serve

from crawlers.job import CrawlOptions
from flows import stages
from pipeline.core.records import CrawlRun
from pipeline.store.load import connect, record_crawl_run


def site_with(site: Site, title: str) -> None:
    path = f"/news/{title.lower().replace(' ', '-')}/"
    site.add(path, Route(body=article_page(title)))
    site.add(
        "/feed.xml", Route(body=rss([(title, "{{BASE_URL}}" + path)]), content_type="text/xml")
    )


@pytest.mark.slow
def test_two_projects_share_a_warc_folder_without_mixing(tmp_path: Path) -> None:
    from pipeline.annotate import Annotator
    from pipeline.core.config import Source, load_topic

    warc = tmp_path / "warc"  # one folder for both, as with the default --warc-dir
    annotator = Annotator(load_topic())
    first, second = Site(), Site()
    site_with(first, "Asylum story of project one")
    site_with(second, "Asylum story of project two")
    with serve(first), serve(second):
        one = Source(name="One", homepage=first.url("/"), feeds=(first.url("/feed.xml"),))
        two = Source(name="Two", homepage=second.url("/"), feeds=(second.url("/feed.xml"),))
        fast = CrawlOptions(polite=False)
        stages.run_once(stages.RunJob([one], tmp_path / "one.duckdb", warc, fast), annotator)
        job = stages.RunJob([two], tmp_path / "two.duckdb", warc, fast)
        summary = stages.run_once(job, annotator)
    assert summary.pending is None  # project one's WARC is not "an earlier, interrupted run"
    for name, title in (("one", "Asylum story of project one"), ("two", "Asylum story of two")):
        with duckdb.connect(str(tmp_path / f"{name}.duckdb"), read_only=True) as con:
            titles = [t for (t,) in con.execute("SELECT title FROM articles").fetchall()]
            warcs = con.execute("SELECT count(*) FROM warc_files").fetchall()
        assert len(titles) == 1 and titles[0].endswith(title.rsplit(" ", 1)[-1]), (name, titles)
        assert warcs == [(1,)]
    assert len(list(warc.glob("*/*.warc.gz"))) == 2


def test_own_unprocessed_warcs_anywhere_are_pending_but_not_while_written(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    elsewhere = tmp_path / "moved" / "run.warc.gz"  # not under the --warc-dir
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"")
    stranger = tmp_path / "warc" / "2026-01-01" / "other-project.warc.gz"
    stranger.parent.mkdir(parents=True)
    stranger.write_bytes(b"")
    with connect(db) as con:
        record_crawl_run(con, CrawlRun("r1", datetime(2026, 1, 1), None, ["x"], str(elsewhere)))
    assert stages.pending_warcs(tmp_path / "warc", db) == [elsewhere]
    with open(elsewhere, "ab") as writer:  # a crawler (an orphan, say) is still writing it
        fcntl.flock(writer.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert stages.pending_warcs(tmp_path / "warc", db) == []
    assert stages.pending_warcs(tmp_path / "warc", db) == [elsewhere]


def test_no_database_yet_means_nothing_pending(tmp_path: Path) -> None:
    assert stages.pending_warcs(tmp_path, tmp_path / "new.duckdb") == []
    assert not (tmp_path / "new.duckdb").exists()
