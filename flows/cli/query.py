"""``asylumwatch query``: SQL (or one of the trend views, filtered) against the database,
printed as a table, CSV, JSON, Markdown or one record per block (``vertical``).

The CSV is the weekly report's (:mod:`flows.reports.csv_files`): UTF-8 with a byte-order mark, CRLF
line ends, and text cells that a spreadsheet would run as a formula written as text.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flows.cli.errors import fail
from flows.cli.options import DbOpt, resolve_paths
from flows.reports.csv_files import write_stdout
from pipeline.store.filters import FilterError, Filters, restrict
from pipeline.store.load import DatabaseBusy, DatabaseUnreadable, connect
from pipeline.store.query import columns, run_sql, view_sql
from pipeline.store.views import VIEWS

query_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

TABLES_AND_VIEWS = ("articles", "quotes", *VIEWS)
# Relations computed from the articles, which the filters restrict (not crawl_health).
ARTICLE_RELATIONS = tuple(v for v in TABLES_AND_VIEWS if v != "crawl_health")


class Format(StrEnum):
    """How ``asylumwatch query`` prints its result."""

    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    vertical = "vertical"


def sql_error(exc: duckdb.Error) -> str:
    """DuckDB's message on one line: the error and its hint, without the caret drawing."""
    lines = []
    for line in str(exc).splitlines():
        if line.startswith("LINE "):
            break
        if line.strip():
            lines.append(line.strip())
    return " ".join(lines) or type(exc).__name__


