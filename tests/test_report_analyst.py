"""The weekly report as an analyst uses it: one folder per week, --week as a date or 'last',
nothing left on failure, honest ties, change against last week, example quotes, a
colour-blind-safe palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_fixtures import WEEK, build_db
from typer.testing import CliRunner

from flows.cli import _mount_subcommands, app
from flows.reports.build import build_report
from flows.reports.charts import OKABE_ITO, ROLE_COLOURS, ROLE_HATCHES, STANCE_COLOURS
from flows.reports.html import _change, _more_text
from flows.reports.week import IsoWeek, last_week


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    _mount_subcommands()
    return build_db(tmp_path_factory.mktemp("report_analyst") / "aw.duckdb")


def cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "120"})


def test_out_is_a_folder_of_weeks_and_week_takes_a_date(db: Path, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    result = cli("report", "--db", str(db), "--week", "2025-06-18", "--out", str(reports))
    assert result.exit_code == 0, result.output
    assert (reports / WEEK / "report.html").is_file()
    assert (
        cli("report", "--db", str(db), "--week", "2025-W24", "--out", str(reports)).exit_code == 0
    )
    assert sorted(p.name for p in reports.iterdir()) == ["2025-W24", WEEK]  # nothing overwritten
    last = cli("report", "--db", str(db), "--week", "last", "--out", str(reports))
    assert last.exit_code == 0 and (reports / str(last_week())).is_dir()
    bad = cli("report", "--db", str(db), "--week", "someday", "--out", str(reports))
    assert bad.exit_code == 2 and "someday" in bad.output


def test_a_failed_report_leaves_no_folder(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = cli("report", "--db", str(tmp_path / "none.duckdb"), "--week", WEEK, "--out", str(out))
    assert result.exit_code == 2 and not out.exists()


def test_a_report_that_fails_while_writing_removes_the_folders_it_made(
    db: Path, tmp_path: Path, monkeypatch
) -> None:
    import flows.reports.build as report

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "render", broken)
    with pytest.raises(RuntimeError):
        build_report(db, IsoWeek.parse(WEEK), tmp_path / "a" / "b" / WEEK)
    assert not (tmp_path / "a").exists()


def test_ties_are_shown_honestly() -> None:
    tie = [{"rank": 1, "speaker": f"s{i}"} for i in range(32)]
    assert _more_text(tie, 15) == "and 17 more tied at rank 1 (32 speakers share it)"
    mixed = [{"rank": r} for r in [1, 2, 3, 3, 3, 6, 7]]
    assert _more_text(mixed, 4) == "and 1 more tied at rank 3 (3 speakers share it), 2 more below"
    assert _more_text([{"rank": r} for r in [1, 2, 3, 4]], 2) == "2 more rows"


def test_change_against_last_week() -> None:
    assert _change(12, 8) == "+4 (+50%) vs last week"
    assert _change(6, 8) == "-2 (-25%) vs last week"
    assert _change(5, 5) == "same as last week"
    assert _change(3, 0) == "+3 vs none last week"


def test_page_shows_changes_and_example_quotes(db: Path, tmp_path: Path) -> None:
    out = Path(build_report(db, IsoWeek.parse(WEEK), tmp_path / "r").out_dir)
    page = (out / "report.html").read_text()
    # week 24 holds no article: every headline figure is new
    assert page.count("vs none last week") == 5
    assert "Example quotes, by stance" in page
    assert "<b>Jane Minister</b> (official, IRCC)" in page
    assert 'href="https://outlet-a.example/news/1"' in page


def test_palette_is_okabe_ito_and_roles_are_told_apart() -> None:
    palette = set(OKABE_ITO.values())
    assert {STANCE_COLOURS["restrictive"], STANCE_COLOURS["protective"]} <= palette
    styles = [(ROLE_COLOURS[r], ROLE_HATCHES[r]) for r in ROLE_COLOURS]
    assert len(set(styles)) == len(styles)


def test_trends_and_report_take_outlet_language_and_dates(db: Path, tmp_path: Path) -> None:
    result = cli("trends", "--db", str(db), "--since", "2025-06-04", "--until", WEEK,
                 "--outlet", "Outlet A", "--language", "en")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Trends for 2025-W23 to 2025-W25 (outlet Outlet A; language en)" in result.stdout
    assert "Outlet B" not in result.stdout
    none = cli("trends", "--db", str(db), "--outlet", "Nobody")
    assert none.exit_code == 2 and "no relevant article yet for outlet Nobody" in none.stderr
    out = tmp_path / "reports"
    report = cli(
        "report", "--db", str(db), "--week", WEEK, "--out", str(out), "--outlet", "Outlet B"
    )
    assert report.exit_code == 0, report.output
    page = (out / WEEK / "report.html").read_text()
    assert "Restricted to outlet Outlet B" in page
    articles = (out / WEEK / "articles.csv").read_text(encoding="utf-8-sig")
    assert "Outlet B" in articles and "Outlet A" not in articles


def test_trends_fit_80_columns_for_12_weeks(db: Path) -> None:
    result = CliRunner().invoke(
        app, ["trends", "--db", str(db), "--weeks", "12"], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "W15" in result.stdout and "W26" in result.stdout


def test_report_since_until_writes_one_folder_per_week(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = cli("report", "--db", str(db), "--since", "2025-06-04", "--until", WEEK,
                 "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["2025-W23", "2025-W24", WEEK]
    assert "Weekly reports" in result.stdout and "2025-W24" in result.stderr  # empty week
    both = cli("report", "--db", str(db), "--week", WEEK, "--since", "2025-W20")
    assert both.exit_code == 2 and "not both" in both.stderr
