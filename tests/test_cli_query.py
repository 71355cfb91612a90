"""``asylumwatch query``: output formats, the report's CSV, wide tables, clean errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_report_fixtures import INJECTIONS, build_db
from typer.testing import CliRunner

from flows.cli import _mount_subcommands, app
from flows.cli.query import markdown, vertical
from pipeline.store.filters import FilterError, Filters


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    _mount_subcommands()
    return build_db(tmp_path_factory.mktemp("query") / "aw.duckdb")


def run(db: Path, *args: str, columns: int = 80):
    return CliRunner().invoke(app, ["query", *args, "--db", str(db)], env={"COLUMNS": str(columns)})


def test_csv_is_the_reports_csv_bom_crlf_and_formula_safe(db: Path) -> None:
    result = run(
        db, "SELECT title, 'Zoë Ça' AS name FROM articles ORDER BY article_id", "-f", "csv"
    )
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert (
        raw.startswith(b"\xef\xbb\xbf")
        and b"\r\n" in raw
        and b"\n" not in raw.replace(b"\r\n", b"")
    )
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["title", "name"]
    assert rows[1] == ["'" + INJECTIONS[0], "Zoë Ça"]  # no live formula, accents intact
    assert all(not r[0].startswith(("=", "+", "-", "@")) for r in rows[1:])
    legacy = run(db, "SELECT title FROM articles ORDER BY article_id", "--csv")
    assert legacy.stdout_bytes == raw.split(b",")[0] + raw[raw.index(b"\r\n") :].replace(
        b",Zo\xc3\xab \xc3\x87a", b""
    )


def test_json_markdown_and_vertical(db: Path) -> None:
    sql = "SELECT article_id, published_at, relevance_score, authors FROM articles "
    sql += "WHERE article_id = 'art001'"
    records = json.loads(run(db, sql, "--format", "json").stdout)
    assert records == [
        {
            "article_id": "art001",
            "published_at": "2025-06-17T10:00:00",
            "relevance_score": 0.9,
            "authors": ["A. Reporter"],
        }
    ]
    md = run(db, "SELECT 'a|b' AS x, 'two\nlines' AS y", "--format", "markdown").stdout
    assert md.splitlines() == ["| x | y |", "|---|---|", "| a\\|b | two<br>lines |"]
    vert = run(db, sql, "--format", "vertical").stdout
    assert "-[ record 1 ]" in vert and "article_id      | art001" in vert
    assert markdown(["n"], []) == "| n |\n|---|"
    assert vertical(["a", "bb"], [(1, "x\ny")]).splitlines()[1:] == ["a  | 1", "bb | x", "   | y"]


def test_wide_results_fall_back_to_one_record_per_block(db: Path) -> None:
    wide = run(db, "SELECT * FROM articles LIMIT 2", columns=80)
    assert wide.exit_code == 0
    assert "-[ record 2 ]" in wide.stdout and "…" not in wide.stdout
    assert "do not fit 80 characters" in wide.stderr
    long_word = run(db, "SELECT 'https://outlet.example/' || repeat('x', 90) AS url")
    assert "-[ record 1 ]" in long_word.stdout and "x" * 90 in long_word.stdout
    narrow = run(db, "SELECT outlet, count(*) AS n FROM articles GROUP BY 1 ORDER BY 1")
    assert "┃ outlet" in narrow.stdout and "Outlet A" in narrow.stdout
    assert "2 row(s)" in narrow.stderr


def test_scraped_text_is_escaped_in_the_table(db: Path) -> None:
    result = run(db, "SELECT '[bold]not markup[/bold] [red]' AS t")
    assert result.exit_code == 0, result.output
    assert "[bold]not markup[/bold] [red]" in result.stdout


@pytest.mark.parametrize("sql", ["", "   ", ";", "/* only a comment */"])
def test_empty_sql_is_a_one_line_error(db: Path, sql: str) -> None:
    result = run(db, sql)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "error:" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_invalid_sql_is_a_one_line_error_without_traceback(db: Path) -> None:
    for sql in ("SELEC 1", "SELECT * FROM nope", "INSERT INTO articles VALUES (1)"):
        result = run(db, sql, columns=200)
        assert result.exit_code == 2, sql
        assert result.stderr.startswith("error: SQL error:") and result.stderr.count("\n") == 1
    # the real command line: no traceback either
    out = subprocess.run(
        [sys.executable, "-m", "flows.cli", "query", "", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr and "no SQL" in out.stderr


def test_view_with_filters(db: Path) -> None:
    rows = json.loads(
        run(
            db,
            "--view",
            "weekly_coverage",
            "--since",
            "2025-06-16",
            "--until",
            "2025-W25",
            "--outlet",
            "Outlet B",
            "-f",
            "json",
        ).stdout
    )
    assert [(r["week"], r["outlet"]) for r in rows] == [("2025-W25", "Outlet B")]
    quotes = json.loads(
        run(
            db, "--view", "quotes", "--language", "en", "--until", "2025-06-05", "-f", "json"
        ).stdout
    )
    assert quotes and {q["article_id"] for q in quotes} == {"art010", "art011"}
    # views without an outlet column count the chosen outlets only
    totals = json.loads(
        run(db, "--view", "weekly_totals", "--outlet", "Outlet A", "--since", "2025-W25", "-f",
            "json").stdout
    )  # fmt: skip
    assert [(t["week"], t["relevant_articles"], t["outlets"]) for t in totals] == [
        ("2025-W25", 3, 1)
    ]
    bad = run(db, "--view", "crawl_health", "--outlet", "Outlet A", columns=200)
    assert bad.exit_code == 2 and "crawl_health is not about articles" in bad.stderr
    assert run(db, "--view", "nope").exit_code == 2
    assert run(db, "SELECT 1", "--since", "2025-01-01").exit_code == 2


def test_filters_parse_dates_and_weeks() -> None:
    f = Filters.parse("2025-W25", "2025-W25")
    assert (str(f.since), str(f.until)) == ("2025-06-16", "2025-06-22")
    with pytest.raises(FilterError, match="--since"):
        Filters.parse("last tuesday")
    with pytest.raises(FilterError, match="after"):
        Filters.parse("2025-02-01", "2025-01-01")
    assert not Filters.parse()
