"""What a validation sample is drawn from (``asylumwatch validate sample``,
:mod:`pipeline.validate`): every quote or article the filters let through, with the text and
the tool's labels the coder sheet shows.
"""

from __future__ import annotations

from typing import Any

import duckdb

from pipeline.store.filters import Filters, restricted

QUOTES_SQL = """
SELECT
    w.article_id || ':' || w.quote_index AS item_id,
    w.outlet,
    w.date,
    a.url,
    w.speaker,
    w.speaker_org,
    w.text AS quote,
    a.text AS article_text,
    q.char_start,
    q.char_end,
    w.speaker_role,
    w.stance
FROM (SELECT * FROM quote_weeks WHERE {where}) w
JOIN quotes q USING (article_id, quote_index)
JOIN articles a USING (article_id)
ORDER BY item_id
"""

ARTICLES_SQL = """
SELECT
    w.article_id AS item_id,
    w.outlet,
    w.date,
    w.url,
    w.title,
    a.text AS article_text,
    w.is_relevant,
    w.stance
FROM (SELECT * FROM article_weeks WHERE duplicate_of IS NULL AND {where}) w
JOIN articles a USING (article_id)
ORDER BY item_id
"""


def sample_population(
    con: duckdb.DuckDBPyConnection,
    what: str,
    *,
    filters: Filters,
    include_off_topic: bool = False,
) -> list[dict[str, Any]]:
    """Every quote (``what="quotes"``) or original article (``"articles"``) of relevant
    articles, or of all articles with ``include_off_topic``, restricted by ``filters``, as
    one dict per item in ``item_id`` order."""
    where = "TRUE" if include_off_topic else "is_relevant"
    with restricted(con, filters):
        cursor = con.execute((QUOTES_SQL if what == "quotes" else ARTICLES_SQL).format(where=where))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
