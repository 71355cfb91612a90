"""The ``weekly_report`` Prefect flow: write last week's report, leave an artifact saying where.

Scheduled for Mondays at 06:00 by ``asylumwatch serve``; "last week" is the last complete
ISO week in the schedule's time zone.
"""

from __future__ import annotations

import flows.prefect_ready  # noqa: F401  (sets and creates PREFECT_HOME before prefect is imported)

# isort: split
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_link_artifact, create_markdown_artifact

from flows.monitor import flow_paths, stage_task
from flows.reports.build import ReportResult, build_report
from flows.reports.week import IsoWeek, last_week

REPORT_TIMEOUT = 1800


@stage_task("write report", timeout_seconds=REPORT_TIMEOUT)
def write_report(db: Path, week: IsoWeek, out_dir: Path | None) -> ReportResult:
    """Build the report for ``week`` and log where it was written."""
    logger = get_run_logger()
    result = build_report(db, week, out_dir, on_wait=logger.warning)
    logger.info("report %s written to %s in %.1f s", week, result.out_dir, result.seconds["total"])
    return result


def _summary(result: ReportResult) -> str:
    lines = [f"# Weekly report {result.week}", "", f"Folder: `{result.out_dir}`", ""]
    if result.empty:
        lines += ["**No relevant articles stored for this week**: files hold headers only.", ""]
    lines += ["| file | rows |", "| --- | ---: |"]
    lines += [f"| {name} | {rows} |" for name, rows in result.rows.items()]
    return "\n".join(lines) + "\n"


@flow(name="weekly-report", log_prints=True)
def weekly_report_flow(
    db: str | None = None,
    week: str | None = None,
    out_dir: str | None = None,
    timezone: str | None = None,
    reports_dir: str | None = None,
) -> ReportResult:
    """Write the report for ``week`` (``2025-W25``; default: last complete week in
    ``timezone``) into ``out_dir`` (default: ``<reports_dir>/<week>/``, and ``reports_dir``
    defaults to ``reports/`` next to the database). ``db`` not given: from the environment,
    the project file or the default (:func:`flows.monitor.flow_paths`)."""
    iso_week = IsoWeek.parse(week) if week else last_week(timezone)
    target = Path(out_dir) if out_dir else None
    if target is None and reports_dir:
        target = Path(reports_dir) / str(iso_week)
    result = write_report(flow_paths(db=db)["db"], iso_week, target)
    create_markdown_artifact(
        _summary(result), key="weekly-report", description=f"Weekly report {iso_week}"
    )
    html = Path(result.out_dir) / "report.html"
    create_link_artifact(
        html.resolve().as_uri(), link_text=f"report.html {iso_week}", key="weekly-report-html"
    )
    return result
