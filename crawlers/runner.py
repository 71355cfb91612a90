"""Start a crawl in a subprocess and follow its progress from the parent process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from crawlers.faults import ARCHIVE_FAILED_EXIT
from crawlers.job import CrawlJob, CrawlOptions
from crawlers.lifetime import PARENT_ENV, sigterm_raises
from crawlers.seen import SeenRow, write_seen_file
from pipeline.core.config import Source
from pipeline.core.paths import PROJECT_ROOT


@dataclass(slots=True)
class CrawlResult:
    """What one crawl subprocess left: its archive, fetch log, times and exit code."""

    run_id: str
    warc_file: Path
    fetch_log: Path
    started_at: datetime
    finished_at: datetime
    returncode: int
    stats_file: Path | None = None  # per-source counters (absent if the crawl was killed)

    @property
    def ok(self) -> bool:
        """True when the crawler exited with code 0."""
        return self.returncode == 0

    @property
    def failure(self) -> str | None:
        """Why the crawl failed, in one line (None when it did not)."""
        if self.ok:
            return None
        folder = self.warc_file.parent
        if self.returncode == ARCHIVE_FAILED_EXIT:
            try:
                free = shutil.disk_usage(folder).free
            except OSError:
                free = None
            if free is not None and free < 1024 * 1024:
                return f"no space left on the device holding {folder}: the crawl was stopped"
            return f"could not write the archive {self.warc_file}: the crawl was stopped"
        log = self.warc_file.with_name(f"{self.run_id}.log")
        return f"the crawl exited with code {self.returncode}; its log is {log}"

    def stats(self) -> dict:
        """The spider's end-of-crawl counters, or {} when it never got to write them."""
        if self.stats_file is None or not self.stats_file.exists():
            return {}
        try:
            return json.loads(self.stats_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {}


def new_run_id(now: datetime | None = None) -> str:
    """A run id: the UTC time to the second (``20261126T093000Z``), a dash and six random hex
    digits, so ids sort by start time and two runs in one second differ."""
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def run_paths(warc_dir: Path, run_id: str, now: datetime) -> tuple[Path, Path]:
    """The run's WARC file and fetch log: ``<warc_dir>/<YYYY-MM-DD>/<run_id>.warc.gz`` and
    ``.fetches.jsonl`` beside it, dated by ``now``."""
    folder = Path(warc_dir) / now.strftime("%Y-%m-%d")
    return folder / f"{run_id}.warc.gz", folder / f"{run_id}.fetches.jsonl"


def run_crawl(
    sources: list[Source],
    warc_dir: Path,
    options: CrawlOptions | None = None,
    *,
    seen: Iterable[SeenRow] | None = None,
    validators: dict[str, list[str | None]] | None = None,
    retry_urls: list[list[str]] | None = None,
    log_file: Path | None = None,
    on_progress: Callable[[int], None] | None = None,
    mode: str = "crawl",
    check_file: Path | None = None,
    on_start: Callable[[str, Path, datetime], None] | None = None,
    run_id: str | None = None,
) -> CrawlResult:
    """Crawl ``sources`` in a subprocess, writing ``<warc_dir>/<date>/<run_id>.warc.gz``.

    ``options`` is what the user chose (politeness, horizon, topic...: :class:`CrawlOptions`);
    the rest is this run's own. ``seen`` lists what earlier runs stored, ``validators`` and
    ``retry_urls`` what the crawl history keeps for the next run (pipeline/store/history.py).
    ``on_progress(fetched_count)`` is called about twice a second while the crawl runs.
    ``on_start(run_id, warc_file, started_at)`` is called before the crawler starts (the
    database records the WARC as its own there, so a run killed at any point is resumed).
    ``run_id`` names the run (a frontier worker's, crawlers/frontier/worker.py); default: new.
    """
    started = datetime.now(UTC)
    run_id = run_id or new_run_id(started)
    # Absolute: the crawler subprocess runs in the checkout (cwd=PROJECT_ROOT), not here.
    # (resolve() already makes the settings absolute; this covers direct callers.)
    warc_file, fetch_log = run_paths(Path(warc_dir).absolute(), run_id, started)
    warc_file.parent.mkdir(parents=True, exist_ok=True)
    rows = list(seen or ())
    seen_file = None
    if rows:
        seen_file = warc_file.with_name(f"{run_id}.seen.tsv")
        write_seen_file(seen_file, rows)
    stats_file = warc_file.with_name(f"{run_id}.stats.json")
    # Scrapy keeps its request queue on disk under JOBDIR, so memory stays flat however
    # many URLs a sitemap lists. The queue is not used to resume: a killed run's state is in
    # its WARC, its fetch log and the database.
    jobdir = tempfile.TemporaryDirectory(prefix=f"asylumwatch-{run_id}-")
    options = options or CrawlOptions()
    job = CrawlJob(
        run_id=run_id,
        warc_file=str(warc_file),
        fetch_log=str(fetch_log),
        sources=list(sources),
        options=replace(options, extra_settings={"JOBDIR": jobdir.name, **options.extra_settings}),
        seen_file=str(seen_file) if seen_file else None,
        mode=mode,
        validators=validators or {},
        retry_urls=retry_urls or [],
        stats_file=str(stats_file),
        check_file=str(Path(check_file).absolute()) if check_file else None,
    )
    job_file = warc_file.with_name(f"{run_id}.job.json")
    job.save(job_file)
    log_path = log_file or warc_file.with_name(f"{run_id}.log")
    if on_start is not None:
        on_start(run_id, warc_file, started.replace(tzinfo=None))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env[PARENT_ENV] = str(os.getpid())  # the crawler dies with us (crawlers/lifetime.py)
    with jobdir, open(log_path, "ab") as log, sigterm_raises():
        # Its own session: a terminal's Ctrl-C or a process-group kill aimed at us reaches
        # the crawler only through us, so it is stopped cleanly, once.
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawlers", str(job_file)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=PROJECT_ROOT,
            start_new_session=True,
        )
        try:
            while proc.poll() is None:
                if on_progress:
                    on_progress(count_lines(fetch_log))
                time.sleep(0.5)
        except BaseException:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            raise
    if on_progress:
        on_progress(count_lines(fetch_log))
    for leftover in (job_file, seen_file):
        if leftover is not None and proc.returncode == 0:
            leftover.unlink(missing_ok=True)
    return CrawlResult(
        run_id=run_id,
        warc_file=warc_file,
        fetch_log=fetch_log,
        started_at=started.replace(tzinfo=None),
        finished_at=datetime.now(UTC).replace(tzinfo=None),
        returncode=proc.returncode,
        stats_file=stats_file,
    )


def run_check(sources: list[Source], options: CrawlOptions | None = None) -> list[dict]:
    """Fetch every feed and sitemap of ``sources`` (and each homepage's robots.txt) in a
    crawler subprocess, as the crawl would, and return one row per page checked."""
    with tempfile.TemporaryDirectory(prefix="asylumwatch-check-") as tmp:
        check_file = Path(tmp) / "check.jsonl"
        result = run_crawl(sources, Path(tmp), options, mode="check", check_file=check_file)
        rows = []
        if check_file.exists():
            for line in check_file.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    rows.append(json.loads(line))
        if not result.ok and not rows:
            log = result.warc_file.with_name(f"{result.run_id}.log")
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"the check crawl failed (exit {result.returncode}):\n{tail}")
        return rows


def count_lines(path: Path) -> int:
    """Lines in a fetch log written so far (0 while it does not exist): the crawl's progress."""
    try:
        with open(path, "rb") as handle:
            return sum(1 for _ in handle)
    except FileNotFoundError:
        return 0
