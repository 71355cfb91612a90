"""The DuckDB schema as an ordered list of migrations (see docs/schema.md).

Each migration runs once, in order, inside a transaction, and is recorded in
``schema_version``. Never edit a released migration: append a new one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    sql: str


MIGRATIONS: list[Migration] = [
    Migration(
        1,
        "articles, quotes, crawl runs, fetches, processed WARC files",
        """
        CREATE TABLE articles (
            article_id      VARCHAR PRIMARY KEY,
            url             VARCHAR NOT NULL,
            canonical_url   VARCHAR NOT NULL,
            outlet          VARCHAR NOT NULL,
            domain          VARCHAR NOT NULL,
            title           VARCHAR,
            authors         VARCHAR[],
            published_at    TIMESTAMP,
            fetched_at      TIMESTAMP NOT NULL,
            language        VARCHAR,
            text            VARCHAR NOT NULL,
            word_count      INTEGER NOT NULL,
            is_relevant     BOOLEAN,
            relevance_score DOUBLE,
            duplicate_of    VARCHAR,
            stance          VARCHAR,
            stance_score    DOUBLE,
            model_version   VARCHAR,
            warc_file       VARCHAR,
            stance_note     VARCHAR
        );
        CREATE TABLE quotes (
            article_id         VARCHAR NOT NULL,
            quote_index        INTEGER NOT NULL,
            text               VARCHAR NOT NULL,
            quote_type         VARCHAR NOT NULL,
            speaker            VARCHAR,
            speaker_role       VARCHAR,
            speaker_org        VARCHAR,
            speaker_role_score DOUBLE,
            stance             VARCHAR,
            stance_score       DOUBLE,
            char_start         INTEGER NOT NULL,
            char_end           INTEGER NOT NULL,
            model_version      VARCHAR,
            PRIMARY KEY (article_id, quote_index)
        );
        CREATE TABLE crawl_runs (
            run_id      VARCHAR PRIMARY KEY,
            started_at  TIMESTAMP NOT NULL,
            finished_at TIMESTAMP,
            sources     VARCHAR[],
            warc_file   VARCHAR,
            requests    INTEGER,
            responses   INTEGER,
            errors      INTEGER,
            status      VARCHAR
        );
        CREATE TABLE fetches (
            run_id       VARCHAR NOT NULL,
            url          VARCHAR NOT NULL,
            source       VARCHAR,
            kind         VARCHAR,
            status       INTEGER,
            bytes        BIGINT,
            fetched_at   TIMESTAMP NOT NULL,
            error        VARCHAR,
            content_type VARCHAR,
            warc_file    VARCHAR,
            PRIMARY KEY (run_id, url, fetched_at)
        );
        CREATE TABLE warc_files (
            warc_file    VARCHAR PRIMARY KEY,
            run_id       VARCHAR,
            processed_at TIMESTAMP NOT NULL,
            responses    INTEGER,
            articles     INTEGER
        );
        """,
    ),
]

LATEST_VERSION = MIGRATIONS[-1].version
