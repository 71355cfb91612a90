"""The ``asylumwatch`` command line.

Every command takes ``--sources``, ``--topic`` and ``--db`` where they apply, so a researcher
can keep several projects side by side. User mistakes (bad configuration, a missing file, a
locked database) print one message and exit with code 2; they never show a traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from crawlers.job import CrawlOptions
from crawlers.lifetime import Terminated
from flows import stages
from flows.cli.config import config_app
from flows.cli.errors import fail
from flows.cli.export import export_app
from flows.cli.models import evaluate_app as stance_app
from flows.cli.models import models_app
from flows.cli.options import (
    ContactOpt,
    DbOpt,
    NoDelaysOpt,
    NoModelsOpt,
    OrganisationsOpt,
    SinceOpt,
    SourcesOpt,
    TopicOpt,
    WarcDirOpt,
    resolve_paths,
)
from flows.cli.query import query_app
from flows.cli.quotes import quotes_app
from flows.cli.runs import flows_app as runs_app
from flows.cli.scale import (
    DaskAddressOpt,
    DaskOpt,
    DaskWorkersOpt,
    FrontierOpt,
    WorkersOpt,
    scale_app,
)
from flows.cli.sources import print_crawl_report, sources_app
from flows.cli.sources_edit import edit_app
from flows.cli.validate import validate_app
from flows.demo_site import DEFAULT_PORT_BASE, DEMO_SOURCES, serve_demo_site
from pipeline.annotate import build_annotator
from pipeline.core.config import (
    ConfigError,
    load_sources,
    load_topic,
)
from pipeline.core.paths import PROJECT_ROOT, SHARED_DIR
from pipeline.process import ProcessStats, process_warcs
from pipeline.store.load import DatabaseBusy, DatabaseUnreadable, connect
from pipeline.store.reports import overview

console = Console()
err_console = Console(stderr=True)

app = typer.Typer(
    name="asylumwatch",
    help="Monitor news coverage of cross-border asylum: crawl, extract, quote, classify, "
    "load into DuckDB, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err_console, show_path=False, show_time=False)],
        force=True,
    )


def version() -> str:
    """The installed package's version (the source tree's when it is not installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("asylumwatch")
    except PackageNotFoundError:
        import tomllib

        with open(PROJECT_ROOT / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"]


def _print_version(value: bool) -> None:
    if value:
        console.print(f"asylumwatch {version()}")
        raise typer.Exit()


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log more detail.")] = False,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version, exit."
        ),
    ] = False,
) -> None:
    _setup_logging(verbose)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=False,
    )


def _run_pipeline(job: stages.RunJob) -> stages.RunSummary:
    """:func:`flows.stages.run_once` with progress bars. The summary's crawl is never None
    here: the plain steps return the crawl's result, failed or not, or raise."""
    annotator = job.annotator(progress=True, announce=err_console.print)
    with _progress() as progress:
        crawl_task = progress.add_task("crawling", total=None)
        process_task = progress.add_task("extracting + loading", total=None, visible=False)

        def on_crawl(count: int) -> None:
            progress.update(crawl_task, completed=count, description=f"crawling ({count} fetched)")

        def on_response() -> None:
            progress.update(process_task, visible=True, advance=1)

        steps = stages.Steps(on_crawl_progress=on_crawl, on_response=on_response)
        return stages.run_once(job, annotator, steps)


def _print_stats(stats: ProcessStats, title: str) -> None:
    table = Table(title=title)
    table.add_column("outlet")
    table.add_column("articles extracted", justify="right")
    for outlet, count in sorted(stats.by_outlet.items()):
        table.add_row(outlet, str(count))
    console.print(table)
    console.print(
        f"{stats.responses} responses read, {stats.articles} articles extracted, "
        f"{stats.loaded} new or updated rows, {stats.quotes} quotes, "
        f"{stats.fetches} fetches logged."
    )
    if stats.not_articles or stats.quarantined:
        reasons = ", ".join(
            f"{r.split(':', 1)[-1]} {n}" for r, n in sorted(stats.not_articles.items())
        )
        console.print(
            f"pages that are not articles: {reasons or 'none'}; "
            f"records quarantined (table quarantine): {stats.quarantined}.",
            highlight=False,
        )


