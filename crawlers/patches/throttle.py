"""AutoThrottle that never goes below a source's own ``download_delay``.

Scrapy's AutoThrottle keeps every slot's delay between ``DOWNLOAD_DELAY`` and
``AUTOTHROTTLE_MAX_DELAY``, whatever ``DOWNLOAD_SLOTS`` set for the slot: a source that asks
for 5 s between requests would drift down to the server's latency. Here the delay a source
configures is a floor for its slot; AutoThrottle still raises it when the server slows down.

Overrides ``scrapy.extensions.throttle.AutoThrottle._response_downloaded`` (the handler
AutoThrottle connects to ``response_downloaded``; Scrapy's runs first, then the floor is
applied) and calls the private ``AutoThrottle._get_slot``. Installed by ``EXTENSIONS`` in
``crawlers/settings.py``.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response

# The Scrapy code this module overrides or calls, and its SHA-256 in Scrapy 2.19.
REPLACES = {
    "scrapy.extensions.throttle.AutoThrottle._response_downloaded": (
        "e29e63ba3bea4c5b585415b0d19b4600e58f9ff307a2d8c886a8081408a51fe0"
    ),
    "scrapy.extensions.throttle.AutoThrottle._get_slot": (
        "2190b2ab6fba4b831ab90589cc3f5a97326e817634b15af620a174053844885c"
    ),
}


class SourceAwareAutoThrottle(AutoThrottle):
    """AutoThrottle whose delay for a slot never goes below the source's ``download_delay``."""

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
