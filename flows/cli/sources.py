"""``asylumwatch sources ...``: commands about the configured sources, and the per-source
table printed at the end of every crawl (:func:`print_crawl_report`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crawlers.job import CrawlOptions
from crawlers.runner import CrawlResult, run_check
from flows.cli.options import SourcesOpt, resolve_paths
from pipeline.core.config import load_sources
from pipeline.core.counts import build_report
from pipeline.core.warc import read_fetch_log
from pipeline.store.load import connect
from pipeline.store.summary import stored_counts, warc_processed

console = Console()

sources_app = typer.Typer(
    name="sources",
    help="Check the configured sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

STALE_DAYS = 30


@sources_app.callback()
def _sources() -> None:
    """Check the configured sources."""


@sources_app.command("check")
def check(
    sources: SourcesOpt = None,
    contact_url: Annotated[
        str | None, typer.Option("--contact-url", help="Contact URL for the User-Agent.")
    ] = None,
    no_delays: Annotated[
        bool, typer.Option("--no-delays", help="Turn politeness delays off (local sites only).")
    ] = False,
) -> None:
    """Fetch every feed and sitemap in the sources file and say which answer, parse, and how
    fresh they are. Run it after editing sources.toml. Exits with 1 when any fails.

    Example: [bold]asylumwatch sources check --sources data/sources.toml[/]
    """
    (sources,) = resolve_paths(sources=sources)
    configured = load_sources(sources)
    with console.status(f"checking {len(configured)} sources..."):
        rows = run_check(configured, CrawlOptions(polite=not no_delays, contact_url=contact_url))
    failures = print_check_table(rows, console)
    if failures:
        console.print(f"[bold red]{failures} feed(s)/sitemap(s) failed.[/]")
        raise typer.Exit(1)
    console.print("All feeds and sitemaps answer and parse.")


def print_check_table(rows: list[dict], out: Console | None = None) -> int:
    """Print the check table; returns the number of configured feeds/sitemaps that failed."""
    out = out or console
    table = Table(title="Feeds and sitemaps")
    for name, justify in [
        ("source", "left"),
        ("kind", "left"),
        ("url", "left"),
        ("status", "right"),
        ("result", "left"),
        ("entries", "right"),
        ("newest entry", "left"),
    ]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]  # a rich JustifyMethod
    failures = 0
    hints: list[str] = []
    now = datetime.now(UTC).replace(tzinfo=None)
    for row in sorted(rows, key=lambda r: (r["source"], r["kind"] != "robots", r["url"])):
        if row["kind"] == "robots":
            declared = row.get("declared") or []
            if declared:
                hints.append(
                    escape(f"{row['source']}: robots.txt declares sitemap(s) {', '.join(declared)}")
                )
            continue
        error = row.get("error")
        result = "[green]ok[/]"
        if error:
            failures += 1
            result = f"[red]{error}[/]"
        elif row.get("entries") == 0:
            result = "[yellow]no entries[/]"
        newest = row.get("newest")
        newest_text = ""
        if newest:
            when = datetime.fromisoformat(newest)
            age = (now - when).days
            newest_text = f"{when:%Y-%m-%d %H:%M} ({age} d ago)"
            if age > STALE_DAYS and not error:
                result = f"[yellow]stale: nothing for {age} days[/]"
        table.add_row(
            escape(row["source"]),
            escape(str(row["kind"])),
            escape(row["url"] + (f"\n-> {row['final_url']}" if row.get("final_url") else "")),
            "" if row.get("status") is None else str(row["status"]),
            result,
            "" if row.get("entries") is None else str(row["entries"]),
            newest_text,
        )
    out.print(table)
    for hint in hints:
        out.print(hint)
    return failures


def print_crawl_report(db_path: Path, result: CrawlResult, out: Console | None = None) -> None:
    """The per-source table printed at the end of a crawl: discovered, fetched, new articles,
    duplicates, skipped by topic or age, failed by reason. New articles and duplicates show
    once the run's WARC has been processed (``asylumwatch run`` does it)."""
    out = out or console
    fetches = read_fetch_log(result.fetch_log)
    stats = result.stats()
    stored = None
    if Path(db_path).exists():
        with connect(db_path, read_only=True) as con:
            if warc_processed(con, result.warc_file):
                stored = stored_counts(con, [result.warc_file])
    names = list((stats.get("sources") or {}).keys())
    reports = build_report(fetches, stats, stored, names)
    # No borders, every header word whole, failure reasons below the table: the nine columns
    # fit an 80-character terminal.
    table = Table(
        title=f"Crawl {result.run_id}", box=None, padding=(0, 1, 0, 0), header_style="bold"
    )
    for name in (
        "source",
        "discovered",
        "already had",
        "fetched",
        "new articles",
        "duplicates",
        "skipped (topic)",
        "too old",
        "failed",
    ):
        # counts: as wide as the header's longest word, or the whole header when there is room
        width = max(len(word) for word in name.split())
        table.add_column(
            name,
            justify="left" if name == "source" else "right",
            min_width=None if name == "source" else width,
            max_width=None if name == "source" else (width if out.width < 120 else len(name)),
        )

    def num(value: int | None) -> str:
        return "-" if value is None else str(value)

    reasons = []
    for r in reports:
        failed = ", ".join(f"{code} {n}" for code, n in sorted(r.failed.items()))
        if failed:
            reasons.append(f"{r.source} failed: {failed}")
        table.add_row(
            escape(r.source),
            num(r.discovered),
            num(r.already_fetched),
            str(r.fetched),
            num(r.new),
            num(r.duplicates),
            str(r.topic_filtered),
            str(r.too_old),
            str(r.failed_total),
        )
    out.print(table)
    for line in reasons:
        out.print(line, markup=False)
    if not stats:
        out.print(
            "[yellow]The crawl did not end normally: discovery counts are missing; the next "
            "run picks up what is left.[/]"
        )
