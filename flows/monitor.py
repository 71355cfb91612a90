"""Prefect flows that keep the database current: ``monitor`` (scheduled) and ``backfill``.

``monitor`` is :func:`flows.stages.run_once`, the same pass as ``asylumwatch run``: finish what
an earlier run left (process, mark its crawl interrupted, mark duplicates) -> crawl (subprocess,
retried) -> extract, annotate, load -> mark duplicates -> Parquet snapshot; then the run's
artifact. ``backfill``: the same steps over archived WARC files, or over the sitemap entries
dated since a given day.

:class:`TaskSteps` runs each step as a Prefect task around the plain stage functions of
:mod:`flows.stages`; this module only adds Prefect's retries, timeouts and artifacts.
The path parameters (``sources``, ``topic``, ``db``, ``warc_dir``, ``organisations``) default
to None: the flow asks :func:`pipeline.core.settings.resolve` for each one not given
(:func:`flow_paths`), so a run started directly, or by a deployment without parameters, reads
``ASYLUMWATCH_*`` and ``asylumwatch.toml`` as the commands do.
Each stage is idempotent (loads upsert inside a transaction, a WARC is marked processed only
after its last batch), so a run that died (killed, disk full, database locked) is simply
run again: it first processes the archives the dead run left unprocessed.
"""

from __future__ import annotations

import flows.prefect_ready  # noqa: F401  (sets and creates PREFECT_HOME before prefect is imported)

# isort: split
import dataclasses
import errno
import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import State

from crawlers.job import CrawlOptions
from crawlers.runner import CrawlResult
from flows import stages
from pipeline.annotate import Annotator
from pipeline.core.config import Source, load_sources
from pipeline.core.settings import resolve
from pipeline.dedup import DedupStats
from pipeline.process import ProcessStats, process_warcs
from pipeline.store.load import DatabaseBusy
from pipeline.store.snapshot import export_snapshot
from pipeline.store.summary import RunCounts, collect, markdown, source_rows

log = logging.getLogger(__name__)

# Task limits, in seconds. A crawl of every source at polite speed takes tens of minutes.
CRAWL_TIMEOUT = 4 * 3600
PROCESS_TIMEOUT = 2 * 3600
EXPORT_TIMEOUT = 1800
DB_RETRIES = 3
CRAWL_RETRIES = 2


class CrawlFailed(RuntimeError):
    """The crawler subprocess exited with an error (what it fetched is still archived)."""


def _transient(exc: BaseException) -> bool:
    """Failures worth retrying: the database lock, DuckDB I/O, a full disk."""
    if isinstance(exc, DatabaseBusy | duckdb.IOException | CrawlFailed):
        return True
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO)


def retry_if_transient(task: object, task_run: object, state: State) -> bool:
    """Prefect ``retry_condition_fn``: retry only the failures a later attempt can fix."""
    try:
        state.result()
    except BaseException as exc:  # noqa: BLE001 - we only classify it
        return _transient(exc)
    return False


def stage_task(
    name: str,
    *,
    retry_delay_seconds: float = 30,
    timeout_seconds: float | None = None,
    retries: int = DB_RETRIES,
) -> Any:
    """Prefect's ``task`` decorator as every stage uses it: retried only on failures a later
    attempt can fix (:func:`retry_if_transient`), never cached."""
    return task(
        name=name,
        retries=retries,
        retry_delay_seconds=retry_delay_seconds,
        retry_condition_fn=retry_if_transient,
        timeout_seconds=timeout_seconds,
        cache_policy=NO_CACHE,
    )


# --- tasks ---------------------------------------------------------------------------------


@stage_task("process archives", timeout_seconds=PROCESS_TIMEOUT)
def process_archives(warc_files: list[Path], db: Path, annotator: Annotator) -> ProcessStats:
    """Extract, annotate and load ``warc_files`` (idempotent)."""
    logger = get_run_logger()
    if not warc_files:
        return ProcessStats()
    logger.info("processing %d archive(s)", len(warc_files))
    stats = process_warcs(warc_files, db, annotator)
    logger.info(
        "%d responses, %d articles extracted, %d rows loaded, %d quotes",
        stats.responses,
        stats.articles,
        stats.loaded,
        stats.quotes,
    )
    return stats


