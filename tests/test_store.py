from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from pipeline.core.records import AnnotatedArticle, Article, Quote
from pipeline.store.load import connect, load_annotated
from pipeline.store.schema import LATEST_VERSION


def article(fetched: datetime, title: str = "T", aid: str = "a1") -> Article:
    return Article(
        article_id=aid,
        url="https://e.com/x",
        canonical_url="https://e.com/x",
        outlet="E",
        domain="e.com",
        title=title,
        authors=["A B"],
        published_at=datetime(2026, 9, 1, 12),
        fetched_at=fetched,
        language="en",
        text="Some text here.",
        word_count=3,
    )


def quote(aid: str, index: int, text: str) -> Quote:
    return Quote(
        article_id=aid,
        quote_index=index,
        text=text,
        quote_type="direct",
        speaker="X",
        char_start=0,
        char_end=len(text),
    )


def test_schema_is_versioned(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    with connect(db) as con:
        versions = con.execute("SELECT version FROM schema_version").fetchall()
    assert versions[-1][0] == LATEST_VERSION
    with connect(db) as con:  # idempotent
        assert con.execute("SELECT count(*) FROM schema_version").fetchall()[0][0] == LATEST_VERSION


def test_load_is_idempotent_and_newest_fetch_wins(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    old = AnnotatedArticle(article(datetime(2026, 9, 1), "Old"), [quote("a1", 0, "old quote")])
    new = AnnotatedArticle(
        article(datetime(2026, 9, 2), "New"),
        [quote("a1", 0, "new quote"), quote("a1", 1, "second")],
    )
    with connect(db) as con:
        assert load_annotated(con, [old]) == 1
        assert load_annotated(con, [old]) == 1  # same fetch again: same rows
        assert load_annotated(con, [new]) == 1
        assert load_annotated(con, [old]) == 0  # an older copy never replaces a newer one
        rows = con.execute("SELECT title FROM articles").fetchall()
        quotes = con.execute("SELECT text FROM quotes ORDER BY quote_index").fetchall()
    assert rows == [("New",)]
    assert quotes == [("new quote",), ("second",)]


def test_read_only_connection_sees_data(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    with connect(db) as con:
        load_annotated(con, [AnnotatedArticle(article(datetime(2026, 9, 1)))])
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(1,)]
    raw = duckdb.connect(str(db), read_only=True)
    assert raw.execute("SELECT authors FROM articles").fetchall() == [(["A B"],)]
    raw.close()
