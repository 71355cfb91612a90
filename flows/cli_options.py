"""Command-line options shared by every ``asylumwatch`` command module."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

SourcesOpt = Annotated[Path, typer.Option("--sources", help="Outlets to crawl (TOML).")]
TopicOpt = Annotated[Path, typer.Option("--topic", help="Topic profile (TOML).")]
DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB database file.")]
WarcDirOpt = Annotated[Path, typer.Option("--warc-dir", help="Where WARC archives are written.")]
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
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Skip feed and sitemap entries older than this: an age (30d, 12h, 2w) or a date.",
    ),
]
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