@app.command()
def run(
    sources: SourcesOpt = None,
    topic: TopicOpt = None,
    db: DbOpt = None,
    warc_dir: WarcDirOpt = None,
    no_delays: NoDelaysOpt = False,
    contact_url: ContactOpt = None,
    no_models: NoModelsOpt = False,
    since: SinceOpt = None,
    organisations: OrganisationsOpt = None,
) -> None:
    """Crawl every source once, extract the articles, annotate them and load them.

    Example: [bold]asylumwatch run --sources data/sources.toml --db data/asylumwatch.duckdb[/]
    """
    sources, topic, db, warc_dir, organisations = resolve_paths(
        sources=sources, topic=topic, db=db, warc_dir=warc_dir, organisations=organisations
    )
    job = stages.RunJob(
        sources=load_sources(sources),
        db=db,
        warc_dir=warc_dir,
        crawl=CrawlOptions(polite=not no_delays, contact_url=contact_url, since=since),
        topic=topic,
        organisations=organisations,
        use_models=not no_models,
    )
    summary = _run_pipeline(job)
    assert summary.crawl is not None
    print_crawl_report(db, summary.crawl)
    if summary.pending:
        _print_stats(summary.pending, "Finished from an earlier, interrupted run")
    _print_stats(summary.processed, f"Run {summary.crawl.run_id}")
    console.print(f"Parquet snapshot: {summary.export_dir}", soft_wrap=True)
    if not summary.crawl.ok:
        fail(str(summary.crawl.failure))


@app.command()
def crawl(
    sources: SourcesOpt = None,
    db: DbOpt = None,
    warc_dir: WarcDirOpt = None,
    no_delays: NoDelaysOpt = False,
    contact_url: ContactOpt = None,
    since: SinceOpt = None,
    topic: TopicOpt = None,
    frontier: FrontierOpt = None,
    workers: WorkersOpt = 1,
) -> None:
    """Crawl every source once and archive what was fetched (no extraction).

    Process the archive later with [bold]asylumwatch process[/]. With --frontier, N workers
    (and any started elsewhere with crawl-worker) share one crawl through Redis.
    Example: [bold]asylumwatch crawl --sources data/sources.toml[/] ·
    [bold]asylumwatch crawl --frontier redis://127.0.0.1:6379/0 --workers 4[/]
    """
    sources, db, warc_dir, topic = resolve_paths(
        sources=sources, db=db, warc_dir=warc_dir, topic=topic
    )
    if frontier is None and workers != 1:
        fail("--workers goes with --frontier (the single-process crawl has one)")
    configured = load_sources(sources)
    options = CrawlOptions(
        polite=not no_delays, contact_url=contact_url, topic=load_topic(topic), since=since
    )
    if frontier is not None:
        from flows.cli.scale import crawl_on_frontier

        if not crawl_on_frontier(configured, db, warc_dir, frontier, workers, options):
            raise typer.Exit(1)
        return
    with _progress() as progress:
        task = progress.add_task("crawling", total=None)
        result = stages.crawl(
            configured,
            db,
            warc_dir,
            options,
            on_progress=lambda n: progress.update(task, completed=n),
        )
    print_crawl_report(db, result)
    console.print(f"run {result.run_id}: archive {result.warc_file}")
    if not result.ok:
        fail(str(result.failure))


