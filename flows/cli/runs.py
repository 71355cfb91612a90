"""CLI commands for the scheduled flows, the weekly report and the trends.

``serve``, ``report``, ``trends`` and ``backfill`` are defined on :data:`flows_app`; the main
``asylumwatch`` app registers them (``app.add_typer(flows_app)``). Run alone for testing:
``python -m flows.cli.runs --help``.
"""

from __future__ import annotations

import flows.prefect_env  # noqa: F401  (sets PREFECT_HOME before prefect is imported)

# isort: split
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.cli.errors import fail
from flows.cli.options import (
    ContactOpt,
    DbOpt,
    LanguageOpt,
    NoDelaysOpt,
    NoModelsOpt,
    OrganisationsOpt,
    OutletOpt,
    SourcesOpt,
    TopicOpt,
    WarcDirOpt,
    resolve_paths,
)
from flows.reports.week import IsoWeek, WeekError, last_week
from pipeline.core.config import (
    ConfigError,
)
from pipeline.store.load import DatabaseBusy, connect

console = Console()
err_console = Console(stderr=True)

flows_app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def _week(value: str | None, timezone: str | None = None) -> IsoWeek | None:
    """An ISO week (2025-W25), any date in it (2025-06-18), or ``last``."""
    if value is None:
        return None
    if value.strip().lower() == "last":
        return last_week(timezone)
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        day = None
    try:
        return IsoWeek.of(day) if day is not None else IsoWeek.parse(value)
    except WeekError as exc:
        raise typer.BadParameter(f"{exc} Or give a date (2025-06-18), or 'last'.") from None


def _warn(message: str) -> None:
    err_console.print(f"[yellow]{message}[/]")


@flows_app.command()
def serve(
    sources: SourcesOpt = None,
    topic: TopicOpt = None,
    db: DbOpt = None,
    warc_dir: WarcDirOpt = None,
    monitor_cron: Annotated[
        str, typer.Option("--monitor-cron", help="When the monitor runs (cron).")
    ] = "0 */6 * * *",
    report_cron: Annotated[
        str, typer.Option("--report-cron", help="When the weekly report runs (cron).")
    ] = "0 6 * * 1",
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone", help="IANA time zone of both schedules [default: this machine's]"
        ),
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Address of the Prefect server.")] = (
        "127.0.0.1"
    ),
    port: Annotated[
        int, typer.Option("--port", help="Port of the Prefect server (0: any).")
    ] = 4200,
    no_delays: NoDelaysOpt = False,
    contact_url: ContactOpt = None,
    reports_dir: Annotated[
        Path | None,
        typer.Option(
            "--reports-dir", help="Where weekly reports go [default: <db folder>/reports]"
        ),
    ] = None,
    no_models: NoModelsOpt = False,
    organisations: OrganisationsOpt = None,
) -> None:
    """Start Prefect on 127.0.0.1 and run the monitor and the weekly report on their schedules.

    The monitor runs every 6 hours and the report on Mondays at 06:00 unless told otherwise.
    Uses the server in PREFECT_API_URL when one is set. Stop with Ctrl-C (exit code 0).
    See docs/serving.md: what runs when, running a flow now, logs.
    Example: [bold]asylumwatch serve --timezone Europe/Berlin[/]
    """
    sources, topic, db, warc_dir, organisations = resolve_paths(
        sources=sources, topic=topic, db=db, warc_dir=warc_dir, organisations=organisations
    )
    from flows import serve as serving  # imports Prefect's server machinery: only when serving

    config = serving.ServeConfig(
        sources=sources,
        topic=topic,
        db=db,
        warc_dir=warc_dir,
        monitor_cron=monitor_cron,
        report_cron=report_cron,
        timezone=timezone or serving.local_timezone(),
        host=host,
        port=port,
        polite=not no_delays,
        contact_url=contact_url,
        reports_dir=reports_dir,
        use_models=not no_models,
        organisations=organisations,
    )
    if not serving.check_timezone(config.timezone):
        fail(f"unknown time zone '{config.timezone}': use an IANA name such as Europe/Berlin.")
    if not sources.is_file():
        fail(f"{sources}: no sources file here. Pass --sources.")

    def ready(ui_url: str, api_url: str) -> None:
        console.print(f"Prefect UI: [bold]{ui_url}[/]  (API {api_url})", soft_wrap=True)
        console.print(
            f"Serving deployments monitor/{serving.MONITOR_DEPLOYMENT} "
            f"(cron '{config.monitor_cron}') and weekly-report/{serving.REPORT_DEPLOYMENT} "
            f"(cron '{config.report_cron}'), time zone {config.timezone}. Ctrl-C stops.",
            soft_wrap=True,
        )
        sys.stdout.flush()

    try:
        serving.run(config, ready)
    except serving.ServeError as exc:
        fail(str(exc))
    except KeyboardInterrupt:  # Ctrl-C while the server starts or stops: a normal stop too
        pass
    console.print("Stopped. Nothing is left half-written; the next run picks up from here.")


