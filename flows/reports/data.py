"""The weekly report's data: one table per file, read by :mod:`pipeline.store.reports` (one
SQL query per file over the trend views, fetched as Arrow).

Column order and meaning are a contract (README.txt of every report and docs/reports.md are
written from :data:`COLUMNS`): add columns at the end, never rename or reorder.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from flows.reports.week import IsoWeek
from pipeline.store import reports

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


@dataclass(slots=True)
class ReportData:
    """Everything one weekly report shows: the files' tables, the chart series and the totals."""

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
        """Whether the week holds no relevant article."""
        return self.tables["articles.csv"].num_rows == 0


def fetch(con: duckdb.DuckDBPyConnection, week: IsoWeek, chart_weeks: int = 12) -> ReportData:
    """Everything the report shows for ``week``; the charts cover ``chart_weeks`` weeks."""
    weeks = week.back(chart_weeks)
    data = ReportData(week=week, weeks=weeks)
    fetched = reports.week_tables(con, week.start, weeks[0].start)
    data.series = fetched.series
    data.totals = fetched.totals
    data.previous = reports.week_totals(con, week.shift(-1).start)
    for name, columns in COLUMNS.items():
        data.tables[name] = fetched.files[name].select([column for column, _ in columns])
    if data.empty:  # say which weeks do hold data
        data.first_week, data.latest_week = reports.relevant_weeks(con)
    return data