@app.command()
def process(
    warc: Annotated[
        list[Path] | None, typer.Argument(help="WARC files to process.", show_default=False)
    ] = None,
    pending: Annotated[
        bool, typer.Option("--pending", help="Process every archived WARC not yet loaded.")
    ] = False,
    topic: TopicOpt = None,
    db: DbOpt = None,
    warc_dir: WarcDirOpt = None,
    no_models: NoModelsOpt = False,
    dask: DaskOpt = False,
    dask_address: DaskAddressOpt = None,
    dask_workers: DaskWorkersOpt = 2,
    organisations: OrganisationsOpt = None,
) -> None:
    """Extract, annotate and load articles from archived WARC files (idempotent).

    Example: [bold]asylumwatch process data/warc/2026-11-26/*.warc.gz[/] ·
    [bold]asylumwatch process --pending --dask --dask-workers 4[/]
    """
    topic, db, warc_dir, organisations = resolve_paths(
        topic=topic, db=db, warc_dir=warc_dir, organisations=organisations
    )
    files = list(warc or [])
    if pending:
        files += stages.pending_warcs(warc_dir, db)
    if not files:
        fail("no WARC files given: name some, or pass --pending")
    for path in files:
        if not path.is_file():
            fail(f"{path}: no such WARC file")
    if dask or dask_address:
        from flows.cli.scale import process_with_dask

        stats = process_with_dask(
            files,
            db,
            topic,
            organisations,
            no_models=no_models,
            workers=dask_workers,
            address=dask_address,
        )
        _print_stats(stats, f"{len(files)} WARC file(s), on Dask")
        return
    annotator = build_annotator(
        topic,
        not no_models,
        organisations=organisations,
        progress=True,
        announce=err_console.print,
    )
    with _progress() as progress:
        task = progress.add_task("extracting + loading", total=None)
        stats = process_warcs(
            files, db, annotator, on_response=lambda: progress.update(task, advance=1)
        )
    duplicates = stages.dedup(db)
    _print_stats(stats, f"{len(files)} WARC file(s)")
    console.print(f"duplicates: {duplicates}")


@app.command()
def demo(
    db: DbOpt = None,
    topic: TopicOpt = None,
    warc_dir: WarcDirOpt = None,
    port_base: Annotated[
        int,
        typer.Option(
            "--port-base",
            help="Port of the demo server on 127.0.0.1 (taken or 0: any free one).",
        ),
    ] = DEFAULT_PORT_BASE,
    no_models: NoModelsOpt = False,
    organisations: OrganisationsOpt = None,
) -> None:
    """Serve the bundled demo news site on 127.0.0.1, run the pipeline on it, print a summary.

    Runs offline. The outlets have fixed addresses (http://<outlet>.example, served through a
    local proxy), so a second run, on any port, finds the same articles and adds none.
    Example: [bold]asylumwatch demo --db data/asylumwatch.duckdb[/]
    """
    db, topic, warc_dir, organisations = resolve_paths(
        db=db, topic=topic, warc_dir=warc_dir, organisations=organisations
    )
    with serve_demo_site(port_base, fixed_hosts=True) as site, _proxy_env(site.proxy):
        if site.note:
            err_console.print(f"[yellow]{site.note}[/]")
        console.print(
            "Demo outlets: " + ", ".join(site.base_urls.values()) + f" (served on {site.proxy})",
            soft_wrap=True,
        )
        job = stages.RunJob(
            sources=load_sources(DEMO_SOURCES, site.substitutions),
            db=db,
            warc_dir=warc_dir,
            crawl=CrawlOptions(polite=False),
            topic=topic,
            organisations=organisations,
            use_models=not no_models,
        )
        summary = _run_pipeline(job)
    assert summary.crawl is not None
    print_crawl_report(db, summary.crawl)
    _print_stats(summary.processed, f"Demo run {summary.crawl.run_id}")
    if not summary.crawl.ok:
        fail(f"the crawl exited with code {summary.crawl.returncode}")
    print_demo_summary(db)
    console.print(f"Parquet snapshot: {summary.export_dir}", soft_wrap=True)


@contextmanager
def _proxy_env(proxy: str | None) -> Iterator[None]:
    """Send every HTTP request of this process and the crawler it starts to ``proxy``."""
    names = ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY")
    saved = {name: os.environ.get(name) for name in names}
    if proxy:
        os.environ.update(http_proxy=proxy, HTTP_PROXY=proxy, no_proxy="", NO_PROXY="")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def print_demo_summary(db: Path) -> None:
    """Print what the demo run stored: articles per outlet and week, quotes per speaker role and
    stance, and the totals."""
    with connect(db, read_only=True) as con:
        found = overview(con)
    weekly, total, relevant = found.weekly, found.articles, found.relevant
    outlets, stances, roles = found.outlets, found.stances, found.roles
    table = Table(
        "outlet", "ISO week", "articles", "relevant", title="Articles per outlet and week"
    )
    for outlet, week, articles, relevant_count in weekly:
        table.add_row(outlet, week or "(no date)", str(articles), str(relevant_count))
    console.print(table)
    if roles:
        who = Table(
            "speaker role",
            "quotes",
            "restrictive",
            "protective",
            "neutral",
            title="Who is quoted (quote stance)",
        )
        for row in roles:
            who.add_row(*(str(v) for v in row))
        console.print(who)
    share = relevant / total if total else 0.0
    console.print(
        f"{total} articles from {outlets} outlets in {db}; {relevant} relevant ({share:.0%})."
    )
    if stances:
        console.print(
            "Stance of the relevant articles: "
            + ", ".join(f"{label} {n}" for label, n in stances)
            + "."
        )


