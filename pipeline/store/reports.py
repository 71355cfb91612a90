"""The queries behind the reports: the weekly report's files and charts (flows/reports), the
trend tables of ``asylumwatch trends`` and the demo's closing summary.

Every query reads the trend views (docs/schema.md) or the tables; the callers turn what they
return into files, charts and terminal tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import pyarrow as pa

from pipeline.core.records import SPEAKER_ROLES, STANCES

_STANCE_ORDER = f"list_position({list(STANCES)}, stance)"
_ROLE_ORDER = f"list_position({list(SPEAKER_ROLES)}, speaker_role)"

# Queried from the database for the report week. ``story_id`` (articles) is used for the
# totals and dropped before writing; the articles' quote counts come from the quotes fetched.
QUERIES: dict[str, str] = {
    "articles.csv": """
        SELECT w.week, w.date, w.outlet, w.title, w.canonical_url AS url, w.stance,
               w.stance_score, orig.canonical_url AS duplicate_of, w.article_id, w.story_id
        FROM article_weeks w
        LEFT JOIN articles orig ON orig.article_id = w.duplicate_of
        WHERE w.week_start = $start AND w.is_relevant
    """,
    "quotes.csv": """
        WITH wk AS (
            SELECT article_id, week, date, outlet, title, canonical_url
            FROM article_weeks
            WHERE week_start = $start AND is_relevant
        )
        SELECT wk.week, wk.date, wk.outlet, wk.title AS article_title,
               wk.canonical_url AS article_url, q.speaker, q.speaker_role, q.speaker_org,
               q.speaker_kind, q.quote_type, q.stance, q.text AS quote, q.article_id, q.quote_index
        FROM quotes q
        JOIN wk USING (article_id)
        ORDER BY wk.date, wk.outlet, q.article_id, q.quote_index
    """,
    "top_speakers.csv": """
        SELECT week, rank, speaker, speaker_role, speaker_org, quotes, outlets, articles
        FROM top_speakers
        WHERE week_start = $start
        ORDER BY rank, speaker
    """,
}

# Chart series over the weeks [first, last]; ``n`` is what the charts plot.
SERIES: dict[str, str] = {
    "coverage": """
        SELECT week_start, week, outlet, relevant_articles AS n, articles
        FROM weekly_coverage
        WHERE week_start BETWEEN $first AND $last
    """,
    "stance": """
        SELECT week_start, week, outlet, stance, articles AS n, share
        FROM weekly_stance
        WHERE week_start BETWEEN $first AND $last
    """,
    "roles": """
        SELECT week_start, week, speaker_role, quotes AS n, share
        FROM weekly_sources
        WHERE week_start BETWEEN $first AND $last
    """,
}

# Files cut from a chart series (the report week's rows of the same view), with DuckDB SQL
# over the Arrow table, so the database is not scanned twice for the same numbers.
FROM_SERIES: dict[str, tuple[str, str]] = {
    "stance_by_outlet.csv": (
        "stance",
        f"""
        SELECT week, outlet, stance, n AS articles, share
        FROM series WHERE week_start = $start
        ORDER BY outlet, {_STANCE_ORDER} NULLS LAST, stance
        """,
    ),
    "sources_by_role.csv": (
        "roles",
        f"""
        SELECT week, speaker_role, n AS quotes, share
        FROM series WHERE week_start = $start
        ORDER BY {_ROLE_ORDER} NULLS LAST, speaker_role
        """,
    ),
}

# articles.csv: the week's articles with their number of quotes, in file order.
ARTICLES = """
    SELECT a.week, a.date, a.outlet, a.title, a.url, a.stance, a.stance_score,
           coalesce(n.n, 0) AS quotes, a.duplicate_of, a.article_id, a.story_id
    FROM articles a
    LEFT JOIN (SELECT article_id, count(*) AS n FROM quotes GROUP BY article_id) n
        USING (article_id)
    ORDER BY a.date, a.outlet, a.title, a.article_id