@query_app.command()
def query(
    sql: Annotated[
        str | None,
        typer.Argument(help="Any SQL DuckDB understands (or use --view).", show_default=False),
    ] = None,
    db: DbOpt = None,
    fmt: Annotated[
        Format,
        typer.Option("--format", "-f", help="table, csv (for Excel), json, markdown or vertical."),
    ] = Format.table,
    as_csv: Annotated[bool, typer.Option("--csv", help="Same as --format csv.")] = False,
    view: Annotated[
        str | None,
        typer.Option(
            "--view",
            help="A table or trend view to read, filtered by the options below: "
            + ", ".join(TABLES_AND_VIEWS),
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="With --view: first day or ISO week.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="With --view: last day or ISO week.")
    ] = None,
    outlet: Annotated[
        list[str] | None, typer.Option("--outlet", help="With --view: only this outlet (repeat).")
    ] = None,
    language: Annotated[
        list[str] | None,
        typer.Option("--language", help="With --view: only this language code (repeat)."),
    ] = None,
) -> None:
    """Run SQL against the database (read-only) and print the result.

    Wide results that cannot fit the terminal as a table are printed one record per block.
    CSV is the weekly report's: UTF-8 with a byte-order mark and CRLF, so Excel reads accents.
    Example: [bold]asylumwatch query "SELECT outlet, count(*) FROM articles GROUP BY 1"[/] ·
    [bold]asylumwatch query --format csv "SELECT * FROM top_speakers" > speakers.csv[/] ·
    [bold]asylumwatch query --view weekly_stance --since 2025-W20 --outlet "Outlet A"[/]
    """
    (db,) = resolve_paths(db=db)
    if as_csv:
        fmt = Format.csv
    try:
        filters = Filters.parse(since, until, outlet, language)
    except FilterError as exc:
        fail(str(exc))
    if view is not None and sql:
        fail("give either SQL or --view, not both")
    if view is None and filters:
        fail("--since, --until, --outlet and --language apply to --view; write them in SQL")
    if view is not None and view not in TABLES_AND_VIEWS:
        fail(f"--view {view}: no such view; choose one of {', '.join(TABLES_AND_VIEWS)}")
    if view is None and not (sql or "").strip().strip(";").strip():
        fail('no SQL given: e.g. asylumwatch query "SELECT * FROM weekly_totals"')
    try:
        with connect(
            db, read_only=True, on_wait=lambda m: Console(stderr=True).print(f"[yellow]{m}[/]")
        ) as con:
            if view is not None:
                if filters and view not in ARTICLE_RELATIONS:
                    fail(
                        f"{view} is not about articles: --since/--until/--outlet/--language "
                        "do not apply to it"
                    )
                restrict(con, filters)
                sql = view_sql(view, columns(con, view))
            try:
                result = run_sql(con, sql or "")
            except duckdb.Error as exc:
                fail(f"SQL error: {sql_error(exc)}")
            if result is None:
                fail("no SQL statement given (only comments or semicolons)")
            names, rows = result
    except FilterError as exc:
        fail(str(exc))
    except (DatabaseBusy, DatabaseUnreadable, FileNotFoundError) as exc:
        fail(str(exc))
    print_result(names, rows, fmt)


def print_result(names: list[str], rows: list[tuple], fmt: Format) -> None:
    """Print the result rows in ``fmt`` on standard output."""
    if fmt is Format.csv:
        write_stdout(names, rows)
    elif fmt is Format.json:
        records = [dict(zip(names, (_json_value(v) for v in row), strict=True)) for row in rows]
        typer.echo(json.dumps(records, ensure_ascii=False, indent=1))
    elif fmt is Format.markdown:
        typer.echo(markdown(names, rows))
    elif fmt is Format.vertical:
        typer.echo(vertical(names, rows))
    else:
        console = Console()
        if fits(console, names, rows):
            console.print(rich_table(names, rows))
        else:
            typer.echo(vertical(names, rows))
            Console(stderr=True).print(
                f"({len(names)} columns do not fit {console.width} characters: one record "
                "per block; --format csv or json for a file)"
            )
        Console(stderr=True).print(f"{len(rows)} row(s)")


def text(value: object) -> str:
    """A cell as text: empty for NULL, dates and times in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if math.isfinite(value) else ""
    if isinstance(value, list | tuple):
        return "; ".join(text(v) for v in value)
    return str(value)


def rich_table(names: list[str], rows: list[tuple]) -> Table:
    """The result as a rich table, cells escaped."""
    table = Table(*(escape(n) for n in names))
    for row in rows:
        table.add_row(*(escape(text(v)) for v in row))
    return table


def fits(console: Console, names: list[str], rows: list[tuple]) -> bool:
    """Whether every column can show its longest word (else rich cuts words with '…'):
    the longest words plus the borders and padding (3 characters a column, 1 more)."""
    if not names:
        return True
    longest = [max((len(w) for w in name.split()), default=0) for name in names]
    for row in rows:
        for i, value in enumerate(row):
            words = text(value).split()
            if words:
                longest[i] = max(longest[i], max(len(w) for w in words))
    return sum(longest) + 3 * len(names) + 1 <= console.width


def vertical(names: list[str], rows: list[tuple]) -> str:
    """One block per record, ``column | value`` (like psql's ``\\x``)."""
    width = max((len(n) for n in names), default=0)
    blocks = []
    for i, row in enumerate(rows, 1):
        lines = [f"-[ record {i} ]" + "-" * max(0, width - 8)]
        for name, value in zip(names, row, strict=True):
            value_lines = text(value).splitlines() or [""]
            lines.append(f"{name.ljust(width)} | {value_lines[0]}")
            lines += [f"{'':{width}} | {more}" for more in value_lines[1:]]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def _md_cell(value: object) -> str:
    return (
        text(value)
        .replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("\r", "")
        .replace("\n", "<br>")
    )


def markdown(names: list[str], rows: list[tuple]) -> str:
    """A GitHub-flavoured Markdown table; pipes escaped, line breaks as ``<br>``."""
    lines = [
        "| " + " | ".join(_md_cell(n) for n in names) + " |",
        "|" + "|".join("---" for _ in names) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _json_value(value: object) -> object:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


if __name__ == "__main__":
    query_app()
