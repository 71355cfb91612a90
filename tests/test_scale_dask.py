"""Processing on a Dask cluster (flows/process_dask.py) writes the rows plain ``process``
writes: same articles, quotes, fetches, quarantined records and processed-file marks."""

from __future__ import annotations

import flows.prefect_env  # noqa: F401  (before prefect)

# isort: split
from pathlib import Path

import duckdb
import pytest
from conftest import write_tiny_site
from prefect.testing.utilities import prefect_test_harness

from crawlers.job import CrawlOptions
from flows import stages
from flows.demo_site import serve_demo_site
from flows.process_dask import process_on_dask
from pipeline.annotate import Annotator
from pipeline.core.config import DEFAULT_TOPIC, load_sources, load_topic
from pipeline.process import process_warcs

pytestmark = pytest.mark.slow

HARNESS_STARTUP = 180  # seconds: the server takes ~20 s on two busy cores
TABLES = {
    "articles": "SELECT * FROM articles ORDER BY article_id",
    "quotes": "SELECT * FROM quotes ORDER BY article_id, quote_index",
    "fetches": "SELECT * FROM fetches ORDER BY url, fetched_at",
    "quarantine": "SELECT warc_file, record_offset, url, reason FROM quarantine ORDER BY ALL",
    "warc_files": "SELECT warc_file, run_id, responses, articles FROM warc_files ORDER BY 1",
    "signatures": "SELECT * FROM article_signatures ORDER BY article_id",
}


def _rows(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: con.execute(sql).fetchall() for name, sql in TABLES.items()}


def test_dask_processing_writes_the_rows_plain_processing_writes(tmp_path: Path) -> None:
    site_dir = write_tiny_site(tmp_path / "site")
    crawl_db = tmp_path / "crawl.duckdb"
    with serve_demo_site(0, site_dir=site_dir) as site:
        sources = load_sources(site_dir / "sources.toml", site.substitutions)
        result = stages.crawl(sources, crawl_db, tmp_path / "warc", CrawlOptions(polite=False))
    assert result.ok
    broken = tmp_path / "warc" / "broken.warc.gz"
    broken.write_bytes(b"\x1f\x8b not a warc file at all")
    files = [result.warc_file, broken]

    plain_db = tmp_path / "plain.duckdb"
    plain = process_warcs(files, plain_db, Annotator(load_topic(DEFAULT_TOPIC)))
    stages.dedup(plain_db)

    dask_db = tmp_path / "dask.duckdb"
    with prefect_test_harness(server_startup_timeout=HARNESS_STARTUP):
        run = process_on_dask(files, dask_db, DEFAULT_TOPIC, use_models=False, workers=2)
    on_dask = run.stats
    assert len(run.task_seconds) == 2 and run.seconds > 0

    plain_rows, dask_rows = _rows(plain_db), _rows(dask_db)
    assert len(plain_rows["articles"]) == 4 and plain_rows["quotes"]
    assert len(plain_rows["warc_files"]) == 2  # the broken file is marked as processed too
    for table in TABLES:
        assert dask_rows[table] == plain_rows[table], table
    for name in ("warc_files", "responses", "articles", "loaded", "quotes", "quarantined"):
        assert getattr(on_dask, name) == getattr(plain, name), name
    assert on_dask.by_outlet == plain.by_outlet
    leftovers = [p for p in tmp_path.rglob("*.parquet")]
    assert not leftovers  # the batches are removed once loaded
