"""The pipeline's stages as plain functions, shared by the CLI and the Prefect flows.

crawl (subprocess, WARC + fetch log) -> process (extract, annotate, load) -> query/report.

:func:`run_once` is the one place that says in what order a run does things; the CLI's
``asylumwatch run`` calls it with plain :class:`Steps`, the Prefect ``monitor`` flow with
``flows.monitor.TaskSteps`` (each step a task, with retries and timeouts). Both start from a
:class:`RunJob` built once at the edge: the command's flags, the flow's parameters.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from crawlers.faults import SKIPPED
from crawlers.job import CrawlOptions
from crawlers.runner import CrawlResult, run_crawl
from pipeline.annotate import Annotator, build_annotator
from pipeline.core.config import DEFAULT_ORGANISATIONS, DEFAULT_TOPIC, Source
from pipeline.core.records import CrawlRun
from pipeline.core.warc import read_fetch_log, read_validators, warc_in_use
from pipeline.dedup import DedupStats, mark_duplicates
from pipeline.process import ProcessStats, process_warcs
from pipeline.store import history
from pipeline.store.load import (
    connect,
    mark_interrupted,
    own_warcs,
    processed_warcs,
    record_crawl_run,
)
from pipeline.store.snapshot import export_snapshot

log = logging.getLogger(__name__)


# How long a run waits for the crawler of a run just killed to stop writing its WARC.
LEFTOVER_WAIT_SECONDS = 45.0


@dataclass(frozen=True, slots=True)
class RunJob:
    """One run of the pipeline, built once at the edge (``asylumwatch run``/``demo``, the
    monitor flow's parameters) and read by every step."""

    sources: list[Source]
    db: Path
    warc_dir: Path
    # What the user chose about the crawl. Its topic, unless set, is the annotator's: a run
    # filters entries (sources with filter = "topic") by the profile it annotates with.
    crawl: CrawlOptions = field(default_factory=CrawlOptions)
    topic: Path = DEFAULT_TOPIC  # the topic profile the annotator reads
    organisations: Path = DEFAULT_ORGANISATIONS  # the quote stage's organisation table
    use_models: bool = True  # False: keyword relevance, rule-based roles, no stance
    export_dir: Path | None = None  # the Parquet snapshot; default: next to the database

    def annotator(
        self, *, progress: bool = False, announce: Callable[[str], object] | None = None
    ) -> Annotator:
        """The annotate stage this job asks for (loads the classifiers: once per run)."""
        return build_annotator(
            self.topic,
            self.use_models,
            organisations=self.organisations,
            progress=progress,
            announce=announce,
        )


@dataclass(slots=True)
class RunSummary:
    """What :func:`run_once` did: the crawl, the archives it processed and their counts."""

    crawl: CrawlResult | None  # None: the crawl failed without a result (a flow's timeout)
    pending: ProcessStats | None  # what an earlier, interrupted run left; None if nothing
    processed: ProcessStats
    dedup: DedupStats | None = None
    leftover: list[Path] = field(default_factory=list)  # archives of earlier runs, finished
    fresh: list[Path] = field(default_factory=list)  # archives processed after the crawl
    export_dir: str | None = None  # the Parquet snapshot written at the end


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


class Steps:
    """How each step of :func:`run_once` is carried out. This class calls the stage functions
    in this process (the CLI, tests), reporting progress through the callbacks;
    ``flows.monitor.TaskSteps`` runs each step as a Prefect task with retries and a timeout.
    Neither decides the order: :func:`run_once` does."""

    def __init__(
        self,
        *,
        on_crawl_progress: Callable[[int], None] | None = None,
        on_response: Callable[[], None] | None = None,
    ) -> None:
        self.on_crawl_progress = on_crawl_progress
        self.on_response = on_response

    def pending(self, job: RunJob, wait: float = 0.0) -> list[Path]:
        """The job database's own archives not yet loaded (:func:`pending_warcs`)."""
        return pending_warcs(job.warc_dir, job.db, wait=wait)

    def process(self, job: RunJob, files: list[Path], annotator: Annotator) -> ProcessStats:
        """Extract, annotate and load ``files`` into the job's database."""
        return process_warcs(files, job.db, annotator, on_response=self.on_response)

    def close_leftovers(self, job: RunJob, files: list[Path]) -> None:
        """Mark the crawls that wrote ``files`` interrupted (:func:`close_leftovers`)."""
        close_leftovers(job.db, files)

    def crawl(self, job: RunJob, options: CrawlOptions) -> CrawlResult | None:
        """The crawl's result, failed or not; ``None`` only when there is none to give."""
        return crawl(job.sources, job.db, job.warc_dir, options, on_progress=self.on_crawl_progress)

    def dedup(self, job: RunJob) -> DedupStats:
        """Mark duplicates in the job's database (:func:`dedup`)."""
        return dedup(job.db)

    def export(self, job: RunJob) -> str:
        """Write the Parquet snapshot; returns its folder."""
        return export_snapshot(job.db, job.export_dir).export_dir


def run_once(job: RunJob, annotator: Annotator, steps: Steps | None = None) -> RunSummary:
    """One full pass, the same for the CLI and the monitor flow: finish what an earlier run
    left (process its archives, mark its crawl interrupted, mark duplicates), crawl, process
    every archive not yet loaded (this crawl's, and a failed attempt's), mark duplicates,
    write the Parquet snapshot.

    A failed crawl does not stop the pass: what it fetched is loaded; the caller reports the
    failure (``summary.crawl.ok``; the flow re-raises the crawl task's error).
    """
    steps = steps or Steps()
    leftover = steps.pending(job, wait=LEFTOVER_WAIT_SECONDS)
    pending = None
    if leftover:
        pending = steps.process(job, leftover, annotator)
        steps.close_leftovers(job, leftover)  # their crawls never got to say how they ended
        steps.dedup(job)  # the crawl's seen list and retry list read the stored articles
    options = (
        job.crawl if job.crawl.topic is not None else replace(job.crawl, topic=annotator.topic)
    )
    result = steps.crawl(job, options)
    fresh = steps.pending(job)
    processed = steps.process(job, fresh, annotator) if fresh else ProcessStats()
    duplicates = steps.dedup(job)
    export_dir = steps.export(job)
    return RunSummary(
        crawl=result,
        pending=pending,
        processed=processed,
        dedup=duplicates,
        leftover=leftover,
        fresh=fresh,
        export_dir=export_dir,
    )


def close_leftovers(db_path: Path, warc_files: list[Path]) -> None:
    """Mark the crawl runs that wrote ``warc_files`` (archives an earlier run left unprocessed)
    ``interrupted`` where they are still ``running``: they never got to say how they ended."""
    with connect(db_path) as con:
        mark_interrupted(con, [str(f) for f in warc_files])


def dedup(db_path: Path) -> DedupStats:
    """Sign the articles loaded since the last call and set ``duplicate_of`` (idempotent).
    Call it after every :func:`pipeline.process.process_warcs`."""
    with connect(db_path) as con:
        return mark_duplicates(con)
