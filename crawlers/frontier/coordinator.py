"""Open a distributed crawl on the frontier, follow it, and close it.

The coordinator (``asylumwatch crawl --frontier``) is the only part that opens the database:
it puts the crawl job, the per-host limits and what earlier runs stored into Redis, then
reads back which worker wrote which WARC file. Workers need nothing but the frontier URL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import redis

from crawlers import settings as defaults
from crawlers.frontier.connection import CURRENT_KEY, CrawlKeys, as_text
from crawlers.frontier.seed import DONE
from crawlers.frontier.seen import write_seen
from crawlers.job import CrawlJob
from pipeline.core.config import Source
from pipeline.core.records import SeenRow


@dataclass(frozen=True, slots=True)
class WorkerRecord:
    """What a worker registered before it started crawling."""

    worker: str
    run_id: str
    warc_file: str
    fetch_log: str
    machine: str
    started_at: datetime  # naive UTC

    def to_json(self) -> str:
        """The record as the JSON stored in the crawl's ``warcs`` hash."""
        return json.dumps(
            {
                "worker": self.worker,
                "run_id": self.run_id,
                "warc_file": self.warc_file,
                "fetch_log": self.fetch_log,
                "machine": self.machine,
                "started_at": self.started_at.isoformat(),
            }
        )

    @classmethod
    def from_json(cls, text: bytes | str) -> WorkerRecord:
        """The record read back from :meth:`to_json`'s JSON."""
        data = json.loads(text)
        data["started_at"] = datetime.fromisoformat(data["started_at"])
        return cls(**data)


@dataclass(slots=True)
class FrontierState:
    """Where a shared crawl stands: queued and leased requests, seeding, workers and their exits."""

    queued: int
    in_flight: int
    seeded: bool
    workers: list[WorkerRecord]
    exits: dict[str, int]
    alive: set[str]

    @property
    def done(self) -> bool:
        """Nothing left to fetch and every registered worker has stopped."""
        stopped = all(w.worker in self.exits or w.worker not in self.alive for w in self.workers)
        return self.seeded and self.queued == 0 and self.in_flight == 0 and stopped


def host_limits(sources: Iterable[Source], polite: bool) -> dict[str, str]:
    """``host -> "delay_ms concurrency"``: each source's own limits, else the defaults."""
    limits = {}
    for source in sources:
        delay = source.download_delay if source.download_delay is not None else None
        if delay is None:
            delay = defaults.DOWNLOAD_DELAY
        if not polite:
            delay = 0.0
        concurrency = source.concurrency or (
            defaults.CONCURRENT_REQUESTS_PER_DOMAIN if polite else 16
        )
        for host in source.hosts:
            limits[host] = f"{int(delay * 1000)} {int(concurrency)}"
    return limits


def open_crawl(
    client: redis.Redis, job: CrawlJob, seen: Iterable[SeenRow], limits: dict[str, str]
) -> CrawlKeys:
    """Put ``job`` (its ``run_id`` is the crawl id) on the frontier; workers may join."""
    keys = CrawlKeys(job.run_id)
    write_seen(client, keys.seen, seen)
    if limits:
        client.hset(keys.limits, mapping=dict(limits.items()))
    client.set(keys.job, job.dumps())
    client.set(CURRENT_KEY, job.run_id)
    return keys


def state(client: redis.Redis, keys: CrawlKeys) -> FrontierState:
    """Read the crawl's state from Redis."""
    workers = [WorkerRecord.from_json(v) for v in client.hvals(keys.warcs)]
    exits = {as_text(k): int(v) for k, v in client.hgetall(keys.exits).items()}
    alive = {w.worker for w in workers if client.exists(keys.heartbeat(w.worker))}
    return FrontierState(
        queued=max(0, int(client.get(keys.queued) or 0)),
        in_flight=int(client.zcard(keys.inflight)),
        seeded=client.get(keys.seed) == DONE,
        workers=sorted(workers, key=lambda w: w.run_id),
        exits=exits,
        alive=alive,
    )


def redis_memory(client: redis.Redis, keys: CrawlKeys) -> dict[str, int]:
    """Bytes Redis uses for the crawl's big keys (``MEMORY USAGE``, every element sampled)."""
    sizes = {}
    for name in ("seen", "this_run", "requests", "request_host", "fingerprints"):
        key = getattr(keys, name)
        sizes[name] = int(client.memory_usage(key, samples=0) or 0)
    return sizes


def close_crawl(client: redis.Redis, keys: CrawlKeys) -> int:
    """Delete the crawl's keys (and the current-crawl pointer if it is this crawl)."""
    if client.get(CURRENT_KEY) == keys.crawl_id.encode():
        client.delete(CURRENT_KEY)
    removed = 0
    batch = []
    for key in client.scan_iter(match=keys.all_keys_pattern(), count=1000):
        batch.append(key)
        if len(batch) >= 500:
            removed += client.delete(*batch)
            batch = []
    if batch:
        removed += client.delete(*batch)
    return removed
