"""What a monitor or backfill run did, read back from the database.

The counts come from DuckDB rather than from the stages' return values, so they stay right
whatever the annotate stage fills (quotes, stance) and however often a run was retried:

* per source: ``fetched`` (responses 2xx/3xx), ``new`` (articles now stored from this run's
  archives), ``failed`` (no response, 4xx/5xx, or an unusable page; pages robots.txt forbids
  and entries the crawler chose to skip are counted apart);
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

from pipeline.core.records import STANCES
from pipeline.store.load import connect

UNCLASSIFIED = "(not classified)"


@dataclass(slots=True)
class SourceCounts:
    source: str
    fetched: int = 0
    new: int = 0
    failed: int = 0
    robots_blocked: int = 0
    skipped: int = 0  # the crawler's decisions: too old, off topic


@dataclass(slots=True)
class RunCounts:
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
        rows = con.execute(
            """
            SELECT source, sum(fetched), sum(articles_stored), sum(failed), sum(robots_blocked),
                   sum(skipped)
            FROM crawl_health
            WHERE started_at >= ?
            GROUP BY source
            ORDER BY source
            """,
            [started_at],
        ).fetchall()
        counts.sources = [SourceCounts(r[0] or "(unknown)", *map(int, r[1:])) for r in rows]
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


def stored_counts(con: duckdb.DuckDBPyConnection, warc_file: str) -> dict[str, tuple[int, int]]:
    """Per outlet: articles first stored from ``warc_file``, and how many are duplicates."""
    rows = con.execute(
        """
        SELECT a.outlet, count(*), count(*) FILTER (WHERE s.duplicate_of IS NOT NULL)
        FROM article_signatures s JOIN articles a USING (article_id)
        WHERE s.first_warc = ?
        GROUP BY a.outlet
        """,
        [str(warc_file)],
    ).fetchall()
    return {outlet: (new, dup) for outlet, new, dup in rows}


def warc_processed(con: duckdb.DuckDBPyConnection, warc_file: str | Path) -> bool:
    rows = con.execute("SELECT 1 FROM warc_files WHERE warc_file = ?", [str(warc_file)]).fetchall()
    return bool(rows)


def source_rows(counts: RunCounts) -> list[dict[str, object]]:
    """Per-source rows for a Prefect table artifact."""
    return [
        {
            "source": s.source,
            "fetched": s.fetched,
            "new": s.new,
            "failed": s.failed,
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
            f"| {_cell(s.source)} | {s.fetched} | {s.new} | {s.failed} | {s.robots_blocked} "
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
