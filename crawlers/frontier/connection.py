"""Frontier URLs (``redis://HOST:PORT/DB``), the Redis client, and the keys of one crawl."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import redis

# Every key of the project starts with this, so a Redis database can be shared.
PREFIX = "asylumwatch"
CURRENT_KEY = f"{PREFIX}:current"  # the crawl id that `crawl-worker` joins


class FrontierError(Exception):
    """A bad frontier URL, or a Redis server that cannot be reached (one line)."""


def as_text(value: bytes | str) -> str:
    """A Redis reply as text (the client returns bytes; its type hints allow str too)."""
    return value.decode() if isinstance(value, bytes) else value


def check_url(url: str) -> str:
    """``url`` if it is a usable ``redis://HOST:PORT/DB`` address, else :class:`FrontierError`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FrontierError(f"bad frontier URL {url!r}: use redis://HOST:PORT/DB") from None
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise FrontierError(f"bad frontier URL {url!r}: use redis://HOST:PORT/DB")
    db = parts.path.strip("/")
    if db and not db.isdigit():
        raise FrontierError(f"bad frontier URL {url!r}: the database is a number (/0)")
    if port is None and ":" in parts.netloc.rsplit("@", 1)[-1]:
        raise FrontierError(f"bad frontier URL {url!r}: the port is not a number")
    return url


def connect(url: str, *, timeout: float = 5.0) -> redis.Redis:
    """A client for ``url``, checked with a PING; :class:`FrontierError` when unreachable."""
    check_url(url)
    client = redis.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=30, health_check_interval=30
    )
    try:
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
        where = urlsplit(url).netloc.rsplit("@", 1)[-1]
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FrontierError(f"cannot reach the Redis frontier at {where}: {reason}") from None
    except redis.RedisError as exc:
        raise FrontierError(f"the Redis frontier at {url} refused us: {exc}") from None
    return client


@dataclass(frozen=True, slots=True)
class CrawlKeys:
    """The Redis keys of one distributed crawl."""

    crawl_id: str

    def _key(self, name: str) -> str:
        return f"{PREFIX}:{self.crawl_id}:{name}"

    @property
    def job(self) -> str:
        """The CrawlJob template, JSON."""
        return self._key("job")

    @property
    def seen(self) -> str:
        """Hash: canonical URL -> ``fetched_at``, ``etag``, ``last_modified``, ``state``,
        tab-separated."""
        return self._key("seen")

    @property
    def this_run(self) -> str:
        """Set: canonical URLs of the articles requested in this crawl."""
        return self._key("this-run")

    @property
    def fingerprints(self) -> str:
        """Set: request fingerprints (scrapy-redis dupefilter)."""
        return self._key("fingerprints")

    @property
    def hosts(self) -> str:
        """Sorted set: host -> when (ms) it may be asked next."""
        return self._key("hosts")

    @property
    def queue_prefix(self) -> str:
        """Prefix of the per-host lists of request ids waiting."""
        return self._key("queue:")

    @property
    def requests(self) -> str:
        """Hash: request id -> serialized request."""
        return self._key("requests")

    @property
    def request_host(self) -> str:
        """Hash: request id -> host."""
        return self._key("request-host")

    @property
    def inflight(self) -> str:
        """Sorted set: request id -> lease deadline (ms)."""
        return self._key("inflight")

    @property
    def owner(self) -> str:
        """Hash: request id -> worker holding it."""
        return self._key("owner")

    @property
    def busy(self) -> str:
        """Hash: host -> requests in flight."""
        return self._key("busy")

    @property
    def next_at(self) -> str:
        """Hash: host -> earliest next request (ms)."""
        return self._key("next-at")

    @property
    def limits(self) -> str:
        """Hash: host -> ``"delay_ms concurrency"``."""
        return self._key("limits")

    @property
    def queued(self) -> str:
        """Counter: requests waiting in all host queues."""
        return self._key("queued")

    @property
    def robots(self) -> str:
        """Hash: netloc -> robots.txt body (a NUL prefix: no usable file)."""
        return self._key("robots")

    def robots_lock(self, netloc: str) -> str:
        """The lock held by the worker fetching ``netloc``'s robots.txt."""
        return self._key(f"robots-lock:{netloc}")

    @property
    def seed(self) -> str:
        """``"<worker>"`` while one worker sends the start requests, then ``"done"``."""
        return self._key("seed")

    def heartbeat(self, worker: str) -> str:
        """Expires when ``worker`` stops beating."""
        return self._key(f"alive:{worker}")

    @property
    def warcs(self) -> str:
        """Hash: worker -> JSON ``{warc_file, fetch_log, run_id, host}``."""
        return self._key("warcs")

    @property
    def exits(self) -> str:
        """Hash: worker -> exit code."""
        return self._key("exits")

    @property
    def workers_started(self) -> str:
        """Counter: worker numbers handed out."""
        return self._key("worker-count")

    def all_keys_pattern(self) -> str:
        """A pattern matching every key of the crawl (for deleting them)."""
        return self._key("*")
