"""The analysts' guide runs as written: every ``asylumwatch`` command of its ``bash`` blocks and
every ``python`` block, in the order of the page, against a database with known content laid
out as in a fresh clone (``data/asylumwatch.duckdb``, ``data/exports/``)."""

from __future__ import annotations

import csv
import io
import re
import shlex
from pathlib import Path

import pytest
from test_report_fixtures import build_db
from typer.testing import CliRunner

from flows.cli import _mount_subcommands, app

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
# Commands that read the database: the examples rely on the default, data/asylumwatch.duckdb.
TAKES_DB = {"query", "trends", "report", "export", "validate sample"}


def blocks(page: str) -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in BLOCK.finditer((DOCS / page).read_text(encoding="utf-8"))]


def code_as_the_coder(path: Path) -> None:
    """What the person does between ``validate sample`` and ``validate score``."""
    raw = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    for i, row in enumerate(rows):
        for column in [c for c in row if c.startswith("coder_") and c != "coder_note"]:
            tool = row.get("tool_" + column[len("coder_") :])  # none in a blind sample
            row[column] = (tool or "neutral") if i % 4 else "restrictive"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def run_command(line: str, runner: CliRunner) -> None:
    args = shlex.split(line, comments=True)
    assert args[0] == "asylumwatch", line
    args = args[1:]
    target = None
    if ">" in args:
        at = args.index(">")
        target, args = Path(args[at + 1]), args[:at]
    name = " ".join(args[:2]) if args[0] == "validate" else args[0]
    if name in TAKES_DB and "--db" not in args:
        args += ["--db", "data/asylumwatch.duckdb"]
    if name == "validate score":
        code_as_the_coder(Path(args[2]))
    result = runner.invoke(app, args, env={"COLUMNS": "100"})
    assert result.exit_code == 0, f"{line}\n{result.output}"
    if target is not None:
        target.write_bytes(result.stdout_bytes)


# What each page's examples leave behind (relative to the project folder), and how many ran.
PRODUCES = {
    "analysts.md": (
        ["top.csv", "data/exports/quotes.parquet", "validation/quotes.score.html"],
        {"bash": 10, "python": 3},
    ),
    "reports.md": (["reports/2025-W25/report.html", "data/reports"], {"bash": 4, "python": 0}),
}


@pytest.mark.parametrize("page", sorted(PRODUCES))
def test_every_example_runs_as_written(page: str, tmp_path: Path, monkeypatch) -> None:
    _mount_subcommands()
    build_db(tmp_path / "data" / "asylumwatch.duckdb")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    ran = {"bash": 0, "python": 0}
    for language, code in blocks(page):
        if language == "bash":
            for line in code.splitlines():
                if line.startswith("asylumwatch "):
                    run_command(line, runner)
                    ran["bash"] += 1
        elif language == "python":
            exec(compile(code, f"{page} example", "exec"), {"__name__": "__doc_example__"})
            ran["python"] += 1
    files, at_least = PRODUCES[page]
    assert all(ran[k] >= n for k, n in at_least.items()), ran
    for name in files:
        assert (tmp_path / name).exists(), name
    if page == "analysts.md":
        assert (tmp_path / "top.csv").read_bytes().startswith(b"\xef\xbb\xbf")