@stage_task("find unprocessed archives", retry_delay_seconds=10)
def find_pending(warc_dir: Path, db: Path, wait: float = 0.0) -> list[Path]:
    """Task of :func:`flows.stages.pending_warcs`."""
    return stages.pending_warcs(warc_dir, db, wait=wait)


@stage_task("mark leftover crawls interrupted", retry_delay_seconds=10)
def close_leftovers(db: Path, warc_files: list[Path]) -> None:
    """Task of :func:`flows.stages.close_leftovers`."""
    stages.close_leftovers(db, warc_files)


@stage_task("mark duplicates", timeout_seconds=PROCESS_TIMEOUT)
def mark_duplicates(db: Path) -> DedupStats:
    """Task of :func:`flows.stages.dedup`."""
    return stages.dedup(db)


@stage_task("crawl", retry_delay_seconds=60, timeout_seconds=CRAWL_TIMEOUT, retries=CRAWL_RETRIES)
def crawl_sources(
    sources: list[Source], db: Path, warc_dir: Path, options: CrawlOptions
) -> CrawlResult:
    """One crawl in a subprocess. Raises :class:`CrawlFailed` (retried) when the crawler
    exits with an error; a timeout stops the subprocess."""
    logger = get_run_logger()
    result = stages.crawl(sources, db, warc_dir, options)
    logger.info("crawl %s wrote %s", result.run_id, result.warc_file)
    if not result.ok:
        raise CrawlFailed(
            f"crawl {result.run_id} exited with code {result.returncode}; its log is "
            f"{result.warc_file.with_name(result.run_id + '.log')}"
        )
    return result


@stage_task("export parquet snapshot", timeout_seconds=EXPORT_TIMEOUT)
def export_parquet(db: Path, export_dir: Path | None) -> str:
    """Write a Parquet snapshot of the database and log its tables; returns its folder."""
    snapshot = export_snapshot(db, export_dir)
    get_run_logger().info(
        "snapshot of %s in %s (%.1f s)",
        ", ".join(snapshot.rows),
        snapshot.export_dir,
        snapshot.seconds,
    )
    return snapshot.export_dir


class TaskSteps(stages.Steps):
    """The steps of :func:`flows.stages.run_once` as the Prefect tasks above. The crawl's
    failure (after its retries) does not stop the run: what it fetched is still loaded, and
    :meth:`raise_crawl_failure` marks the flow run failed at the end."""

    def __init__(self, retry_delay_seconds: float = 60) -> None:
        super().__init__()
        self.retry_delay_seconds = retry_delay_seconds
        self.crawl_state: State | None = None

    def pending(self, job: stages.RunJob, wait: float = 0.0) -> list[Path]:
        """As the :func:`find_pending` task."""
        return find_pending(job.warc_dir, job.db, wait)

    def process(self, job: stages.RunJob, files: list[Path], annotator: Annotator) -> ProcessStats:
        """As the :func:`process_archives` task."""
        return process_archives(files, job.db, annotator)

    def close_leftovers(self, job: stages.RunJob, files: list[Path]) -> None:
        """As the :func:`close_leftovers` task."""
        close_leftovers(job.db, files)

    def crawl(self, job: stages.RunJob, options: CrawlOptions) -> CrawlResult | None:
        """As the :func:`crawl_sources` task, retried; None once its retries failed."""
        crawl = crawl_sources.with_options(retry_delay_seconds=self.retry_delay_seconds)
        state = crawl(job.sources, job.db, job.warc_dir, options, return_state=True)
        self.crawl_state = state
        return state.result() if state.is_completed() else None

    def dedup(self, job: stages.RunJob) -> DedupStats:
        """As the :func:`mark_duplicates` task."""
        return mark_duplicates(job.db)

    def export(self, job: stages.RunJob) -> str:
        """As the :func:`export_parquet` task."""
        return export_parquet(job.db, job.export_dir)

    @property
    def crawl_ok(self) -> bool:
        """Whether the crawl, if one ran, completed."""
        return self.crawl_state is None or self.crawl_state.is_completed()

    def raise_crawl_failure(self) -> None:
        """Re-raise the crawl task's error, if it failed."""
        if self.crawl_state is not None and not self.crawl_state.is_completed():
            self.crawl_state.result()


