"""Command-line options shared by every ``asylumwatch`` command module."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.core.since import parse_since

# Each path: the flag, else its environment variable, else the project file asylumwatch.toml
# (flows.cli.root.main passes it as Click's default_map), else the default
# (pipeline/core/settings.py; `asylumwatch config show` prints which).
SourcesOpt = Annotated[
    Path,
    typer.Option("--sources", help="Outlets to crawl (TOML).", envvar="ASYLUMWATCH_SOURCES"),
]
TopicOpt = Annotated[
    Path, typer.Option("--topic", help="Topic profile (TOML).", envvar="ASYLUMWATCH_TOPIC")
]
DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB database file.", envvar="ASYLUMWATCH_DB")]
WarcDirOpt = Annotated[
    Path,
    typer.Option(
        "--warc-dir", help="Where WARC archives are written.", envvar="ASYLUMWATCH_WARC_DIR"
    ),
]
OrganisationsOpt = Annotated[
    Path,
    typer.Option(
        "--organisations",
        help="Organisation table of the quote stage: names, aliases, speaker roles (TOML).",
        envvar="ASYLUMWATCH_ORGANISATIONS",
    ),
]
NoDelaysOpt = Annotated[
    bool,
    typer.Option("--no-delays", help="Turn politeness delays off (local test sites only)."),
]
NoModelsOpt = Annotated[
    bool,
    typer.Option(
        "--no-models",
        help="Skip the transformer classifiers: keyword relevance, rule-based roles, no stance.",
    ),
]


def _check_since(value: str | None) -> str | None:
    """Reject a horizon the crawler could not read, before anything starts."""
    if value is not None:
        try:
            parse_since(value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    return value


SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Skip feed and sitemap entries older than this: an age (30d, 12h, 2w) or a date.",
        callback=_check_since,
    ),
]
FromDayOpt = Annotated[str | None, typer.Option("--since", help="First day or ISO week.")]
ToDayOpt = Annotated[str | None, typer.Option("--until", help="Last day or ISO week.")]
ContactOpt = Annotated[
    str | None,
    typer.Option("--contact-url", help="Contact URL for the crawler's User-Agent."),
]
OutletOpt = Annotated[
    list[str] | None,
    typer.Option("--outlet", help="Only this outlet, as named in the sources file (repeat)."),
]
LanguageOpt = Annotated[
    list[str] | None, typer.Option("--language", help="Only this language code (repeat).")
]
