"""The weekly report: CSV files, charts, README.txt and report.html for one ISO week.

    build_report(db, IsoWeek.parse("2025-W25"), Path("data/reports/2025-W25"))

The database is opened read-only and only while the data is fetched (a second or two), so a
report never holds up a load. Files are first written to a hidden staging folder inside the
output folder and then moved into place one by one with an atomic rename: an interrupted
report leaves the previous files whole, never half a CSV. A week with no data gives every
file, with headers and a note, not an error.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flows.reports.charts import CHARTS
from flows.reports.csv_files import write_table
from flows.reports.data import COLUMNS, ReportData, fetch
from flows.reports.html import render
from flows.reports.readme import readme_text
from flows.reports.week import IsoWeek
from pipeline.store.filters import Filters, restrict
from pipeline.store.load import connect

CHART_WEEKS = 12
FILES = (*COLUMNS, *CHARTS, "README.txt", "report.html")


@dataclass(slots=True)
class ReportResult:
    """What :func:`build_report` wrote: the folder, its files and their row counts, whether the week
    was empty, and the time each step took."""

    week: str
    out_dir: str
    files: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    empty: bool = False
    seconds: dict[str, float] = field(default_factory=dict)


def default_out_dir(db_path: Path, week: IsoWeek) -> Path:
    """The report folder for ``week`` next to the database: ``reports/<week>/``."""
    return Path(db_path).parent / "reports" / str(week)


def build_report(
    db_path: Path,
    week: IsoWeek,
    out_dir: Path | None = None,
    *,
    chart_weeks: int = CHART_WEEKS,
    on_wait: Callable[[str], None] | None = None,
    filters: Filters | None = None,
) -> ReportResult:
    """Write the report for ``week`` into ``out_dir`` (default data/reports/<week>);
    ``filters`` (outlets, languages) restrict every figure to the matching articles."""
    out_dir = Path(out_dir or default_out_dir(db_path, week))
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with connect(db_path, read_only=True, on_wait=on_wait) as con:
        restrict(con, filters or Filters())
        data = fetch(con, week, chart_weeks)
        data.scope = filters.describe() if filters else ""
    timings["query"] = time.perf_counter() - started
    generated_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")

    created = _make_dirs(out_dir)  # only once the data is there: a failed query leaves none
    _remove_stale_staging(out_dir)
    staging = out_dir / f".partial-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        mark = time.perf_counter()
        rows = {name: write_table(staging / name, data.tables[name]) for name in COLUMNS}
        timings["csv"] = time.perf_counter() - mark
        mark = time.perf_counter()
        for name, (series, draw) in CHARTS.items():
            draw(data.series[series], data.weeks, staging / name)
        timings["charts"] = time.perf_counter() - mark
        _write_text(staging / "README.txt", readme_text(data, generated_at, str(db_path)), "\r\n")
        _write_text(staging / "report.html", render(data, generated_at), "\n")
        for name in FILES:  # report.html last: when it is there, everything it links is
            os.replace(staging / name, out_dir / name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for folder in created:  # the folders this call made, deepest first, if still empty
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    timings["total"] = time.perf_counter() - started
    return ReportResult(
        week=str(week),
        out_dir=str(out_dir),
        files=[str(out_dir / name) for name in FILES],
        rows=rows,
        empty=data.empty,
        seconds={k: round(v, 3) for k, v in timings.items()},
    )


def _make_dirs(path: Path) -> list[Path]:
    """``mkdir -p``; returns the folders it created, deepest first."""
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    path.mkdir(parents=True, exist_ok=True)
    return missing


def _write_text(path: Path, text: str, newline: str) -> None:
    with open(path, "w", encoding="utf-8", newline=newline) as handle:
        handle.write(text)


def _remove_stale_staging(out_dir: Path, older_than: float = 3600.0) -> None:
    now = time.time()
    for leftover in out_dir.glob(".partial-*"):
        try:
            if now - leftover.stat().st_mtime > older_than:
                shutil.rmtree(leftover, ignore_errors=True)
        except FileNotFoundError:
            continue


def report_data(db_path: Path, week: IsoWeek, chart_weeks: int = CHART_WEEKS) -> ReportData:
    """The data of a report without writing it (for tests and notebooks)."""
    with connect(db_path, read_only=True) as con:
        return fetch(con, week, chart_weeks)
