"""What earlier runs stored, in Redis: the seen file of a single-process crawl, shared.

The coordinator writes one hash field per canonical URL (``fetched_at<TAB>etag<TAB>
last_modified<TAB>state``, the seen file's columns); every worker's spider and dupefilter
look URLs up there, so a remote worker needs no file from the database's machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import redis

from crawlers.seen import SeenEntry, SeenIndex
from pipeline.core.records import SeenRow

CHUNK = 5000


def write_seen(client: redis.Redis, key: str, rows: Iterable[SeenRow]) -> int:
    """Store ``rows`` under ``key``, in pipelined chunks; returns how many."""
    count = 0
    pipe = client.pipeline(transaction=False)
    for row in rows:
        epoch = row.fetched_at.replace(tzinfo=UTC).timestamp()
        value = "\t".join(
            [
                f"{epoch:.3f}",
                _field(row.etag),
                _field(row.last_modified),
                "skipped" if row.skipped else "",
            ]
        )
        pipe.hset(key, row.canonical_url, value)
        count += 1
        if count % CHUNK == 0:
            pipe.execute()
    pipe.execute()
    return count


def _field(value: str | None) -> str:
    return (value or "").replace("\t", " ").replace("\n", " ")


def parse_entry(value: bytes | str) -> SeenEntry:
    """A seen entry from its Redis value (``fetched_at``, ``etag``, ``last_modified``, ``state``,
    tab-separated)."""
    text = value.decode("utf-8") if isinstance(value, bytes) else value
    parts = text.split("\t")
    fetched = float(parts[0]) if parts and parts[0] else 0.0
    etag = parts[1] if len(parts) > 1 and parts[1] else None
    modified = parts[2] if len(parts) > 2 and parts[2] else None
    return SeenEntry(fetched, etag, modified, len(parts) > 3 and parts[3] == "skipped")


class RedisSeenIndex(SeenIndex):
    """:class:`crawlers.seen.SeenIndex` answered from a Redis hash (one HGET per lookup)."""

    def __init__(self, client: redis.Redis, key: str) -> None:
        super().__init__({})
        self.client = client
        self.key = key

    def __len__(self) -> int:
        return int(self.client.hlen(self.key))

    def __contains__(self, canonical_url: str) -> bool:
        return bool(self.client.hexists(self.key, canonical_url))

    def get(self, canonical_url: str) -> SeenEntry | None:
        """The stored entry for ``canonical_url``; None when earlier runs did not settle it."""
        value = self.client.hget(self.key, canonical_url)
        return parse_entry(value) if value is not None else None

    def is_stale(self, canonical_url: str, lastmod: datetime | None) -> bool:
        """True when the stored copy is older than ``lastmod`` (naive UTC)."""
        entry = self.get(canonical_url)
        if entry is None or lastmod is None or entry.skipped:
            return False
        return lastmod.replace(tzinfo=UTC).timestamp() > entry.fetched_at
