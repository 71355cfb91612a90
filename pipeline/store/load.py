"""Loading records into DuckDB.

The write connection is opened only for the time a batch takes to load, so analysts can query
between loads. DuckDB lets one process write at a time: a writer (or reader) that meets the
lock waits and retries with a message rather than failing. All loads are idempotent: loading
the same records twice leaves the same rows.
"""

from __future__ import annotations

import contextlib
import logging
import random
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.core.records import AnnotatedArticle, Article, CrawlRun, Fetch
from pipeline.store.schema import LATEST_VERSION, MIGRATIONS
from pipeline.store.views import VIEWS_SQL

log = logging.getLogger(__name__)

LOCK_WAIT_SECONDS = 120.0
# While waiting, say so again every this many seconds (a long load must not look like a hang).
LOCK_REMIND_SECONDS = 30.0


class DatabaseBusy(Exception):
    """Another process held the database lock for longer than we were willing to wait."""


class DatabaseUnreadable(Exception):
    """The database path is a folder, not a DuckDB file, or cannot be read or written."""


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("could not set" in text or "conflicting" in text)


def _lock_holder(exc: Exception) -> str:
    """``"PID 1234 (python3.11)"`` from DuckDB's lock error, or ``"another process"``."""
    match = re.search(r"held in (\S+) \(PID (\d+)\)", str(exc))
    if not match:
        return "another process"
    return f"PID {match.group(2)} ({Path(match.group(1)).name})"


