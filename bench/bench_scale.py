"""The distributed crawl and Dask processing, measured on this machine.

    .venv/bin/python bench/bench_scale.py                      # 20,000 pages, as in docs
    .venv/bin/python bench/bench_scale.py --pages 2000 --process-pages 300   # a quick look

A redis-server is started on 127.0.0.1 (a free port). The synthetic site
(bench/synthetic_site.py: two outlets on their own ports, sitemap index -> sitemaps of 1,000
URLs, an RSS feed, robots.txt) is served on 127.0.0.1 with an access log, and:

1. crawled with 1, 2 and 4 workers sharing the Redis frontier, politeness delays off, each
   time into a fresh database: wall-clock seconds of the whole crawl (workers' Scrapy start-up
   included), requests/s, article pages/s, and from the site's access log that every page was
   fetched exactly once and the same pages as with one worker;
2. crawled with 4 workers again, one of them killed with SIGKILL once a third of the pages
   are fetched: the others finish, and the union of the workers' fetch logs holds every
   article the one-worker crawl fetched (none lost; a page the dead worker held may be
   fetched twice);
3. Redis memory per queued request and per seen URL: ``used_memory`` (INFO memory) before and
   after queuing N article requests as the spider makes them, and storing N seen URLs;
4. a separate crawl of a ``--process-pages`` site by 4 workers (4 WARC files) processed
   with 1 and 2 Dask workers (no transformer models: extraction, relevance, quotes, load):
   articles/s of the whole flow (Prefect, cluster start and stop included), and articles
   per second of worker time spent in the tasks (the annotator's set-up excluded);
5. the loader alone: those articles and quotes loaded ``--load-copies`` times under new ids
   into a fresh database: articles/s of the single writer, bytes per article on disk.

Prints a JSON summary (and writes it to --out); docs/performance.md quotes it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed: apt-get install redis-server")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(200):
        try:
            redis.Redis.from_url(url).ping()
            return proc, url
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def _crawler_pid(run_id: str) -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if f"{run_id}.job.json".encode() in cmdline:
                return int(entry.name)
    return None


def _by_outlet(url: str, bases: dict[str, str]) -> str:
    """``<outlet>/<path>``: the same page whatever port the server got this time."""
    base = "/".join(url.split("/")[:3])
    return bases.get(base, base) + url[len(base) :].split("?")[0]


def single_process(site: Path, tmp: Path) -> dict:
    """The plain crawl (no frontier) of the same site, for comparison."""
    from crawlers.job import CrawlOptions
    from flows import stages
    from flows.demo_site import serve_demo_site
    from pipeline.core.config import load_sources

    log: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="crawl-single-", dir=tmp))
    with serve_demo_site(0, site_dir=site, access_log=log) as served:
        sources = load_sources(site / "sources.toml", served.substitutions)
        started = time.perf_counter()
        result = stages.crawl(
            sources, folder / "db.duckdb", folder / "warc", CrawlOptions(polite=False)
        )
        seconds = time.perf_counter() - started
    return {
        "workers": "single process, no frontier",
        "seconds": round(seconds, 2),
        "requests": len(log),
        "pages_per_s": round(len(log) / seconds, 1),
        "ok": result.ok,
    }


def crawl(site: Path, url: str, workers: int, tmp: Path, kill_after: int | None = None) -> dict:
    from crawlers.job import CrawlOptions
    from flows.demo_site import serve_demo_site
    from flows.stages_frontier import crawl_distributed
    from pipeline.core.config import load_sources
    from pipeline.core.warc import fetch_log_for, read_fetch_log

    log: list[str] = []
    joined: list[str] = []
    killed: dict = {}
    folder = Path(tempfile.mkdtemp(prefix=f"crawl-{workers}-", dir=tmp))

    def killer() -> None:
        while not killed:
            if kill_after is not None and len(log) >= kill_after and len(joined) >= 2:
                pid = _crawler_pid(joined[1])
                if pid:
                    os.kill(pid, signal.SIGKILL)
                    killed.update(run_id=joined[1], at_requests=len(log))
                    return
            time.sleep(0.02)

    with serve_demo_site(0, site_dir=site, access_log=log) as served:
        sources = load_sources(site / "sources.toml", served.substitutions)
        if kill_after is not None:
            threading.Thread(target=killer, daemon=True).start()
        result = crawl_distributed(
            sources,
            folder / "db.duckdb",
            folder / "warc",
            url,
            CrawlOptions(polite=False, extra_settings={"AW_FRONTIER_HEARTBEAT_TTL": 3.0}),
            workers=workers,
            on_worker=lambda record: joined.append(record.run_id),
        )
        bases = {base: slug for slug, base in served.base_urls.items()}
    fetches = [f for run in result.runs for f in read_fetch_log(fetch_log_for(run.warc_file))]
    articles = {
        _by_outlet(f.url, bases) for f in fetches if f.kind == "article" and f.status == 200
    }
    counts = Counter(_by_outlet(entry, bases) for entry in log)
    return {
        "workers": workers,
        "seconds": round(result.seconds, 2),
        "requests": len(log),
        "pages_per_s": round(len(log) / result.seconds, 1),
        "articles": len(articles),
        "articles_per_s": round(len(articles) / result.seconds, 1),
        "distinct_pages": len(counts),
        "fetched_twice": sum(1 for n in counts.values() if n > 1),
        "statuses": sorted(r.status for r in result.runs),
        "redis_bytes_at_end": result.redis_bytes,
        "killed": killed or None,
        "_pages": set(counts),
        "_articles": articles,
        "_warcs": [r.warc_file for r in result.runs],
        "_db": str(folder / "db.duckdb"),
    }


def redis_memory_per_url(url: str, n: int) -> dict:
    """Bytes of Redis memory (INFO memory used_memory) per queued article request and per
    seen URL, for ``n`` synthetic URLs shaped like the site's."""
    from datetime import datetime

    from scrapy import Request, Spider

    from crawlers.frontier.connection import CrawlKeys, connect
    from crawlers.frontier.queue import PoliteQueue
    from crawlers.frontier.seen import write_seen
    from crawlers.seen import SeenRow

    client = connect(url)
    keys = CrawlKeys("memory-probe")
    queue = PoliteQueue(
        client,
        Spider("news"),
        keys,
        "probe",
        lease_ms=1,
        default_delay_ms=0,
        default_concurrency=1,
    )
    urls = [
        f"http://daily-bench.example/news/2026/{i % 12 + 1:02d}/{i % 28 + 1:02d}/"
        f"story-number-{i}-about-the-border-and-the-courts/"
        for i in range(n)
    ]

    def used() -> int:
        return int(client.info("memory")["used_memory"])

    before = used()
    started = time.perf_counter()
    for start in range(0, n, 1000):
        for u in urls[start : start + 1000]:
            queue.push(
                Request(
                    u, meta={"aw_kind": "article", "aw_source": "Daily Bench"}, dont_filter=False
                )
            )
    push_seconds = time.perf_counter() - started
    queued = used() - before
    started = time.perf_counter()
    popped = 0
    while (request := queue.pop()) is not None:
        queue.ack(request)
        popped += 1
    pop_seconds = time.perf_counter() - started
    for u in urls:  # queued again, for the figures below
        queue.push(Request(u, meta={"aw_kind": "article"}, dont_filter=False))
    before = used()
    now = datetime(2026, 12, 1)
    write_seen(client, keys.seen, (SeenRow(u, now, '"etag-1234"', None) for u in urls))
    seen = used() - before
    before = used()
    pipe = client.pipeline(transaction=False)
    for u in urls:
        pipe.sadd(keys.this_run, u)
    pipe.execute()
    this_run = used() - before
    for key in client.scan_iter(match=keys.all_keys_pattern()):
        client.delete(key)
    return {
        "urls": n,
        "bytes_per_queued_request": round(queued / n, 1),
        "bytes_per_seen_url_with_validators": round(seen / n, 1),
        "bytes_per_url_in_this_run_set": round(this_run / n, 1),
        "pushes_per_s_one_client": round(n / push_seconds),
        "pops_and_acks_per_s_one_client": round(popped / pop_seconds),
    }


