"""The weekly report's data: one SQL query per file over the trend views, fetched as Arrow.

Column order and meaning are a contract (README.txt of every report and docs/reports.md are
written from :data:`COLUMNS`): add columns at the end, never rename or reorder.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from flows.reports.week import IsoWeek
from pipeline.core.records import SPEAKER_ROLES, STANCES

# file name -> [(column, description)], in file order.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "articles.csv": [
        ("week", "ISO 8601 week of publication (UTC), e.g. 2025-W25"),
        ("date", "publication date, YYYY-MM-DD (UTC; the fetch date when the page had none)"),
        ("outlet", "the outlet, as named in the sources file"),
        ("title", "headline"),
        ("url", "canonical address of the article"),
        ("stance", "article stance (codebook label); empty = not classified"),
        ("stance_score", "classifier confidence for that stance, 0 to 1; empty = none"),
        ("quotes", "number of quotes stored for the article"),
        (
            "duplicate_of",
            "address of the earlier article this one copies (same story); empty = original",
        ),
        ("article_id", "stable identifier of the article (joins quotes.csv)"),
    ],
    "quotes.csv": [
        ("week", "ISO week of the article"),
        ("date", "publication date of the article, YYYY-MM-DD"),
        ("outlet", "the outlet"),
        ("article_title", "headline of the article the quote is from"),
        ("article_url", "canonical address of that article"),
        ("speaker", "who is quoted, as the article names them; empty = not attributed"),
        ("speaker_role", "role of the speaker (codebook label); empty = not classified"),
        ("speaker_org", "organisation the article ties the speaker to; empty = none"),
        (
            "speaker_kind",
            "person or organisation (named), group (critics, lawyers) or description (an "
            "unnamed speaker: a spokesperson); empty = not attributed",
        ),
        ("quote_type", "direct (in quotation marks) or indirect (reported speech)"),
        ("stance", "stance of the quote (codebook label); empty = not classified"),
        ("quote", "the quoted text"),
        ("article_id", "identifier of the article (joins articles.csv)"),
        ("quote_index", "position of the quote in the article, from 0"),
    ],
    "stance_by_outlet.csv": [
        ("week", "ISO week"),
        ("outlet", "the outlet"),
        ("stance", "article stance (codebook label); empty = not classified"),
        ("articles", "relevant articles of the outlet with that stance"),
        ("share", "articles / the outlet's relevant articles that week, 0 to 1"),
    ],
    "sources_by_role.csv": [
        ("week", "ISO week"),
        ("speaker_role", "role of the speakers (codebook label); empty = not classified"),
        ("quotes", "quotes from speakers in that role, in relevant articles"),
        ("share", "quotes / all quotes of the week, 0 to 1"),
    ],
    "top_speakers.csv": [
        ("week", "ISO week"),
        ("rank", "1 = most quoted; equal counts share a rank"),
        ("speaker", "who is quoted"),
        ("speaker_role", "the role most often given to the speaker that week"),
        ("speaker_org", "the organisation most often given; empty = none"),
        ("quotes", "quotes from the speaker in relevant articles that week"),
        ("outlets", "outlets that quoted the speaker"),
        ("articles", "articles that quoted the speaker"),
    ],
}

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
class ReportData:
    week: IsoWeek
    weeks: list[IsoWeek]  # the chart window, oldest first, ending with ``week``
    tables: dict[str, pa.Table] = field(default_factory=dict)
    series: dict[str, pa.Table] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    first_week: str | None = None  # earliest and latest week with relevant articles stored
    latest_week: str | None = None
    previous: dict[str, int] = field(default_factory=dict)  # last week's totals (0: none)
    scope: str = ""  # the outlet/language filters the figures are restricted to ("": all)

    @property
    def empty(self) -> bool:
        return self.tables["articles.csv"].num_rows == 0


def fetch(con: duckdb.DuckDBPyConnection, week: IsoWeek, chart_weeks: int = 12) -> ReportData:
    """Everything the report shows for ``week``; the charts cover ``chart_weeks`` weeks."""
    weeks = week.back(chart_weeks)
    data = ReportData(week=week, weeks=weeks)
    start = {"start": week.start}
    fetched = {name: con.sql(sql, params=start).to_arrow_table() for name, sql in QUERIES.items()}
    window = {"first": weeks[0].start, "last": week.start}
    for name, sql in SERIES.items():
        data.series[name] = con.sql(sql, params=window).to_arrow_table()
    local = duckdb.connect()  # in memory: SQL over the Arrow tables just fetched
    try:
        for name, (series, sql) in FROM_SERIES.items():
            local.register("series", data.series[series])
            fetched[name] = local.sql(sql, params=start).to_arrow_table()
            local.unregister("series")
        local.register("articles", fetched["articles.csv"])
        local.register("quotes", fetched["quotes.csv"])
        fetched["articles.csv"] = local.sql(ARTICLES).to_arrow_table()
        local.register("coverage", data.series["coverage"])
        totals = local.execute(TOTALS, start).fetchall()[0]
    finally:
        local.close()
    data.totals = dict(zip(TOTAL_NAMES, (int(v) for v in totals), strict=True))
    previous = con.execute(PREVIOUS, {"previous": week.shift(-1).start}).fetchall()
    data.previous = dict(
        zip(TOTAL_NAMES, (int(v) for v in (previous[0] if previous else [0] * 6)), strict=True)
    )
    for name, columns in COLUMNS.items():
        data.tables[name] = fetched[name].select([column for column, _ in columns])
    if data.empty:  # say which weeks do hold data
        first, latest, _ = con.execute(DATA_RANGE).fetchall()[0]
        data.first_week, data.latest_week = first, latest
    return data
