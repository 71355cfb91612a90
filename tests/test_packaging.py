"""The wheel: every package is in it, and once installed it runs outside the checkout, reading
the reference files it carries and writing under ./data of the working folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[1]
PYTHON = Path("/work/main/.venv/bin/python")


def test_the_package_list_names_every_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    listed = set(config["setuptools"]["packages"])
    found = set(find_packages(str(ROOT), include=["crawlers*", "pipeline*", "models*", "flows*"]))
    assert listed - {"asylumwatch_data", "asylumwatch_data.quotes"} == found
    assert config["setuptools"]["package-dir"] == {"asylumwatch_data": "data"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this tree, installed into a folder of its own."""
    tmp = tmp_path_factory.mktemp("wheel")
    python = str(PYTHON if PYTHON.exists() else Path(sys.executable))
    left = [p for p in (ROOT / "build", ROOT / "asylumwatch.egg-info") if not p.exists()]
    try:
        subprocess.run(
            [python, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w"]
            + [str(tmp / "dist"), str(ROOT)],
            check=True,
            capture_output=True,
            timeout=300,
        )
    finally:
        for path in left:  # what the build wrote into the tree
            shutil.rmtree(path, ignore_errors=True)
    [wheel] = (tmp / "dist").glob("asylumwatch-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "asylumwatch_data/sources.toml" in names and "asylumwatch_data/quotes/en.toml" in names
    assert not any(n.startswith("asylumwatch_data/corpus/") for n in names)
    assert wheel.stat().st_size < 2_000_000, wheel.stat().st_size
    subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "-q", "--target", str(tmp / "site")]
        + [str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return tmp / "site"


def _run(site: Path, cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return _python(site, cwd, "-m", "flows.cli", *args, env=env)


def _python(site: Path, cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    python = str(PYTHON if PYTHON.exists() else Path(sys.executable))
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ASYLUMWATCH_")}
    clean.pop("PREFECT_HOME", None)  # tests/conftest.py points it into the checkout
    result = subprocess.run(
        [python, *args],
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(site), "COLUMNS": "250", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _rows(output: str) -> dict[str, tuple[str, str]]:
    rows = [line.split("│") for line in output.splitlines() if line.startswith("│")]
    return {r[1].strip(): (r[2].strip(), r[3].strip()) for r in rows}


@pytest.mark.slow
def test_an_installed_wheel_runs_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    work = tmp_path / "empty"
    work.mkdir()
    rows = _rows(_run(installed, work, "config", "show"))
    assert rows["data_dir"] == (str(work / "data"), "default")
    for name in ("sources", "topic", "models_config", "organisations"):
        assert Path(rows[name][0]).is_relative_to(installed / "asylumwatch_data"), rows[name]
        assert Path(rows[name][0]).is_file(), rows[name]
    for name in ("db", "warc_dir", "prefect_home"):
        assert Path(rows[name][0]).is_relative_to(work / "data"), rows[name]
    for value, _ in rows.values():
        assert not Path(value).is_relative_to(ROOT), value
    last = _run(installed, work, "sources", "list").strip().splitlines()[-1]
    assert last.endswith(f"sources in {installed / 'asylumwatch_data' / 'sources.toml'}")
    # the data folder is a setting: the state follows it, the reference files stay
    other = tmp_path / "state"
    rows = _rows(_run(installed, work, "config", "show", env={"ASYLUMWATCH_DATA_DIR": str(other)}))
    assert rows["data_dir"] == (str(other), "environment ASYLUMWATCH_DATA_DIR")
    assert rows["db"] == (str(other / "asylumwatch.duckdb"), "default")
    assert Path(rows["sources"][0]).is_relative_to(installed)


# An invented article: one direct quote with its speaker named in the same sentence.
_ATTRIBUTE = """
from pipeline.quotes import attribute, lexicon, role_rules
from pipeline.quotes.stage import QuoteStage
for path in (attribute.RANKER_PATH, lexicon.DATA_DIR, role_rules.DEFAULT_PATH):
    print("path", path)
text = ("Jane Moravec, a spokesperson for the city council, spoke on Monday. "
        '"We will open the new shelter in March," Moravec said.')
for a in QuoteStage.load().analyse(text, "en", "invented"):
    print("quote", a.quote.speaker, "|", a.quote.text)
"""


@pytest.mark.slow
def test_an_installed_wheel_attributes_a_quote(installed: Path, tmp_path: Path) -> None:
    out = _python(installed, tmp_path, "-c", _ATTRIBUTE).splitlines()
    paths = [Path(line.removeprefix("path ")) for line in out if line.startswith("path ")]
    assert len(paths) == 3
    for path in paths:
        assert path.is_relative_to(installed / "asylumwatch_data"), path
        assert path.exists(), path
    quotes = [line.removeprefix("quote ") for line in out if line.startswith("quote ")]
    assert len(quotes) == 1, out
    speaker, text = quotes[0].split(" | ")
    assert "Moravec" in speaker
    assert "new shelter in March" in text
