"""Analysts and the pipeline at the same time: another process queries the database in a loop
(read-only, through the same lock-wait as ``asylumwatch query``) during a full monitor run.
No query may fail, no row may be lost, and the writer must have had to wait for readers."""

from __future__ import annotations

import flows.prefect_env  # noqa: F401  (before prefect)

# isort: split
import json
import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from prefect.testing.utilities import prefect_test_harness

from flows.demo_site import DEMO_SOURCES, SITE_DIR, serve_demo_site
from flows.monitor import monitor_flow
from pipeline.store.load import connect

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent

READER = textwrap.dedent(
    """
    import json, sys, time, traceback
    from pathlib import Path
    from pipeline.store.load import connect

    db, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    queries = [
        "SELECT count(*) FROM articles",
        "SELECT count(*) FROM fetches",
        "SELECT count(*) FROM quotes",
        "SELECT * FROM weekly_coverage",
        "SELECT * FROM weekly_stance",
        "SELECT * FROM weekly_sources",
        "SELECT * FROM top_speakers",
        "SELECT * FROM crawl_health",
    ]
    result = {"queries": 0, "failures": [], "waits": 0, "counts": []}
    def waited(message):
        result["waits"] += 1
    while not stop.exists():
        try:
            with connect(db, read_only=True, wait=300, on_wait=waited) as con:
                row = []
                for sql in queries:
                    rows = con.execute(sql).fetchall()
                    result["queries"] += 1
                    if sql.startswith("SELECT count"):
                        row.append(rows[0][0])
                result["counts"].append(row)
                time.sleep(0.03)  # keep the lock a moment, like an analyst's session
        except Exception:
            result["failures"].append(traceback.format_exc())
        time.sleep(0.01)
    out.write_text(json.dumps(result))
    """
)


def test_queries_in_a_loop_during_a_monitor_run(tmp_path: Path, caplog) -> None:
    if not any(SITE_DIR.iterdir()):
        pytest.skip("the demo site is not built in this checkout")
    db, stop, out = tmp_path / "aw.duckdb", tmp_path / "stop", tmp_path / "reader.json"
    with connect(db):  # an empty database with the schema, as after `asylumwatch` first runs
        pass
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), str(stop), str(out)], env=env, cwd=REPO
    )
    caplog.set_level(logging.WARNING, logger="pipeline.store.load")
    try:
        time.sleep(1.0)  # the reader is looping before the pipeline starts
        with prefect_test_harness(server_startup_timeout=180), serve_demo_site(0) as site:
            counts = monitor_flow(
                sources=str(DEMO_SOURCES),
                db=str(db),
                warc_dir=str(tmp_path / "warc"),
                export_dir=str(tmp_path / "exports"),
                polite=False,
                substitutions=site.substitutions,
                retry_delay_seconds=1,
                use_models=False,
            )
        time.sleep(1.0)
    finally:
        stop.touch()
        reader.wait(timeout=120)
    result = json.loads(out.read_text())

    assert result["failures"] == [], result["failures"][0]
    assert result["queries"] > 50, result
    # no row lost: what the reader saw only ever grew, and ends where the database ends
    for column in range(3):
        seen = [row[column] for row in result["counts"]]
        assert seen == sorted(seen), f"a count went down: {seen}"
    con = duckdb.connect(str(db), read_only=True)
    final = con.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM fetches), "
        "(SELECT count(*) FROM quotes)"
    ).fetchall()[0]
    fetch_log_lines = sum(
        len(p.read_text().splitlines()) for p in (tmp_path / "warc").glob("*/*.fetches.jsonl")
    )
    con.close()
    assert result["counts"][-1] == list(final)
    assert final[0] == counts.articles_in_archives > 0
    assert final[1] == fetch_log_lines  # every logged fetch was loaded, once
    # both sides met the lock and waited instead of failing
    writer_waits = [r for r in caplog.records if "is busy" in r.getMessage()]
    print(
        f"reader: {result['queries']} queries in {len(result['counts'])} sessions, waited "
        f"{result['waits']} times, 0 failures; writer waited {len(writer_waits)} times; "
        f"{final[0]} articles, {final[1]} fetches, {final[2]} quotes"
    )
    assert result["waits"] > 0 or writer_waits, "the reader and the writer never met"
