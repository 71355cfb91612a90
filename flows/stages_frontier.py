"""The distributed crawl as a stage: open it on the Redis frontier, run local workers, record
every worker's WARC file in the database as it appears, and wait until the frontier is empty.

Each worker's crawl is one ``crawl_runs`` row (run id ``<crawl id>-w<N>``, its own WARC and
fetch log), recorded as ``running`` the moment the worker registers, so ``process --pending``
finds every archive of the crawl, even one whose worker was killed. Workers on other
machines (``asylumwatch crawl-worker``) are recorded the same way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crawlers.faults import SKIPPED
from crawlers.frontier import coordinator
from crawlers.frontier.connection import connect
from crawlers.frontier.worker import join_crawl
from crawlers.job import CrawlJob, CrawlOptions
from crawlers.runner import CrawlResult, count_lines, new_run_id
from pipeline.core.config import Source
from pipeline.core.records import CrawlRun
from pipeline.core.warc import read_fetch_log, read_validators
from pipeline.store import history
from pipeline.store.load import connect as connect_db
from pipeline.store.load import record_crawl_run

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
# After the local workers stop: how long to wait for remote ones to report their exit.
REMOTE_GRACE_SECONDS = 60.0


@dataclass(slots=True)
class DistributedCrawl:
    """One crawl shared by several workers through a Redis frontier: each worker's run, the
    local workers' results, and what the frontier held in Redis before it was cleaned up."""

    crawl_id: str
    runs: list[CrawlRun] = field(default_factory=list)  # one per worker that registered
    local: list[CrawlResult] = field(default_factory=list)
    redis_bytes: dict[str, int] = field(default_factory=dict)  # MEMORY USAGE before cleanup
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when at least one worker joined and every worker finished."""
        return bool(self.runs) and all(r.status == "finished" for r in self.runs)

    @property
    def warc_files(self) -> list[Path]:
        """The archives the workers wrote, one per worker run."""
        return [Path(r.warc_file) for r in self.runs]

    @property
    def failure(self) -> str | None:
        """Why the crawl failed, in one line (None when it did not)."""
        bad = [r for r in self.runs if r.status != "finished"]
        if self.ok:
            return None
        if not self.runs:
            return f"crawl {self.crawl_id}: no worker joined"
        names = ", ".join(f"{r.run_id} ({r.status})" for r in bad)
        return f"crawl {self.crawl_id}: worker(s) {names} did not finish; the others took over"


def crawl_distributed(
    sources: list[Source],
    db_path: Path,
    warc_dir: Path,
    frontier: str,
    options: CrawlOptions | None = None,
    *,
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
    on_worker: Callable[[coordinator.WorkerRecord], None] | None = None,
    keep_keys: bool = False,
) -> DistributedCrawl:
    """Crawl ``sources`` with ``workers`` local workers (0: only workers started elsewhere)
    sharing the frontier at ``frontier``; record every worker's run in the database.
    ``options``: what the user chose about the crawl, as for :func:`flows.stages.crawl`."""
    options = options or CrawlOptions()
    client = connect(frontier)
    with connect_db(db_path) as con:
        seen = history.seen_rows(con)
        retry = history.retry_urls(con)
        validators = history.listing_validators(con)
    crawl_id = new_run_id()
    job = CrawlJob(
        run_id=crawl_id,
        warc_file="",
        fetch_log="",
        sources=list(sources),
        options=options,
        validators=validators,
        retry_urls=retry,
    )
    started = time.perf_counter()
    keys = coordinator.open_crawl(
        client, job, seen, coordinator.host_limits(sources, options.polite)
    )
    result = DistributedCrawl(crawl_id)
    recorded: dict[str, CrawlRun] = {}
    names = [s.name for s in sources]
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="aw-worker")
    futures: list[Future[CrawlResult]] = [
        pool.submit(join_crawl, frontier, warc_dir, crawl_id=crawl_id) for _ in range(workers)
    ]
    try:
        grace_until = None
        while True:
            state = coordinator.state(client, keys)
            for record in state.workers:
                if record.run_id not in recorded:
                    run = CrawlRun(record.run_id, record.started_at, None, names, record.warc_file)
                    with connect_db(db_path) as con:
                        record_crawl_run(con, run)
                    recorded[record.run_id] = run
                    if on_worker:
                        on_worker(record)
            if on_progress:
                on_progress(sum(count_lines(Path(r.fetch_log)) for r in state.workers))
            if state.done and state.workers:
                break
            if futures and all(f.done() for f in futures):  # e.g. every local worker crashed
                grace_until = grace_until or time.monotonic() + REMOTE_GRACE_SECONDS
                if time.monotonic() > grace_until:
                    break
            time.sleep(POLL_SECONDS)
        result.local = [f.result() for f in futures]
        result.seconds = time.perf_counter() - started
        result.redis_bytes = coordinator.redis_memory(client, keys)
        state = coordinator.state(client, keys)
        result.runs = _finish_runs(db_path, recorded, state, names)
    except BaseException:
        for run in recorded.values():
            run.status = "interrupted"
            run.finished_at = _now()
            with connect_db(db_path) as con:
                record_crawl_run(con, run)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        if not keep_keys:
            coordinator.close_crawl(client, keys)
    return result


def _finish_runs(
    db_path: Path,
    recorded: dict[str, CrawlRun],
    state: coordinator.FrontierState,
    names: list[str],
) -> list[CrawlRun]:
    """Each worker's run as it ended: counts from its fetch log (when this machine can read
    it), ``finished``/``failed`` from its exit code, ``interrupted`` when it was killed or
    never reported."""
    by_run = {w.run_id: w for w in state.workers}
    all_ok = all(state.exits.get(w.worker) == 0 for w in state.workers)
    runs = []
    for run_id, run in sorted(recorded.items()):
        worker = by_run[run_id]
        fetch_log = Path(worker.fetch_log)
        fetches = read_fetch_log(fetch_log) if fetch_log.exists() else []
        code = state.exits.get(worker.worker)
        run.finished_at = _now()
        run.requests = len(fetches)
        run.responses = sum(1 for f in fetches if f.status is not None)
        run.errors = sum(1 for f in fetches if f.status is None and f.error not in SKIPPED)
        # no exit code (its machine went away) or killed by a signal: interrupted
        if code is None or code < 0:
            run.status = "interrupted"
        else:
            run.status = "finished" if code == 0 else "failed"
        with connect_db(db_path) as con:
            record_crawl_run(con, run)
            if fetch_log.exists():
                history.record_validators(con, read_validators(fetch_log), listings=all_ok)
        runs.append(run)
    return runs


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
