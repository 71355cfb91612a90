"""``asylumwatch export``: articles, quotes and the trend views as Parquet or CSV files, one per
table (the logic is :mod:`pipeline.store.export`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flows.cli.errors import fail
from flows.cli.options import DbOpt, FromDayOpt, LanguageOpt, OutletOpt, ToDayOpt, resolve_paths
from pipeline.store.export import FORMATS, ExportError, export_tables
from pipeline.store.filters import FilterError, Filters
from pipeline.store.load import DatabaseBusy

export_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@export_app.command()
def export(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Output folder [default: <db folder>/exports, the snapshot]"),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="parquet (keeps types) or csv (plain UTF-8).")
    ] = "parquet",
    since: FromDayOpt = None,
    until: ToDayOpt = None,
    outlet: OutletOpt = None,
    language: LanguageOpt = None,
    db: DbOpt = None,
) -> None:
    """Write articles, quotes and the trend views, one file per table, with a README of columns.

    Reads the database read-only; files are replaced atomically.
    Example: [bold]asylumwatch export --out exports/2025-q2 --since 2025-04-01
    --until 2025-06-30 --format csv[/]
    """
    (db,) = resolve_paths(db=db)
    if fmt not in FORMATS:
        fail(f"--format {fmt}: choose {' or '.join(FORMATS)}")
    try:
        filters = Filters.parse(since, until, outlet, language)
        result = export_tables(db, out or Path(db).parent / "exports", fmt, filters)
    except (ExportError, FilterError, DatabaseBusy, FileNotFoundError) as exc:
        fail(str(exc))
    table = Table("file", "rows", title=f"Export ({escape(result.filters)})")
    for name, rows in result.rows.items():
        table.add_row(f"{name}.{fmt}", str(rows))
    console = Console()
    console.print(table)
    for name, why in result.left_out.items():
        console.print(f"[yellow]{name}: left out ({escape(why)})[/]")
    console.print(f"Written to {escape(result.export_dir)} (README.txt lists the columns).")


if __name__ == "__main__":
    export_app()
