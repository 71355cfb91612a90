"""``asylumwatch export`` and the Parquet snapshot (pipeline/store/export.py)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from test_report_fixtures import build_db
from typer.testing import CliRunner

from flows.cli import _mount_subcommands, app
from pipeline.store.export import RELATIONS
from pipeline.store.snapshot import EXPORTS, export_snapshot


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    _mount_subcommands()
    return build_db(tmp_path_factory.mktemp("export") / "aw.duckdb")


def cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "120"})


def count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def test_export_writes_one_parquet_file_per_relation_with_a_readme(db: Path, tmp_path: Path):
    out = tmp_path / "ex"
    result = cli("export", "--db", str(db), "--out", str(out))
    assert result.exit_code == 0, result.output
    for name in RELATIONS:
        assert pq.read_table(out / f"{name}.parquet").num_rows == count(
            db, f"SELECT count(*) FROM {name}"
        ), name
    readme = (out / "README.txt").read_text()
    assert "quotes.parquet: 13 rows" in readme and "speaker_role  VARCHAR" in readme
    meta = json.loads((out / "snapshot.json").read_text())
    assert meta["format"] == "parquet" and meta["rows"]["articles"] == 10
    assert not list(out.glob(".*.tmp"))


def test_export_filters_and_csv(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    args = ["export", "--db", str(db), "--out", str(out), "--format", "csv"]
    result = cli(*args, "--since", "2025-W25", "--until", "2025-W25", "--outlet", "Outlet A")
    assert result.exit_code == 0, result.output
    articles = duckdb.sql(f"SELECT article_id FROM read_csv_auto('{out}/articles.csv')").fetchall()
    assert sorted(a for (a,) in articles) == ["art001", "art002", "art003", "art004"]
    quotes = duckdb.sql(f"SELECT DISTINCT article_id FROM '{out}/quotes.csv'").fetchall()
    assert sorted(a for (a,) in quotes) == ["art001", "art002", "art003", "art004"]
    weeks = duckdb.sql(f"SELECT DISTINCT week FROM '{out}/weekly_coverage.csv'").fetchall()
    assert weeks == [("2025-W25",)]
    # views without an outlet column count that outlet only
    totals = duckdb.sql(f"SELECT relevant_articles, outlets FROM '{out}/weekly_totals.csv'")
    assert totals.fetchall() == [(3, 1)]
    # crawl runs are not about articles: left out and said so, never exported whole
    assert not (out / "crawl_runs.csv").exists()
    assert "crawl_runs: left out" in result.output
    assert "crawl_runs: left out" in (out / "README.txt").read_text()


def test_export_errors_are_one_line(db: Path, tmp_path: Path) -> None:
    bad = cli("export", "--db", str(db), "--out", str(tmp_path), "--format", "xlsx")
    assert bad.exit_code == 2 and "--format xlsx" in bad.stderr
    bad = cli("export", "--db", str(db), "--out", str(tmp_path), "--since", "soon")
    assert bad.exit_code == 2 and "--since" in bad.stderr
    missing = cli("export", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "x"))
    assert missing.exit_code == 2 and "no such database" in missing.stderr


def test_snapshot_is_the_parquet_export(db: Path, tmp_path: Path) -> None:
    snapshot = export_snapshot(db, tmp_path / "exports")
    assert set(snapshot.rows) == set(EXPORTS)
    assert snapshot.rows["articles"] == 10 and (tmp_path / "exports" / "snapshot.json").is_file()
