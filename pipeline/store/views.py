"""Trend views over the stored articles and quotes (documented in docs/schema.md).

The views are created by a schema migration (see :mod:`pipeline.store.schema`), so every database
that a writer has opened has them, and read-only connections (analysts) see them too. The
view definitions are plain SQL over the tables: DuckDB computes them at query time, so they
are always current and cost nothing to keep up to date.

Conventions, the same in every view:

* ``week`` is the ISO 8601 week of the article's publication date in UTC, written
  ``YYYY-Www`` (``2025-W25``); ``week_start`` is that week's Monday, a DATE. An article with
  no publication date counts in the week it was fetched (``date_source = 'fetched'``).
* Trend views count **relevant** articles only (``articles.is_relevant``), apart from the
  ``articles`` column of ``weekly_coverage``, which counts everything stored.
* A *story* is an article that duplicates nothing (``duplicate_of IS NULL``) together with its
  duplicates: ``story_id = coalesce(duplicate_of, article_id)``.
* NULL labels (``stance``, ``speaker_role``) mean "not classified" and are kept as NULL rows so
  that shares add up to 1; they are never renamed.

To change a view, edit the SQL here and append a migration that runs :data:`VIEWS_SQL` again
(every statement is ``CREATE OR REPLACE``); never edit a released migration.
"""

from __future__ import annotations

# fetches.error codes that are the crawler's decisions, not failures (crawlers.faults.SKIPPED).
CRAWLER_DECISIONS: tuple[str, ...] = ("topic_filtered", "too_old")

# How many speakers per week ``top_speakers`` keeps (ties included).
TOP_SPEAKERS_PER_WEEK = 50

ARTICLE_WEEKS = """
CREATE OR REPLACE VIEW article_weeks AS
SELECT
    a.article_id,
    a.outlet,
    a.title,
    a.url,
    a.canonical_url,
    a.language,
    CAST(coalesce(a.published_at, a.fetched_at) AS DATE) AS date,
    strftime(coalesce(a.published_at, a.fetched_at), '%G-W%V') AS week,
    CAST(date_trunc('week', coalesce(a.published_at, a.fetched_at)) AS DATE) AS week_start,
    CASE WHEN a.published_at IS NULL THEN 'fetched' ELSE 'published' END AS date_source,
    coalesce(a.is_relevant, false) AS is_relevant,
    a.relevance_score,
    a.duplicate_of,
    coalesce(a.duplicate_of, a.article_id) AS story_id,
    a.stance,
    a.stance_score,
    a.word_count
FROM articles a
"""

QUOTE_WEEKS = """
CREATE OR REPLACE VIEW quote_weeks AS
SELECT
    q.article_id,
    q.quote_index,
    w.week,
    w.week_start,
    w.date,
    w.outlet,
    w.is_relevant,
    q.quote_type,
    q.speaker,
    q.speaker_role,
    q.speaker_org,
    q.speaker_kind,
    q.stance,
    q.stance_score,
    q.text
FROM quotes q
JOIN article_weeks w USING (article_id)
"""

WEEKLY_COVERAGE = """
CREATE OR REPLACE VIEW weekly_coverage AS
SELECT
    week,
    week_start,
    outlet,
    count(*) AS articles,
    count(*) FILTER (WHERE is_relevant) AS relevant_articles,
    count(DISTINCT story_id) FILTER (WHERE is_relevant) AS unique_stories,
    count(*) FILTER (WHERE is_relevant AND duplicate_of IS NOT NULL) AS duplicates
FROM article_weeks
GROUP BY week, week_start, outlet
"""

WEEKLY_TOTALS = """
CREATE OR REPLACE VIEW weekly_totals AS
WITH a AS (
    SELECT
        week,
        week_start,
        count(*) AS articles,
        count(*) FILTER (WHERE is_relevant) AS relevant_articles,
        count(DISTINCT story_id) FILTER (WHERE is_relevant) AS unique_stories,
        count(DISTINCT outlet) FILTER (WHERE is_relevant) AS outlets
    FROM article_weeks
    GROUP BY week, week_start
),
q AS (
    SELECT week_start, week, count(*) AS quotes, count(DISTINCT speaker) AS speakers
    FROM quote_weeks
    WHERE is_relevant
    GROUP BY week_start, week
)
SELECT
    a.week,
    a.week_start,
    a.articles,
    a.relevant_articles,
    a.unique_stories,
    a.outlets,
    coalesce(q.quotes, 0) AS quotes,
    coalesce(q.speakers, 0) AS speakers
FROM a
LEFT JOIN q USING (week_start, week)
"""

WEEKLY_STANCE = """
CREATE OR REPLACE VIEW weekly_stance AS
SELECT
    week,
    week_start,
    outlet,
    stance,
    count(*) AS articles,
    count(*) / sum(count(*)) OVER (PARTITION BY week_start, week, outlet) AS share
FROM article_weeks
WHERE is_relevant
GROUP BY week, week_start, outlet, stance
"""

WEEKLY_SOURCES = """
CREATE OR REPLACE VIEW weekly_sources AS
SELECT
    week,
    week_start,
    speaker_role,
    count(*) AS quotes,
    count(*) / sum(count(*)) OVER (PARTITION BY week_start, week) AS share
FROM quote_weeks
WHERE is_relevant
GROUP BY week, week_start, speaker_role
"""

