"""One WARC file as Parquet batches, and the loader that merges them into DuckDB.

The distributed form of :func:`pipeline.process.process_warc`, split where the database
begins: :func:`annotate_warc` (any machine, no database) reads the WARC, extracts and
annotates the articles with the same stage functions and writes them as Parquet files
(articles, quotes, fetches), and :func:`load_batch` (the one writer) loads those files with
the same loaders, in the same batches, so the rows are those ``process`` writes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.annotate import Annotator
from pipeline.core.records import AnnotatedArticle, Article, Fetch, Quote
from pipeline.core.warc import SkippedRecord, fetch_log_for, iter_responses, read_fetch_log
from pipeline.extract import extract_or_reason
from pipeline.process import BATCH_SIZE, ProcessStats
from pipeline.store.load import (
    ARTICLE_SCHEMA,
    FETCH_SCHEMA,
    QUOTE_SCHEMA,
    connect,
    load_annotated,
    load_fetches,
    mark_warc_processed,
    quarantine,
    to_arrow,
)

log = logging.getLogger(__name__)


@dataclass(slots=True)
class WarcBatch:
    """What :func:`annotate_warc` made of one WARC file (small: the rows are in Parquet)."""

    warc_file: str
    articles_path: str | None = None
    quotes_path: str | None = None
    fetches_path: str | None = None
    run_id: str | None = None
    responses: int = 0
    articles: int = 0
    skipped: list[SkippedRecord] = field(default_factory=list)
    not_articles: dict[str, int] = field(default_factory=dict)
    by_outlet: dict[str, int] = field(default_factory=dict)
    failed: str | None = None  # the whole file could not be read: quarantined by the loader
    seconds: float = 0.0  # reading, extracting and annotating (annotator set-up excluded)


def annotate_warc(
    warc_file: Path, annotator: Annotator, out_dir: Path, batch_size: int = BATCH_SIZE
) -> WarcBatch:
    """Extract and annotate ``warc_file`` into ``out_dir/<name>.{articles,quotes,fetches}
    .parquet``; a file that cannot be read comes back with ``failed`` set."""
    batch = WarcBatch(str(warc_file))
    started = time.perf_counter()
    try:
        _annotate(Path(warc_file), annotator, Path(out_dir), batch_size, batch)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
        log.error("%s: could not be read: %s", warc_file, exc)
        batch.failed = repr(exc)[:500]
    batch.seconds = time.perf_counter() - started
    return batch


def _annotate(
    warc_file: Path, annotator: Annotator, out_dir: Path, batch_size: int, batch: WarcBatch
) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / warc_file.name.removesuffix(".gz").removesuffix(".warc")
    articles_path, quotes_path = Path(f"{stem}.articles.parquet"), Path(f"{stem}.quotes.parquet")
    reasons: dict[str, str] = {}
    pending: list[Article] = []
    with (
        pq.ParquetWriter(articles_path, ARTICLE_SCHEMA) as article_out,
        pq.ParquetWriter(quotes_path, QUOTE_SCHEMA) as quote_out,
    ):

        def flush() -> None:
            annotated = annotator.annotate(pending)
            article_out.write_table(to_arrow([a.article for a in annotated], ARTICLE_SCHEMA))
            quotes = [q for a in annotated for q in a.quotes]
            quote_out.write_table(to_arrow(quotes, QUOTE_SCHEMA))
            pending.clear()

        for response in iter_responses(warc_file, on_skip=batch.skipped.append):
            batch.responses += 1
            try:
                article, reason = extract_or_reason(response)
            except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
                batch.skipped.append(
                    SkippedRecord(response.url, response.record_offset, "extract_error", repr(exc))
                )
                continue
            if article is None:
                if reason is not None:
                    reasons[response.url] = reason
                continue
            batch.articles += 1
            batch.by_outlet[article.outlet] = batch.by_outlet.get(article.outlet, 0) + 1
            pending.append(article)
            if len(pending) >= batch_size:
                flush()
        if pending:
            flush()
    fetches = read_fetch_log(fetch_log_for(warc_file))
    for fetch in fetches:
        reason = reasons.get(fetch.url)
        if reason and fetch.status == 200 and fetch.error is None and fetch.kind == "article":
            fetch.error = reason
            batch.not_articles[reason] = batch.not_articles.get(reason, 0) + 1
    fetches_path = Path(f"{stem}.fetches.parquet")
    pq.write_table(to_arrow(fetches, FETCH_SCHEMA), fetches_path)
    batch.run_id = fetches[0].run_id if fetches else None
    batch.articles_path, batch.quotes_path = str(articles_path), str(quotes_path)
    batch.fetches_path = str(fetches_path)


def _records(path: str, cls: type) -> Iterator[list]:
    """The rows of a Parquet file as ``cls`` records, one row group at a time."""
    handle = pq.ParquetFile(path)
    for group in range(handle.num_row_groups):
        table: pa.Table = handle.read_row_group(group)
        yield [cls(**row) for row in table.to_pylist()]


def load_batch(batch: WarcBatch, db_path: Path, stats: ProcessStats) -> None:
    """Merge one :class:`WarcBatch` into the database (the single writer), as
    :func:`pipeline.process.process_warc` would have loaded the same WARC."""
    if batch.failed is not None:
        with connect(db_path) as con:
            quarantine(con, batch.warc_file, None, None, "load_failed", batch.failed)
            mark_warc_processed(con, batch.warc_file, None, 0, 0)
        stats.quarantined += 1
        return
    assert batch.articles_path and batch.quotes_path and batch.fetches_path
    quotes_by_article: dict[str, list[Quote]] = {}
    for group in _records(batch.quotes_path, Quote):
        for quote in group:
            quotes_by_article.setdefault(quote.article_id, []).append(quote)
    for group in _records(batch.articles_path, Article):
        annotated = [AnnotatedArticle(a, quotes_by_article.get(a.article_id, [])) for a in group]
        with connect(db_path) as con:
            stats.loaded += load_annotated(con, annotated)
        stats.quotes += sum(len(item.quotes) for item in annotated)
    fetches = [Fetch(**row) for row in pq.read_table(batch.fetches_path).to_pylist()]
    with connect(db_path) as con:
        stats.fetches += load_fetches(con, fetches)
        for record in batch.skipped:
            quarantine(
                con, batch.warc_file, record.record_offset, record.url, record.reason, record.detail
            )
        mark_warc_processed(con, batch.warc_file, batch.run_id, batch.responses, batch.articles)
    stats.warc_files += 1
    stats.responses += batch.responses
    stats.articles += batch.articles
    stats.quarantined += len(batch.skipped)
    for outlet, n in batch.by_outlet.items():
        stats.by_outlet[outlet] = stats.by_outlet.get(outlet, 0) + n
    for reason, n in batch.not_articles.items():
        stats.not_articles[reason] = stats.not_articles.get(reason, 0) + n


def remove_batch(batch: WarcBatch) -> None:
    """Delete the batch's files."""
    for name in (batch.articles_path, batch.quotes_path, batch.fetches_path):
        if name:
            Path(name).unlink(missing_ok=True)
