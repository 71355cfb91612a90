"""The frontier's request queue: one FIFO list per host, politeness that holds across workers,
and leased in-flight requests that return to the queue when their worker dies.

A request waits in its host's list (its body in one hash, under a random id). A worker takes
the next request of a host whose delay has passed and whose in-flight count is under its
limit: one Lua script does the choice, the pop, the host's next time and the lease, so two
workers never both take a host's turn. The request stays in the in-flight set, under the
worker's name and a lease deadline, until the worker acknowledges it (its callback has run
and what it yielded is queued). :meth:`PoliteQueue.reap` puts back every in-flight request
whose lease ran out or whose worker's heartbeat key expired (``kill -9``).

Built on scrapy-redis's queue base (request (de)serialisation); the scripts are ours.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import redis
from scrapy import Request, Spider
from scrapy_redis.queue import Base

from crawlers.frontier.connection import CrawlKeys
from pipeline.core.config import host_key

ID_META = "aw_frontier_id"

_PUSH = """
-- KEYS: requests, request_host, hosts, next_at, queued; ARGV: id, data, host, queue_prefix
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('LPUSH', ARGV[4] .. ARGV[3], ARGV[1])
redis.call('INCR', KEYS[5])
local nxt = tonumber(redis.call('HGET', KEYS[4], ARGV[3]) or '0')
redis.call('ZADD', KEYS[3], 'NX', nxt, ARGV[3])
return 1
"""

_POP = """
-- KEYS: hosts, limits, busy, next_at, inflight, owner, requests, queued
-- ARGV: now_ms, worker, lease_ms, default_delay_ms, default_concurrency, queue_prefix,
--       busy_backoff_ms
local now = tonumber(ARGV[1])
local ready = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 64)
for _, host in ipairs(ready) do
  local delay = tonumber(ARGV[4])
  local limit = tonumber(ARGV[5])
  local conf = redis.call('HGET', KEYS[2], host)
  if conf then
    local d, c = string.match(conf, '^(%d+) (%d+)$')
    if d then delay = tonumber(d); limit = tonumber(c) end
  end
  local busy = tonumber(redis.call('HGET', KEYS[3], host) or '0')
  if busy >= limit then
    redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[7]), host)
  else
    local q = ARGV[6] .. host
    local id = redis.call('RPOP', q)
    if not id then
      redis.call('ZREM', KEYS[1], host)
    else
      redis.call('DECR', KEYS[8])
      redis.call('HINCRBY', KEYS[3], host, 1)
      local nxt = now + delay
      redis.call('HSET', KEYS[4], host, nxt)
      if redis.call('LLEN', q) > 0 then
        redis.call('ZADD', KEYS[1], nxt, host)
      else
        redis.call('ZREM', KEYS[1], host)
      end
      redis.call('ZADD', KEYS[5], now + tonumber(ARGV[3]), id)
      redis.call('HSET', KEYS[6], id, ARGV[2])
      return {id, redis.call('HGET', KEYS[7], id)}
    end
  end
