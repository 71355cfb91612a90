"""Subprocess entry point: ``python -m crawlers JOB_FILE`` runs one crawl to completion.

Scrapy's Twisted reactor cannot be restarted inside one process, so every crawl runs in its
own process, started by :func:`crawlers.runner.run_crawl`.
"""

from __future__ import annotations

import sys

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawlers import settings as default_settings
from crawlers.faults import ARCHIVE_FAILED, ARCHIVE_FAILED_EXIT
from crawlers.job import CrawlJob
from crawlers.lifetime import die_with_parent
from crawlers.spiders.news import NewsSpider


def crawl_settings(job: CrawlJob, job_file: str) -> Settings:
    """Scrapy settings for ``job``: the project's defaults, the job file, a User-Agent naming the
    contact URL, no delays when the job is not polite, per-host slots and the job's extra
    settings."""
    options = job.options
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.set("AW_JOB_FILE", job_file, priority="cmdline")
    if options.contact_url:
        settings.set(
            "USER_AGENT",
            f"asylumwatch/0.1 (news research crawler; +{options.contact_url})",
            priority="cmdline",
        )
    if not options.polite:
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
        settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
        settings.set("RANDOMIZE_DOWNLOAD_DELAY", False, priority="cmdline")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 16, priority="cmdline")
    for source in job.sources:
        if source.concurrency is not None or source.download_delay is not None:
            slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
            for host in source.hosts:
                slot: dict = {}
                if source.concurrency is not None:
                    slot["concurrency"] = source.concurrency
                if source.download_delay is not None:
                    slot["delay"] = source.download_delay if options.polite else 0
                slots[host] = slot
            settings.set("DOWNLOAD_SLOTS", slots, priority="cmdline")
    for key, value in options.extra_settings.items():
        settings.set(key, value, priority="cmdline")
    return settings


def main(argv: list[str]) -> int:
    """``python -m crawlers JOB_FILE``: run the crawl the job file describes; returns the exit
    code."""
    if len(argv) != 1:
        print("usage: python -m crawlers JOB_FILE", file=sys.stderr)
        return 2
    job_file = argv[0]
    die_with_parent()  # SIGTERM (a clean stop) when the process that started us goes away
    job = CrawlJob.load(job_file)
    process = CrawlerProcess(crawl_settings(job, job_file), install_root_handler=True)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler)
    process.start()
    reason = crawler.stats.get_value("finish_reason")
    if reason == ARCHIVE_FAILED:
        return ARCHIVE_FAILED_EXIT
    return 0 if reason in ("finished", "closespider_itemcount") else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