"""

# The week's totals, as ``weekly_totals`` defines them, from the tables already fetched.
TOTALS = """
    SELECT
        (SELECT coalesce(sum(articles), 0) FROM coverage WHERE week_start = $start),
        (SELECT count(*) FROM articles),
        (SELECT count(DISTINCT story_id) FROM articles),
        (SELECT count(DISTINCT outlet) FROM articles),
        (SELECT count(*) FROM quotes),
        (SELECT count(DISTINCT speaker) FROM quotes)
"""
TOTAL_NAMES = ("articles", "relevant_articles", "unique_stories", "outlets", "quotes", "speakers")

# The previous week's headline figures, for "change against last week".
PREVIOUS = """
    SELECT articles, relevant_articles, unique_stories, outlets, quotes, speakers
    FROM weekly_totals WHERE week_start = $previous
"""

DATA_RANGE = """
    SELECT min(week), max(week), count(*) FROM article_weeks WHERE is_relevant
"""


@dataclass(slots=True)
class WeekTables:
    """What the weekly report reads for one week, as Arrow tables."""

    files: dict[str, pa.Table] = field(default_factory=dict)  # file name -> rows, all columns
    series: dict[str, pa.Table] = field(default_factory=dict)  # chart series over the window
    totals: dict[str, int] = field(default_factory=dict)  # the week's headline figures


def week_tables(con: duckdb.DuckDBPyConnection, start: date, first: date) -> WeekTables:
    """The files of the week starting ``start`` and the chart series from the week starting
    ``first`` to it. ``articles.csv`` keeps its ``story_id`` column, for the caller to drop."""
    result = WeekTables()
    params = {"start": start}
    fetched = {name: con.sql(sql, params=params).to_arrow_table() for name, sql in QUERIES.items()}
    window = {"first": first, "last": start}
    for name, sql in SERIES.items():
        result.series[name] = con.sql(sql, params=window).to_arrow_table()
    local = duckdb.connect()  # in memory: SQL over the Arrow tables just fetched
    try:
        for name, (series, sql) in FROM_SERIES.items():
            local.register("series", result.series[series])
            fetched[name] = local.sql(sql, params=params).to_arrow_table()
            local.unregister("series")
        local.register("articles", fetched["articles.csv"])
        local.register("quotes", fetched["quotes.csv"])
        fetched["articles.csv"] = local.sql(ARTICLES).to_arrow_table()
        local.register("coverage", result.series["coverage"])
        totals = local.execute(TOTALS, params).fetchall()[0]
    finally:
        local.close()
    result.files = fetched
    result.totals = dict(zip(TOTAL_NAMES, (int(v) for v in totals), strict=True))
    return result


def week_totals(con: duckdb.DuckDBPyConnection, start: date) -> dict[str, int]:
    """``weekly_totals`` of the week starting ``start``: zeros when it holds nothing."""
    rows = con.execute(PREVIOUS, {"previous": start}).fetchall()
    values = rows[0] if rows else [0] * len(TOTAL_NAMES)
    return dict(zip(TOTAL_NAMES, (int(v) for v in values), strict=True))


def relevant_weeks(con: duckdb.DuckDBPyConnection) -> tuple[str | None, str | None]:
    """The earliest and the latest ISO week holding a relevant article (None: none)."""
    first, latest, _ = con.execute(DATA_RANGE).fetchall()[0]
    return first, latest


# --- asylumwatch trends ----------------------------------------------------------------------


def weekly_totals(
    con: duckdb.DuckDBPyConnection, first: date, last: date
) -> dict[str, tuple[int, ...]]:
    """``week -> (articles, relevant_articles, unique_stories, outlets, quotes, speakers)``
    for the weeks starting from ``first`` to ``last``."""
    rows = con.execute(
        """
        SELECT week, articles, relevant_articles, unique_stories, outlets, quotes, speakers
        FROM weekly_totals WHERE week_start BETWEEN ? AND ?
        """,
        [first, last],
    ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def stance_counts(
    con: duckdb.DuckDBPyConnection, first: date, last: date, unclassified: str
) -> list[tuple[str, str, int]]:
    """``(week, stance, relevant articles)``, stance ``unclassified`` for articles without."""
    rows = con.execute(
        """
        SELECT week, coalesce(stance, ?), sum(articles)
        FROM weekly_stance WHERE week_start BETWEEN ? AND ? GROUP BY ALL
        """,
        [unclassified, first, last],
    ).fetchall()
    return [(week, stance, int(n)) for week, stance, n in rows]


def role_shares(
    con: duckdb.DuckDBPyConnection, first: date, last: date, unclassified: str
) -> list[tuple[str, str, float]]:
    """``(week, speaker_role, share of the week's quotes)``; ``unclassified`` for no role."""
    return con.execute(
        """
        SELECT week, coalesce(speaker_role, ?), share
        FROM weekly_sources WHERE week_start BETWEEN ? AND ?
        """,
        [unclassified, first, last],
    ).fetchall()


def outlet_counts(
    con: duckdb.DuckDBPyConnection, first: date, last: date
) -> list[tuple[str, str, int]]:
    """``(week, outlet, relevant articles)``."""
    return con.execute(
        """
        SELECT week, outlet, relevant_articles
        FROM weekly_coverage WHERE week_start BETWEEN ? AND ?
        """,
        [first, last],
    ).fetchall()


def top_speakers(
    con: duckdb.DuckDBPyConnection, first: date, last: date, limit: int
) -> list[tuple[str, str | None, str | None, int, int, int]]:
    """The ``limit`` most quoted named speakers over the weeks: ``(speaker, role,
    organisation, quotes, outlets, weeks)``, most quoted first."""
    return con.execute(
        f"""
        SELECT speaker, mode(speaker_role), mode(speaker_org), count(*) AS quotes,
               count(DISTINCT outlet), count(DISTINCT week)
        FROM quote_weeks
        WHERE is_relevant AND speaker IS NOT NULL AND week_start BETWEEN ? AND ?
          AND (speaker_kind IS NULL OR speaker_kind IN ('person', 'organisation'))
        GROUP BY speaker
        ORDER BY quotes DESC, speaker
        LIMIT {int(limit)}
        """,
        [first, last],
    ).fetchall()


def latest_relevant_week(con: duckdb.DuckDBPyConnection) -> str | None:
    """The latest ISO week (``2025-W25``) holding a relevant article; None when none does."""
    found = con.execute("SELECT max(week) FROM article_weeks WHERE is_relevant").fetchall()[0][0]
    return str(found) if found else None


# --- asylumwatch demo ------------------------------------------------------------------------


@dataclass(slots=True)
class Overview:
    """What the demo prints once its run is done."""

    weekly: list[tuple[str, str | None, int, int]]  # outlet, ISO week, articles, relevant
    articles: int
    relevant: int
    outlets: int
    stances: list[tuple[str, int]]  # stance of the relevant articles ("NULL": none), count
    roles: list[tuple[str | None, int, int, int, int]]  # role, quotes, by quote stance


def overview(con: duckdb.DuckDBPyConnection) -> Overview:
    """Articles per outlet and week, totals, article stance and quotes per speaker role."""
    weekly = con.execute(
        """
        SELECT outlet, strftime(published_at, '%G-W%V') AS week, count(*) AS articles,
               count(*) FILTER (is_relevant) AS relevant
        FROM articles GROUP BY ALL ORDER BY outlet, week
        """
    ).fetchall()
    total, relevant, outlets = con.execute(
        "SELECT count(*), count(*) FILTER (is_relevant), count(DISTINCT outlet) FROM articles"
    ).fetchall()[0]
    stances = con.execute(
        "SELECT coalesce(stance, 'NULL'), count(*) FROM articles WHERE is_relevant "
        "GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    roles = con.execute(
        "SELECT speaker_role, count(*), count(*) FILTER (stance = 'restrictive'), "
        "count(*) FILTER (stance = 'protective'), count(*) FILTER (stance = 'neutral') "
        "FROM quotes GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    return Overview(weekly, total, relevant, outlets, stances, roles)
