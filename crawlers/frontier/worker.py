"""Join the crawl open on a frontier: one Scrapy crawler subprocess, its own WARC file.

``python -m crawlers.frontier.worker redis://HOST:PORT/DB --warc-dir DIR`` (or ``asylumwatch
crawl-worker --frontier URL``). The worker reads the crawl job from Redis, registers the WARC
file and fetch log it is about to write (so the coordinator records them in the database),
runs the crawl until the frontier is empty, and reports its exit code.
"""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from crawlers.frontier.connection import CURRENT_KEY, CrawlKeys, FrontierError, as_text, connect
from crawlers.frontier.coordinator import WorkerRecord
from crawlers.frontier.scheduler import frontier_settings
from crawlers.job import CrawlJob
from crawlers.runner import CrawlResult, run_crawl
from pipeline.core.warc import fetch_log_for


def join_crawl(
    url: str,
    warc_dir: Path,
    *,
    crawl_id: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> CrawlResult:
    """Join the crawl open on the frontier at ``url`` (``crawl_id``, or the current one) as one more
    worker writing to ``warc_dir``; returns its crawl's result once the frontier is empty. Raises
    FrontierError when no such crawl is open."""
    client = connect(url)
    if crawl_id is None:
        current = client.get(CURRENT_KEY)
        if current is None:
            raise FrontierError(
                f"no crawl is open on {url}: start one with asylumwatch crawl --frontier {url}"
            )
        crawl_id = as_text(current)
    keys = CrawlKeys(crawl_id)
    raw = client.get(keys.job)
    if raw is None:
        raise FrontierError(f"crawl {crawl_id} is not open on {url} (it may have finished)")
    job = CrawlJob.loads(raw)
    number = int(client.incr(keys.workers_started))
    machine = socket.gethostname()
    worker = f"{machine}-{number}"
    run_id = f"{crawl_id}-w{number}"
    options = job.options
    settings = frontier_settings(
        url, crawl_id, worker, polite=options.polite, extra=options.extra_settings
    )

    def register(run: str, warc_file: Path, started_at: datetime) -> None:
        record = WorkerRecord(
            worker=worker,
            run_id=run,
            warc_file=str(warc_file.resolve()),
            fetch_log=str(fetch_log_for(warc_file).resolve()),
            machine=machine,
            started_at=started_at,
        )
        client.hset(keys.warcs, worker, record.to_json())

    result = run_crawl(
        job.sources,
        Path(warc_dir),
        replace(options, extra_settings=settings),
        validators=job.validators,
        retry_urls=job.retry_urls,
        on_progress=on_progress,
        on_start=register,
        run_id=run_id,
    )
    client.hset(keys.exits, worker, result.returncode)
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m crawlers.frontier.worker``: join a shared crawl; returns the crawler's exit
    code (2 when there is nothing to join)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("frontier", help="redis://HOST:PORT/DB")
    parser.add_argument("--warc-dir", type=Path, required=True)
    parser.add_argument("--crawl", default=None, help="crawl id [default: the open one]")
    args = parser.parse_args(argv)
    try:
        result = join_crawl(args.frontier, args.warc_dir, crawl_id=args.crawl)
    except FrontierError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{result.run_id}: {result.warc_file} (exit {result.returncode})")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
