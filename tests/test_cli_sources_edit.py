"""``asylumwatch --version``, ``sources list`` and ``sources add``."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import _mount_subcommands, app
from pipeline.core.config import load_sources

SOURCES = """# my outlets (this comment stays)

[[sources]]
name = "A"
homepage = "https://a.example/"
feeds = ["https://a.example/feed"]  # the main feed
"""


@pytest.fixture(scope="module", autouse=True)
def mounted() -> None:
    _mount_subcommands()


def cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "80"})


def test_version() -> None:
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("asylumwatch ")
    assert result.stdout.split()[1][0].isdigit()


def test_add_appends_valid_toml_and_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(SOURCES)
    result = cli(
        "sources", "add", 'Zoë "News"', "--homepage", "https://z.example/",
        "--sitemap", "https://z.example/sitemap.xml", "--language", "fr", "--country", "CA",
        "--filter", "topic", "--comment", "French-language outlet", "--sources", str(path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert text.startswith(SOURCES)  # everything before, comments included, as it was
    assert "# French-language outlet\n[[sources]]" in text
    parsed = tomllib.loads(text)["sources"][1]
    assert parsed["name"] == 'Zoë "News"' and parsed["filter"] == "topic"
    added = load_sources(path)[1]
    assert (added.language, added.country, added.sitemaps) == (
        "fr",
        "CA",
        ("https://z.example/sitemap.xml",),
    )


def test_add_refuses_mistakes_and_leaves_the_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(SOURCES)
    same = cli("sources", "add", "A", "--homepage", "https://b.example/", "--sources", str(path))
    assert same.exit_code == 2 and "already has a source named 'A'" in same.stderr
    bad = cli("sources", "add", "B", "--homepage", "nota url", "--feed", "https://b/f",
              "--sources", str(path))  # fmt: skip
    assert bad.exit_code == 2 and "not an http(s) URL" in bad.stderr and str(path) in bad.stderr
    nothing = cli("sources", "add", "C", "--homepage", "https://c.example/", "--sources", str(path))
    assert nothing.exit_code == 2 and "nothing to crawl" in nothing.stderr
    assert path.read_text() == SOURCES
    assert not list(tmp_path.glob(".*.tmp"))


def test_list_fits_80_columns(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(SOURCES)
    result = cli("sources", "list", "--sources", str(path))
    assert result.exit_code == 0, result.output
    assert "https://a.example/" in result.stdout and "1 sources" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "…" not in result.stdout
    repo = cli("sources", "list")  # the bundled sources file
    assert repo.exit_code == 0 and "CBC News" in repo.stdout


def test_crawl_table_fits_80_columns(monkeypatch, tmp_path: Path) -> None:
    from collections import Counter
    from datetime import datetime
    from io import StringIO

    from rich.console import Console

    import flows.cli.sources as cli_sources
    from crawlers.runner import CrawlResult
    from pipeline.core.records import SourceCounts

    reports = [
        SourceCounts("The Northern Ledger", 26, 0, 30, 24, 1, 0, 0, Counter({"404": 2})),
        SourceCounts("Courrier frontalier", 16, 3, 20, 14, 0, 2, 1, Counter({"redirect_loop": 1})),
    ]
    monkeypatch.setattr(cli_sources, "read_fetch_log", lambda path: [])
    monkeypatch.setattr(cli_sources, "build_report", lambda *args: reports)
    now = datetime(2026, 12, 6)
    result = CrawlResult("run1", tmp_path / "r.warc.gz", tmp_path / "f.jsonl", now, now, 0)
    out = StringIO()
    cli_sources.print_crawl_report(tmp_path / "none.duckdb", result, Console(file=out, width=80))
    text = out.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    for header in ("discovered", "already", "fetched", "articles", "duplicates", "skipped"):
        assert header in text
    assert "Courrier frontalier failed: redirect_loop 1" in text
