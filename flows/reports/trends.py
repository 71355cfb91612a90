"""The main trends over the last N weeks, as rich tables (``asylumwatch trends``).

Every number comes from one SQL query over the trend views (:mod:`pipeline.store.reports`);
the tables pivot them by week.
"""

from __future__ import annotations

from collections import defaultdict

import duckdb
from rich.table import Table

from flows.reports.week import IsoWeek
from pipeline.core.records import SPEAKER_ROLES, STANCES
from pipeline.store import reports

UNCLASSIFIED = "not classified"
TOP_SPEAKERS = 10
TOP_OUTLETS = 12


def _weeks_table(title: str, label: str, weeks: list[IsoWeek]) -> Table:
    """A label column and one narrow column per week, without borders, so that 12 weeks of
    shares ("100%") fit an 80-character terminal."""
    table = Table(title=title, box=None, padding=(0, 1, 0, 0), header_style="bold")
    table.add_column(label)
    for week in weeks:
        table.add_column(f"W{week.week:02d}", justify="right", min_width=4)
    return table


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def totals_table(con: duckdb.DuckDBPyConnection, weeks: list[IsoWeek]) -> Table:
    """Articles, relevant articles, stories, outlets, quotes and speakers per week."""
    rows = reports.weekly_totals(con, weeks[0].start, weeks[-1].start)
    table = Table(title="Coverage per week")
    for name in ("week", "articles", "relevant", "unique stories", "outlets", "quotes", "speakers"):
        table.add_column(name, justify="left" if name == "week" else "right")
    for week in weeks:
        values = rows.get(str(week), (0, 0, 0, 0, 0, 0))
        table.add_row(str(week), *(str(v) for v in values))
    return table


def stance_table(con: duckdb.DuckDBPyConnection, weeks: list[IsoWeek]) -> Table:
    """Each week's relevant articles by stance, as shares."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for name, stance, n in reports.stance_counts(
        con, weeks[0].start, weeks[-1].start, UNCLASSIFIED
    ):
        counts[name][stance] = n
    labels = [*STANCES, UNCLASSIFIED]
    labels += sorted({s for c in counts.values() for s in c} - set(labels))
    table = Table(title="Article stance, share of relevant articles")
    table.add_column("week")
    for label in labels:
        table.add_column(label, justify="right")
    table.add_column("n", justify="right")
    for week in weeks:
        row = counts.get(str(week), {})
        total = sum(row.values())
        shares = [_pct(row.get(label, 0) / total) if total else "" for label in labels]
        table.add_row(str(week), *shares, str(total))
    return table


def roles_table(con: duckdb.DuckDBPyConnection, weeks: list[IsoWeek]) -> Table:
    """Each week's quotes by speaker role, as shares."""
    shares: dict[str, dict[str, float]] = defaultdict(dict)
    for week, role, share in reports.role_shares(
        con, weeks[0].start, weeks[-1].start, UNCLASSIFIED
    ):
        shares[role][week] = share
    table = _weeks_table(
        "Who is quoted: share of the week's quotes by speaker role", "speaker_role", weeks
    )
    order = [*SPEAKER_ROLES, UNCLASSIFIED]
    for role in [r for r in order if r in shares] + sorted(set(shares) - set(order)):
        table.add_row(role, *(_pct(shares[role].get(str(w))) for w in weeks))
    return table


def outlets_table(con: duckdb.DuckDBPyConnection, weeks: list[IsoWeek]) -> Table:
    """Relevant articles per week of the outlets with the most over the weeks."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for week, outlet, n in reports.outlet_counts(con, weeks[0].start, weeks[-1].start):
        counts[outlet][week] = n
    ranked = sorted(counts, key=lambda o: (-sum(counts[o].values()), o))
    table = _weeks_table(f"Relevant articles per outlet (top {TOP_OUTLETS})", "outlet", weeks)
    for outlet in ranked[:TOP_OUTLETS]:
        table.add_row(outlet, *(str(counts[outlet].get(str(w), 0)) for w in weeks))
    return table


def speakers_table(con: duckdb.DuckDBPyConnection, weeks: list[IsoWeek]) -> Table:
    """The most quoted named speakers over the weeks."""
    rows = reports.top_speakers(con, weeks[0].start, weeks[-1].start, TOP_SPEAKERS)
    table = Table(title=f"Most quoted speakers, {weeks[0]} to {weeks[-1]}")
    for name in ("speaker", "role", "organisation", "quotes", "outlets", "weeks"):
        table.add_column(
            name, justify="right" if name in ("quotes", "outlets", "weeks") else "left"
        )
    for speaker, role, org, quotes, outlets, n_weeks in rows:
        table.add_row(speaker, role or "", org or "", str(quotes), str(outlets), str(n_weeks))
    return table


def trend_tables(con: duckdb.DuckDBPyConnection, weeks: list[IsoWeek]) -> list[Table]:
    """Every trend table over ``weeks``, in the order ``asylumwatch trends`` prints them."""
    return [
        totals_table(con, weeks),
        stance_table(con, weeks),
        roles_table(con, weeks),
        outlets_table(con, weeks),
        speakers_table(con, weeks),
    ]


def latest_week(con: duckdb.DuckDBPyConnection) -> IsoWeek | None:
    """The latest ISO week holding a relevant article."""
    found = reports.latest_relevant_week(con)
    return IsoWeek.parse(found) if found else None
