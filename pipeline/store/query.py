"""Reading the database for ``asylumwatch query``: an analyst's own SQL, or a whole table or
trend view in its natural order."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb


def view_sql(view: str, columns: Sequence[str]) -> str:
    """``SELECT *`` from a table or view in its natural order (weeks, outlets, ranks)."""
    order = [c for c in ("week_start", "outlet", "rank", "speaker", "article_id") if c in columns]
    order += [c for c in ("quote_index", "stance", "speaker_role", "started_at") if c in columns]
    return f"SELECT * FROM {view}" + (f" ORDER BY {', '.join(order)}" if order else "")


def columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    """The column names of a table or view."""
    return [r[0] for r in con.execute(f"DESCRIBE {relation}").fetchall()]


def run_sql(
    con: duckdb.DuckDBPyConnection, sql: str
) -> tuple[list[str], list[tuple[object, ...]]] | None:
    """Run ``sql`` and return its column names and rows; None when it holds no statement
    (only comments or semicolons). DuckDB's errors are raised as they come."""
    cursor = con.execute(sql)
    if cursor is None:
        return None
    return [d[0] for d in cursor.description or []], cursor.fetchall()
