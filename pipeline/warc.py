"""Read archived responses (and the crawl's fetch log) back from disk.

A WARC file cut off mid-record (a crawl killed while writing) is read up to its last whole
record; the partial record at the end is skipped with a warning, never an exception.

The archive keeps bodies exactly as they came over the wire. Reading them back undoes the
Content-Encoding (gzip, deflate, br); the charset is left to the reader
(:func:`pipeline.encoding.decode_html`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

import brotli
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed

from pipeline.records import ArchivedResponse, Fetch

log = logging.getLogger(__name__)

# WARC headers the crawler adds to every record (crawlers/archive.py writes them).
KIND_HEADER = "Asylumwatch-Kind"
SOURCE_HEADER = "Asylumwatch-Source"
RUN_HEADER = "Asylumwatch-Run"


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
                    body = decode_body(raw, record.http_headers.get_header("Content-Encoding"))
                except (zlib.error, brotli.error, OSError, EOFError, ValueError) as exc:
                    log.warning(
                        "%s: undecodable body at offset %s: %s",
                        warc_file,
                        records.get_record_offset(),
                        exc,
                    )
                    continue
                headers = {k.lower(): v for k, v in record.http_headers.headers}
                yield ArchivedResponse(
                    url=record.rec_headers.get_header("WARC-Target-URI"),
                    status=int(record.http_headers.get_statuscode() or 0),
                    headers=headers,
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


class BodyTooLarge(ValueError):
    """A compressed body that decompresses to more than the allowed size."""


def decode_body(payload: bytes, encoding: str | None, limit: int = 0) -> bytes:
    """Undo the HTTP Content-Encoding the archive kept (gzip, deflate, br).

    With ``limit`` > 0, stop and raise :class:`BodyTooLarge` past ``limit`` decoded bytes
    (a decompression bomb never gets to fill the memory).
    """
    encoding = (encoding or "").strip().lower()
    if not payload or encoding in ("", "identity"):
        return payload
    if encoding == "br":
        return _unbrotli(payload, limit)
    kind = {"x-gzip": "gzip", "gzip": "gzip", "deflate": "deflate"}.get(encoding)
    if kind is None:
        return payload
    reader = DecompressingBufferedReader(BytesIO(payload), decomp_type=kind)
    if not limit:
        return reader.read()
    chunks, size = [], 0
    while chunk := reader.read(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"body decompresses to more than {limit} bytes")
    return b"".join(chunks)


def _unbrotli(payload: bytes, limit: int = 0) -> bytes:
    """Brotli, by hand: warcio's brotli reader does not work with brotli >= 1.1."""
    decompressor = brotli.Decompressor()
    chunks, size = [], 0
    chunk = decompressor.process(payload, output_buffer_limit=65536)
    while chunk:
        chunks.append(chunk)
        size += len(chunk)
        if limit and size > limit:
            raise BodyTooLarge(f"body decompresses to more than {limit} bytes")
        if decompressor.is_finished():
            break
        chunk = decompressor.process(b"", output_buffer_limit=65536)
    return b"".join(chunks)


def _warc_date(value: str | None) -> datetime:
    if not value:
        return datetime(1970, 1, 1)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def fetch_log_for(warc_file: Path) -> Path:
    """The fetch log written beside a WARC file by the same crawl."""
    name = Path(warc_file).name.removesuffix(".gz").removesuffix(".warc")
    return Path(warc_file).with_name(f"{name}.fetches.jsonl")


_FETCH_FIELDS = frozenset(Fetch.__dataclass_fields__)


def iter_fetch_log(path: Path) -> Iterator[dict]:
    """Raw rows of a fetch log (extra keys such as ``etag`` included); a last line cut off by
    a killed crawl is skipped."""
    if not Path(path).exists():
        return
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
            yield row


def read_fetch_log(path: Path) -> list[Fetch]:
    """Rows of a fetch log as records; a last line cut off by a killed crawl is skipped."""
    return [
        Fetch(**{k: v for k, v in row.items() if k in _FETCH_FIELDS})
        for row in iter_fetch_log(path)
    ]


@dataclass(frozen=True, slots=True)
class Validators:
    """Cache validators a server sent with a successful response (for conditional requests)."""

    url: str
    kind: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: datetime


def read_validators(path: Path) -> list[Validators]:
    """ETag/Last-Modified of every 200 response in a fetch log, newest last."""
    return [
        Validators(
            row["url"],
            row.get("kind"),
            row.get("etag"),
            row.get("last_modified"),
            row["fetched_at"],
        )
        for row in iter_fetch_log(path)
        if row.get("status") == 200
        and not row.get("error")
        and (row.get("etag") or row.get("last_modified"))
    ]
