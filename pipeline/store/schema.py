"""The DuckDB schema as an ordered list of migrations (see docs/schema.md).

Each migration runs once, in order, inside a transaction, and is recorded in
``schema_version``. Never edit a released migration's tables: append a new one.

The trend views (:mod:`pipeline.views`) are derived from the tables, so they are not frozen
into each migration: a migration that changes what the views read sets ``views=True``, and
:func:`pipeline.store.migrate` creates the current :data:`~pipeline.views.VIEWS_SQL` once,
inside the last such migration that a database still lacks, after the tables it reads exist.
(Migrations 2 and 5 created the views of their day this way; a new database gets today's.)
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.store.views import CRAWL_HEALTH


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema change, applied once, in version order."""

    version: int
    description: str
    sql: str
    views: bool = False  # (re)create the trend views after this migration's tables


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
    Migration(
        2,
        "trend views: article_weeks, quote_weeks, weekly_coverage, weekly_totals, "
        "weekly_stance, weekly_sources, weekly_quote_stance, top_speakers, crawl_health",
        "",
        views=True,
    ),
    Migration(
        3,
        "duplicate detection (article_signatures, article_bands, unique_stories view) and "
        "HTTP validators for conditional requests (http_validators)",
        """
        CREATE TABLE article_signatures (
            article_id   VARCHAR PRIMARY KEY,
            text_md5     VARCHAR NOT NULL,   -- md5(articles.text) when signed: re-sign on change
            text_hash    VARCHAR NOT NULL,   -- sha1 of the normalised words: exact copies
            minhash      BLOB NOT NULL,      -- datasketch MinHash values (uint32, little-endian)
            first_seen   TIMESTAMP NOT NULL, -- fetch time of the first stored copy
            first_warc   VARCHAR,            -- WARC of the first stored copy (its crawl run)
            duplicate_of VARCHAR,            -- first-seen copy of the story; NULL: this is it
            similarity   DOUBLE,             -- estimated Jaccard with duplicate_of (1.0: exact)
            method       VARCHAR,            -- 'exact' or 'near' when duplicate_of is set
            version      VARCHAR NOT NULL    -- pipeline.dedup.SIGNATURE_VERSION
        );
        CREATE TABLE article_bands (
            band       SMALLINT NOT NULL,
            key        BIGINT NOT NULL,
            article_id VARCHAR NOT NULL
        );
        CREATE TABLE http_validators (
            url           VARCHAR PRIMARY KEY,
            kind          VARCHAR,
            etag          VARCHAR,
            last_modified VARCHAR,
            fetched_at    TIMESTAMP NOT NULL
        );
        CREATE VIEW unique_stories AS
        SELECT
            g.story_id,
            r.title,
            r.outlet AS first_outlet,
            r.published_at,
            r.is_relevant,
            g.copies,
            g.outlets,
            g.article_ids
        FROM (
            SELECT coalesce(duplicate_of, article_id) AS story_id,
                   count(*) AS copies,
                   count(DISTINCT outlet) AS outlets,
                   list(article_id ORDER BY fetched_at, article_id) AS article_ids
            FROM articles
            GROUP BY 1
        ) g
        LEFT JOIN articles r ON r.article_id = g.story_id;
        """,
    ),
    Migration(
        4,
        "quarantine: archived records (or whole WARC files) that could not be loaded, and why; "
        "crawl_health no longer counts pages that are not articles (not_article:...) as failed",
        CRAWL_HEALTH.strip()
        + ";\n"
        + """
        CREATE TABLE quarantine (
            warc_file      VARCHAR NOT NULL,
            record_offset  BIGINT NOT NULL,  -- -1: the whole file
            url            VARCHAR,
            reason         VARCHAR NOT NULL, -- too_large, bad_encoding, incomplete, ...
            detail         VARCHAR,
            quarantined_at TIMESTAMP NOT NULL,
            PRIMARY KEY (warc_file, record_offset)
        );
        """,
    ),
    Migration(5, "top_speakers ordered by week, rank and speaker", "", views=True),
    Migration(
        6,
        "quotes.speaker_kind (person, organisation, group, description); top_speakers ranks "
        "named people and organisations only",
        "ALTER TABLE quotes ADD COLUMN speaker_kind VARCHAR",
        views=True,
    ),
]

LATEST_VERSION = MIGRATIONS[-1].version
