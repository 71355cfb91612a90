"""Scrapy's downloader with per-slot concurrency that holds under the asyncio reactor.

In Scrapy 2.19, ``Downloader._process_queue`` hands queued requests to
``_schedule_coro(self._wait_for_download(...))`` and counts them as transferring only once
that coroutine starts running. Under the asyncio reactor the coroutine becomes a task that
starts later, so one pass of the loop dispatches *every* queued request for the host:
``CONCURRENT_REQUESTS_PER_DOMAIN`` and a source's ``concurrency`` are not enforced (measured:
nine simultaneous requests to one host with a limit of 2). This subclass marks each request
as transferring before it schedules it; the rest is Scrapy's code unchanged.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class SlotSafeDownloader(Downloader):
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
