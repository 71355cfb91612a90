"""How every command reports a mistake the user can fix: one line on stderr, exit code 2."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape


def fail(message: str) -> NoReturn:
    """Print ``error: <message>`` (literally: never read as markup) and exit with code 2."""
    Console(stderr=True, soft_wrap=True).print(
        f"[bold red]error:[/] {escape(message)}", highlight=False
    )
    raise typer.Exit(2)
