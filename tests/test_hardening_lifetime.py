"""Issue #14, failure 4: killing ``run`` left the crawler running.

A driver process runs ``stages.run_once`` against a slow site on 127.0.0.1; midway it gets
SIGKILL (the crawler must die with it) or SIGTERM (a clean stop: the crawler goes, the run is
recorded as interrupted, and the next run loads what was archived, without duplicates).
"""

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

from pipeline.core.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow

ARTICLES = 30
SLOW = {"CONCURRENT_REQUESTS_PER_DOMAIN": 1, "RETRY_TIMES": 0}
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
        path = f"/news/2026/09/01/asylum-story-number-{n}/"
        body = f"Story {n} of the series. {WORDS}"
        site.add(path, Route(body=article_page(f"Asylum story number {n}", body=body), delay=0.3))
        items.append((f"Asylum story number {n}", "{{BASE_URL}}" + path))
    site.add("/feed.xml", Route(body=rss(items), content_type="application/rss+xml"))


def crawler_pids(warc: Path) -> list[int]:
    """Crawler subprocesses working for this test's archive folder."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"crawlers" in cmdline and any(str(warc).encode() in part for part in cmdline):
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_driver(tmp_path: Path, site: Site) -> tuple[subprocess.Popen, Path, Path, int]:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "Lifetime Times"\nhomepage = "{site.url("/")}"\n'
        f'feeds = ["{site.url("/feed.xml")}"]\n'
    )
    db, warc = tmp_path / "db.duckdb", tmp_path / "warc"
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(sources), str(db), str(warc), json.dumps(SLOW)],
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        served = [r for r in site.log if "asylum-story" in r.path]
        pids = crawler_pids(warc)
        if len(served) >= 3 and pids:
            return proc, db, warc, pids[0]
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError("the crawl did not get going")


def wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_sigkill_of_run_takes_the_crawler_with_it(tmp_path: Path) -> None:
    site = Site()
    with serve(site):
        build(site)
        proc, _db, warc, crawler = start_driver(tmp_path, site)
        try:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            assert wait_gone(crawler, 20), "the crawler outlived run"
            served = len(site.log)
            time.sleep(1.0)
            assert len(site.log) == served, "something is still crawling"
            assert len([r for r in site.log if "asylum-story" in r.path]) < ARTICLES
        finally:
            for pid in crawler_pids(warc):
                os.kill(pid, signal.SIGKILL)


def test_sigterm_of_run_is_a_clean_stop_and_the_next_run_resumes(tmp_path: Path) -> None:
    from crawlers.job import CrawlOptions
    from flows import stages
    from pipeline.annotate import Annotator
    from pipeline.core.config import load_sources, load_topic

    site = Site()
    with serve(site):
        build(site)
        proc, db, warc, crawler = start_driver(tmp_path, site)
        try:
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
            assert wait_gone(crawler, 5), "the crawler outlived run"
        finally:
            for pid in crawler_pids(warc):
                os.kill(pid, signal.SIGKILL)
        with duckdb.connect(str(db), read_only=True) as con:
            runs = con.execute("SELECT status, finished_at IS NOT NULL FROM crawl_runs").fetchall()
            loaded = con.execute("SELECT count(*) FROM warc_files").fetchall()
        assert runs == [("interrupted", True)]
        assert loaded == [(0,)]  # nothing was loaded from a crawl that did not finish
        job = stages.RunJob(
            load_sources(tmp_path / "sources.toml"), db, warc, CrawlOptions(polite=False)
        )
        summary = stages.run_once(job, Annotator(load_topic()))
    assert summary.pending is not None and summary.pending.warc_files == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT count(*), count(DISTINCT canonical_url) FROM articles"
        ).fetchall() == [(ARTICLES, ARTICLES)]
        statuses = sorted(s for (s,) in con.execute("SELECT status FROM crawl_runs").fetchall())
    assert statuses == ["finished", "interrupted"]


FULL_DISK_DRIVER = """
import json, resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from crawlers.job import CrawlOptions
from crawlers.runner import run_crawl
from pipeline.core.config import Source
home = sys.argv[1]
result = run_crawl([Source(name="Full", homepage=home, feeds=(home + "feed.xml",))],
                   Path(sys.argv[2]), CrawlOptions(polite=False))
print(json.dumps({"rc": result.returncode, "failure": result.failure}))
"""


def test_archive_that_cannot_be_written_stops_the_crawl_with_its_cause(tmp_path: Path) -> None:
    """A full disk under the WARC folder used to end ``run`` with exit 0. A file-size limit
    (RLIMIT_FSIZE) stands in for the full disk: writes fail with an OSError all the same."""
    import random

    rng = random.Random(14)
    site = Site()
    items = []
    for n in range(60):
        words = " ".join(
            "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=7)) for _ in range(2500)
        )
        path = f"/news/2026/09/01/asylum-story-full-{n}/"
        site.add(path, Route(body=article_page(f"Asylum story {n}", body=words)))
        items.append((f"Asylum story {n}", "{{BASE_URL}}" + path))
    site.add("/feed.xml", Route(body=rss(items), content_type="application/rss+xml"))
    with serve(site):
        proc = subprocess.run(
            [sys.executable, "-c", FULL_DISK_DRIVER, site.url("/"), str(tmp_path), "300000"],
            env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["rc"] == 3
    assert result["failure"].startswith("could not write the archive")
    assert len([r for r in site.log if "asylum-story" in r.path]) < 60  # it stopped early


TIED_PARENT = """
import subprocess, sys, time
from crawlers.lifetime import tied_to_parent
child = subprocess.Popen(tied_to_parent([sys.executable, "-c", "import time; time.sleep(120)"]))
print(child.pid, flush=True)
time.sleep(120)
"""


def test_a_tied_command_dies_with_its_parent_even_on_sigkill() -> None:
    """What ``serve`` starts its Prefect server with: SIGKILL of serve used to leave the
    server listening."""
    parent = subprocess.Popen(
        [sys.executable, "-c", TIED_PARENT],
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        child = int(parent.stdout.readline())  # type: ignore[union-attr]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and b"sleep(120)" not in Path(
            f"/proc/{child}/cmdline"
        ).read_bytes().replace(b"\0", b" "):
            time.sleep(0.05)  # until the trampoline has exec'd the command
        assert alive(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        assert wait_gone(child, 10), "the tied command outlived its parent"
    finally:
        if alive(parent.pid):
            os.killpg(parent.pid, signal.SIGKILL)


def test_serve_starts_the_prefect_server_tied_to_itself(monkeypatch) -> None:
    from flows import serve

    started: list[list[str]] = []

    class Started(Exception):
        pass

    def fake_popen(args: list[str], **kwargs: object) -> None:
        started.append(args)
        raise Started

    monkeypatch.setattr(serve.subprocess, "Popen", fake_popen)
    with pytest.raises(Started), serve.prefect_server(port=0):
        pass
    (args,) = started
    assert args[1:3] == ["-m", "crawlers.lifetime"] and args[3] == str(os.getpid())
    assert args[5:9] == [sys.executable, "-m", "prefect", "server"]
