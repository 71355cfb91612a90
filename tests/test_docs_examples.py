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


# --- every other page: what can run as written runs; the rest is at least checked -----------

ALL_PAGES = sorted(p.name for p in DOCS.glob("*.md"))
README = DOCS.parent / "README.md"


def all_blocks() -> list[tuple[str, str, str]]:
    """``(page, language, code)`` of every fenced block in docs/*.md and README.md."""
    found = [(page, lang, code) for page in ALL_PAGES for lang, code in blocks(page)]
    text = README.read_text(encoding="utf-8")
    found += [("README.md", m[1], m[2]) for m in BLOCK.finditer(text)]
    return found


def cli_lines() -> list[tuple[str, str]]:
    """Every ``asylumwatch`` command line of a shell block, continuations joined, each piece
    of an ``&&`` chain apart; lines with placeholders (``[--flag]``, ``...``) left out."""
    out = []
    for page, lang, code in all_blocks():
        if lang not in ("bash", "sh"):
            continue
        for line in code.replace("\\\n", " ").splitlines():
            for part in line.split("&&"):
                part = part.split(" # ")[0].split(">")[0].split("|")[0].strip()
                if part.startswith("asylumwatch ") and "[" not in part and "..." not in part:
                    out.append((page, part))
    return out


@pytest.mark.parametrize(("page", "line"), cli_lines())
def test_every_documented_command_line_parses(page: str, line: str) -> None:
    """The command and every option it names exist (parsed with --help: nothing runs)."""
    args = shlex.split(line)[1:]
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, f"{page}: {line}\n{result.output}"


def test_every_sql_example_runs(tmp_path: Path) -> None:
    """The SQL of schema.md and crawling.md, statement by statement, on a loaded database."""
    import duckdb

    db = tmp_path / "asylumwatch.duckdb"
    build_db(db)
    ran = 0
    with duckdb.connect(str(db), read_only=True) as con:
        for page, lang, code in all_blocks():
            if lang != "sql":
                continue
            for statement in code.split(";"):
                sql = "\n".join(
                    line for line in statement.splitlines() if not line.strip().startswith("--")
                ).strip()
                if sql:
                    try:
                        con.execute(sql).fetchall()
                    except duckdb.Error as exc:
                        raise AssertionError(f"{page}: {sql}\n{exc}") from None
                    ran += 1
    assert ran >= 9


def test_every_python_and_toml_example_is_valid() -> None:
    """Python blocks that need a live pipeline (models, spaCy) compile; TOML blocks parse."""
    import tomllib

    checked = 0
    for page, lang, code in all_blocks():
        if lang == "python":
            compile(code, f"{page} example", "exec")
            checked += 1
        elif lang == "toml" and "..." not in code:
            tomllib.loads(code)
            checked += 1
    assert checked >= 6
