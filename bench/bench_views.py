"""Time the trend views and the weekly report on a large synthetic database.

    .venv/bin/python bench/make_synthetic_db.py          # once: 1M articles, 5M quotes
    .venv/bin/python bench/bench_views.py [--repeat 3]

For each view: a whole-history scan (``SELECT count(*) FROM (SELECT * FROM view)``), the last
12 weeks and one week (filtered on ``week_start`` / ``week``, as the report and ``trends``
query them). Then the weekly report for one week, end to end (query, CSV, charts, HTML), and
the ``trends`` tables. Prints a Markdown table of the median and best of ``--repeat`` runs;
the database is opened read-only, as an analyst would.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import duckdb  # noqa: E402

from bench.make_synthetic_db import DEFAULT_OUT  # noqa: E402
from flows.reports.build import build_report  # noqa: E402
from flows.reports.trends import trend_tables  # noqa: E402
from flows.reports.week import IsoWeek  # noqa: E402
from pipeline.store.views import VIEWS  # noqa: E402

TREND_VIEWS = [v for v in VIEWS if v not in ("article_weeks", "quote_weeks", "crawl_health")]


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Median and best wall-clock seconds, and median CPU seconds (all threads)."""
    runs, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(runs), min(runs), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--week", default="2025-W41", help="the week to report on")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db}: run bench/make_synthetic_db.py first")
    week = IsoWeek.parse(args.week)
    first = week.shift(-11)
    con = duckdb.connect(str(args.db), read_only=True)
    articles, quotes = con.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM quotes)"
    ).fetchall()[0]
    print(
        f"database: {args.db} ({args.db.stat().st_size / 1e9:.2f} GB), {articles:,} articles, "
        f"{quotes:,} quotes; {os.cpu_count()} CPUs; duckdb {duckdb.__version__}; "
        f"load average before: {os.getloadavg()[0]:.1f}\n"
    )
    print("| query | rows | median s | best s | CPU s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for view in TREND_VIEWS:
        cases = {
            "all weeks": f"SELECT * FROM {view}",
            "12 weeks": f"SELECT * FROM {view} WHERE week_start BETWEEN '{first.start}' "
            f"AND '{week.start}'",
            "1 week": f"SELECT * FROM {view} WHERE week = '{week}'",
        }
        for label, sql in cases.items():
            n = con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
            median, best, cpu = timed(lambda sql=sql: con.execute(sql).fetchall(), args.repeat)
            print(
                f"| `{view}`, {label} | {n:,} | {median:.2f} | {best:.2f} | {cpu:.2f} |", flush=True
            )
    window = week.back(8)
    median, best, cpu = timed(lambda: trend_tables(con, window), args.repeat)
    print(
        f"| `asylumwatch trends`, 8 weeks | - | {median:.2f} | {best:.2f} | {cpu:.2f} |", flush=True
    )
    con.close()

    with tempfile.TemporaryDirectory() as out:
        results = []

        def report() -> None:
            results.append(build_report(args.db, week, Path(out) / str(week)))

        median, best, cpu = timed(report, args.repeat)
        last = results[-1]
        print(
            f"| weekly report {week} ({last.rows['articles.csv']:,} articles, "
            f"{last.rows['quotes.csv']:,} quotes) | - | {median:.2f} | {best:.2f} | {cpu:.2f} |"
        )
        parts = ", ".join(f"{k} {v:.2f} s" for k, v in last.seconds.items())
        print(f"\nlast report run: {parts}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
