"""One settings object: flag, then environment, then project file, then default."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from pipeline.core.config import ConfigError
from pipeline.core.settings import FIELDS, resolve


def test_each_value_from_the_first_place_that_sets_it(tmp_path: Path) -> None:
    project = tmp_path / "asylumwatch.toml"
    project.write_text('[paths]\ndb = "here.duckdb"\ntopic = "t.toml"\nsources = "s.toml"\n')
    settings = resolve(
        {"sources": Path("flag.toml")},
        {"ASYLUMWATCH_TOPIC": "/env/topic.toml"},
        project,
    )
    assert settings["sources"] == Path("flag.toml")
    assert settings.values["sources"].origin == "flag"
    assert settings["topic"] == Path("/env/topic.toml")
    assert settings.values["topic"].origin == "environment ASYLUMWATCH_TOPIC"
    assert settings["db"] == tmp_path / "here.duckdb"
    assert settings.values["db"].origin == f"project file {project}"
    assert settings["warc_dir"] == FIELDS["warc_dir"][1]
    assert settings.values["warc_dir"].origin == "default"


def test_a_bad_project_file_names_the_file_and_key(tmp_path: Path) -> None:
    project = tmp_path / "asylumwatch.toml"
    project.write_text('[paths]\ndatabase = "x"\n')
    with pytest.raises(ConfigError, match=r"asylumwatch.toml: \[paths\] database: unknown"):
        resolve({}, {}, project)
    project.write_text("[paths\n")
    with pytest.raises(ConfigError, match="asylumwatch.toml: not valid TOML"):
        resolve({}, {}, project)


def test_config_show_prints_value_and_origin(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASYLUMWATCH_DB", "/env/db.duckdb")
    result = CliRunner().invoke(app, ["config", "show", "--topic", "t.toml"])
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if "│" in line}
    assert "flag" in lines["topic"] and "t.toml" in lines["topic"]
    assert "environment ASYLUMWATCH_DB" in lines["db"]
    assert "default" in lines["sources"]


def test_commands_read_the_environment_and_the_project_file(tmp_path: Path, monkeypatch) -> None:
    """The same order holds for the commands: flag, environment, project file, default."""
    from flows.cli.root import default_map

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASYLUMWATCH_DB", str(tmp_path / "env.duckdb"))
    result = CliRunner().invoke(app, ["query", "SELECT 1"])
    assert result.exit_code == 2 and "env.duckdb: no database here yet" in result.output
    values = {"db": tmp_path / "file.duckdb", "models_config": tmp_path / "m.toml"}
    defaults = default_map(values)
    assert defaults["query"] == {"db": tmp_path / "file.duckdb"}
    assert defaults["train"] == {"config": tmp_path / "m.toml"}
    assert "config" not in defaults  # config show reports the layers itself
    monkeypatch.delenv("ASYLUMWATCH_DB")
    result = CliRunner().invoke(app, ["query", "SELECT 1"], default_map=defaults)
    assert result.exit_code == 2 and "file.duckdb: no database here yet" in result.output