def server_speed(url: str) -> str:
    """What the Redis server alone serves (redis-benchmark, 50 clients, no pipelining)."""
    binary = shutil.which("redis-benchmark")
    if binary is None:
        return "redis-benchmark is not installed"
    port = url.rsplit(":", 1)[1].split("/")[0]
    done = subprocess.run(
        [binary, "-p", port, "-q", "-n", "100000", "-t", "set,get,lpush,rpop,sadd,hset"],
        capture_output=True,
        text=True,
        check=False,
    )
    return "redis-benchmark -q -n 100000:\n" + done.stdout.replace("\r", "\n").strip()


def process(warcs: list[str], db_dir: Path, workers: int) -> dict:
    from flows.process_dask import process_on_dask
    from pipeline.core.config import DEFAULT_TOPIC

    db = db_dir / f"dask-{workers}.duckdb"
    run = process_on_dask(
        [Path(w) for w in warcs], db, DEFAULT_TOPIC, use_models=False, workers=workers
    )
    stats = run.stats
    return {
        "dask_workers": workers,
        "warc_files": len(warcs),
        "seconds": round(run.seconds, 1),
        "responses": stats.responses,
        "articles": stats.articles,
        "quotes": stats.quotes,
        "articles_per_s": round(stats.articles / run.seconds, 2),
        "worker_seconds": round(sum(run.task_seconds), 1),
        "articles_per_worker_second": round(run.articles_per_worker_second, 2),
        "db_mib": round(db.stat().st_size / 2**20, 2),
    }


