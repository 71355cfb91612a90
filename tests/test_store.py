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


def test_a_version_5_database_upgrades_and_keeps_its_quotes(tmp_path: Path, monkeypatch) -> None:
    """A database made before speaker_kind (schema 5: its tables, without today's views) gains
    the column and today's views; its quotes keep a NULL kind and are still ranked."""
    import pipeline.store.load as store

    db = tmp_path / "old.duckdb"
    monkeypatch.setattr(store, "MIGRATIONS", [m for m in store.MIGRATIONS if m.version <= 5])
    monkeypatch.setattr(store, "VIEWS_SQL", "SELECT 1")  # schema 5's views read no speaker_kind
    with connect(db) as con:
        assert con.execute("SELECT max(version) FROM schema_version").fetchall() == [(5,)]
        con.execute(
            "INSERT INTO articles (article_id, url, canonical_url, outlet, domain, "
            "fetched_at, text, word_count, is_relevant) "
            "VALUES ('a', 'u', 'u', 'O', 'd', TIMESTAMP '2025-06-17 10:00', 't', 1, true)"
        )
        con.execute(
            "INSERT INTO quotes (article_id, quote_index, text, quote_type, speaker, "
            "char_start, char_end) VALUES ('a', 0, 'q', 'direct', 'Jane Roe', 0, 1)"
        )
        columns = [r[0] for r in con.execute("DESCRIBE quotes").fetchall()]
        assert "speaker_kind" not in columns
    monkeypatch.undo()
    with connect(db) as con:
        assert con.execute("SELECT max(version) FROM schema_version").fetchall() == [
            (LATEST_VERSION,)
        ]
        kinds = con.execute("SELECT speaker, speaker_kind FROM quote_weeks").fetchall()
        ranked = con.execute("SELECT speaker FROM top_speakers").fetchall()
    assert kinds == [("Jane Roe", None)]
    assert ranked == [("Jane Roe",)]
