"""CSV files that open cleanly in Excel and LibreOffice, and never run a scraped formula.

* UTF-8 with a byte-order mark, so Excel recognises the encoding (accents, curly quotes);
* RFC 4180: comma separated, CRLF line ends, fields quoted when they hold a comma, a quote or
  a line break, quotes doubled inside quoted fields;
* dates as ISO 8601 (``YYYY-MM-DD``), numbers with a dot as decimal separator, NULL as an
  empty cell;
* text cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or their
  full-width forms) get a leading apostrophe, so a spreadsheet shows them as text instead of
  evaluating them (the OWASP "CSV injection" advice). Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import math
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

import pyarrow as pa

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
DECIMALS = 4


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet will show it, never as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def cell(value: object) -> str | int:
    """One value as written to the CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        return f"{round(value, DECIMALS):.{DECIMALS}f}".rstrip("0").rstrip(".") or "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return neutralise("; ".join(str(v) for v in value))
    return neutralise(str(value))


def write_csv(handle: TextIO, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write ``header`` and ``rows`` to an open text handle (opened with ``newline=""``; its
    encoding, ``utf-8-sig``, writes the byte-order mark); returns the number of data rows."""
    count = 0
    writer = csv.writer(handle, dialect="excel", lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
        count += 1
    return count


def write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write ``header`` and ``rows`` to ``path``; returns the number of data rows."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        return write_csv(handle, header, rows)


def write_stdout(header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """The same file on standard output (for ``> file.csv``), bytes exactly as
    :func:`write_rows` writes them whatever the terminal's encoding."""
    sys.stdout.flush()
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8-sig", newline="")
    try:
        return write_csv(stream, header, rows)
    finally:
        stream.flush()
        stream.detach()


def write_table(path: Path, table: pa.Table) -> int:
    """Write an Arrow table (its column order is the file's)."""
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return write_rows(path, table.column_names, zip(*columns, strict=True))
