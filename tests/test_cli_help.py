"""Every command documents itself with a runnable example."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import _mount_subcommands, app

REPO = Path(__file__).resolve().parents[1]

COMMANDS = [
    "run",
    "crawl",
    "crawl-worker",
    "process",
    "query",
    "demo",
    "export",
    "validate sample",
    "validate score",
    "serve",
    "report",
    "trends",
    "backfill",
    "train",
    "sources check",
    "sources list",
    "sources add",
    "evaluate extraction",
    "evaluate quotes",
    "evaluate stance",
]


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    _mount_subcommands()  # what `asylumwatch` mounts: every command
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


def test_the_cli_starts_without_importing_torch() -> None:
    """Listing and help stay quick: torch loads only when a classifier command runs."""
    code = (
        "import sys; from flows.cli import _mount_subcommands; _mount_subcommands(); "
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("args", [["--help"], ["backfill", "--help"]])
def test_help_creates_no_folder(tmp_path: Path, args: list[str]) -> None:
    """Help (or any command that runs no flow) writes nothing: Prefect's home is created only
    where Prefect runs (flows.prefect_ready), not when flows.prefect_env is imported."""
    work = tmp_path / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASYLUMWATCH_")}
    env.pop("PREFECT_HOME", None)  # tests/conftest.py points it into the checkout
    env["ASYLUMWATCH_DATA_DIR"] = str(work / "state")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(work.iterdir()) == []
