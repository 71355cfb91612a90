"""Extraction, quotes and classification as Prefect tasks on a Dask cluster.

``process_dask_flow`` maps one task per WARC file over a :class:`prefect_dask.DaskTaskRunner`
(a ``distributed.LocalCluster`` of ``workers`` processes by default, or the scheduler at
``address``). Each worker builds the annotator once, for its first task (the classifiers
load on the GPU when that worker has one: models.encoder.pick_device); each task turns one
WARC file's records into Parquet batches (:func:`pipeline.batches.annotate_warc`) and
returns their paths. The flow, in this
process, loads each batch as it completes (:func:`pipeline.batches.load_batch`): DuckDB
keeps exactly one writer. With a remote cluster, ``batch_dir`` must be a folder every
worker and this machine share.
"""

from __future__ import annotations

import flows.prefect_ready  # noqa: F401  (sets and creates PREFECT_HOME before prefect is imported)

# isort: split
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect_dask import DaskTaskRunner

from flows import stages
from pipeline.annotate import Annotator, build_annotator
from pipeline.batches import WarcBatch, annotate_warc, load_batch, remove_batch
from pipeline.core.config import DEFAULT_ORGANISATIONS
from pipeline.process import ProcessStats


@task(name="annotate archive", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def annotate_archive(
    warc_file: str, topic: str, organisations: str, use_models: bool, batch_dir: str
) -> WarcBatch:
    """One WARC file to Parquet batches, on a Dask worker."""
    annotator = _worker_annotator(topic, organisations, use_models)
    return annotate_warc(Path(warc_file), annotator, Path(batch_dir))


def _worker_annotator(topic: str, organisations: str, use_models: bool) -> Annotator:
    """The annotator of this Dask worker process, built by its first task (loading spaCy and
    the classifiers takes seconds) and kept on the worker object; outside a worker, a new one."""
    from distributed import get_worker

    def build() -> Annotator:
        return build_annotator(Path(topic), use_models, organisations=Path(organisations))

    try:
        worker = get_worker()
    except ValueError:
        return build()
    kept: dict = worker.__dict__.setdefault("asylumwatch_annotators", {})
    key = (topic, organisations, use_models)
    if key not in kept:
        kept[key] = build()
    return kept[key]


def task_runner(workers: int, address: str | None) -> DaskTaskRunner:
    """A Prefect task runner on the Dask cluster at ``address``, or on a local cluster of
    ``workers`` processes when no address is given."""
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": ":0",
        },
    )


@dataclass(slots=True)
class DaskRun:
    """The loader's counts, and what the workers spent on each WARC file."""

    stats: ProcessStats
    seconds: float = 0.0  # the whole flow, cluster start and stop included
    task_seconds: list[float] = field(default_factory=list)  # annotate_warc, per file

    @property
    def articles_per_worker_second(self) -> float:
        """Articles per second of worker time."""
        busy = sum(self.task_seconds)
        return self.stats.articles / busy if busy else 0.0


def process_on_dask(
    warc_files: list[Path],
    db: Path,
    topic: Path,
    *,
    organisations: Path = DEFAULT_ORGANISATIONS,
    use_models: bool = True,
    workers: int = 2,
    address: str | None = None,
    batch_dir: Path | None = None,
) -> DaskRun:
    """Run :func:`process_dask_flow` on a cluster of ``workers`` local processes (or the
    one at ``address``) and return the loader's counts and the workers' time."""
    runner = task_runner(workers, address)
    run = process_dask_flow.with_options(task_runner=runner)
    started = time.perf_counter()
    result = run(
        warc_files=[str(f) for f in warc_files],
        db=str(db),
        topic=str(topic),
        organisations=str(organisations),
        use_models=use_models,
        batch_dir=str(batch_dir) if batch_dir else None,
    )
    result.seconds = time.perf_counter() - started
    return result


@flow(name="process-dask", log_prints=True)
def process_dask_flow(
    warc_files: list[str],
    db: str,
    topic: str,
    use_models: bool = True,
    batch_dir: str | None = None,
    organisations: str = str(DEFAULT_ORGANISATIONS),
) -> DaskRun:
    """Extract and annotate ``warc_files`` on Dask workers (batch files in ``batch_dir``, or a
    temporary folder) and load each batch into ``db`` from this process, the only writer."""
    logger = get_run_logger()
    stats = ProcessStats()
    result = DaskRun(stats)
    if not warc_files:
        return result
    own_dir = batch_dir is None
    folder = Path(batch_dir or tempfile.mkdtemp(prefix="aw-batches-", dir=Path(db).parent))
    try:
        futures = annotate_archive.map(
            warc_files,
            unmapped(topic),
            unmapped(organisations),
            unmapped(use_models),
            unmapped(str(folder)),
        )
        for future in as_completed(futures):
            batch = future.result()
            load_batch(batch, Path(db), stats)  # here: the only writer
            remove_batch(batch)
            result.task_seconds.append(batch.seconds)
            logger.info(
                "%s: %d responses, %d articles (%.1f s on a worker)",
                Path(batch.warc_file).name,
                batch.responses,
                batch.articles,
                batch.seconds,
            )
        stages.dedup(Path(db))
    finally:
        if own_dir:
            shutil.rmtree(folder, ignore_errors=True)
    return result
