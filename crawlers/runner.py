"""Start a crawl in a subprocess and follow its progress from the parent process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crawlers.job import CrawlJob
from pipeline.config import PROJECT_ROOT, Source


@dataclass(slots=True)
class CrawlResult:
    run_id: str
    warc_file: Path
    fetch_log: Path
    started_at: datetime
    finished_at: datetime
    returncode: int

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def run_paths(warc_dir: Path, run_id: str, now: datetime) -> tuple[Path, Path]:
    folder = Path(warc_dir) / now.strftime("%Y-%m-%d")
    return folder / f"{run_id}.warc.gz", folder / f"{run_id}.fetches.jsonl"


def run_crawl(
    sources: list[Source],
    warc_dir: Path,
    *,
    seen_urls: set[str] | None = None,
    polite: bool = True,
    contact_url: str | None = None,
    max_articles: int | None = None,
    extra_settings: dict | None = None,
    log_file: Path | None = None,
    on_progress: callable | None = None,  # type: ignore[valid-type]
) -> CrawlResult:
    """Crawl ``sources`` in a subprocess, writing ``<warc_dir>/<date>/<run_id>.warc.gz``.

    ``on_progress(fetched_count)`` is called about twice a second while the crawl runs.
    """
    started = datetime.now(UTC)
    run_id = new_run_id(started)
    warc_file, fetch_log = run_paths(warc_dir, run_id, started)
    warc_file.parent.mkdir(parents=True, exist_ok=True)
    seen_file = None
    if seen_urls:
        seen_file = warc_file.with_name(f"{run_id}.seen.txt")
        seen_file.write_text("\n".join(sorted(seen_urls)) + "\n", encoding="utf-8")
    job = CrawlJob(
        run_id=run_id,
        warc_file=str(warc_file),
        fetch_log=str(fetch_log),
        sources=list(sources),
        seen_file=str(seen_file) if seen_file else None,
        polite=polite,
        contact_url=contact_url,
        max_articles=max_articles,
        extra_settings=extra_settings or {},
    )
    job_file = warc_file.with_name(f"{run_id}.job.json")
    job.save(job_file)
    log_path = log_file or warc_file.with_name(f"{run_id}.log")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawlers", str(job_file)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=PROJECT_ROOT,
        )
        try:
            while proc.poll() is None:
                if on_progress:
                    on_progress(_count_lines(fetch_log))
                time.sleep(0.5)
        except BaseException:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            raise
    if on_progress:
        on_progress(_count_lines(fetch_log))
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
    )


def _count_lines(path: Path) -> int:
    try:
        with open(path, "rb") as handle:
            return sum(1 for _ in handle)
    except FileNotFoundError:
        return 0
