"""The one place where the frontier reaches into Scrapy internals (checked on Scrapy 2.19).

Scrapy has no public signal for "this request is completely done": its callback or errback
ran and every request it yielded is scheduled, or the downloader turned it into a new
request (a redirect, a retry) that is scheduled. The engine marks exactly that moment by
calling ``engine._slot.remove_request(request)`` (``ExecutionEngine._start_scheduled_request``
chains it after ``_handle_downloader_output``). The frontier acknowledges a request there:
earlier, a worker killed between the acknowledgement and the scheduling of what the request
produced would lose those requests.

The engine also re-reads the scheduler only when a download finishes or every 5 s
(``_SLOT_HEARTBEAT_INTERVAL``); a frontier whose hosts become ready later (politeness
delays, requests that other workers add) wakes it through ``engine._slot.nextcall``.

On another Scrapy version these attributes may have moved: :func:`check_scrapy` refuses to
start rather than losing requests silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import scrapy
from scrapy import Request

TESTED = ((2, 13), (2, 19))  # oldest and newest minor versions this module was checked on


class UnsupportedScrapy(RuntimeError):
    """The installed Scrapy is outside the versions the Redis frontier was checked on."""


def check_scrapy(version: str = scrapy.__version__) -> None:
    """Raise :class:`UnsupportedScrapy` unless ``version`` lies in the tested range."""
    parts = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    if len(parts) != 2 or not TESTED[0] <= parts <= TESTED[1]:
        raise UnsupportedScrapy(
            f"the Redis frontier was checked on Scrapy {TESTED[0][0]}.{TESTED[0][1]} to "
            f"{TESTED[1][0]}.{TESTED[1][1]}, this is {version}: "
            "see crawlers/frontier/scrapy_hooks.py"
        )


def on_request_done(engine: Any, callback: Callable[[Request], None]) -> None:
    """Call ``callback(request)`` each time the engine is completely done with a request."""
    slot = engine._slot
    if slot is None or not hasattr(slot, "remove_request"):
        raise UnsupportedScrapy("ExecutionEngine._slot.remove_request is gone")
    original = slot.remove_request

    def remove_request(request: Request) -> None:
        original(request)
        callback(request)

    slot.remove_request = remove_request


def wake(engine: Any) -> None:
    """Ask the engine to read the scheduler again soon."""
    slot = getattr(engine, "_slot", None)
    if slot is not None and slot.closing is None:
        slot.nextcall.schedule()
