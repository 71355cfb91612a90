"""Every command documents itself with a runnable example."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from flows.cli import _mount_subcommands, app

COMMANDS = [
    "run",
    "crawl",
    "process",
    "query",
    "demo",
    "serve",
    "report",
    "trends",
    "backfill",
    "train",
    "sources check",
    "evaluate extraction",
    "evaluate quotes",
    "evaluate stance",
]


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    _mount_subcommands([])  # what `asylumwatch --help` mounts: every command
    return CliRunner()


def test_top_level_help_lists_every_command(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for command in {c.split()[0] for c in COMMANDS}:
        assert command in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Example" in result.output and f"asylumwatch {command}" in result.output
