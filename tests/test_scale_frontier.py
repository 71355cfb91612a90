"""The shared Redis frontier: several crawler workers, one crawl (docs/scaling.md).

A redis-server is started on 127.0.0.1 on a free port. The demo site is crawled once by the
single-process crawler (the reference) and then by three workers sharing the frontier: the
site's own access log must show every page fetched once, and the database the same articles,
each loaded once. Another crawl kills one worker with SIGKILL mid-crawl: the others take its
requests over and nothing is lost.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
import redis
from conftest import write_tiny_site

from crawlers.frontier.connection import FrontierError, check_url
from crawlers.frontier.connection import connect as connect_frontier
from crawlers.job import CrawlOptions
from flows import stages
from flows.demo_site import DEMO_SOURCES, DemoSite, serve_demo_site
from flows.stages_frontier import crawl_distributed
from pipeline.annotate import build_annotator
from pipeline.core.config import DEFAULT_TOPIC, load_sources
from pipeline.process import process_warcs

pytestmark = pytest.mark.slow

PROXY_VARS = ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY")
ARTICLE_COLUMNS = (
    "article_id, canonical_url, outlet, domain, title, authors, published_at, language, text, "
    "word_count, is_relevant, relevance_score, stance"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; .ci/run does)")
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 20
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@contextmanager
def demo_site(log: list[str]) -> Iterator[DemoSite]:
    """The demo outlets at their fixed addresses (http://<outlet>.example, through a local
    proxy), so every crawl sees the same URLs whatever port the server got."""
    with serve_demo_site(0, fixed_hosts=True, access_log=log) as site:
        saved = {name: os.environ.get(name) for name in PROXY_VARS}
        os.environ.update(http_proxy=site.proxy or "", HTTP_PROXY=site.proxy or "")
        os.environ.update(no_proxy="", NO_PROXY="")
        try:
            yield site
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _articles(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY article_id").fetchall()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory):
    """The single-process crawl of the demo site, processed: what a distributed one must match."""
    tmp = tmp_path_factory.mktemp("single")
    log: list[str] = []
    with demo_site(log) as site:
        sources = load_sources(DEMO_SOURCES, site.substitutions)
        result = stages.crawl(sources, tmp / "db.duckdb", tmp / "warc", CrawlOptions(polite=False))
        assert result.ok, result.failure
    process_warcs(
        [result.warc_file], tmp / "db.duckdb", build_annotator(DEFAULT_TOPIC, use_models=False)
    )
    stages.dedup(tmp / "db.duckdb")
    return {"db": tmp / "db.duckdb", "log": log, "warc": result.warc_file}


def test_three_workers_fetch_every_page_once_and_load_it_once(
    redis_url: str, reference: dict, tmp_path: Path
) -> None:
    log: list[str] = []
    db = tmp_path / "db.duckdb"
    with demo_site(log) as site:
        sources = load_sources(DEMO_SOURCES, site.substitutions)
        crawl = crawl_distributed(
            sources, db, tmp_path / "warc", redis_url, CrawlOptions(polite=False), workers=3
        )
    assert crawl.ok, crawl.failure
    assert len(crawl.runs) == 3
    assert len({r.warc_file for r in crawl.runs}) == 3  # each worker its own WARC

    counts = Counter(log)
    twice = {url: n for url, n in counts.items() if n > 1}
    assert not twice, f"fetched more than once: {twice}"
    assert set(counts) == set(reference["log"])  # the pages one process fetches
    assert sum(1 for e in log if e.endswith("/robots.txt")) == len(sources)

    pending = stages.pending_warcs(tmp_path / "warc", db)
    assert sorted(pending) == sorted(crawl.warc_files)  # process finds every worker's archive
    process_warcs(pending, db, build_annotator(DEFAULT_TOPIC, use_models=False))
    stages.dedup(db)
    assert _articles(db) == _articles(reference["db"])
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = con.execute(
            "SELECT count(*), count(DISTINCT canonical_url) FROM articles"
        ).fetchall()[0]
        per_url = con.execute(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM fetches "
            "WHERE kind = 'article' AND status = 200 GROUP BY url)"
        ).fetchall()[0][0]
        statuses = con.execute("SELECT DISTINCT status FROM crawl_runs").fetchall()
    assert loaded[0] == loaded[1] > 50
    assert per_url == 1
    assert statuses == [("finished",)]
    assert not stages.pending_warcs(tmp_path / "warc", db)
    # the frontier's keys are gone once the crawl is recorded
    assert not list(redis.Redis.from_url(redis_url).scan_iter(match=f"*{crawl.crawl_id}*"))


def _crawler_pid(run_id: str) -> int | None:
    """The crawler subprocess of one worker (``python -m crawlers <run_id>.job.json``)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part.endswith(f"{run_id}.job.json".encode()) for part in cmdline):
            return int(entry.name)
    return None