@contextmanager
def connect(
    db_path: Path,
    *,
    read_only: bool = False,
    wait: float = LOCK_WAIT_SECONDS,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open ``db_path``, waiting (with a message) while another process holds the lock.

    DuckDB lets one process write, or any number of processes read, at a time: a writer
    meets the lock while anyone has the file open, a reader while a writer has. Either kind
    retries with a growing, jittered delay (0.05 s up to 1 s) for up to ``wait`` seconds,
    calls ``on_wait`` (default: a log warning) once when it starts waiting and every
    ``LOCK_REMIND_SECONDS`` after, then gives up with :class:`DatabaseBusy`. Keep the
    connection only as long as needed: while it is open it blocks the other side.

    A read-write connection brings the schema up to date first.
    """
    db_path = Path(db_path)
    if read_only and not db_path.exists():
        raise FileNotFoundError(f"{db_path}: no database here yet. Run a crawl or the demo first.")
    if db_path.is_dir():
        raise DatabaseUnreadable(f"{db_path} is a folder, not a database: pass a file path.")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    deadline = started + wait
    delay = 0.05
    next_notice = started
    mode = "read" if read_only else "write"
    while True:
        try:
            con = duckdb.connect(str(db_path), read_only=read_only)
            break
        except duckdb.Error as exc:
            if not isinstance(exc, duckdb.IOException) or not _is_lock_error(exc):
                cause = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise DatabaseUnreadable(f"{db_path}: cannot open the database: {cause}") from None
            now = time.monotonic()
            holder = _lock_holder(exc)
            if now >= deadline:
                raise DatabaseBusy(
                    f"{db_path} is locked by {holder} (a running load, or an open analysis "
                    f"session) and stayed locked for {wait:.0f} s. Try again when it finishes."
                ) from None
            if now >= next_notice:
                waited = f" (waited {now - started:.0f} s)" if now > started + 1 else ""
                message = (
                    f"{db_path} is busy: {holder} has it open; waiting to {mode}{waited}, "
                    f"giving up after {wait:.0f} s..."
                )
                (on_wait or log.warning)(message)
                next_notice = now + LOCK_REMIND_SECONDS
            time.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 1.5, 1.0)
    try:
        if not read_only:
            migrate(con)
        yield con
    finally:
        con.close()


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the migrations this database lacks; returns the schema version."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
    )
    current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]
    pending = [m for m in MIGRATIONS if m.version > current]
    # The views are created once, with the last pending migration that changes them.
    views_at = max((m.version for m in pending if m.views), default=None)
    for migration in pending:
        con.execute("BEGIN")
        try:
            if migration.sql.strip():
                con.execute(migration.sql)
            if migration.version == views_at:
                con.execute(VIEWS_SQL)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)",
                [migration.version, migration.description, _now()],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        log.info("schema migrated to version %d: %s", migration.version, migration.description)
    return max(current, LATEST_VERSION)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- Arrow tables from records ---------------------------------------------------------------

ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("outlet", pa.string()),
        ("domain", pa.string()),
        ("title", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("published_at", pa.timestamp("us")),
        ("fetched_at", pa.timestamp("us")),
        ("language", pa.string()),
        ("text", pa.string()),
        ("word_count", pa.int32()),
        ("is_relevant", pa.bool_()),
        ("relevance_score", pa.float64()),
        ("duplicate_of", pa.string()),
        ("stance", pa.string()),
        ("stance_score", pa.float64()),
        ("model_version", pa.string()),
        ("warc_file", pa.string()),
        ("stance_note", pa.string()),
    ]
)
QUOTE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("quote_index", pa.int32()),
        ("text", pa.string()),
        ("quote_type", pa.string()),
        ("speaker", pa.string()),
        ("speaker_role", pa.string()),
        ("speaker_org", pa.string()),
        ("speaker_role_score", pa.float64()),
        ("stance", pa.string()),
        ("stance_score", pa.float64()),
        ("char_start", pa.int32()),
        ("char_end", pa.int32()),
        ("model_version", pa.string()),
        ("speaker_kind", pa.string()),
    ]
)
FETCH_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("url", pa.string()),
        ("source", pa.string()),
        ("kind", pa.string()),
        ("status", pa.int32()),
        ("bytes", pa.int64()),
        ("fetched_at", pa.timestamp("us")),
        ("error", pa.string()),
        ("content_type", pa.string()),
        ("warc_file", pa.string()),
    ]
)


def to_arrow(records: Sequence, schema: pa.Schema) -> pa.Table:
    """Dataclass records to an Arrow table with ``schema``'s column order and types."""
    names = schema.names
    columns = {name: [getattr(r, name) for r in records] for name in names}
    return pa.Table.from_pydict(columns, schema=schema)


# --- loading -----------------------------------------------------------------------------------


def load_annotated(con: duckdb.DuckDBPyConnection, batch: Sequence[AnnotatedArticle]) -> int:
    """Upsert articles (the newest fetch of a URL wins) and replace their quotes.

    Returns the number of articles inserted or updated.
    """
    if not batch:
        return 0
    newest = _newest_per_id([item.article for item in batch])
    quotes = [
        q for item in batch if newest[item.article.article_id] is item.article for q in item.quotes
    ]
    article_table = to_arrow(list(newest.values()), ARTICLE_SCHEMA)
    quote_table = to_arrow(quotes, QUOTE_SCHEMA)
    # duplicate_of belongs to pipeline.dedup (set after loading): a reload keeps it.
    kept = ("article_id", "duplicate_of")
    update = ", ".join(f"{n} = excluded.{n}" for n in ARTICLE_SCHEMA.names if n not in kept)
    con.execute("BEGIN")
    try:
        con.register("incoming_articles", article_table)
        # Only rows whose fetch is at least as new as the stored one replace it.
        changed = con.execute(
            "SELECT i.article_id FROM incoming_articles i LEFT JOIN articles a USING (article_id) "
            "WHERE a.article_id IS NULL OR i.fetched_at >= a.fetched_at"
        ).fetchall()
        changed_ids = [row[0] for row in changed]
        con.execute(
            f"INSERT INTO articles SELECT * FROM incoming_articles "
            f"ON CONFLICT (article_id) DO UPDATE SET {update} "
            f"WHERE excluded.fetched_at >= articles.fetched_at"
        )
        if changed_ids:
            con.register("changed_ids", pa.table({"article_id": changed_ids}))
            con.execute(
                "DELETE FROM quotes WHERE article_id IN (SELECT article_id FROM changed_ids)"
            )
            con.register("incoming_quotes", quote_table)
            con.execute(
                "INSERT INTO quotes BY NAME SELECT * FROM incoming_quotes "
                "WHERE article_id IN (SELECT article_id FROM changed_ids)"
            )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in ("incoming_articles", "incoming_quotes", "changed_ids"):
            with contextlib.suppress(duckdb.Error):  # a view that was never registered
                con.unregister(name)
    return len(changed_ids)


def _newest_per_id(articles: Sequence[Article]) -> dict[str, Article]:
    newest: dict[str, Article] = {}
    for article in articles:
        kept = newest.get(article.article_id)
        if kept is None or article.fetched_at >= kept.fetched_at:
            newest[article.article_id] = article
    return newest


def load_fetches(con: duckdb.DuckDBPyConnection, fetches: Sequence[Fetch]) -> int:
    """Store a crawl's fetch-log rows (each once); returns the rows added."""
    if not fetches:
        return 0
    con.register("incoming_fetches", to_arrow(fetches, FETCH_SCHEMA))
    try:
        before = con.execute("SELECT count(*) FROM fetches").fetchall()[0][0]
        con.execute("INSERT OR IGNORE INTO fetches SELECT * FROM incoming_fetches")
        after = con.execute("SELECT count(*) FROM fetches").fetchall()[0][0]
    finally:
        con.unregister("incoming_fetches")
    return after - before


def record_crawl_run(con: duckdb.DuckDBPyConnection, run: CrawlRun) -> None:
    """Insert ``run`` into ``crawl_runs``, or update its row."""
    values = asdict(run)
    names = [f.name for f in fields(CrawlRun)]
    placeholders = ", ".join("?" for _ in names)
    update = ", ".join(f"{n} = excluded.{n}" for n in names if n != "run_id")
    con.execute(
        f"INSERT INTO crawl_runs ({', '.join(names)}) VALUES ({placeholders}) "
        f"ON CONFLICT (run_id) DO UPDATE SET {update}",
        [values[n] for n in names],
    )


def mark_warc_processed(
    con: duckdb.DuckDBPyConnection,
    warc_file: str,
    run_id: str | None,
    responses: int,
    articles: int,
) -> None:
    """Record that ``warc_file`` was processed, with its run and counts."""
    con.execute(
        "INSERT INTO warc_files VALUES (?, ?, ?, ?, ?) ON CONFLICT (warc_file) DO UPDATE SET "
        "processed_at = excluded.processed_at, responses = excluded.responses, "
        "articles = excluded.articles",
        [warc_file, run_id, _now(), responses, articles],
    )


def quarantine(
    con: duckdb.DuckDBPyConnection,
    warc_file: str,
    record_offset: int | None,
    url: str | None,
    reason: str,
    detail: str = "",
) -> None:
    """Record an archived record (``record_offset`` None: the whole file) that could not be
    loaded; loading it again replaces the row, so a file processed twice keeps one."""
    con.execute(
        "INSERT OR REPLACE INTO quarantine VALUES (?, ?, ?, ?, ?, ?)",
        [warc_file, -1 if record_offset is None else record_offset, url, reason, detail, _now()],
    )


def processed_warcs(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The WARC files recorded as processed."""
    return {row[0] for row in con.execute("SELECT warc_file FROM warc_files").fetchall()}


def mark_interrupted(con: duckdb.DuckDBPyConnection, warc_files: Sequence[str]) -> None:
    """Crawl runs still marked ``running`` whose WARCs are being recovered ended abruptly."""
    for warc_file in warc_files:
        con.execute(
            "UPDATE crawl_runs SET status = 'interrupted' "
            "WHERE warc_file = ? AND status = 'running'",
            [warc_file],
        )


def own_warcs(con: duckdb.DuckDBPyConnection) -> set[str]:
    """WARC files this database's own crawls wrote (``crawl_runs.warc_file``, recorded when
    each crawl starts): the only ones a run loads by itself."""
    rows = con.execute("SELECT warc_file FROM crawl_runs WHERE warc_file IS NOT NULL")
    return {row[0] for row in rows.fetchall()}
