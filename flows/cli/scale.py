"""CLI for crawling and processing beyond one process (docs/scaling.md).

``crawl --frontier URL --workers N`` and ``process --dask`` call into this module (the
options live on those commands in flows/cli/root.py); ``crawl-worker`` is defined here and
mounted on the main app. Redis and Dask are imported only when these run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from crawlers.job import CrawlOptions
from flows.cli.errors import fail
from flows.cli.options import WarcDirOpt, resolve_paths
from pipeline.core.config import Source
from pipeline.process import ProcessStats

console = Console()
err_console = Console(stderr=True)

scale_app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

FrontierOpt = Annotated[
    str | None,
    typer.Option(
        "--frontier",
        help="Share the crawl through the Redis frontier at redis://HOST:PORT/DB "
        "(docs/scaling.md). Without it: one crawler process.",
    ),
]
WorkersOpt = Annotated[
    int,
    typer.Option(
        "--workers",
        min=0,
        help="With --frontier: crawler workers to start here (0: only those started "
        "elsewhere with crawl-worker).",
    ),
]
DaskOpt = Annotated[
    bool,
    typer.Option("--dask", help="Extract and annotate on a Dask cluster (one local by default)."),
]
DaskAddressOpt = Annotated[
    str | None,
    typer.Option(
        "--dask-address", help="Join this Dask scheduler (tcp://HOST:8786) instead; implies --dask."
    ),
]
DaskWorkersOpt = Annotated[
    int, typer.Option("--dask-workers", min=1, help="Worker processes of the local Dask cluster.")
]


def crawl_on_frontier(
    sources: list[Source],
    db: Path,
    warc_dir: Path,
    frontier: str,
    workers: int,
    options: CrawlOptions,
) -> bool:
    """``asylumwatch crawl --frontier``: returns whether every worker finished."""
    from crawlers.frontier.connection import FrontierError
    from flows.stages_frontier import crawl_distributed

    def joined(record) -> None:
        err_console.print(f"worker {record.worker} joined: {record.warc_file}", highlight=False)

    try:
        result = crawl_distributed(
            sources, db, warc_dir, frontier, options, workers=workers, on_worker=joined
        )
    except FrontierError as exc:
        fail(str(exc))
    table = Table("worker run", "requests", "responses", "errors", "status", "archive")
    for run in result.runs:
        table.add_row(
            run.run_id,
            str(run.requests),
            str(run.responses),
            str(run.errors),
            run.status,
            Path(run.warc_file).name,
        )
    console.print(table)
    requests = sum(r.requests for r in result.runs)
    rate = requests / result.seconds if result.seconds else 0.0
    console.print(
        f"crawl {result.crawl_id}: {len(result.runs)} worker(s), {requests} requests in "
        f"{result.seconds:.1f} s ({rate:.1f}/s); process with asylumwatch process --pending",
        highlight=False,
    )
    if not result.ok:
        err_console.print(f"[yellow]{result.failure}[/]", highlight=False)
    return result.ok


@scale_app.command("crawl-worker")
def crawl_worker(
    frontier: Annotated[
        str, typer.Option("--frontier", help="The crawl's Redis frontier: redis://HOST:PORT/DB")
    ],
    warc_dir: WarcDirOpt = None,
    crawl_id: Annotated[
        str | None, typer.Option("--crawl", help="Crawl id [default: the one open there].")
    ] = None,
) -> None:
    """Join the crawl open on a Redis frontier: one more crawler worker, on this machine.

    The worker writes its own WARC file under --warc-dir (a shared mount lets any machine
    process it) and stops when the frontier is empty. Start the crawl on the database's
    machine with [bold]asylumwatch crawl --frontier URL --workers N[/].
    Example: [bold]asylumwatch crawl-worker --frontier redis://10.0.0.5:6379/0[/]
    """
    (warc_dir,) = resolve_paths(warc_dir=warc_dir)
    from crawlers.frontier.connection import FrontierError
    from crawlers.frontier.worker import join_crawl

    try:
        result = join_crawl(frontier, warc_dir, crawl_id=crawl_id)
    except FrontierError as exc:
        fail(str(exc))
    console.print(f"worker run {result.run_id}: archive {result.warc_file}", highlight=False)
    if not result.ok:
        fail(str(result.failure))


def process_with_dask(
    files: list[Path],
    db: Path,
    topic: Path,
    organisations: Path,
    *,
    no_models: bool,
    workers: int,
    address: str | None,
) -> ProcessStats:
    """``asylumwatch process --dask``: the Prefect flow on a Dask cluster."""
    from flows.process_dask import process_on_dask

    try:
        return process_on_dask(
            files,
            db,
            topic,
            organisations=organisations,
            use_models=not no_models,
            workers=workers,
            address=address,
        ).stats
    except OSError as exc:  # e.g. no scheduler at --dask-address
        fail(f"the Dask cluster failed: {exc}")
        raise  # unreachable: _fail exits
