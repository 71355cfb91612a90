"""Process archived WARC files: extract articles, annotate them, load them into DuckDB.

The write connection is opened once per batch and closed straight after, so the database is
free for analysts between batches. Processing is idempotent: a WARC processed twice leaves
the same rows, and a run that dies midway can simply be run again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline.annotate import Annotator
from pipeline.core.records import Article
from pipeline.core.warc import SkippedRecord, fetch_log_for, iter_responses, read_fetch_log
from pipeline.extract import extract_or_reason
from pipeline.store.load import (
    DatabaseBusy,
    connect,
    load_annotated,
    load_fetches,
    mark_warc_processed,
    quarantine,
)

log = logging.getLogger(__name__)

BATCH_SIZE = 200


@dataclass(slots=True)
class ProcessStats:
    """What processing WARC files did: files, responses, articles extracted and loaded, quotes,
    fetch rows, quarantined records and pages that were no articles."""

    warc_files: int = 0
    responses: int = 0
    articles: int = 0
    loaded: int = 0
    quotes: int = 0
    fetches: int = 0
    quarantined: int = 0  # records (or files) that could not be loaded: table quarantine
    by_outlet: dict[str, int] = field(default_factory=dict)
    # fetched pages that did not become articles, by reason (not_article:too_short...)
    not_articles: dict[str, int] = field(default_factory=dict)


def process_warcs(
    warc_files: Iterable[Path],
    db_path: Path,
    annotator: Annotator,
    *,
    batch_size: int = BATCH_SIZE,
    on_response: Callable[[], None] | None = None,
) -> ProcessStats:
    """Extract, annotate and load each WARC file into ``db_path``; a file that cannot be loaded is
    quarantined and the others go on."""
    stats = ProcessStats()
    for warc_file in warc_files:
        try:
            process_warc(Path(warc_file), db_path, annotator, stats, batch_size, on_response)
        except (duckdb.Error, DatabaseBusy, MemoryError):
            raise  # the database's problem (or the machine's), not the file's
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop this run or the next
            log.error("%s: could not be loaded, quarantined: %s", warc_file, exc)
            with connect(db_path) as con:
                quarantine(con, str(warc_file), None, None, "load_failed", repr(exc)[:500])
                mark_warc_processed(con, str(warc_file), None, 0, 0)
            stats.quarantined += 1
    return stats


def process_warc(
    warc_file: Path,
    db_path: Path,
    annotator: Annotator,
    stats: ProcessStats,
    batch_size: int = BATCH_SIZE,
    on_response: Callable[[], None] | None = None,
) -> None:
    """Extract, annotate and load one WARC file in batches, adding to ``stats``."""
    batch: list[Article] = []
    responses = articles = 0
    run_id = None
    skipped: list[SkippedRecord] = []
    reasons: dict[str, str] = {}  # url -> not_article:<reason>
    for response in iter_responses(warc_file, on_skip=skipped.append):
        responses += 1
        if on_response:
            on_response()
        try:
            article, reason = extract_or_reason(response)
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
            log.warning("%s: extraction failed: %s", response.url, exc)
            skipped.append(
                SkippedRecord(response.url, response.record_offset, "extract_error", repr(exc))
            )
            continue
        if article is None:
            if reason is not None:
                reasons[response.url] = reason
            continue
        articles += 1
        stats.by_outlet[article.outlet] = stats.by_outlet.get(article.outlet, 0) + 1
        batch.append(article)
        if len(batch) >= batch_size:
            _load(batch, db_path, annotator, stats)
            batch = []
    if batch:
        _load(batch, db_path, annotator, stats)
    fetches = read_fetch_log(fetch_log_for(warc_file))
    for fetch in fetches:
        reason = reasons.get(fetch.url)
        if reason and fetch.status == 200 and fetch.error is None and fetch.kind == "article":
            fetch.error = reason
            stats.not_articles[reason] = stats.not_articles.get(reason, 0) + 1
    if fetches:
        run_id = fetches[0].run_id
    with connect(db_path) as con:
        stats.fetches += load_fetches(con, fetches)
        for record in skipped:
            quarantine(
                con, str(warc_file), record.record_offset, record.url, record.reason, record.detail
            )
        mark_warc_processed(con, str(warc_file), run_id, responses, articles)
    stats.warc_files += 1
    stats.responses += responses
    stats.articles += articles
    stats.quarantined += len(skipped)


def _load(batch: list[Article], db_path: Path, annotator: Annotator, stats: ProcessStats) -> None:
    annotated = annotator.annotate(batch)
    with connect(db_path) as con:
        stats.loaded += load_annotated(con, annotated)
    stats.quotes += sum(len(item.quotes) for item in annotated)
