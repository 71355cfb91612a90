"""The demo finds a free port by itself, and its article URLs do not depend on the port: run
twice, on any ports, it stores every article once."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest

from flows.demo_site import serve_demo_site


def fetch(url: str, proxy: str) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}))
    with opener.open(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_fixed_hosts_are_served_through_one_local_proxy() -> None:
    with serve_demo_site(0, fixed_hosts=True) as site:
        assert site.base_urls["northern-ledger"] == "http://northern-ledger.example"
        page = fetch("http://northern-ledger.example/", site.proxy)
        assert "http://northern-ledger.example/" in page and "{{BASE_URL}}" not in page
        assert "127.0.0.1" not in page
        with pytest.raises(urllib.error.HTTPError):
            fetch("http://elsewhere.example/", site.proxy)


def test_a_taken_port_is_replaced_by_a_free_one() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        with serve_demo_site(taken, fixed_hosts=True) as site:
            assert site.port != taken and f"port {taken} is taken" in (site.note or "")
            assert "Prairie" in fetch("http://prairie-post.example/", site.proxy)


@pytest.mark.slow
def test_running_the_demo_twice_on_other_ports_gives_the_same_counts(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"

    def demo(port: int) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "flows.cli", "demo", "--no-models", "--db", str(db),
             "--warc-dir", str(tmp_path / "warc"), "--port-base", str(port)],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-3000:]

    def counts() -> tuple:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute(
                "SELECT count(*), count(DISTINCT url), count(*) FILTER (WHERE url LIKE "
                "'%127.0.0.1%') FROM articles"
            ).fetchall()[0]
        finally:
            con.close()

    demo(0)
    first = counts()
    demo(0)  # another free port
    assert counts() == first and first[0] == first[1] and first[2] == 0
    assert (tmp_path / "exports" / "articles.parquet").is_file()  # the snapshot is refreshed