evaluate_app = typer.Typer(
    help="Measure the pipeline's stages against annotated data.", no_args_is_help=True
)
app.add_typer(evaluate_app, name="evaluate")


@evaluate_app.command("extraction")
def evaluate_extraction(
    benchmarks: Annotated[
        Path, typer.Option("--benchmarks", help="Folder holding the two benchmark sets.")
    ] = SHARED_DIR / "benchmarks",
) -> None:
    """Body F1 (Zyte's shingle metric), date and title accuracy on real news pages.

    Example: [bold]asylumwatch evaluate extraction --benchmarks ../shared/benchmarks[/]
    """
    from pipeline.evaluation.extraction import count_pages, evaluate_all

    if not benchmarks.is_dir():
        fail(f"{benchmarks}: no such folder (it holds article-extraction-benchmark/ and naeb/)")
    table = Table(
        "benchmark",
        "pages",
        "precision",
        "recall",
        "F1",
        "date acc.",
        "title acc.",
        "pages/s",
        title="Extraction on real news pages",
    )
    with _progress() as progress:
        task = progress.add_task("extracting benchmark pages", total=count_pages(benchmarks))
        reports = list(evaluate_all(benchmarks, lambda: progress.update(task, advance=1)))
    for r in reports:
        table.add_row(
            r.name,
            str(r.body.pages),
            f"{r.body.precision:.3f}",
            f"{r.body.recall:.3f}",
            f"{r.body.f1:.3f}",
            f"{r.date_accuracy:.3f} ({r.date_pages})" if r.date_accuracy is not None else "-",
            f"{r.title_accuracy:.3f}" if r.title_accuracy is not None else "-",
            f"{r.pages_per_second:.1f}",
        )
    console.print(table)


# The commands that live in their own modules, registered the ordinary way: a sub-app added
# without a name puts its commands at this level, one added with a name becomes a group.
# (Each module imports its heavy libraries, torch included, only when a command runs.)
app.add_typer(runs_app)  # serve, report, trends, backfill
app.add_typer(query_app)  # query
app.add_typer(export_app)  # export
app.add_typer(models_app)  # train
app.add_typer(scale_app)  # crawl-worker
sources_app.add_typer(edit_app)  # sources list, sources add
app.add_typer(sources_app, name="sources")
app.add_typer(validate_app, name="validate")
app.add_typer(config_app, name="config")
evaluate_app.add_typer(quotes_app)  # evaluate quotes
evaluate_app.add_typer(stance_app)  # evaluate stance


def _mount_subcommands() -> None:
    """Does nothing: the app is complete once this module is imported. Kept for callers
    written when the sub-apps were mounted by this function."""


def first_cause(exc: BaseException) -> str:
    """The first line of the error that started it all: DuckDB on a full disk raises "No space
    left on device", then "cannot rollback" while cleaning up, which hides the cause."""
    seen = {id(exc)}
    while (inner := exc.__cause__ or exc.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        exc = inner
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def main() -> None:
    """Console-script entry point: turns user mistakes into one message and exit code 2."""
    try:
        app()
    except (
        ConfigError,
        DatabaseBusy,
        DatabaseUnreadable,
        OSError,
    ) as exc:
        # escaped: messages quote config ([[sources]]) and scraped text, never markup
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}")
        sys.exit(2)
    except duckdb.Error as exc:  # e.g. a full disk under the database: say what DuckDB said
        err_console.print(f"[bold red]database error:[/] {escape(first_cause(exc))}")
        sys.exit(1)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM while crawling (crawlers/lifetime.py)
        err_console.print("interrupted; run the same command again to resume.")
        sys.exit(143 if isinstance(exc, Terminated) else 130)


if __name__ == "__main__":
    main()
