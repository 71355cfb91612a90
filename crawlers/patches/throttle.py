"""AutoThrottle that never goes below a source's own ``download_delay``.

Scrapy's AutoThrottle keeps every slot's delay between ``DOWNLOAD_DELAY`` and
``AUTOTHROTTLE_MAX_DELAY``, whatever ``DOWNLOAD_SLOTS`` set for the slot: a source that asks
for 5 s between requests would drift down to the server's latency. Here the delay a source
configures is a floor for its slot; AutoThrottle still raises it when the server slows down.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


class SourceAwareAutoThrottle(AutoThrottle):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        slots = crawler.settings.getdict("DOWNLOAD_SLOTS")
        self.floors = {
            key: float(conf["delay"]) for key, conf in slots.items() if conf.get("delay")
        }

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        floor = self.floors.get(key or "")
        if slot is not None and floor is not None and slot.delay < floor:
            slot.delay = floor
