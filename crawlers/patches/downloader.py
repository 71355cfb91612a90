"""Scrapy's downloader with per-slot concurrency that holds under the asyncio reactor.

In Scrapy 2.19, ``Downloader._process_queue`` hands queued requests to
``_schedule_coro(self._wait_for_download(...))`` and counts them as transferring only once
that coroutine starts running. Under the asyncio reactor the coroutine becomes a task that
starts later, so one pass of the loop dispatches *every* queued request for the host:
``CONCURRENT_REQUESTS_PER_DOMAIN`` and a source's ``concurrency`` are not enforced (measured:
nine simultaneous requests to one host with a limit of 2). This subclass marks each request
as transferring before it schedules it; the rest is Scrapy's code unchanged.

Replaces ``scrapy.core.downloader.Downloader._process_queue`` (copied from Scrapy 2.19 with the
one line marked below added); calls the private ``_schedule_coro``, ``_wait_for_download`` and
``_latercall`` as Scrapy's own copy does. Installed by ``DOWNLOADER`` in ``crawlers/settings.py``.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro

# The Scrapy code this module copies or calls, and its SHA-256 in Scrapy 2.19.
REPLACES = {
    "scrapy.core.downloader.Downloader._process_queue": (
        "872b81a4bbb4cb1ad45b25c6f8803344a3a18fd5743dec234733891ab94559c8"
    ),
    "scrapy.utils.defer._schedule_coro": (
        "559a320e3737e7cb5f6e4a7f6a461a0b935451f010c174807b245cfb1e4708c1"
    ),
    "scrapy.core.downloader.Downloader._wait_for_download": (
        "35ca6793c8795004f7ea0f4214f22edd0b5e4e16e931c4726f487835db107a5e"
    ),
}


class SlotSafeDownloader(Downloader):
    """Scrapy's ``Downloader`` with ``_process_queue`` counting a request before scheduling it."""

    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # the fix: count it before the task starts
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break
