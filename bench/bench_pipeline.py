"""Crawl, extract and load throughput on a synthetic local site.

    .venv/bin/python bench/bench_pipeline.py --pages 2000

Writes a synthetic site (bench/synthetic_site.py) to a temporary folder, serves it on
127.0.0.1, crawls it with politeness delays off (pages/s over the whole crawl subprocess,
start-up included), then extracts and loads the archive on one pinned core (articles/s for
extraction + keyword relevance + DuckDB load + duplicate marking).
Quotes and the classifiers have their own benchmarks (bench_quotes.py, bench_classifier.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from synthetic_site import write_site  # noqa: E402

from crawlers.job import CrawlOptions  # noqa: E402
from flows import stages  # noqa: E402
from flows.demo_site import serve_demo_site  # noqa: E402
from pipeline.annotate import Annotator  # noqa: E402
from pipeline.core.config import load_sources, load_topic  # noqa: E402
from pipeline.process import process_warcs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aw-bench-") as tmp_name:
        tmp = Path(tmp_name)
        site = tmp / "site"
        sources_file = write_site(site, args.pages)
        db, warc_dir = tmp / "bench.duckdb", tmp / "warc"
        with serve_demo_site(0, site_dir=site) as served:
            sources = load_sources(sources_file, served.substitutions)
            started = time.perf_counter()
            result = stages.crawl(sources, db, warc_dir, CrawlOptions(polite=False))
            crawl_seconds = time.perf_counter() - started
        if not result.ok:
            raise SystemExit(f"crawl failed, see {result.warc_file.parent}")
        with open(result.fetch_log, encoding="utf-8") as log:
            fetched = sum(1 for _ in log)
        try:
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
            pinned = "one pinned core"
        except (AttributeError, OSError):
            pinned = "unpinned"
        annotator = Annotator(load_topic(), quotes=False)  # quotes and models: own benches
        started = time.perf_counter()
        stats = process_warcs([result.warc_file], db, annotator)
        stages.dedup(db)
        process_seconds = time.perf_counter() - started
    print(f"site: {args.pages} article pages, {fetched} requests (feeds, sitemaps, robots incl.)")
    print(f"crawl:          {fetched / crawl_seconds:7.1f} pages/s  ({crawl_seconds:.1f} s)")
    print(
        f"extract + load: {stats.articles / process_seconds:7.1f} articles/s "
        f"({stats.articles} articles, {process_seconds:.1f} s, {pinned})"
    )


if __name__ == "__main__":
    main()
