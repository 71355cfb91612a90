"""What a monitor or backfill run did, read back from the database.

The counts come from DuckDB rather than from the stages' return values, so they stay right
whatever the annotate stage fills (quotes, stance) and however often a run was retried:

* per source (:class:`pipeline.core.records.SourceCounts`, counted as at the end of every
  crawl by :func:`pipeline.core.counts.build_report`, from the ``fetches`` rows of the run's
  crawls): ``fetched`` (article URLs whose final answer was a 2xx or a 304), ``new``
  (articles first stored from the run's archives), ``failed`` (URLs whose final outcome was
  a failure; pages robots.txt forbids and entries the crawler chose to skip are counted
  apart);
* articles loaded (inserted or updated rows, from the load stage), of which relevant;
* quotes stored for those articles, article stance counts and quote stance counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.core.counts import build_report
from pipeline.core.records import STANCES, Fetch, SourceCounts
from pipeline.store.load import connect

UNCLASSIFIED = "(not classified)"


@dataclass(slots=True)
class RunCounts:
    """What a monitor or backfill run did, for its summary artifacts."""

    flow: str
    started_at: str
    crawl_runs: list[str] = field(default_factory=list)
    crawl_ok: bool = True
    warc_files: list[str] = field(default_factory=list)
    sources: list[SourceCounts] = field(default_factory=list)
    articles_extracted: int = 0
    articles_loaded: int = 0
    articles_in_archives: int = 0
    relevant_articles: int = 0
    duplicates: int = 0
    quotes: int = 0
    article_stance: dict[str, int] = field(default_factory=dict)
    quote_stance: dict[str, int] = field(default_factory=dict)
    export_dir: str | None = None
    notes: list[str] = field(default_factory=list)


def _archive_names(con: duckdb.DuckDBPyConnection, warc_files: Sequence[str]) -> None:
    names = sorted({Path(f).name for f in warc_files})
    con.register("run_archives", pa.table({"warc_name": pa.array(names, pa.string())}))


def collect(
    db_path: Path,
    *,
    flow: str,
    started_at: datetime,
    warc_files: Sequence[str],
    articles_extracted: int,
    articles_loaded: int,
    crawl_ok: bool = True,
) -> RunCounts:
    """Counts for the crawl runs started since ``started_at`` (UTC, naive) and the articles
    stored from ``warc_files``."""
    counts = RunCounts(
        flow=flow,
        started_at=started_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        crawl_ok=crawl_ok,
        warc_files=[str(f) for f in warc_files],
        articles_extracted=articles_extracted,
        articles_loaded=articles_loaded,
    )
    with connect(db_path, read_only=True) as con:
        counts.crawl_runs = [
            row[0]
            for row in con.execute(
                "SELECT run_id FROM crawl_runs WHERE started_at >= ? ORDER BY started_at",
                [started_at],
            ).fetchall()
        ]
        fetches = run_fetches(con, started_at)
        names = sorted({f.source for f in fetches})
        stored = stored_counts(con, warc_files)
        counts.sources = build_report(fetches, {}, stored, names)
        _archive_names(con, warc_files)
        try:
            articles = con.execute(
                """
                SELECT count(*),
                       count(*) FILTER (WHERE is_relevant),
                       count(*) FILTER (WHERE duplicate_of IS NOT NULL)
                FROM articles
                WHERE parse_filename(warc_file) IN (SELECT warc_name FROM run_archives)
                """
            ).fetchall()[0]
            counts.articles_in_archives, counts.relevant_articles, counts.duplicates = articles
            counts.quotes = con.execute(
                """
                SELECT count(*) FROM quotes
                WHERE article_id IN (
                    SELECT article_id FROM articles
                    WHERE parse_filename(warc_file) IN (SELECT warc_name FROM run_archives))
                """
            ).fetchall()[0][0]
            counts.article_stance = _stance_counts(
                con,
                "SELECT stance, count(*) FROM articles WHERE is_relevant AND "
                "parse_filename(warc_file) IN (SELECT warc_name FROM run_archives) GROUP BY 1",
            )
            counts.quote_stance = _stance_counts(
                con,
                """
                SELECT q.stance, count(*) FROM quotes q JOIN articles a USING (article_id)
                WHERE parse_filename(a.warc_file) IN (SELECT warc_name FROM run_archives)
                GROUP BY 1
                """,
            )
        finally:
            con.unregister("run_archives")
    return counts


def _stance_counts(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, int]:
    found = {stance or UNCLASSIFIED: n for stance, n in con.execute(sql).fetchall()}
    ordered = {stance: found.pop(stance, 0) for stance in STANCES}
    ordered[UNCLASSIFIED] = found.pop(UNCLASSIFIED, 0)
    ordered.update(found)  # labels outside the codebook would show up here, not vanish
    return ordered


def run_fetches(con: duckdb.DuckDBPyConnection, started_at: datetime) -> list[Fetch]:
    """The ``fetches`` rows of the crawl runs started since ``started_at`` (UTC, naive); a
    row without a source is given ``(unknown)``."""
    rows = con.execute(
        """
        SELECT f.run_id, f.url, coalesce(f.source, '(unknown)'), f.kind, f.status,
               coalesce(f.bytes, 0), f.fetched_at, f.error, f.content_type, f.warc_file
        FROM fetches f JOIN crawl_runs r USING (run_id)
        WHERE r.started_at >= ?
        """,
        [started_at],
    ).fetchall()
    return [Fetch(*row) for row in rows]


def stored_counts(
    con: duckdb.DuckDBPyConnection, warc_files: Sequence[str | Path]
) -> dict[str, tuple[int, int]]:
    """Per outlet: articles first stored from ``warc_files`` (matched by file name), and how
    many of them are duplicates."""
    names = sorted({Path(f).name for f in warc_files})
    rows = con.execute(
        """
        SELECT a.outlet, count(*), count(*) FILTER (WHERE s.duplicate_of IS NOT NULL)
        FROM article_signatures s JOIN articles a USING (article_id)
        WHERE list_contains(?, parse_filename(s.first_warc))
        GROUP BY a.outlet
        """,
        [names],
    ).fetchall()
    return {outlet: (new, dup) for outlet, new, dup in rows}


def warc_processed(con: duckdb.DuckDBPyConnection, warc_file: str | Path) -> bool:
    """Whether ``warc_file`` has been processed (extracted and loaded)."""
    rows = con.execute("SELECT 1 FROM warc_files WHERE warc_file = ?", [str(warc_file)]).fetchall()
    return bool(rows)


def source_rows(counts: RunCounts) -> list[dict[str, object]]:
    """Per-source rows for a Prefect table artifact."""
    return [
        {
            "source": s.source,
            "fetched": s.fetched,
            "new": s.new,
            "failed": s.failed_besides_robots,
            "robots_blocked": s.robots_blocked,
            "skipped": s.skipped,
        }
        for s in counts.sources
    ]


def markdown(counts: RunCounts) -> str:
    """The run summary as Markdown (the Prefect artifact shown in the UI)."""
    status = "finished" if counts.crawl_ok else "**crawl failed** (what was fetched is loaded)"
    lines = [
        f"# {counts.flow} run started {counts.started_at}",
        "",
        f"Crawl: {status}. Crawl runs: {', '.join(counts.crawl_runs) or 'none'}.",
        f"Archives processed: {len(counts.warc_files)}.",
        "",
    ]
    if counts.sources:
        lines += [
            "| source | fetched | new | failed | robots.txt forbids | skipped (old, off topic) |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {_cell(s.source)} | {s.fetched} | {s.new} | {s.failed_besides_robots} "
            f"| {s.robots_blocked} "
            f"| {s.skipped} |"
            for s in counts.sources
        ]
        lines.append("")
    lines += [
        f"- articles extracted: {counts.articles_extracted}",
        f"- articles loaded (new or updated rows): {counts.articles_loaded}",
        f"- relevant: {counts.relevant_articles} of {counts.articles_in_archives} stored from "
        f"these archives; duplicates of an earlier story: {counts.duplicates}",
        f"- quotes: {counts.quotes}",
        "",
        "| stance | relevant articles | quotes |",
        "| --- | ---: | ---: |",
    ]
    for stance in dict.fromkeys([*counts.article_stance, *counts.quote_stance]):
        lines.append(
            f"| {stance} | {counts.article_stance.get(stance, 0)} | "
            f"{counts.quote_stance.get(stance, 0)} |"
        )
    if counts.export_dir:
        lines += ["", f"Parquet snapshot: `{counts.export_dir}`"]
    if counts.notes:
        lines += ["", *[f"- {note}" for note in counts.notes]]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
