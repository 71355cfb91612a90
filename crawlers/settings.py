"""Scrapy settings for the asylumwatch crawler.

Politeness is on by default: robots.txt is obeyed, AutoThrottle adapts the delay to each
server, and the User-Agent names the project and a contact URL. ``AW_POLITE = False`` (the
crawler's ``--no-delays`` flag) turns the delays off for tests and benchmarks on local sites.
"""

from pipeline.core.warc import MAX_BODY_BYTES

BOT_NAME = "asylumwatch"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

AW_CONTACT_URL = "https://github.com/asylumwatch/asylumwatch"
USER_AGENT = f"asylumwatch/0.1 (news research crawler; +{AW_CONTACT_URL})"

ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

CONCURRENT_REQUESTS = 32
# The spider yields requests, never items; Scrapy 2.19 starts CONCURRENT_ITEMS asyncio tasks
# for every callback's output, which at the default of 100 costs more CPU than the crawl.
CONCURRENT_ITEMS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 1.0
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# AutoThrottle that keeps a source's own download_delay as the floor of its slot's delay.
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawlers.patches.throttle.SourceAwareAutoThrottle": 0,
}

DOWNLOAD_TIMEOUT = 30
# Pages over the size cap are cut off and recorded as too_large (compressed bodies are
# checked once decompressed, too).
DOWNLOAD_MAXSIZE = MAX_BODY_BYTES  # the same limit applies when the archive is loaded
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Backoff between attempts: base * 2 ** (attempt - 1) seconds, at most AW_RETRY_BACKOFF_MAX;
# Retry-After on 429/503 is honoured up to AW_RETRY_AFTER_MAX seconds (longer: give up,
# reason retry_after).
AW_RETRY_BACKOFF_BASE = 2.0
AW_RETRY_BACKOFF_MAX = 60.0
AW_RETRY_AFTER_MAX = 600.0
REDIRECT_MAX_TIMES = 10
# Every response, errors included, reaches the archive and the fetch log.
HTTPERROR_ALLOW_ALL = True

DOWNLOADER_MIDDLEWARES = {
    # First of all, before robots.txt: http(s) only, the source's own hosts only, no internal
    # addresses; redirect hops come back through here too (crawlers/guard.py).
    "crawlers.guard.HostGuardMiddleware": 40,
    # Closest to the network, so every response (redirects and retried errors too) is archived
    # as it came over the wire, before decompression.
    "crawlers.archive.WarcArchiveMiddleware": 950,
    # Scrapy's retry and redirect, plus backoff/Retry-After and redirect-loop detection.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.retry.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawlers.redirect.LoopAwareRedirectMiddleware": 600,
}
# Only http(s) is ever downloaded: Scrapy's file:, data:, ftp: and s3: handlers are off.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
# Sitemap indexes are followed this many levels below a configured sitemap or robots.txt.
AW_SITEMAP_MAX_DEPTH = 3
DUPEFILTER_CLASS = "crawlers.dupefilter.SeenArticlesDupeFilter"
# Scrapy's downloader, with per-host concurrency limits that hold (crawlers/patches/downloader.py).
DOWNLOADER = "crawlers.patches.downloader.SlotSafeDownloader"

LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"

# Set by the runner for each crawl.
AW_JOB_FILE = None
