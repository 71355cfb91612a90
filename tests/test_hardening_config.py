"""Issue #14, failures 7 and 8: bad configuration and CLI values, and text shown as markup.

Each bad value ends in one ConfigError naming the file (and line) and the fix; through the
CLI, in one line on stderr, exit 2, no traceback. Values reproduced from the issue:
``download_delay = inf`` (hung the crawl), ``nan``, negative, ``sources = [1]``, a malformed
IPv6 URL, ``since = "99999999999d"``, a non-UTF-8 file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.core.config import ConfigError, load_sources
from pipeline.core.since import parse_since
from pipeline.store.load import DatabaseUnreadable, connect

GOOD = """[[sources]]
name = "Example"
homepage = "https://example.com/"
feeds = ["https://example.com/feed.xml"]
"""


def write(tmp_path: Path, text: str | bytes, name: str = "sources.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD + "download_delay = inf\n", r"sources.toml:5: 'download_delay' must be .* not inf"),
        (GOOD + "download_delay = -inf\n", "'download_delay' must be"),
        (GOOD + "download_delay = nan\n", "'download_delay' must be"),
        (GOOD + "download_delay = -1\n", "'download_delay' must be"),
        (GOOD + "download_delay = 1e400\n", "'download_delay' must be"),
        (GOOD + "download_delay = 86400\n", "'download_delay' must be"),
        (GOOD + "concurrency = 0\n", "'concurrency' must be from 1 to 64"),
        (GOOD + "concurrency = 100000\n", "'concurrency' must be from 1 to 64"),
        ("sources = [1]\n", r"sources entry #1 is a whole number, not a table"),
        ('sources = ["x"]\n', r"sources entry #1 is a string in quotes, not a table"),
        (GOOD.replace("https://example.com/feed.xml", "http://[::1/feed"), "not an http"),
        (GOOD.replace("https://example.com/", "http://example.com:99999/"), "not an http"),
        (GOOD.replace("https://example.com/feed.xml", "file:///etc/passwd"), "not an http"),
        (GOOD + 'domains = ["[::1"]\n', "'domains' of source 'Example' is not a host"),
        (GOOD + 'allowed_hosts = ["cdn.example.net:0x"]\n', "is not a host"),
        (GOOD + 'since = "99999999999d"\n', "'since': .* before the year 1"),
        (GOOD + 'since = "9999999999999999999999w"\n', "'since': .* before the year 1"),
    ],
)
def test_bad_values_are_config_errors(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_sources(write(tmp_path, text))


def test_non_utf8_file(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.encode() + b'country = "\xe9"\n')
    with pytest.raises(
        ConfigError, match=r"sources.toml: not UTF-8 text .* Save the file as UTF-8"
    ):
        load_sources(path)


def test_config_path_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a file"):
        load_sources(tmp_path)


def test_allowed_hosts_join_the_source_hosts(tmp_path: Path) -> None:
    text = GOOD + 'allowed_hosts = ["amp.example.com", "cdn.example.net:8443"]\n'
    (source,) = load_sources(write(tmp_path, text))
    assert source.hosts == ("example.com", "amp.example.com", "cdn.example.net:8443")


def test_parse_since_overflow_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="before the year 1"):
        parse_since("99999999999d")


def test_db_that_is_a_folder_or_not_duckdb(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnreadable, match="is a folder"), connect(tmp_path):
        pass
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database" * 100)
    for read_only in (True, False):
        with (
            pytest.raises(DatabaseUnreadable, match="not a valid DuckDB"),
            connect(bad, read_only=read_only),
        ):
            pass


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "COLUMNS": "300"},
    )


@pytest.mark.slow
def test_cli_errors_are_one_line_exit_2_no_traceback(tmp_path: Path) -> None:
    """One interpreter per case is slow, so the cases share one test."""
    db = tmp_path / "db.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "CREATE TABLE articles AS SELECT '[/bold] breaking [link=http://evil.example]"
            "click[/link]' AS title"
        )
    (tmp_path / "folder.duckdb").mkdir()
    (tmp_path / "junk.duckdb").write_bytes(b"junk" * 100)
    cases = {
        "sources [1]": (
            [
                "run",
                "--sources",
                str(write(tmp_path, "sources = [1]\n", "a.toml")),
                "--db",
                str(db),
            ],
            "Write each outlet as a [[sources]] table",
        ),
        "delay inf": (
            ["crawl", "--sources", str(write(tmp_path, GOOD + "download_delay = inf\n", "b.toml"))],
            "'download_delay' must be",
        ),
        "query empty": (["query", "", "--db", str(db)], "no SQL given"),
        "db folder": (["query", "SELECT 1", "--db", str(tmp_path / "folder.duckdb")], "folder"),
        "db junk": (
            ["query", "SELECT 1", "--db", str(tmp_path / "junk.duckdb")],
            "not a valid DuckDB database file",
        ),
    }
    for name, (args, expected) in cases.items():
        proc = cli(*args, cwd=tmp_path)
        assert proc.returncode == 2, (name, proc.stderr)
        assert "Traceback" not in proc.stderr, name
        assert expected in proc.stderr, (name, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, (name, proc.stderr)
    shown = cli("query", "SELECT title FROM articles", "--db", str(db), cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "[/bold] breaking [link=http://evil.example]click[/link]" in shown.stdout
    assert "\x1b]8;" not in shown.stdout  # no terminal hyperlink escape


def test_database_error_shows_the_first_cause_not_the_rollback() -> None:
    """A full disk under the database ended in a traceback whose last line, "cannot
    rollback", hid the cause; the CLI prints the first error of the chain, on one line."""
    from flows.cli import first_cause

    try:
        try:
            raise duckdb.IOException(
                'IO Error: Could not write file "x.wal": No space left on device'
            )
        except duckdb.IOException:
            raise duckdb.TransactionException("TransactionContext Error: cannot rollback") from None
    except duckdb.Error as exc:
        assert "cannot rollback" in str(exc)
        assert first_cause(exc).endswith("No space left on device")
