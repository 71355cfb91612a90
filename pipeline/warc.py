"""Read archived responses (and the crawl's fetch log) back from disk.

A WARC file cut off mid-record (a crawl killed while writing) is read up to its last whole
record; the partial record at the end is skipped with a warning, never an exception.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import zlib
from collections.abc import Iterator
from datetime import datetime
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed

from pipeline.records import ArchivedResponse, Fetch

log = logging.getLogger(__name__)

KIND_HEADER = "Asylumwatch-Kind"
SOURCE_HEADER = "Asylumwatch-Source"


def iter_responses(warc_file: Path) -> Iterator[ArchivedResponse]:
    """Every HTTP response record in ``warc_file``, body decoded of its Content-Encoding."""
    warc_file = Path(warc_file)
    with open(warc_file, "rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                raw = record.raw_stream.read()
                if not _digest_ok(record, raw):
                    log.warning(
                        "%s: incomplete record at offset %s skipped (cut off?)",
                        warc_file,
                        records.get_record_offset(),
                    )
                    continue
                try:
                    body = _decode(raw, record.http_headers.get_header("Content-Encoding"))
                except (zlib.error, OSError, EOFError, ValueError) as exc:
                    log.warning(
                        "%s: undecodable body at offset %s: %s",
                        warc_file,
                        records.get_record_offset(),
                        exc,
                    )
                    continue
                yield ArchivedResponse(
                    url=record.rec_headers.get_header("WARC-Target-URI"),
                    status=int(record.http_headers.get_statuscode() or 0),
                    headers={k.lower(): v for k, v in record.http_headers.headers},
                    body=body,
                    fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
                    source=record.rec_headers.get_header(SOURCE_HEADER),
                    kind=record.rec_headers.get_header(KIND_HEADER),
                    warc_file=str(warc_file),
                    record_offset=records.get_record_offset(),
                )
        except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
            log.warning("%s: truncated after the last whole record (%s)", warc_file, exc)


def _digest_ok(record: object, payload: bytes) -> bool:
    """Check the payload against the record's ``WARC-Payload-Digest`` (when it has one): a
    record cut off by a killed crawl decompresses to fewer bytes than were written."""
    declared = record.rec_headers.get_header("WARC-Payload-Digest")  # type: ignore[attr-defined]
    if not declared or ":" not in declared:
        return True
    algorithm, value = declared.split(":", 1)
    if algorithm.lower() != "sha1":
        return True
    return base64.b32encode(hashlib.sha1(payload).digest()).decode() == value.upper()


def _decode(payload: bytes, encoding: str | None) -> bytes:
    """Undo the HTTP Content-Encoding the archive kept (gzip, deflate, br)."""
    encoding = (encoding or "").strip().lower()
    if not payload or encoding in ("", "identity"):
        return payload
    kind = {"x-gzip": "gzip", "gzip": "gzip", "deflate": "deflate", "br": "br"}.get(encoding)
    if kind is None:
        return payload
    reader = DecompressingBufferedReader(BytesIO(payload), decomp_type=kind)
    return reader.read()


def _warc_date(value: str | None) -> datetime:
    if not value:
        return datetime(1970, 1, 1)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def fetch_log_for(warc_file: Path) -> Path:
    """The fetch log written beside a WARC file by the same crawl."""
    name = Path(warc_file).name.removesuffix(".gz").removesuffix(".warc")
    return Path(warc_file).with_name(f"{name}.fetches.jsonl")


def read_fetch_log(path: Path) -> list[Fetch]:
    """Rows of a fetch log; a last line cut off by a killed crawl is skipped."""
    fetches: list[Fetch] = []
    if not Path(path).exists():
        return fetches
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                log.warning("%s:%d: incomplete fetch-log line skipped", path, lineno)
                continue
            row["fetched_at"] = datetime.fromisoformat(row["fetched_at"])
            fetches.append(Fetch(**row))
    return fetches
