from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.core.config import ConfigError, load_sources, load_topic

GOOD = """
[[sources]]
name = "Example"
homepage = "https://example.com/"
feeds = ["https://example.com/feed.xml"]
language = "en"
country = "CA"
"""


def write(tmp_path: Path, text: str, name: str = "sources.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_sources_and_topic_load() -> None:
    sources = load_sources()
    names = {s.name for s in sources}
    assert {"CBC News", "Radio-Canada", "Reuters", "NPR", "Le Devoir"} <= names
    assert all(s.feeds or s.sitemaps or s.start_urls for s in sources)
    topic = load_topic()
    assert "asylum" in topic.terms["en"] and "asile" in topic.terms["fr"]


def test_good_file(tmp_path: Path) -> None:
    (source,) = load_sources(write(tmp_path, GOOD))
    assert source.hosts == ("example.com",)
    assert source.filter == "all"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD + 'colour = "blue"\n', r"sources.toml:8: unknown key 'colour'"),
        (GOOD.replace('language = "en"', "language = 3"), r"sources.toml:6: 'language' must be"),
        (
            GOOD.replace('feeds = ["https://example.com/feed.xml"]', "feeds = []"),
            "has no feeds, sitemaps or start_urls",
        ),
        (GOOD.replace('name = "Example"', "name = Example"), "TOML syntax error"),
        (GOOD.replace("https://example.com/feed.xml", "example.com/feed"), "not an http(s) URL"),
        (GOOD + 'filter = "maybe"\n', "'filter' must be one of all, topic"),
        ("", "no [[sources]] tables"),
    ],
)
def test_bad_sources_name_file_line_and_fix(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(
        ConfigError,
        match=expected.replace("(", r"\(")
        .replace(")", r"\)")
        .replace("[", r"\[")
        .replace("]", r"\]"),
    ):
        load_sources(write(tmp_path, text))


def test_syntax_error_names_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_sources(write(tmp_path, GOOD.replace('name = "Example"', "name = Example")))
    assert "line 3" in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_sources(tmp_path / "nope.toml")


def test_bad_topic(tmp_path: Path) -> None:
    path = write(tmp_path, '[languages.en]\nterms = "asylum"\n', "topic.toml")
    with pytest.raises(ConfigError, match=r"topic.toml:2: terms of \[languages.en\]"):
        load_topic(path)


def test_cli_reports_config_error_without_traceback(tmp_path: Path) -> None:
    bad = write(tmp_path, GOOD + "colour = 1\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "run",
            "--sources",
            str(bad),
            "--db",
            str(tmp_path / "x.duckdb"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "sources.toml:8" in proc.stderr and "unknown key 'colour'" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
