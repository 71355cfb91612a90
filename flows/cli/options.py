"""Command-line options shared by every ``asylumwatch`` command module."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.cli.errors import fail
from pipeline.core.config import ConfigError
from pipeline.core.settings import FIELDS, Settings, resolve
from pipeline.core.since import parse_since


def path_help(text: str, setting: str) -> str:
    """An option's help, with where the value comes from when the flag is not given."""
    return f"{text} Not given: ${FIELDS[setting][0]}, else asylumwatch.toml, else the default."


# Each path option is None when not given; the command hands it to `resolve_paths`, which asks
# pipeline.core.settings.resolve(): the flag, else its environment variable, else the project
# file asylumwatch.toml, else the default (`asylumwatch config show` prints which).
SourcesOpt = Annotated[
    Path | None,
    typer.Option("--sources", help=path_help("Outlets to crawl (TOML).", "sources")),
]
TopicOpt = Annotated[
    Path | None, typer.Option("--topic", help=path_help("Topic profile (TOML).", "topic"))
]
DbOpt = Annotated[Path | None, typer.Option("--db", help=path_help("DuckDB database file.", "db"))]
WarcDirOpt = Annotated[
    Path | None,
    typer.Option("--warc-dir", help=path_help("Where WARC archives are written.", "warc_dir")),
]
OrganisationsOpt = Annotated[
    Path | None,
    typer.Option(
        "--organisations",
        help=path_help(
            "Organisation table of the quote stage: names, aliases, speaker roles (TOML).",
            "organisations",
        ),
    ),
]


def resolved(**flags: Path | None) -> Settings:
    """The command's settings: each path flag given (None: not given) over the environment,
    the project file and the defaults, by :func:`pipeline.core.settings.resolve`. A bad
    project file ends the command with its message (exit code 2)."""
    try:
        return resolve(flags)
    except ConfigError as exc:
        fail(str(exc))


def resolve_paths(**flags: Path | None) -> tuple[Path, ...]:
    """The paths these flags name, in the order given, each resolved by :func:`resolved`:
    ``db, topic = resolve_paths(db=db, topic=topic)``."""
    settings = resolved(**flags)
    return tuple(settings[name] for name in flags)


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
