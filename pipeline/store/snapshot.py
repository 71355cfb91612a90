"""Parquet snapshot of the database, for tools that must never wait for DuckDB's lock.

After every load the monitor flow (and ``asylumwatch run`` and ``demo``) exports the tables
analysts read and the trend views to ``<export_dir>/<name>.parquet`` (default
``data/exports``), with :func:`pipeline.store.export.export_tables`: each file is written under a
temporary name in the same folder and then renamed over the old one, which is atomic on POSIX
file systems, so a reader sees either the previous snapshot or the new one, never half a file.
``snapshot.json`` (written last, the same way) says when and from which schema version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.store.export import RELATIONS, export_tables

# Tables and views exported, in this order. Tables are copied whole; views as computed now.
EXPORTS: tuple[str, ...] = RELATIONS


@dataclass(slots=True)
class Snapshot:
    """What :func:`export_snapshot` wrote."""

    export_dir: str
    exported_at: str
    schema_version: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def default_export_dir(db_path: Path) -> Path:
    """The default snapshot folder: ``exports/`` next to the database."""
    return Path(db_path).parent / "exports"


def export_snapshot(db_path: Path, export_dir: Path | None = None) -> Snapshot:
    """Write every relation of :data:`EXPORTS` to Parquet; returns what was written."""
    result = export_tables(db_path, Path(export_dir or default_export_dir(db_path)), "parquet")
    return Snapshot(
        result.export_dir, result.exported_at, result.schema_version, result.rows, result.seconds
    )
