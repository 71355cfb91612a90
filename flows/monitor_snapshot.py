"""Parquet snapshot of the database, for tools that must never wait for DuckDB's lock.

After every load the monitor flow exports the tables analysts read and the trend views to
``<export_dir>/<name>.parquet`` (default ``data/exports``). Each file is written under a
temporary name in the same folder and then renamed over the old one, which is atomic on POSIX
file systems: a reader sees either the previous snapshot or the new one, never half a file.
``snapshot.json`` (written last, the same way) says when and from which schema version.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline.store import connect

# Tables and views exported, in this order. Tables are copied whole; views as computed now.
EXPORTS: tuple[str, ...] = (
    "articles",
    "quotes",
    "crawl_runs",
    "weekly_coverage",
    "weekly_totals",
    "weekly_stance",
    "weekly_sources",
    "weekly_quote_stance",
    "top_speakers",
)


@dataclass(slots=True)
class Snapshot:
    export_dir: str
    exported_at: str
    schema_version: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def default_export_dir(db_path: Path) -> Path:
    return Path(db_path).parent / "exports"


def export_snapshot(db_path: Path, export_dir: Path | None = None) -> Snapshot:
    """Write every relation of :data:`EXPORTS` to Parquet; returns what was written."""
    export_dir = Path(export_dir or default_export_dir(db_path))
    export_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    _remove_stale_temporaries(export_dir)
    with connect(db_path, read_only=True) as con:
        version = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
        snapshot = Snapshot(
            export_dir=str(export_dir),
            exported_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            schema_version=int(version),
        )
        for name in EXPORTS:
            final = export_dir / f"{name}.parquet"
            partial = export_dir / f".{name}.parquet.{os.getpid()}.tmp"
            try:
                con.execute(
                    f"COPY (SELECT * FROM {name}) TO '{_sql_path(partial)}' "
                    "(FORMAT parquet, COMPRESSION zstd)"
                )
                snapshot.rows[name] = con.execute(
                    f"SELECT count(*) FROM read_parquet('{_sql_path(partial)}')"
                ).fetchall()[0][0]
                os.replace(partial, final)
            finally:
                partial.unlink(missing_ok=True)
    snapshot.seconds = round(time.perf_counter() - started, 3)
    _write_json_atomically(export_dir / "snapshot.json", asdict(snapshot))
    return snapshot


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _write_json_atomically(path: Path, data: dict) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, path)


def _remove_stale_temporaries(export_dir: Path, older_than: float = 3600.0) -> None:
    """Temporary files an export that died left behind (not a running export's)."""
    now = time.time()
    for leftover in export_dir.glob(".*.tmp"):
        try:
            if now - leftover.stat().st_mtime > older_than:
                leftover.unlink()
        except FileNotFoundError:
            continue
