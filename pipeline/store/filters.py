"""Date, outlet and language filters shared by ``query --view``, ``export`` and ``validate``.

A filter is turned into a SQL ``WHERE`` clause for one table or view, from the columns that
relation has, with the conventions of the trend views (:mod:`pipeline.store.views`):

* the date of an article is its publication date, or its fetch date when it has none
  (``article_weeks.date``); relations with a ``week_start`` keep every ISO week that overlaps
  ``since``..``until`` (both inclusive);
* a relation without the filtered column but with an ``article_id`` (``quotes``) is filtered
  through its article;
* a relation that can honour neither raises :class:`FilterError` naming it, rather than
  silently returning unfiltered rows.

:func:`restrict` applies the filters to a whole connection instead: it shadows ``articles``
and ``quotes`` with filtered temporary views, and the trend views with temporary copies over
them, so every view (``weekly_totals`` included, which has no outlet column) counts only the
matching articles. Nothing is written to the database; the views end with the connection.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import duckdb

from pipeline.store.views import VIEWS, VIEWS_SQL

ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)


class FilterError(ValueError):
    """A filter that cannot be parsed or applied; the message names the option."""


def parse_day(value: str, option: str, *, end: bool = False) -> date:
    """``YYYY-MM-DD`` or an ISO week ``YYYY-Www`` (its Monday, or its Sunday when ``end``)."""
    text = value.strip()
    week = ISO_WEEK.match(text)
    try:
        if week:
            return date.fromisocalendar(int(week[1]), int(week[2]), 7 if end else 1)
        return date.fromisoformat(text)
    except ValueError:
        raise FilterError(
            f"{option} {value!r}: expected a date YYYY-MM-DD or an ISO week such as 2025-W25"
        ) from None


@dataclass(frozen=True, slots=True)
class Filters:
    """The ``--since``/``--until``/``--outlet``/``--language`` restriction of a command."""

    since: date | None = None
    until: date | None = None
    outlets: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    @classmethod
    def parse(
        cls,
        since: str | None = None,
        until: str | None = None,
        outlets: Sequence[str] | None = None,
        languages: Sequence[str] | None = None,
    ) -> Filters:
        """The filters from the command-line values; raises FilterError on a bad date or a
        ``--since`` after ``--until``."""
        first = parse_day(since, "--since") if since else None
        last = parse_day(until, "--until", end=True) if until else None
        if first and last and first > last:
            raise FilterError(f"--since {since} is after --until {until}")
        return cls(
            first,
            last,
            tuple(o for o in outlets or () if o.strip()),
            tuple(lang.strip().lower() for lang in languages or () if lang.strip()),
        )

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.outlets or self.languages)

    def describe(self) -> str:
        """The filters in words, for messages ("all" when there are none)."""
        parts = []
        if self.since or self.until:
            parts.append(f"{self.since or '...'} to {self.until or '...'}")
        if self.outlets:
            parts.append("outlet " + ", ".join(self.outlets))
        if self.languages:
            parts.append("language " + ", ".join(self.languages))
        return "; ".join(parts) or "everything"

    def where(self, relation: str, columns: Collection[str]) -> tuple[str, list[object]]:
        """``(sql, params)``: a condition for ``relation`` (``"TRUE"`` when no filter)."""
        cols = {c.lower() for c in columns}
        direct: list[str] = []
        via_article: list[str] = []
        params: list[object] = []
        article_params: list[object] = []
        if self.since or self.until:
            first, last = self.since or date.min, self.until or date.max
            if "week_start" in cols:
                direct.append("week_start BETWEEN CAST(date_trunc('week', ?::DATE) AS DATE) AND ?")
                params += [first, last]
            elif "date" in cols:
                direct.append("date BETWEEN ? AND ?")
                params += [first, last]
            elif {"published_at", "fetched_at"} <= cols:
                direct.append("CAST(coalesce(published_at, fetched_at) AS DATE) BETWEEN ? AND ?")
                params += [first, last]
            else:
                _need_article_id(relation, cols, "date", "--since/--until")
                via_article.append("date BETWEEN ? AND ?")
                article_params += [first, last]
        for values, column, option in (
            (self.outlets, "outlet", "--outlet"),
            (self.languages, "language", "--language"),
        ):
            if not values:
                continue
            marks = ", ".join("?" for _ in values)
            if column in cols:
                direct.append(f"{column} IN ({marks})")
                params += list(values)
            else:
                _need_article_id(relation, cols, column, option)
                via_article.append(f"{column} IN ({marks})")
                article_params += list(values)
        if via_article:
            direct.append(
                "article_id IN (SELECT article_id FROM article_weeks WHERE "
                + " AND ".join(via_article)
                + ")"
            )
            params += article_params
        return (" AND ".join(direct) or "TRUE"), params


def _need_article_id(relation: str, cols: set[str], column: str, option: str) -> None:
    if "article_id" not in cols:
        raise FilterError(f"{relation} has no {column} column: drop {option}")


ARTICLE_COLUMNS = ("published_at", "fetched_at", "outlet", "language", "article_id")


def _literal(value: object) -> str:
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def article_condition(filters: Filters) -> str:
    """The filters as one SQL condition over ``articles``' columns, values inlined as
    literals (a view cannot take parameters; strings are quoted, dates typed)."""
    sql, params = filters.where("articles", ARTICLE_COLUMNS)
    pieces = sql.split("?")
    if len(pieces) != len(params) + 1:  # pragma: no cover - the templates hold no other '?'
        raise FilterError("internal error: unexpected '?' in a filter")
    return pieces[0] + "".join(
        _literal(v) + rest for v, rest in zip(params, pieces[1:], strict=True)
    )


def restrict(con: duckdb.DuckDBPyConnection, filters: Filters) -> None:
    """Make every query on ``con`` see only the articles (and their quotes) that match."""
    if not filters:
        return
    catalog = con.execute("SELECT current_database()").fetchall()[0][0].replace('"', '""')
    con.execute(
        f'CREATE OR REPLACE TEMP VIEW articles AS SELECT * FROM "{catalog}".main.articles '
        f"WHERE {article_condition(filters)}"
    )
    con.execute(
        f'CREATE OR REPLACE TEMP VIEW quotes AS SELECT * FROM "{catalog}".main.quotes '
        "WHERE article_id IN (SELECT article_id FROM temp.main.articles)"
    )
    con.execute(VIEWS_SQL.replace("CREATE OR REPLACE VIEW", "CREATE OR REPLACE TEMP VIEW"))


@contextmanager
def restricted(
    con: duckdb.DuckDBPyConnection, filters: Filters
) -> Iterator[duckdb.DuckDBPyConnection]:
    """:func:`restrict` for the ``with`` block only: the temporary views go at its end."""
    restrict(con, filters)
    try:
        yield con
    finally:
        if filters:
            for name in (*reversed(VIEWS), "quotes", "articles"):
                con.execute(f"DROP VIEW IF EXISTS temp.main.{name}")