end
return false
"""

_ACK = """
-- KEYS: owner, inflight, requests, request_host, busy, hosts, next_at; ARGV: id, worker,
--       queue_prefix
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
local host = redis.call('HGET', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
if host then
  if redis.call('HINCRBY', KEYS[5], host, -1) < 0 then redis.call('HSET', KEYS[5], host, 0) end
  if redis.call('LLEN', ARGV[3] .. host) > 0 then
    redis.call('ZADD', KEYS[6], tonumber(redis.call('HGET', KEYS[7], host) or '0'), host)
  end
end
return 1
"""

_REAP = """
-- KEYS: inflight, owner, request_host, busy, hosts, next_at, queued
-- ARGV: now_ms, heartbeat_prefix, queue_prefix
local now = tonumber(ARGV[1])
local items = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local back = 0
for i = 1, #items, 2 do
  local id = items[i]
  local deadline = tonumber(items[i + 1])
  local worker = redis.call('HGET', KEYS[2], id)
  local dead = (not worker) or redis.call('EXISTS', ARGV[2] .. worker) == 0
  if deadline < now or dead then
    local host = redis.call('HGET', KEYS[3], id)
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    if host then
      if redis.call('HINCRBY', KEYS[4], host, -1) < 0 then redis.call('HSET', KEYS[4], host, 0) end
      redis.call('RPUSH', ARGV[3] .. host, id)
      redis.call('INCR', KEYS[7])
      redis.call('ZADD', KEYS[5], 'NX', tonumber(redis.call('HGET', KEYS[6], host) or '0'), host)
      back = back + 1
    end
  end
end
return back
"""


def now_ms() -> int:
    """The time now, in milliseconds since the epoch."""
    return int(time.time() * 1000)


class PoliteQueue(Base):
    """A scrapy-redis queue over per-host lists with global politeness (see the module)."""

    def __init__(
        self,
        server: redis.Redis,
        spider: Spider,
        keys: CrawlKeys,
        worker: str,
        *,
        lease_ms: int,
        default_delay_ms: int,
        default_concurrency: int,
        busy_backoff_ms: int = 100,
        serializer: Any = None,
    ) -> None:
        super().__init__(server, spider, keys.requests, serializer)
        self.keys = keys
        self.worker = worker
        self.lease_ms = lease_ms
        self.default_delay_ms = default_delay_ms
        self.default_concurrency = default_concurrency
        self.busy_backoff_ms = busy_backoff_ms
        self._push = server.register_script(_PUSH)
        self._pop = server.register_script(_POP)
        self._ack = server.register_script(_ACK)
        self._reap = server.register_script(_REAP)

    def __len__(self) -> int:
        return max(0, int(self.server.get(self.keys.queued) or 0))

    def in_flight(self) -> int:
        """Requests leased to workers and not yet answered."""
        return int(self.server.zcard(self.keys.inflight))

    def push(self, request: Request) -> None:
        """Queue ``request`` behind the others of its host."""
        request_id = uuid.uuid4().hex
        request.meta[ID_META] = request_id
        k = self.keys
        self._push(
            keys=[k.requests, k.request_host, k.hosts, k.next_at, k.queued],
            args=[request_id, self._encode_request(request), host_key(request.url), k.queue_prefix],
        )

    def pop(self, timeout: int = 0) -> Request | None:
        """Lease the next request of a host that may be asked now; None when none may."""
        k = self.keys
        found = self._pop(
            keys=[k.hosts, k.limits, k.busy, k.next_at, k.inflight, k.owner, k.requests, k.queued],
            args=[
                now_ms(),
                self.worker,
                self.lease_ms,
                self.default_delay_ms,
                self.default_concurrency,
                k.queue_prefix,
                self.busy_backoff_ms,
            ],
        )
        if not found or found[1] is None:
            return None
        request = self._decode_request(found[1])
        request.meta[ID_META] = found[0].decode()
        return request

    def ack(self, request: Request) -> bool:
        """The request is done (its callback ran, its output is queued): forget it."""
        request_id = request.meta.get(ID_META)
        if not request_id:
            return False
        k = self.keys
        done = self._ack(
            keys=[k.owner, k.inflight, k.requests, k.request_host, k.busy, k.hosts, k.next_at],
            args=[request_id, self.worker, k.queue_prefix],
        )
        return bool(done)

    def reap(self) -> int:
        """Return to the queue every in-flight request whose lease ran out or whose worker
        is gone; returns how many."""
        k = self.keys
        return int(
            self._reap(
                keys=[k.inflight, k.owner, k.request_host, k.busy, k.hosts, k.next_at, k.queued],
                args=[now_ms(), k.heartbeat(""), k.queue_prefix],
            )
        )

    def clear(self) -> None:
        """Keep the queues: the coordinator deletes a finished crawl's keys, not a worker."""
        return None
