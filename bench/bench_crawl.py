"""Crawl throughput, peak memory and incremental re-crawl time on a synthetic local site.

    .venv/bin/python bench/bench_crawl.py --pages 1000 5000

For each size, in a fresh process: write the synthetic site (bench/synthetic_site.py: two
outlets, sitemap index -> sitemaps of 1,000 URLs, RSS feed), serve it on 127.0.0.1, and crawl
it twice with politeness delays off:

1. the first crawl fetches everything: requests/s over the whole crawl subprocess (Scrapy
   start-up included), the CPU seconds the crawler used (requests per CPU-second is what
   one free core would do, whatever else the machine is running) and its peak resident
   memory (``VmHWM``); the crawler writes both to its stats file;
2. its fetch log is loaded into DuckDB (what ``process`` does with it; extraction is left
   out, bench/bench_pipeline.py measures it), then the second crawl runs over the same site:
   it must fetch only robots.txt, feeds and sitemaps.

Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def one(pages: int) -> dict:
    from synthetic_site import write_site

    from crawlers.job import CrawlOptions
    from flows import stages
    from flows.demo_site import serve_demo_site
    from pipeline.core.config import load_sources
    from pipeline.core.warc import read_fetch_log
    from pipeline.store.load import connect, load_fetches

    with tempfile.TemporaryDirectory(prefix="aw-bench-crawl-") as tmp_name:
        tmp = Path(tmp_name)
        sources_file = write_site(tmp / "site", pages)
        db, warc_dir = tmp / "bench.duckdb", tmp / "warc"
        with serve_demo_site(0, site_dir=tmp / "site") as served:
            sources = load_sources(sources_file, served.substitutions)
            started = time.perf_counter()
            first = stages.crawl(sources, db, warc_dir, CrawlOptions(polite=False))
            first_seconds = time.perf_counter() - started
            peak_kib = first.stats().get("peak_rss_kib") or 0
            cpu = first.stats().get("cpu_seconds") or 0.0
            first_log = read_fetch_log(first.fetch_log)
            with connect(db) as con:
                load_fetches(con, first_log)
            started = time.perf_counter()
            second = stages.crawl(sources, db, warc_dir, CrawlOptions(polite=False))
            second_seconds = time.perf_counter() - started
        second_log = read_fetch_log(second.fetch_log)
        warc_bytes = first.warc_file.stat().st_size
    if not (first.ok and second.ok):
        raise SystemExit("a crawl failed")
    return {
        "pages": pages,
        "requests": len(first_log),
        "articles": sum(1 for f in first_log if f.kind == "article" and f.status == 200),
        "seconds": first_seconds,
        "peak_mib": peak_kib / 1024,
        "cpu_seconds": cpu,
        "warc_mib": warc_bytes / 2**20,
        "second_seconds": second_seconds,
        "second_requests": len(second_log),
        "second_articles": sum(1 for f in second_log if f.kind == "article"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    print(
        f"{'pages':>6} {'requests':>8} {'crawl s':>8} {'req/s':>7} {'CPU s':>6} {'req/CPU-s':>9} "
        f"{'peak MiB':>8} "
        f"{'WARC MiB':>8} | {'2nd run s':>9} {'2nd reqs':>8} {'2nd/1st':>7}"
    )
    for pages in args.pages:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(pages)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['pages']:>6} {r['requests']:>8} {r['seconds']:>8.1f} "
            f"{r['requests'] / r['seconds']:>7.1f} {r['cpu_seconds']:>6.1f} "
            f"{r['requests'] / max(r['cpu_seconds'], 1e-9):>9.1f} "
            f"{r['peak_mib']:>8.0f} {r['warc_mib']:>8.1f} | "
            f"{r['second_seconds']:>9.1f} {r['second_requests']:>8} "
            f"{r['second_seconds'] / r['seconds']:>7.1%}",
            flush=True,
        )
        if r["second_articles"]:
            print(f"  warning: the second run fetched {r['second_articles']} articles again")


if __name__ == "__main__":
    main()