@flows_app.command()
def report(
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            help="ISO week (2025-W25), a date in it (2025-06-18) or 'last' [default: last]",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Reports folder; the report goes to <out>/<week>/ [default: <db folder>/reports]",
        ),
    ] = None,
    db: DbOpt = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="Time zone that decides 'last week'.")
    ] = None,
    outlet: OutletOpt = None,
    language: LanguageOpt = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="One report per week from this week (or date) on."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="With --since: the last week [default: last week]."),
    ] = None,
) -> None:
    """Write the weekly report into <out>/<week>/: CSV files, charts, README.txt, report.html.

    Each week gets its own folder, so next week's report never overwrites this one; --since
    writes one per week.
    Example: [bold]asylumwatch report --week 2025-W25 --out reports[/] (writes
    reports/2025-W25/) · [bold]asylumwatch report --week last[/] ·
    [bold]asylumwatch report --since 2025-W20 --until 2025-W25 --out reports[/]
    """
    (db,) = resolve_paths(db=db)
    from flows.reports.build import build_report
    from pipeline.store.filters import FilterError, Filters

    if week is not None and (since or until):
        fail("give --week, or --since (and --until), not both")
    if until and not since:
        fail("--until goes with --since (for one week, use --week)")
    try:
        if since:
            first = _week(since, timezone) or last_week(timezone)  # since is given: a week
            last = _week(until, timezone) or last_week(timezone)
            if first > last:
                fail(f"--since {first} is after --until {last}")
            weeks = last.back((last.start - first.start).days // 7 + 1)
        else:
            weeks = [_week(week, timezone) or last_week(timezone)]
    except WeekError as exc:
        raise typer.BadParameter(str(exc)) from None
    try:
        filters = Filters.parse(outlets=outlet, languages=language)
        results = [
            build_report(db, w, out / str(w) if out else None, on_wait=_warn, filters=filters)
            for w in weeks
        ]
    except (DatabaseBusy, FileNotFoundError, FilterError) as exc:
        fail(str(exc))
    for result in results if len(results) == 1 else []:
        table = Table("file", "rows", title=f"Weekly report {result.week}")
        for name, rows in result.rows.items():
            table.add_row(name, str(rows))
        console.print(table)
    if len(results) > 1:
        table = Table("week", "articles", "quotes", "folder", title="Weekly reports")
        for result in results:
            table.add_row(
                result.week,
                str(result.rows["articles.csv"]),
                str(result.rows["quotes.csv"]),
                result.out_dir,
            )
        console.print(table)
    for result in results:
        if result.empty:
            _warn(f"No relevant articles are stored for {result.week}: files with headers only.")
    last_result = results[-1]
    seconds = sum(r.seconds["total"] for r in results)
    console.print(f"Open {Path(last_result.out_dir) / 'report.html'} ({seconds:.1f} s)")


@flows_app.command()
def trends(
    weeks: Annotated[
        int, typer.Option("--weeks", "-n", min=1, max=104, help="How many weeks.")
    ] = 8,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="Last week shown: ISO week or a date in it [default: the latest with articles]",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="First week shown: ISO week or a date (instead of --weeks)"),
    ] = None,
    outlet: OutletOpt = None,
    language: LanguageOpt = None,
    db: DbOpt = None,
) -> None:
    """Print the main trends of the last N weeks: coverage, stance, who is quoted, speakers.

    Example: [bold]asylumwatch trends --weeks 12[/] ·
    [bold]asylumwatch trends --since 2025-W14 --until 2025-W25 --outlet "Outlet A"[/]
    """
    (db,) = resolve_paths(db=db)
    from flows.reports.trends import latest_week, trend_tables
    from pipeline.store.filters import FilterError, Filters, restrict

    try:
        filters = Filters.parse(outlets=outlet, languages=language)
        first = _week(since)
        with connect(db, read_only=True, on_wait=_warn) as con:
            restrict(con, filters)
            end = _week(until) or latest_week(con)
            if end is None:
                fail(
                    f"{db} holds no relevant article yet"
                    + (f" for {filters.describe()}" if filters else ": run the monitor first.")
                )
            if first is not None and first > end:
                fail(f"--since {first} is after the last week shown, {end}")
            window = end.back(weeks if first is None else (end.start - first.start).days // 7 + 1)
            tables = trend_tables(con, window)
    except FilterError as exc:
        fail(str(exc))
    except (DatabaseBusy, FileNotFoundError) as exc:
        fail(str(exc))
    scope = f" ({filters.describe()})" if filters else ""
    console.print(f"Trends for {window[0]} to {window[-1]}{scope} from {db}")
    for table in tables:
        console.print(table)


@flows_app.command()
def backfill(
    warc: Annotated[
        list[Path] | None, typer.Argument(help="WARC files to reprocess.", show_default=False)
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="First day, YYYY-MM-DD (crawl day or entry date).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last day, YYYY-MM-DD (crawl day or entry date).")
    ] = None,
    from_sitemaps: Annotated[
        bool,
        typer.Option(
            "--from-sitemaps", help="Crawl the sitemap entries dated from --since (to --until)."
        ),
    ] = False,
    sources: SourcesOpt = None,
    topic: TopicOpt = None,
    db: DbOpt = None,
    warc_dir: WarcDirOpt = None,
    no_delays: NoDelaysOpt = False,
    contact_url: ContactOpt = None,
    no_models: NoModelsOpt = False,
    organisations: OrganisationsOpt = None,
) -> None:
    """Run the stages again over archived WARC files, or over a date range of sitemap entries.

    Examples: [bold]asylumwatch backfill data/warc/2026-11-26/*.warc.gz[/] ·
    [bold]asylumwatch backfill --since 2026-09-01 --until 2026-09-30[/] (archives crawled then) ·
    [bold]asylumwatch backfill --from-sitemaps --since 2026-09-01 --until 2026-09-30[/]
    """
    sources, topic, db, warc_dir, organisations = resolve_paths(
        sources=sources, topic=topic, db=db, warc_dir=warc_dir, organisations=organisations
    )
    from flows.monitor import backfill_flow

    try:
        first = date.fromisoformat(since) if since else None
        last = date.fromisoformat(until) if until else None
    except ValueError as exc:
        raise typer.BadParameter(f"dates are YYYY-MM-DD: {exc}") from None
    if from_sitemaps and (warc or first is None):
        raise typer.BadParameter("--from-sitemaps needs --since and no WARC files")
    if not from_sitemaps and not warc and first is None and last is None:
        raise typer.BadParameter("name WARC files, or give --since/--until (or --from-sitemaps)")
    try:
        counts = backfill_flow(
            mode="sitemaps" if from_sitemaps else "archive",
            warc_files=[str(p) for p in warc] if warc else None,
            since=first,
            until=last,
            sources=str(sources),
            topic=str(topic),
            db=str(db),
            warc_dir=str(warc_dir),
            polite=not no_delays,
            contact_url=contact_url,
            use_models=not no_models,
            organisations=str(organisations),
        )
    except (ConfigError, DatabaseBusy, FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    table = Table("source", "fetched", "new", "failed", title="Backfill")
    for s in counts.sources:
        table.add_row(s.source, str(s.fetched), str(s.new), str(s.failed_besides_robots))
    if counts.sources:
        console.print(table)
    console.print(
        f"{len(counts.warc_files)} archive(s): {counts.articles_extracted} articles extracted, "
        f"{counts.articles_loaded} rows loaded, {counts.quotes} quotes."
    )


if __name__ == "__main__":
    flows_app()
