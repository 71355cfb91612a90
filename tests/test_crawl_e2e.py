"""End to end through the CLI: crawl a site on 127.0.0.1, archive, extract, load, query."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import write_tiny_site
from warcio.archiveiterator import ArchiveIterator

from flows.demo_site import serve_demo_site
from pipeline.core.warc import iter_responses

pytestmark = pytest.mark.slow


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    tmp_path = tmp_path_factory.mktemp("crawl")
    tiny_site = write_tiny_site(tmp_path / "site")
    db, warc_dir = tmp_path / "db.duckdb", tmp_path / "warc"
    with serve_demo_site(0, site_dir=tiny_site) as site:
        base = site.base_urls["tiny"]
        text = (tiny_site / "sources.toml").read_text().replace("{{BASE_URL:tiny}}", base)
        sources = tmp_path / "sources.toml"
        sources.write_text(text)
        args = (
            "run",
            "--sources",
            str(sources),
            "--db",
            str(db),
            "--warc-dir",
            str(warc_dir),
            "--no-delays",
        )
        first = cli(*args)
        second = cli(*args)
    return {"db": db, "warc_dir": warc_dir, "base": base, "first": first, "second": second}


def test_crawl_archives_extracts_and_loads(crawled) -> None:
    assert crawled["first"].returncode == 0, crawled["first"].stderr
    con = duckdb.connect(str(crawled["db"]), read_only=True)
    rows = con.execute(
        "SELECT title, outlet, published_at, authors, language, is_relevant, canonical_url "
        "FROM articles ORDER BY published_at"
    ).fetchall()
    titles = [r[0] for r in rows]
    assert titles == [
        "Asylum story number zero",
        "Asylum story number one",
        "Asylum story number two",
        "Hockey team wins in overtime again",
    ]
    first = rows[0]
    assert first[1] == "Tiny Times"
    assert str(first[2]) == "2026-09-01 18:30:00"  # 14:30 at UTC-4, stored in UTC
    assert first[3] == ["Jane Doe"]
    assert first[4] == "en"
    assert [r[5] for r in rows] == [True, True, True, False]
    assert all("utm_" not in r[6] for r in rows)
    # robots.txt forbids /private/: never fetched, and the log says why
    fetches = con.execute("SELECT url, status, error FROM fetches").fetchall()
    private = [(status, error) for url, status, error in fetches if "/private/" in url]
    assert private and all(s is None and e == "robots_txt" for s, e in private)
    assert any(url.endswith("/robots.txt") and status == 200 for url, status, _ in fetches)
    runs = con.execute("SELECT status, requests FROM crawl_runs ORDER BY started_at").fetchall()
    assert [r[0] for r in runs] == ["finished", "finished"]


def test_second_run_fetches_only_discovery_pages(crawled) -> None:
    assert crawled["second"].returncode == 0, crawled["second"].stderr
    con = duckdb.connect(str(crawled["db"]), read_only=True)
    kinds = con.execute(
        "SELECT r.rn, f.kind, count(*) FROM fetches f JOIN (SELECT run_id, row_number() OVER "
        "(ORDER BY started_at) rn FROM crawl_runs) r USING (run_id) WHERE f.status IS NOT NULL "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    second = {kind: n for rn, kind, n in kinds if rn == 2}
    assert "article" not in second and second["feed"] == 1
    assert con.execute("SELECT count(*) FROM articles").fetchall() == [(4,)]


def test_warc_is_standard_and_reprocessing_is_idempotent(crawled, tmp_path: Path) -> None:
    warcs = sorted(crawled["warc_dir"].glob("*/*.warc.gz"))
    assert len(warcs) == 2
    with open(warcs[0], "rb") as stream:
        types = [r.rec_type for r in ArchiveIterator(stream)]
    assert types[0] == "warcinfo" and "request" in types and "response" in types
    con = duckdb.connect(str(crawled["db"]), read_only=True)
    before = con.execute("SELECT * FROM articles ORDER BY article_id").fetchall()
    con.close()
    again = cli("process", str(warcs[0]), "--db", str(crawled["db"]))
    assert again.returncode == 0, again.stderr
    con = duckdb.connect(str(crawled["db"]), read_only=True)
    assert con.execute("SELECT * FROM articles ORDER BY article_id").fetchall() == before


def test_truncated_warc_reads_up_to_last_whole_record(crawled, tmp_path: Path) -> None:
    warc = sorted(crawled["warc_dir"].glob("*/*.warc.gz"))[0]
    whole = list(iter_responses(warc))
    data = warc.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) - 700])  # inside the last gzip member
    partial = list(iter_responses(cut))
    assert 0 < len(partial) < len(whole)
    assert [r.url for r in partial] == [r.url for r in whole[: len(partial)]]
    # every member before the cut is still a valid gzip stream
    assert gzip.decompress(data)


def test_query_command_table_and_csv(crawled) -> None:
    db = str(crawled["db"])
    table = cli("query", "SELECT count(*) AS n FROM articles", "--db", db)
    assert table.returncode == 0 and "4" in table.stdout
    as_csv = cli("query", "SELECT title FROM articles ORDER BY title LIMIT 1", "--db", db, "--csv")
    assert as_csv.stdout.splitlines() == ["\ufefftitle", "Asylum story number one"]  # BOM
    bad = cli("query", "SELEC nonsense", "--db", db)
    assert bad.returncode == 2 and "SQL error" in bad.stderr and "Traceback" not in bad.stderr