@stage_task("summarise run", retry_delay_seconds=10)
def summarise(
    db: Path,
    *,
    flow_name: str,
    started_at: datetime,
    warc_files: list[Path],
    stats: ProcessStats,
    crawl_ok: bool,
    export_dir: str | None,
    notes: list[str],
) -> RunCounts:
    """Read the run's counts back from the database and publish them as artifacts."""
    counts = collect(
        db,
        flow=flow_name,
        started_at=started_at,
        warc_files=[str(f) for f in warc_files],
        articles_extracted=stats.articles,
        articles_loaded=stats.loaded,
        crawl_ok=crawl_ok,
    )
    counts.export_dir = export_dir
    counts.notes = notes
    key = flow_name.replace("_", "-")
    create_markdown_artifact(
        markdown(counts), key=f"{key}-summary", description=f"What this {flow_name} run did"
    )
    if counts.sources:
        create_table_artifact(
            source_rows(counts),
            key=f"{key}-sources",
            description="Per source: fetched, new, failed",
        )
    return counts


# --- flows -----------------------------------------------------------------------------------


def flow_paths(**given: str | None) -> dict[str, Path]:
    """A flow's path parameters, each as :func:`pipeline.core.settings.resolve` decides: the
    value given (a flag; None: not given), else its environment variable, else the project
    file, else the default; absolute. ``flow_paths(db=db, sources=None)["sources"]``."""
    settings = resolve(
        {name: None if value is None else Path(value) for name, value in given.items()}
    )
    return {name: settings[name] for name in given}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _merge(total: ProcessStats, part: ProcessStats) -> None:
    for name in ("warc_files", "responses", "articles", "loaded", "quotes", "fetches"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    for outlet, n in part.by_outlet.items():
        total.by_outlet[outlet] = total.by_outlet.get(outlet, 0) + n


@flow(name="monitor", log_prints=True)
def monitor_flow(
    sources: str | None = None,
    topic: str | None = None,
    db: str | None = None,
    warc_dir: str | None = None,
    polite: bool = True,
    contact_url: str | None = None,
    max_articles: int | None = None,
    since: str | None = None,
    export_dir: str | None = None,
    substitutions: dict[str, str] | None = None,
    retry_delay_seconds: float = 60,
    use_models: bool = True,
    organisations: str | None = None,
) -> RunCounts:
    """Crawl every source once, then extract, annotate and load what was fetched.

    ``sources``, ``topic``, ``db``, ``warc_dir`` and ``organisations`` not given: from the
    environment, the project file or the default (:func:`flow_paths`).
    ``substitutions`` fills ``{{KEY}}`` placeholders of the sources file (the demo site);
    ``since`` skips feed and sitemap entries dated before it (a date or an age such as 30d);
    ``use_models=False`` annotates without the transformer classifiers (no stance);
    ``organisations`` is the quote stage's organisation table.
    """
    started = _now()
    paths = flow_paths(
        sources=sources, topic=topic, db=db, warc_dir=warc_dir, organisations=organisations
    )
    job = stages.RunJob(
        sources=load_sources(paths["sources"], substitutions),
        db=paths["db"],
        warc_dir=paths["warc_dir"],
        crawl=CrawlOptions(
            polite=polite, contact_url=contact_url, max_articles=max_articles, since=since
        ),
        topic=paths["topic"],
        organisations=paths["organisations"],
        use_models=use_models,
        export_dir=Path(export_dir) if export_dir else None,
    )
    steps = TaskSteps(retry_delay_seconds)
    run = stages.run_once(job, job.annotator(), steps)
    total = ProcessStats()
    for part in (run.pending, run.processed):
        if part is not None:
            _merge(total, part)
    counts = summarise(
        job.db,
        flow_name="monitor",
        started_at=started,
        warc_files=[*run.leftover, *run.fresh],
        stats=total,
        crawl_ok=steps.crawl_ok,
        export_dir=run.export_dir,
        notes=[f"finished {len(run.leftover)} archive(s) an earlier run left"]
        if run.leftover
        else [],
    )
    steps.raise_crawl_failure()  # the run is marked failed, after loading what it got
    return counts


def archived_warcs(
    warc_dir: Path, since: date | None = None, until: date | None = None
) -> list[Path]:
    """Archives under ``warc_dir/<YYYY-MM-DD>/`` whose crawl day lies in [since, until]."""
    found = []
    for path in sorted(Path(warc_dir).glob("*/*.warc.gz")):
        try:
            day = date.fromisoformat(path.parent.name)
        except ValueError:
            continue
        if (since is None or day >= since) and (until is None or day <= until):
            found.append(path)
    return found


@flow(name="backfill", log_prints=True)
def backfill_flow(
    mode: Literal["archive", "sitemaps"] = "archive",
    warc_files: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    sources: str | None = None,
    topic: str | None = None,
    db: str | None = None,
    warc_dir: str | None = None,
    polite: bool = True,
    contact_url: str | None = None,
    export_dir: str | None = None,
    substitutions: dict[str, str] | None = None,
    retry_delay_seconds: float = 60,
    use_models: bool = True,
    organisations: str | None = None,
) -> RunCounts:
    """Run the stages again over the past.

    ``mode="archive"``: reprocess archived WARC files (``warc_files``, or every archive under
    ``warc_dir`` crawled between ``since`` and ``until``), e.g. after a model update; rows are
    replaced, never duplicated. ``mode="sitemaps"``: crawl the entries of the sources'
    sitemaps dated ``since`` or later, and ``until`` or earlier when given (feeds and section
    pages are left out), then process. The path parameters not given: as in
    :func:`monitor_flow`.
    """
    started = _now()
    paths = flow_paths(
        sources=sources, topic=topic, db=db, warc_dir=warc_dir, organisations=organisations
    )
    job = stages.RunJob(
        sources=[],
        db=paths["db"],
        warc_dir=paths["warc_dir"],
        crawl=CrawlOptions(polite=polite, contact_url=contact_url),
        topic=paths["topic"],
        organisations=paths["organisations"],
        use_models=use_models,
        export_dir=Path(export_dir) if export_dir else None,
    )
    annotator = job.annotator()
    steps = TaskSteps(retry_delay_seconds)
    notes: list[str] = []
    if mode == "archive":
        if warc_files:
            files = [Path(f) for f in warc_files]
        else:
            files = archived_warcs(job.warc_dir, since, until)
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise FileNotFoundError(f"no such WARC file: {', '.join(missing)}")
        notes.append(f"reprocessed {len(files)} archived WARC file(s)")
    elif mode == "sitemaps":
        if since is None:
            raise ValueError("a sitemap backfill needs `since` (the first day to fetch)")
        source_list = [
            dataclasses.replace(s, feeds=(), start_urls=())
            for s in load_sources(paths["sources"], substitutions)
            if s.sitemaps
        ]
        if not source_list:
            raise ValueError(f"{paths['sources']}: no source lists a sitemap; nothing to backfill")
        job = dataclasses.replace(job, sources=source_list)
        window = dataclasses.replace(
            job.crawl,
            topic=annotator.topic,
            since=since.isoformat(),
            until=until.isoformat() if until else None,
        )
        steps.crawl(job, window)
        files = steps.pending(job)
        span = f"from {since.isoformat()}" + (f" to {until.isoformat()}" if until else " on")
        notes.append(f"sitemap entries dated {span} from {', '.join(s.name for s in source_list)}")
    else:
        raise ValueError(f"unknown backfill mode {mode!r}: use 'archive' or 'sitemaps'")
    stats = steps.process(job, files, annotator)
    steps.dedup(job)
    exported = steps.export(job)
    counts = summarise(
        job.db,
        flow_name="backfill",
        started_at=started,
        warc_files=files,
        stats=stats,
        crawl_ok=steps.crawl_ok,
        export_dir=exported,
        notes=notes,
    )
    steps.raise_crawl_failure()
    return counts