def test_a_worker_killed_mid_crawl_loses_nothing(
    redis_url: str, reference: dict, tmp_path: Path
) -> None:
    log: list[str] = []
    db = tmp_path / "db.duckdb"
    killed: dict[str, object] = {}
    with demo_site(log) as site:
        # 0.15 s between requests to a host (global, across workers): long enough to kill
        # a worker while it holds requests, short enough for a test.
        sources = [
            dataclasses.replace(s, download_delay=0.15)
            for s in load_sources(DEMO_SOURCES, site.substitutions)
        ]
        victims: list[str] = []

        def kill_second_worker() -> None:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if len(victims) >= 2 and len(log) >= 40:
                    pid = _crawler_pid(victims[1])
                    if pid is not None:
                        os.kill(pid, signal.SIGKILL)
                        killed.update(run_id=victims[1], at_requests=len(log))
                        return
                time.sleep(0.05)

        killer = threading.Thread(target=kill_second_worker, daemon=True)
        killer.start()
        crawl = crawl_distributed(
            sources,
            db,
            tmp_path / "warc",
            redis_url,
            CrawlOptions(polite=True, extra_settings={"AW_FRONTIER_HEARTBEAT_TTL": 2.0}),
            workers=3,
            on_worker=lambda record: victims.append(record.run_id),
        )
        killer.join(timeout=5)
    assert killed, "no worker was killed: the crawl ended too soon"
    assert len(log) > killed["at_requests"]  # the crawl went on after the kill
    status = {r.run_id: r.status for r in crawl.runs}
    assert status.pop(killed["run_id"]) == "interrupted"
    assert set(status.values()) == {"finished"}

    pending = stages.pending_warcs(tmp_path / "warc", db)
    assert sorted(pending) == sorted(crawl.warc_files)  # the dead worker's WARC too
    process_warcs(pending, db, build_annotator(DEFAULT_TOPIC, use_models=False))
    stages.dedup(db)
    assert _articles(db) == _articles(reference["db"])  # nothing lost, nothing doubled
    counts = Counter(log)
    assert set(counts) == set(reference["log"])
    # Only what the dead worker held when it died is fetched a second time.
    again = [url for url, n in counts.items() if n > 1]
    assert len(again) <= 16, again


def test_bad_frontier_urls_and_an_unreachable_redis_fail_in_one_line() -> None:
    for url in ("http://127.0.0.1:6379/0", "redis://", "redis://host:port/0", "redis://h/x"):
        with pytest.raises(FrontierError, match="bad frontier URL"):
            check_url(url)
    with pytest.raises(FrontierError, match="cannot reach the Redis frontier at 127.0.0.1"):
        connect_frontier(f"redis://127.0.0.1:{_free_port()}/0", timeout=1)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "80"},
    )


def test_cli_errors_are_one_line_with_exit_code_2() -> None:
    down = f"redis://127.0.0.1:{_free_port()}/0"
    for args in (
        ("crawl", "--frontier", "redis://127.0.0.1:notaport/0"),
        ("crawl", "--frontier", down, "--workers", "2"),
        ("crawl-worker", "--frontier", down),
        ("crawl", "--workers", "3"),
    ):
        result = _cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), (args, result.stderr)


def test_cli_crawl_on_the_frontier_then_process_pending(redis_url: str, tmp_path: Path) -> None:
    site_dir = write_tiny_site(tmp_path / "site")
    db, warc_dir = tmp_path / "db.duckdb", tmp_path / "warc"
    with serve_demo_site(0, site_dir=site_dir) as site:
        sources = tmp_path / "sources.toml"
        base = site.base_urls["tiny"]
        sources.write_text(
            (site_dir / "sources.toml").read_text().replace("{{BASE_URL:tiny}}", base)
        )
        common = ("--db", str(db), "--warc-dir", str(warc_dir))
        crawled = _cli(
            "crawl",
            "--sources",
            str(sources),
            "--no-delays",
            *common,
            "--frontier",
            redis_url,
            "--workers",
            "2",
        )
        assert crawled.returncode == 0, crawled.stderr + crawled.stdout
        idle = _cli("crawl-worker", "--frontier", redis_url, "--warc-dir", str(warc_dir))
    assert idle.returncode == 2 and "no crawl is open" in idle.stderr
    processed = _cli("process", "--pending", "--no-models", *common)
    assert processed.returncode == 0, processed.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        runs = con.execute("SELECT count(*), count(DISTINCT warc_file) FROM crawl_runs").fetchall()
        titles = sorted(t for (t,) in con.execute("SELECT title FROM articles").fetchall())
        done = con.execute("SELECT count(*) FROM warc_files").fetchall()[0][0]
    assert runs == [(2, 2)] and done == 2
    assert titles == sorted(
        [
            "Asylum story number zero",
            "Asylum story number one",
            "Asylum story number two",
            "Hockey team wins in overtime again",
        ]
    )


class TimedLog(list):
    """An access log that also keeps when each request arrived."""

    def append(self, entry: str) -> None:
        super().append((time.monotonic(), entry))


def test_a_hosts_delay_holds_across_workers(redis_url: str, tmp_path: Path) -> None:
    site_dir = write_tiny_site(tmp_path / "site")
    log = TimedLog()
    delay = 0.4
    with serve_demo_site(0, site_dir=site_dir, access_log=log) as site:
        sources = [
            dataclasses.replace(s, download_delay=delay, concurrency=1)
            for s in load_sources(site_dir / "sources.toml", site.substitutions)
        ]
        crawl = crawl_distributed(
            sources, tmp_path / "db.duckdb", tmp_path / "warc", redis_url, workers=3
        )
    assert crawl.ok, crawl.failure
    assert sum(1 for r in crawl.runs if r.requests) >= 2  # the host's turns went round workers
    # robots.txt is fetched beside the queue (Scrapy's robots middleware), the rest through it
    times = [t for t, entry in log if not entry.endswith("/robots.txt")]
    assert len(times) >= 6
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= delay - 0.15, gaps
    # The delay is kept between dispatches; arrivals jitter around it (one late request
    # shortens the next gap), so the whole span is checked with a small allowance. Three
    # workers without the shared delay would arrive about three times too fast.
    assert sum(gaps) >= len(gaps) * delay - 0.1, gaps
