"""``asylumwatch sources list`` and ``sources add``: see and extend the sources file from the
command line. ``add`` appends one ``[[sources]]`` table as text, so every comment and the
layout of the file stay as they were; the result is checked with the same loader the crawler
uses before it replaces the file (atomically), so a mistake never leaves a broken file."""

from __future__ import annotations

import json
import os
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flows.cli.errors import fail
from flows.cli.options import SourcesOpt, resolve_paths
from pipeline.core.config import ConfigError, load_sources

edit_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@edit_app.command("list")
def list_sources(sources: SourcesOpt = None) -> None:
    """List the outlets of the sources file: language, country, feeds, sitemaps, filter.

    Example: [bold]asylumwatch sources list --sources data/sources.toml[/]
    """
    (sources,) = resolve_paths(sources=sources)
    try:
        configured = load_sources(sources)
    except ConfigError as exc:
        fail(str(exc))
    table = Table("source", "lang", "country", "feeds", "sitemaps", "filter", "homepage")
    for s in configured:
        table.add_row(
            escape(s.name),
            s.language,
            s.country,
            str(len(s.feeds)),
            str(len(s.sitemaps)),
            s.filter,
            escape(s.homepage),
        )
    console = Console()
    console.print(table)
    console.print(f"{len(configured)} sources in {escape(str(sources))}")


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escaping is valid TOML)."""
    return json.dumps(value, ensure_ascii=False)


def source_block(
    name: str,
    homepage: str,
    feeds: list[str],
    sitemaps: list[str],
    language: str,
    country: str,
    filter_: str,
    comment: str,
) -> str:
    """The ``[[sources]]`` table ``add`` appends, preceded by a comment line."""
    lines = [f"# {line}" for line in comment.splitlines() or [""]]
    lines += [
        "[[sources]]",
        f"name = {_toml_string(name)}",
        f"homepage = {_toml_string(homepage)}",
        "feeds = [" + ", ".join(_toml_string(f) for f in feeds) + "]",
        "sitemaps = [" + ", ".join(_toml_string(s) for s in sitemaps) + "]",
        f"language = {_toml_string(language)}",
    ]
    if country:
        lines.append(f"country = {_toml_string(country)}")
    if filter_ != "all":
        lines.append(f"filter = {_toml_string(filter_)}")
    return "\n".join(lines) + "\n"


@edit_app.command("add")
def add_source(
    name: Annotated[str, typer.Argument(help="The outlet's name, as reports show it.")],
    homepage: Annotated[str, typer.Option("--homepage", help="The outlet's home page URL.")],
    feed: Annotated[
        list[str] | None, typer.Option("--feed", help="RSS/Atom feed (repeat).")
    ] = None,
    sitemap: Annotated[
        list[str] | None, typer.Option("--sitemap", help="News sitemap (repeat).")
    ] = None,
    language: Annotated[str, typer.Option("--language", help="ISO 639-1 code.")] = "en",
    country: Annotated[str, typer.Option("--country", help="ISO 3166 code, e.g. CA.")] = "",
    filter_: Annotated[
        str, typer.Option("--filter", help="all (every entry) or topic (matching entries).")
    ] = "all",
    comment: Annotated[
        str | None, typer.Option("--comment", help="Comment line written above the table.")
    ] = None,
    sources: SourcesOpt = None,
) -> None:
    """Append an outlet to the sources file, keeping its comments; checked before it is saved.

    Example: [bold]asylumwatch sources add "Le Devoir" --homepage https://www.ledevoir.com/
    --feed https://www.ledevoir.com/rss/manchettes.xml --language fr --country CA[/]
    """
    (sources,) = resolve_paths(sources=sources)
    if not sources.is_file():
        fail(f"{sources}: no sources file here. Pass --sources.")
    try:
        existing = load_sources(sources)
    except ConfigError as exc:
        fail(f"{exc} (fix the file before adding to it)")
    if any(s.name == name for s in existing):
        fail(f"{sources} already has a source named '{name}': choose another name")
    text = sources.read_text(encoding="utf-8")
    block = source_block(
        name,
        homepage,
        list(feed or []),
        list(sitemap or []),
        language,
        country,
        filter_,
        comment or f"{name}: added by `asylumwatch sources add` on {date.today().isoformat()}",
    )
    new_text = text.rstrip("\n") + "\n\n" + block
    partial = sources.with_name(f".{sources.name}.{os.getpid()}.tmp")
    try:
        partial.write_text(new_text, encoding="utf-8")
        try:
            load_sources(partial)
        except ConfigError as exc:
            fail(str(exc).replace(str(partial), str(sources)) + " (the file is unchanged)")
        os.replace(partial, sources)
    finally:
        partial.unlink(missing_ok=True)
    Console(soft_wrap=True).print(
        f"Added '{escape(name)}' to {escape(str(sources))} ({len(existing) + 1} sources). "
        f"Check it answers: asylumwatch sources check --sources {escape(str(sources))}"
    )


if __name__ == "__main__":
    edit_app()
