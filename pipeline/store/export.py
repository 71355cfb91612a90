"""Export the tables analysts read and the trend views, one file per relation, with DuckDB's
``COPY`` (``asylumwatch export``, and the Parquet snapshot the monitor, ``run`` and ``demo``
refresh: :func:`pipeline.store.snapshot.export_snapshot`).

Each file is written under a temporary name in the output folder and renamed over the old one
(atomic on POSIX): a reader sees the previous file or the new one, never half a file.
``README.txt`` lists every file's columns and types; ``snapshot.json`` (written last) says
when, from which schema version, with which filters, and how many rows each file holds.

Parquet keeps types (dates, lists, booleans) and is what R, Python and DuckDB read best. CSV is
plain UTF-8 for programs (comma separated, a header row, NULL as an empty field, values as
stored); for Excel use the weekly report's CSVs or ``asylumwatch query --format csv``.

Filters (:class:`pipeline.store.filters.Filters`) restrict the articles, their quotes and every
trend view computed from them (:func:`pipeline.store.filters.restrict`: ``weekly_totals`` counts the
chosen outlets only). ``crawl_runs`` is not about articles: a filtered export leaves it out,
says so in the result and in README.txt, and removes its file from an earlier export, so the
folder never mixes filtered and unfiltered files.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline.store.filters import Filters, restrict
from pipeline.store.load import connect

# Tables and views exported, in this order. Tables are copied whole; views as computed now.
RELATIONS: tuple[str, ...] = (
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
# Relations that the article filters do not apply to: left out of a filtered export.
NOT_ARTICLES: dict[str, str] = {"crawl_runs": "crawl runs are not filtered by article"}
FORMATS: dict[str, str] = {
    "parquet": "(FORMAT parquet, COMPRESSION zstd)",
    "csv": "(FORMAT csv, HEADER true)",
}


class ExportError(ValueError):
    """An export that cannot run as asked (user mistake)."""


@dataclass(slots=True)
class ExportResult:
    """What :func:`export_tables` wrote: the folder, when, the schema version, format and filters,
    the row counts and the tables left out."""

    export_dir: str
    exported_at: str
    schema_version: int
    format: str = "parquet"
    filters: str = "everything"
    rows: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def export_tables(
    db_path: Path,
    out_dir: Path,
    fmt: str = "parquet",
    filters: Filters | None = None,
    relations: tuple[str, ...] = RELATIONS,
) -> ExportResult:
    """Write every relation to ``out_dir/<name>.<fmt>``; returns what was written."""
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt}: choose {' or '.join(FORMATS)}")
    filters = filters or Filters()
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} is a file, not a folder: choose another --out")
    if not Path(db_path).exists():
        raise FileNotFoundError(f"{db_path}: no such database (run the pipeline first)")
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    _remove_stale_temporaries(out_dir)
    columns: dict[str, list[tuple[str, str]]] = {}
    with connect(db_path, read_only=True) as con:
        version = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
        result = ExportResult(
            export_dir=str(out_dir),
            exported_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            schema_version=int(version),
            format=fmt,
            filters=filters.describe(),
        )
        restrict(con, filters)
        for name in relations:
            described = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {name}").fetchall()]
            final = out_dir / f"{name}.{fmt}"
            if filters and name in NOT_ARTICLES:
                result.left_out[name] = NOT_ARTICLES[name]
                final.unlink(missing_ok=True)
                continue
            partial = out_dir / f".{name}.{fmt}.{os.getpid()}.tmp"
            try:
                con.execute(
                    f"COPY (SELECT * FROM {name}) TO '{_sql_path(partial)}' " + FORMATS[fmt]
                )
                reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
                result.rows[name] = con.execute(
                    f"SELECT count(*) FROM {reader}('{_sql_path(partial)}')"
                ).fetchall()[0][0]
                os.replace(partial, final)
            finally:
                partial.unlink(missing_ok=True)
            columns[name] = described
    result.seconds = round(time.perf_counter() - started, 3)
    _write_atomically(out_dir / "README.txt", _readme(result, columns))
    _write_atomically(out_dir / "snapshot.json", json.dumps(asdict(result), indent=1) + "\n")
    return result


def _readme(result: ExportResult, columns: dict[str, list[tuple[str, str]]]) -> str:
    lines = [
        f"asylumwatch export, {result.exported_at} (schema version {result.schema_version})",
        f"Filters: {result.filters}. Format: {result.format}.",
        "Columns are documented in docs/schema.md; weeks are ISO 8601 weeks in UTC.",
        "",
    ]
    for name, described in columns.items():
        lines.append(f"{name}.{result.format}: {result.rows[name]} rows")
        lines += [f"    {column}  {kind}" for column, kind in described]
        lines.append("")
    for name, why in result.left_out.items():
        lines.append(f"{name}: left out ({why})")
    return "\n".join(lines).rstrip() + "\n"


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
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
