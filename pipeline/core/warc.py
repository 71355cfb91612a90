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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import brotli
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from pipeline.core.records import ArchivedResponse, Fetch

log = logging.getLogger(__name__)

# WARC headers the crawler adds to every record (crawlers/archive.py writes them).
KIND_HEADER = "Asylumwatch-Kind"
SOURCE_HEADER = "Asylumwatch-Source"
RUN_HEADER = "Asylumwatch-Run"

# One size limit for every body, compressed or not, at crawl time (the crawler's
# DOWNLOAD_MAXSIZE defaults to it: crawlers/settings.py) and at load time (iter_responses).
MAX_BODY_BYTES = 10 * 1024 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A response record that could not be loaded, and why (``too_large``, ``bad_encoding``,
    ``incomplete``)."""

    url: str | None
    record_offset: int | None
    reason: str
    detail: str = ""


def iter_responses(
    warc_file: Path,
    *,
    limit: int = MAX_BODY_BYTES,
    on_skip: Callable[[SkippedRecord], None] | None = None,
) -> Iterator[ArchivedResponse]:
    """Every HTTP response record in ``warc_file``, body decoded of its Content-Encoding.

    No body is read or decompressed past ``limit`` bytes (0: no limit). A record that cannot
    be read (over the limit, undecodable, cut off) is skipped, reported to ``on_skip``, and
    the rest of the file is read on.
    """
    warc_file = Path(warc_file)

    def skip(record: object, offset: int | None, reason: str, detail: str) -> None:
        # warcio's record headers are untyped:
        url = record.rec_headers.get_header("WARC-Target-URI")  # type: ignore[attr-defined]
        log.warning("%s: record at offset %s (%s) skipped: %s", warc_file, offset, url, detail)
        if on_skip is not None:
            on_skip(SkippedRecord(url, offset, reason, detail[:500]))

    with open(warc_file, "rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                raw = _read_at_most(record.raw_stream, limit + 1 if limit else 0)
                offset = records.get_record_offset()
                if limit and len(raw) > limit:
                    skip(record, offset, "too_large", f"body over {limit} bytes")
                    continue
                if not _digest_ok(record, raw):
                    skip(record, offset, "incomplete", "payload digest mismatch (cut off?)")
                    continue
                encoding = record.http_headers.get_header("Content-Encoding")
                try:
                    body = decode_body(raw, encoding, limit)
                except BodyTooLarge as exc:
                    skip(record, offset, "too_large", str(exc))
                    continue
                except (zlib.error, brotli.error, OSError, EOFError, ValueError) as exc:
                    skip(record, offset, "bad_encoding", f"undecodable {encoding} body: {exc}")
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
                    record_offset=offset,
                )
        except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
            log.warning("%s: truncated after the last whole record (%s)", warc_file, exc)


def _read_at_most(stream: Any, size: int) -> bytes:
    """Up to ``size`` bytes of ``stream`` (everything when ``size`` is 0), read in chunks."""
    if not size:
        return stream.read()
    chunks, total = [], 0
    while total < size and (chunk := stream.read(min(_CHUNK, size - total))):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _digest_ok(record: object, payload: bytes) -> bool:
    """Check the payload against the record's ``WARC-Payload-Digest`` (when it has one): a
    record cut off by a killed crawl decompresses to fewer bytes than were written."""
    # warcio's record headers are untyped:
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

    Decompression is incremental, never more than 64 KiB of output at a time: with ``limit``
    > 0 it stops and raises :class:`BodyTooLarge` as soon as the output passes ``limit``
    bytes, so a decompression bomb never gets to fill the memory.
    """
    encoding = (encoding or "").strip().lower()
    if not payload or encoding in ("", "identity"):
        return payload
    if encoding == "br":
        return _unbrotli(payload, limit)
    if encoding in ("gzip", "x-gzip"):
        return _inflate(payload, 16 + zlib.MAX_WBITS, limit)
    if encoding == "deflate":
        # RFC 9110 deflate is zlib-wrapped; some servers send raw deflate.
        try:
            return _inflate(payload, zlib.MAX_WBITS, limit)
        except zlib.error:
            return _inflate(payload, -zlib.MAX_WBITS, limit)
    return payload


class _Output:
    """Collects decompressed chunks, raising :class:`BodyTooLarge` past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.limit and self.size > self.limit:
            raise BodyTooLarge(f"body decompresses to more than {self.limit} bytes")
        self.chunks.append(chunk)

    def value(self) -> bytes:
        return b"".join(self.chunks)


def _inflate(payload: bytes, wbits: int, limit: int) -> bytes:
    """gzip (every member) or deflate, at most ``_CHUNK`` bytes of output per step."""
    out = _Output(limit)
    data = payload
    while data:
        inflater = zlib.decompressobj(wbits)
        pending = data
        while pending and not inflater.eof:
            out.add(inflater.decompress(pending, _CHUNK))
            pending = inflater.unconsumed_tail
        while not inflater.eof and (chunk := inflater.decompress(b"", _CHUNK)):
            out.add(chunk)
        if not inflater.eof:
            out.add(inflater.flush())
            break
        # a gzip file may hold several members; anything else after the end is ignored
        data = inflater.unused_data if wbits > zlib.MAX_WBITS else b""
        if data and data[:2] != b"\x1f\x8b":
            break
    return out.value()


def _unbrotli(payload: bytes, limit: int = 0) -> bytes:
    """Brotli, by hand (warcio's brotli reader does not work with brotli >= 1.1), at most
    ``_CHUNK`` bytes of output per step."""
    decompressor = brotli.Decompressor()
    out = _Output(limit)
    chunk = decompressor.process(payload, output_buffer_limit=_CHUNK)
    while chunk:
        out.add(chunk)
        if decompressor.is_finished():
            break
        chunk = decompressor.process(b"", output_buffer_limit=_CHUNK)
    return out.value()


def _warc_date(value: str | None) -> datetime:
    if not value:
        return datetime(1970, 1, 1)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def lock_warc(handle: IO[bytes]) -> None:
    """Hold an exclusive advisory lock on an open WARC while the crawler writes it (released
    by the kernel when the process ends, however it ends). POSIX only; a no-op elsewhere."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def warc_in_use(warc_file: Path) -> bool:
    """A crawler is still writing ``warc_file`` (it holds the lock): do not load it yet."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return False
    try:
        with open(warc_file, "rb") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:
        return False
    return False


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
