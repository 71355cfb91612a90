"""``asylumwatch config show``: every path the project uses, and where each came from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.cli.options import (
    DbOpt,
    OrganisationsOpt,
    SourcesOpt,
    TopicOpt,
    WarcDirOpt,
    resolved,
)

config_app = typer.Typer(
    help="Show the configuration: each path, and whether a flag, the environment, the project "
    "file (asylumwatch.toml) or the default set it.",
    no_args_is_help=True,
)


@config_app.command("show")
def show(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Folder of the writable state: database, WARC archives, Prefect's state, "
            "trained models.",
        ),
    ] = None,
    sources: SourcesOpt = None,
    topic: TopicOpt = None,
    db: DbOpt = None,
    warc_dir: WarcDirOpt = None,
    models_config: Annotated[
        Path | None, typer.Option("--models-config", help="Models config (TOML).")
    ] = None,
    organisations: OrganisationsOpt = None,
    prefect_home: Annotated[
        Path | None, typer.Option("--prefect-home", help="Prefect's state folder.")
    ] = None,
) -> None:
    """Print each setting, its value and where it came from (flag, environment, project file
    asylumwatch.toml in this folder, or default). The database, the WARC folder and Prefect's
    home default to the data folder (data_dir); the reference files to the checkout's data/,
    or the installed package's copy.

    Example: [bold]asylumwatch config show --db /tmp/other.duckdb[/]
    """
    flags = {
        "data_dir": data_dir,
        "sources": sources,
        "topic": topic,
        "db": db,
        "warc_dir": warc_dir,
        "models_config": models_config,
        "organisations": organisations,
        "prefect_home": prefect_home,
    }
    settings = resolved(**flags)
    table = Table("setting", "value", "from")
    for name, value, origin in settings.rows():
        table.add_row(name, value, origin)
    Console(width=200, soft_wrap=True).print(table)