def load_rate(source_db: Path, target_db: Path, copies: int) -> dict:
    """The single writer's speed and the database's size per article: the processed
    articles and their quotes (real text) loaded ``copies`` times under new ids, in the
    loader's batches of 200, into a fresh database."""
    import dataclasses

    import duckdb

    from pipeline.core.records import AnnotatedArticle, Article, Quote
    from pipeline.process import BATCH_SIZE
    from pipeline.store.load import ARTICLE_SCHEMA, QUOTE_SCHEMA, connect, load_annotated

    with duckdb.connect(str(source_db), read_only=True) as con:
        articles = [
            Article(**dict(zip(ARTICLE_SCHEMA.names, row, strict=True)))
            for row in con.execute(
                f"SELECT {', '.join(ARTICLE_SCHEMA.names)} FROM articles"
            ).fetchall()
        ]
        quotes: dict[str, list[Quote]] = {}
        for row in con.execute(f"SELECT {', '.join(QUOTE_SCHEMA.names)} FROM quotes").fetchall():
            quote = Quote(**dict(zip(QUOTE_SCHEMA.names, row, strict=True)))
            quotes.setdefault(quote.article_id, []).append(quote)
    items = []
    for k in range(copies):
        for a in articles:
            new_id = f"{a.article_id}-{k}"
            article = dataclasses.replace(
                a, article_id=new_id, url=f"{a.url}?copy={k}", canonical_url=f"{a.url}?copy={k}"
            )
            moved = [
                dataclasses.replace(q, article_id=new_id) for q in quotes.get(a.article_id, [])
            ]
            items.append(AnnotatedArticle(article, moved))
    started = time.perf_counter()
    for start in range(0, len(items), BATCH_SIZE):
        with connect(target_db) as con:
            load_annotated(con, items[start : start + BATCH_SIZE])
    seconds = time.perf_counter() - started
    with duckdb.connect(str(target_db)) as con:
        con.execute("CHECKPOINT")
    size = target_db.stat().st_size
    n_quotes = sum(len(i.quotes) for i in items)
    return {
        "articles": len(items),
        "quotes": n_quotes,
        "seconds": round(seconds, 1),
        "articles_per_s": round(len(items) / seconds, 1),
        "db_bytes_per_article_with_quotes": round(size / len(items)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--process-pages", type=int, default=800)
    parser.add_argument("--dask-workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--memory-urls", type=int, default=100000)
    parser.add_argument("--load-copies", type=int, default=50)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--redis-only", action="store_true", help="Only step 3 (Redis memory and speed)."
    )
    args = parser.parse_args()
    if args.redis_only:
        with tempfile.TemporaryDirectory(prefix="aw-bench-redis-") as tmp_name:
            redis_proc, url = start_redis(Path(tmp_name))
            try:
                print(json.dumps(redis_memory_per_url(url, args.memory_urls), indent=1))
                print(server_speed(url))
            finally:
                redis_proc.terminate()
                redis_proc.wait(timeout=10)
        return

    from synthetic_site import write_site

    import flows.prefect_env  # noqa: F401

    summary: dict = {
        "command": " ".join(["bench/bench_scale.py", *sys.argv[1:]]),
        "machine": f"{platform.node()}: {os.cpu_count()} CPU cores, {platform.machine()}",
        "load_average_before": os.getloadavg(),
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    with tempfile.TemporaryDirectory(prefix="aw-bench-scale-") as tmp_name:
        tmp = Path(tmp_name)
        redis_proc, url = start_redis(tmp)
        try:
            write_site(tmp / "site", args.pages)
            plain = single_process(tmp / "site", tmp)
            print(json.dumps(plain), flush=True)
            crawls = [crawl(tmp / "site", url, n, tmp) for n in args.workers]
            reference = crawls[0]
            for run in crawls:
                run["same_pages_as_1_worker"] = run["_pages"] == reference["_pages"]
                print(
                    json.dumps({k: v for k, v in run.items() if not k.startswith("_")}), flush=True
                )
            kill = crawl(
                tmp / "site", url, max(args.workers), tmp, kill_after=reference["requests"] // 3
            )
            kill["same_pages_as_1_worker"] = kill["_pages"] == reference["_pages"]
            kill["articles_lost"] = len(reference["_articles"] - kill["_articles"])
            print(json.dumps({k: v for k, v in kill.items() if not k.startswith("_")}), flush=True)
            memory = redis_memory_per_url(url, args.memory_urls)
            print(json.dumps(memory), flush=True)
            write_site(tmp / "small", args.process_pages, seed=11)
            small = crawl(tmp / "small", url, 4, tmp)
            # Prefect's temporary server starts with the first flow: not part of any figure
            from flows.process_dask import process_on_dask
            from pipeline.core.config import DEFAULT_TOPIC

            process_on_dask([], tmp / "warm.duckdb", DEFAULT_TOPIC, use_models=False, workers=1)
            processing = [process(small["_warcs"], tmp, n) for n in args.dask_workers]
            for row in processing:
                print(json.dumps(row), flush=True)
            loading = load_rate(
                tmp / f"dask-{args.dask_workers[0]}.duckdb", tmp / "load.duckdb", args.load_copies
            )
            print(json.dumps(loading), flush=True)
        finally:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)
    summary.update(
        single_process=plain,
        crawls=[{k: v for k, v in c.items() if not k.startswith("_")} for c in crawls],
        kill={k: v for k, v in kill.items() if not k.startswith("_")},
        redis_memory=memory,
        processing=processing,
        loading=loading,
        load_average_after=os.getloadavg(),
    )
    text = json.dumps(summary, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
