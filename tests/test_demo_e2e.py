"""The demo, end to end through the CLI: every stored row is checked against the demo site's
own ground truth (data/demo_site/manifest.json, written by its generator)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest

from flows.demo_site import DEMO_DIR

pytestmark = pytest.mark.slow
MANIFEST = json.loads((DEMO_DIR / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("demo")
    db = tmp / "demo.duckdb"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "demo",
            "--db",
            str(db),
            "--warc-dir",
            str(tmp / "warc"),
            "--port-base",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Articles per outlet and week" in proc.stdout
    assert f"{len(MANIFEST['articles'])} articles from 4 outlets" in proc.stdout
    return db


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_every_article_and_only_articles(demo_db: Path) -> None:
    stored = {
        urlsplit(url).path: (outlet, title, published, language)
        for url, outlet, title, published, language in rows(
            demo_db, "SELECT canonical_url, outlet, title, published_at, language FROM articles"
        )
    }
    names = {o["slug"]: o["name"] for o in MANIFEST["outlets"]}
    expected = {a["path"]: a for a in MANIFEST["articles"]}
    assert set(stored) == set(expected)  # no section, author, about or private page
    for path, article in expected.items():
        outlet, title, published, language = stored[path]
        assert outlet == names[article["outlet"]]
        assert title == article["title"]
        assert published == datetime.fromisoformat(article["published"]), path
        assert language == article["language"]


def test_authors_from_bylines(demo_db: Path) -> None:
    expected = {a["path"]: a["byline"] for a in MANIFEST["articles"]}
    for url, authors in rows(demo_db, "SELECT canonical_url, authors FROM articles"):
        byline = expected[urlsplit(url).path]
        assert " and ".join(authors) == byline or ", ".join(authors) == byline, (url, authors)


def test_relevance_against_the_site(demo_db: Path) -> None:
    truth = {a["path"]: a["relevant"] for a in MANIFEST["articles"]}
    got = {
        urlsplit(u).path: r
        for u, r in rows(demo_db, "SELECT canonical_url, is_relevant FROM articles")
    }
    assert all(r is not None for r in got.values())
    agree = sum(got[p] == truth[p] for p in truth) / len(truth)
    assert agree >= 0.8, agree


def test_robots_and_files(demo_db: Path) -> None:
    fetched = rows(demo_db, "SELECT url, status, error FROM fetches")
    private = [(s, e) for u, s, e in fetched if "/private/" in u]
    assert all(s is None for s, _ in private)
    assert not rows(demo_db, "SELECT 1 FROM articles WHERE url LIKE '%.pdf'")
