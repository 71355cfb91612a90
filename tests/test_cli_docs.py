"""docs/cli.md is the reference the app prints today (regenerate it with `make docs-cli`)."""

from __future__ import annotations

from pathlib import Path

from flows.cli.docs import render

CLI_MD = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert CLI_MD.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is out of date: run `make docs-cli` (python -m flows.cli.docs > docs/cli.md)"
    )


def test_cli_reference_names_every_command() -> None:
    text = CLI_MD.read_text(encoding="utf-8")
    for command in (
        "run",
        "crawl",
        "process",
        "demo",
        "serve",
        "report",
        "trends",
        "backfill",
        "query",
        "export",
        "train",
        "sources check",
        "validate score",
        "evaluate quotes",
        "evaluate stance",
        "evaluate extraction",
    ):
        assert f"`asylumwatch {command}`" in text, command
