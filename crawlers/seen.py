"""What earlier runs already fetched: the job's seen file, read by the crawler subprocess.

The parent process writes one line per canonical article URL: ``url<TAB>fetched_at<TAB>etag
<TAB>last_modified<TAB>state`` (``fetched_at`` in epoch seconds, the validators possibly
empty, ``state`` empty for a fetched article and ``skipped`` for an entry an earlier run chose
not to fetch, by topic or age). The spider skips those URLs unless a sitemap ``<lastmod>`` (or
a feed's ``<updated>``) is newer than the stored copy; then it fetches again, conditionally.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.core.records import SeenRow as SeenRow  # re-exported: the runner reads it here


@dataclass(frozen=True, slots=True)
class SeenEntry:
    """What earlier runs know about one canonical article URL."""

    fetched_at: float  # epoch seconds (UTC) of the newest stored copy
    etag: str | None = None
    last_modified: str | None = None
    skipped: bool = False  # an earlier run skipped it (topic, age): never fetched

    def conditional_headers(self) -> dict[str, str]:
        """``If-None-Match``/``If-Modified-Since`` for the stored copy's validators."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class SeenIndex:
    """The seen file, by canonical URL."""

    def __init__(self, entries: dict[str, SeenEntry] | None = None):
        self._entries: dict[str, SeenEntry] = entries or {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, canonical_url: str) -> bool:
        return canonical_url in self._entries

    def get(self, canonical_url: str) -> SeenEntry | None:
        """The entry for ``canonical_url``; None when earlier runs did not settle it."""
        return self._entries.get(canonical_url)

    def is_stale(self, canonical_url: str, lastmod: datetime | None) -> bool:
        """True when the stored copy is older than ``lastmod`` (naive UTC)."""
        entry = self._entries.get(canonical_url)
        if entry is None or lastmod is None or entry.skipped:
            return False
        return lastmod.replace(tzinfo=UTC).timestamp() > entry.fetched_at

    @classmethod
    def load(cls, path: str | Path | None) -> SeenIndex:
        """Read a seen file; an empty index when ``path`` is None or missing."""
        entries: dict[str, SeenEntry] = {}
        if not path or not Path(path).exists():
            return cls(entries)
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if not parts[0]:
                    continue
                fetched = float(parts[1]) if len(parts) > 1 and parts[1] else 0.0
                etag = parts[2] if len(parts) > 2 and parts[2] else None
                modified = parts[3] if len(parts) > 3 and parts[3] else None
                skipped = len(parts) > 4 and parts[4] == "skipped"
                entries[parts[0]] = SeenEntry(fetched, etag, modified, skipped)
        return cls(entries)


def write_seen_file(path: Path, rows: Iterable[SeenRow]) -> int:
    """Write the seen file for a crawl job; returns the number of lines."""
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            epoch = row.fetched_at.replace(tzinfo=UTC).timestamp()
            fields = [
                row.canonical_url,
                f"{epoch:.3f}",
                _field(row.etag),
                _field(row.last_modified),
                "skipped" if row.skipped else "",
            ]
            handle.write("\t".join(fields) + "\n")
            count += 1
    return count


def _field(value: str | None) -> str:
    return (value or "").replace("\t", " ").replace("\n", " ")
