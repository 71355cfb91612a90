"""A crawl killed with SIGKILL midway loses nothing it archived; the next run processes the
cut-off archive, fetches only what is left and creates no duplicate rows."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from test_crawler_site import WORDS, Route, Site, article_page, rss, serve

from crawlers.job import CrawlOptions
from flows import stages
from pipeline.annotate import Annotator
from pipeline.core.config import load_sources, load_topic
from pipeline.core.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow

ARTICLES = 40
SLOW = {"CONCURRENT_REQUESTS_PER_DOMAIN": 2, "RETRY_TIMES": 0}
DRIVER = """
import json, sys
from pathlib import Path
from crawlers.job import CrawlOptions
from flows import stages
from pipeline.annotate import Annotator
from pipeline.core.config import load_sources, load_topic
sources, db, warc, settings = sys.argv[1:5]
options = CrawlOptions(polite=False, extra_settings=json.loads(settings))
job = stages.RunJob(load_sources(Path(sources)), Path(db), Path(warc), options)
stages.run_once(job, Annotator(load_topic()))
"""


def build(site: Site) -> None:
    items = []
    for n in range(ARTICLES):
        path = f"/news/2026/09/{n % 28 + 1:02d}/asylum-story-number-{n}/"
        body = f"Story {n} of the series. {WORDS} Reported by desk {n}."
        site.add(path, Route(body=article_page(f"Asylum story number {n}", body=body), delay=0.25))
        items.append((f"Asylum story number {n}", "{{BASE_URL}}" + path))
    site.add("/feed.xml", Route(body=rss(items), content_type="application/rss+xml"))


def article_rows(fetch_log: Path) -> int:
    if not fetch_log.exists():
        return 0
    return sum(
        1
        for line in fetch_log.read_text().splitlines()
        if '"kind": "article"' in line and '"status": 200' in line
    )


def test_killed_crawl_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    site = Site()
    db, warc = tmp_path / "db.duckdb", tmp_path / "warc"
    with serve(site):
        build(site)
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[sources]]\nname = "Resume Times"\nhomepage = "{site.url("/")}"\n'
            f'feeds = ["{site.url("/feed.xml")}"]\n'
        )
        env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
        proc = subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(sources), str(db), str(warc), json.dumps(SLOW)],
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        killed_after = 0
        try:
            while time.monotonic() < deadline and proc.poll() is None:
                logs = list(warc.glob("*/*.fetches.jsonl"))
                killed_after = article_rows(logs[0]) if logs else 0
                if killed_after >= 10:
                    break
                time.sleep(0.05)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)  # the driver and its crawler subprocess
            proc.wait(timeout=30)
        assert 10 <= killed_after < ARTICLES, "the crawl was not killed midway"
        assert not db.exists() or not _processed(db)  # killed before loading anything

        job = stages.RunJob(load_sources(sources), db, warc, CrawlOptions(polite=False))
        summary = stages.run_once(job, Annotator(load_topic()))
    assert summary.pending is not None and summary.pending.articles >= 10
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute(
        "SELECT count(*), count(DISTINCT canonical_url) FROM articles"
    ).fetchall() == [(ARTICLES, ARTICLES)]
    # every article answered 200 exactly once over both runs: nothing fetched twice
    twice = con.execute(
        "SELECT url, count(*) FROM fetches WHERE kind = 'article' AND status = 200 "
        "GROUP BY url HAVING count(*) > 1"
    ).fetchall()
    assert twice == []
    served = [r.path for r in site.log if r.path != "/feed.xml" and r.path != "/robots.txt"]
    assert len(served) <= ARTICLES + 2  # at most the in-flight requests at the kill again
    assert len(con.execute("SELECT * FROM warc_files").fetchall()) == 2


def _processed(db: Path) -> bool:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return bool(con.execute("SELECT count(*) FROM warc_files").fetchall()[0][0])
    except duckdb.CatalogException:
        return False
    finally:
        con.close()