WEEKLY_QUOTE_STANCE = """
CREATE OR REPLACE VIEW weekly_quote_stance AS
SELECT
    week,
    week_start,
    speaker_role,
    stance,
    count(*) AS quotes,
    count(*) / sum(count(*)) OVER (PARTITION BY week_start, week, speaker_role) AS share
FROM quote_weeks
WHERE is_relevant
GROUP BY week, week_start, speaker_role, stance
"""

# Named people and organisations only: a generic group ("critics") or an unnamed speaker ("a
# spokesperson") is a word, not someone to rank; their quotes still count in every other view.
# Quotes loaded before speaker_kind existed (NULL) are kept.
# Ranked on the quote count alone (one cheap grouped count), then the details (outlets,
# articles, the most frequent role and organisation) are computed for the kept speakers only.
# Written so that a filter on week or week_start reaches the tables: the window partitions
# name both, and no holistic aggregate such as mode() (which blocks that pushdown in DuckDB
# 2.0) is used; the most frequent label is arg_max over per-label window counts (ties go to
# the label sorting last; any label beats NULL).
TOP_SPEAKERS = f"""
CREATE OR REPLACE VIEW top_speakers AS
WITH speaker_quotes AS (
    SELECT week_start, week, speaker, speaker_role, speaker_org, outlet, article_id
    FROM quote_weeks
    WHERE is_relevant AND speaker IS NOT NULL
      AND (speaker_kind IS NULL OR speaker_kind IN ('person', 'organisation'))
),
ranked AS (
    SELECT
        week_start,
        week,
        speaker,
        count(*) AS quotes,
        rank() OVER (PARTITION BY week_start, week ORDER BY count(*) DESC) AS rank
    FROM speaker_quotes
    GROUP BY week_start, week, speaker
    QUALIFY rank <= {TOP_SPEAKERS_PER_WEEK}
),
top_quotes AS (
    SELECT
        r.week_start,
        r.week,
        r.rank,
        r.speaker,
        r.quotes,
        q.outlet,
        q.article_id,
        q.speaker_role,
        q.speaker_org,
        count(*) OVER (PARTITION BY r.week_start, r.week, r.speaker, q.speaker_role) AS n_role,
        count(*) OVER (PARTITION BY r.week_start, r.week, r.speaker, q.speaker_org) AS n_org
    FROM ranked r
    JOIN speaker_quotes q
        ON q.week_start = r.week_start AND q.week = r.week AND q.speaker = r.speaker
)
SELECT
    week,
    week_start,
    rank,
    speaker,
    arg_max(
        speaker_role, struct_pack(k := speaker_role IS NOT NULL, n := n_role, v := speaker_role)
    ) AS speaker_role,
    arg_max(
        speaker_org, struct_pack(k := speaker_org IS NOT NULL, n := n_org, v := speaker_org)
    ) AS speaker_org,
    quotes,
    count(DISTINCT outlet) AS outlets,
    count(DISTINCT article_id) AS articles
FROM top_quotes
GROUP BY week_start, week, rank, speaker, quotes
ORDER BY week_start, rank, speaker
"""

CRAWL_HEALTH = """
CREATE OR REPLACE VIEW crawl_health AS
WITH f AS (
    SELECT
        run_id,
        source,
        count(*) AS requests,
        count(*) FILTER (WHERE status BETWEEN 200 AND 399) AS fetched,
        count(*) FILTER (WHERE kind = 'article' AND status BETWEEN 200 AND 299)
            AS articles_fetched,
        count(*) FILTER (
            WHERE status >= 400
               OR (error IS NOT NULL AND error NOT IN ({skips}) AND error NOT ILIKE '%robots%'
                   AND error NOT LIKE 'not_article:%')
        ) AS failed,
        count(*) FILTER (WHERE error ILIKE '%robots%') AS robots_blocked,
        count(*) FILTER (WHERE error IN ({skips})) AS skipped
    FROM fetches
    GROUP BY run_id, source
),
stored AS (
    SELECT parse_filename(warc_file) AS warc_name, outlet, count(*) AS articles_stored
    FROM articles
    WHERE warc_file IS NOT NULL
    GROUP BY ALL
)
SELECT
    r.run_id,
    r.started_at,
    r.finished_at,
    r.status AS run_status,
    f.source,
    f.requests,
    f.fetched,
    f.articles_fetched,
    coalesce(s.articles_stored, 0) AS articles_stored,
    f.failed,
    f.robots_blocked,
    f.skipped
FROM crawl_runs r
JOIN f USING (run_id)
LEFT JOIN stored s
    ON s.warc_name = parse_filename(r.warc_file) AND s.outlet = f.source
""".replace("{skips}", ", ".join(f"'{code}'" for code in CRAWLER_DECISIONS))

# In dependency order: later views read earlier ones.
VIEWS: dict[str, str] = {
    "article_weeks": ARTICLE_WEEKS,
    "quote_weeks": QUOTE_WEEKS,
    "weekly_coverage": WEEKLY_COVERAGE,
    "weekly_totals": WEEKLY_TOTALS,
    "weekly_stance": WEEKLY_STANCE,
    "weekly_sources": WEEKLY_SOURCES,
    "weekly_quote_stance": WEEKLY_QUOTE_STANCE,
    "top_speakers": TOP_SPEAKERS,
    "crawl_health": CRAWL_HEALTH,
}

VIEWS_SQL = ";\n".join(sql.strip() for sql in VIEWS.values()) + ";\n"
