"""The pipeline's stages as plain functions, shared by the CLI and the Prefect flows.

crawl (subprocess, WARC + fetch log) -> process (extract, annotate, load) -> query/report.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crawlers import history
from crawlers.faults import SKIPPED
from crawlers.job import CrawlOptions
from crawlers.runner import CrawlResult, run_crawl
from pipeline.annotate import Annotator
from pipeline.core.config import Source
from pipeline.core.records import CrawlRun
from pipeline.core.warc import read_fetch_log, read_validators, warc_in_use
from pipeline.dedup import DedupStats, mark_duplicates
from pipeline.process import ProcessStats, process_warcs
from pipeline.store.load import (
    connect,
    mark_interrupted,
    own_warcs,
    processed_warcs,
    record_crawl_run,
)

log = logging.getLogger(__name__)


# How long a run waits for the crawler of a run just killed to stop writing its WARC.
LEFTOVER_WAIT_SECONDS = 45.0


@dataclass(slots=True)
class RunSummary:
    crawl: CrawlResult | None
    pending: ProcessStats | None
    processed: ProcessStats
    dedup: DedupStats | None = None


def pending_warcs(warc_dir: Path, db_path: Path, *, wait: float = 0.0) -> list[Path]:
    """This database's own WARC files that were never (completely) processed: what a run
    that died between crawling and loading left behind.

    A database loads only the WARCs its own crawls wrote (``crawl_runs``), whatever folder
    they sit in: another project's archives in the same ``warc_dir`` are never picked up.
    ``warc_dir`` no longer decides, and is kept for the callers. A WARC a live crawler still
    writes (its lock is held) is waited for up to ``wait`` seconds (the crawler of a run that
    was just killed stops by itself: crawlers/lifetime.py), then left for a later run.
    """
    if not Path(db_path).exists():
        return []
    with connect(db_path) as con:
        pending = [Path(f) for f in sorted(own_warcs(con) - processed_warcs(con))]
    pending = [f for f in pending if f.is_file()]
    deadline = time.monotonic() + wait
    told = False
    while (busy := [f for f in pending if warc_in_use(f)]) and time.monotonic() < deadline:
        if not told:
            log.warning("waiting up to %.0f s for the crawler writing %s to stop", wait, busy[0])
            told = True
        time.sleep(0.5)
    return [f for f in pending if f not in busy]


def crawl(
    sources: list[Source],
    db_path: Path,
    warc_dir: Path,
    options: CrawlOptions | None = None,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> CrawlResult:
    """Crawl ``sources``, skipping articles the database already holds; record the run.

    ``options`` is what the user chose about the crawl (:class:`crawlers.job.CrawlOptions`,
    built once by the command or the flow): its ``topic`` is used for sources with
    ``filter = "topic"``; ``since`` (a date or an age such as ``30d``) skips entries dated
    before it, for sources that set no ``since`` of their own; ``until`` (YYYY-MM-DD) skips
    entries published after that day (a backfill's window).
    """
    with connect(db_path) as con:
        seen = history.seen_rows(con)
        retry = history.retry_urls(con)
        validators = history.listing_validators(con)

    begun: list[CrawlRun] = []

    def started(run_id: str, warc_file: Path, started_at: datetime) -> None:
        run = CrawlRun(run_id, started_at, None, [s.name for s in sources], str(warc_file))
        with connect(db_path) as con:
            record_crawl_run(con, run)
        begun.append(run)

    try:
        result = run_crawl(
            sources,
            warc_dir,
            options,
            seen=seen,
            validators=validators,
            retry_urls=retry,
            on_progress=on_progress,
            on_start=started,
        )
    except BaseException:  # SIGTERM, Ctrl-C: the crawler was stopped; say so, then go on out
        for run in begun:
            run.status = "interrupted"
            run.finished_at = datetime.now(UTC).replace(tzinfo=None)
            with connect(db_path) as con:
                record_crawl_run(con, run)
        raise
    fetches = read_fetch_log(result.fetch_log)
    run = CrawlRun(
        run_id=result.run_id,
        started_at=result.started_at,
        finished_at=result.finished_at,
        sources=[s.name for s in sources],
        warc_file=str(result.warc_file),
        requests=len(fetches),
        responses=sum(1 for f in fetches if f.status is not None),
        errors=sum(1 for f in fetches if f.status is None and f.error not in SKIPPED),
        status="finished" if result.ok else "failed",
    )
    with connect(db_path) as con:
        record_crawl_run(con, run)
        history.record_validators(con, read_validators(result.fetch_log), listings=result.ok)
    if not result.ok:
        log.error(
            "crawl %s exited with code %s; see %s",
            result.run_id,
            result.returncode,
            result.warc_file.with_name(f"{result.run_id}.log"),
        )
    return result


def run_once(
    sources: list[Source],
    db_path: Path,
    warc_dir: Path,
    annotator: Annotator,
    *,
    polite: bool = True,
    contact_url: str | None = None,
    max_articles: int | None = None,
    on_crawl_progress: Callable[[int], None] | None = None,
    on_response: Callable[[], None] | None = None,
    since: str | None = None,
    extra_settings: dict | None = None,
) -> RunSummary:
    """One full pass: finish what an earlier run left, crawl, process the new archive, then
    mark duplicates."""
    leftover = pending_warcs(warc_dir, db_path, wait=LEFTOVER_WAIT_SECONDS)
    pending = process_warcs(leftover, db_path, annotator) if leftover else None
    if leftover:
        with connect(db_path) as con:  # their crawls never got to say how they ended
            mark_interrupted(con, [str(f) for f in leftover])
        dedup(db_path)  # the crawl's seen list and retry list read the stored articles
    options = CrawlOptions(
        polite=polite,
        contact_url=contact_url,
        max_articles=max_articles,
        topic=getattr(annotator, "topic", None),
        since=since,
        extra_settings=extra_settings or {},
    )
    result = crawl(sources, db_path, warc_dir, options, on_progress=on_crawl_progress)
    processed = ProcessStats()
    if result.warc_file.exists():
        processed = process_warcs([result.warc_file], db_path, annotator, on_response=on_response)
    return RunSummary(crawl=result, pending=pending, processed=processed, dedup=dedup(db_path))


def dedup(db_path: Path) -> DedupStats:
    """Sign the articles loaded since the last call and set ``duplicate_of`` (idempotent).
    Call it after every :func:`pipeline.process.process_warcs`."""
    with connect(db_path) as con:
        return mark_duplicates(con)
