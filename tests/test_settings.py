"""One settings object: flag, then environment, then project file, then default."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from pipeline.core.config import DEFAULT_SOURCES, ConfigError, load_sources
from pipeline.core.settings import FIELDS, resolve


def test_each_value_from_the_first_place_that_sets_it(tmp_path: Path) -> None:
    project = tmp_path / "asylumwatch.toml"
    project.write_text('[paths]\ndb = "here.duckdb"\ntopic = "t.toml"\nsources = "s.toml"\n')
    settings = resolve(
        {"sources": Path("flag.toml")},
        {"ASYLUMWATCH_TOPIC": "/env/topic.toml"},
        project,
    )
    assert settings["sources"] == Path.cwd() / "flag.toml"  # relative: from the working folder
    assert settings.values["sources"].origin == "flag"
    assert settings["topic"] == Path("/env/topic.toml")
    assert settings.values["topic"].origin == "environment ASYLUMWATCH_TOPIC"
    assert settings["db"] == tmp_path / "here.duckdb"
    assert settings.values["db"].origin == f"project file {project}"
    assert settings["warc_dir"] == FIELDS["warc_dir"][1]
    assert settings.values["warc_dir"].origin == "default"


def test_relative_flag_and_environment_values_are_read_from_the_working_folder(
    tmp_path: Path, monkeypatch
) -> None:
    """Every value comes back absolute, a relative one read from the folder the command runs
    in (not the checkout, where the crawler subprocess runs); project-file values from the
    file's folder, wherever the command runs."""
    project_dir = tmp_path / "project"
    project_dir.mkdir()
    project = project_dir / "asylumwatch.toml"
    project.write_text('[paths]\ndb = "file.duckdb"\n')
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    env = {"ASYLUMWATCH_TOPIC": "env/topic.toml", "ASYLUMWATCH_DATA_DIR": "state"}
    settings = resolve({"warc_dir": Path("rel"), "sources": Path("~/s.toml")}, env, project)
    assert settings["warc_dir"] == work / "rel"
    assert settings.values["warc_dir"].origin == "flag"
    assert settings["sources"] == Path.home() / "s.toml"
    assert settings["topic"] == work / "env" / "topic.toml"
    assert settings["data_dir"] == work / "state"
    assert settings["prefect_home"] == work / "state" / "prefect"
    assert settings["db"] == project_dir / "file.duckdb"
    # the project file found in the working folder: its values absolute too
    monkeypatch.chdir(project_dir)
    found = resolve({}, {})
    assert found["db"] == project_dir / "file.duckdb"
    assert found.values["db"].origin == "project file asylumwatch.toml"
    assert all(found[name].is_absolute() for name in FIELDS)


def test_the_state_follows_the_data_folder(tmp_path: Path) -> None:
    """data_dir moves the database, the archives and Prefect's home, not the reference files;
    a value set for one of them still wins."""
    project = tmp_path / "asylumwatch.toml"
    project.write_text('[paths]\ndata_dir = "state"\nwarc_dir = "archives"\n')
    settings = resolve({}, {}, project)
    assert settings.values["data_dir"].origin == f"project file {project}"
    assert settings["db"] == tmp_path / "state" / "asylumwatch.duckdb"
    assert settings["prefect_home"] == tmp_path / "state" / "prefect"
    assert settings["warc_dir"] == tmp_path / "archives"
    assert settings["sources"] == FIELDS["sources"][1]
    settings = resolve({"data_dir": tmp_path / "flag"}, {"ASYLUMWATCH_DATA_DIR": "/env"}, project)
    assert settings["db"] == tmp_path / "flag" / "asylumwatch.duckdb"
    from_env = resolve({}, {"ASYLUMWATCH_DATA_DIR": "/env"}, None)
    assert from_env["db"] == Path("/env/asylumwatch.duckdb")


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
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ASYLUMWATCH_MODELS_CONFIG", raising=False)
    monkeypatch.setenv("ASYLUMWATCH_DB", str(tmp_path / "env.duckdb"))
    result = CliRunner().invoke(app, ["query", "SELECT 1"])
    assert result.exit_code == 2 and "env.duckdb: no database here yet" in result.output
    (tmp_path / "asylumwatch.toml").write_text(
        '[paths]\ndb = "file.duckdb"\nmodels_config = "m.toml"\n'
    )
    monkeypatch.delenv("ASYLUMWATCH_DB")
    result = CliRunner().invoke(app, ["query", "SELECT 1"])
    assert result.exit_code == 2 and "file.duckdb: no database here yet" in result.output
    result = CliRunner().invoke(app, ["train"])  # --config: the models_config setting
    assert result.exit_code == 2 and "m.toml: models config not found" in result.output


SOURCES = """
[[sources]]
name = "Example"
homepage = "https://example.com/"
feeds = ["https://example.com/feed.xml"]
language = "en"
country = "CA"
"""


def test_a_command_takes_flag_then_environment_then_project_file_then_default(
    tmp_path: Path, monkeypatch
) -> None:
    """`sources list` names the file it read: each layer wins over the ones below it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ASYLUMWATCH_SOURCES", raising=False)
    for name in ("flag", "env", "file"):
        (tmp_path / f"{name}.toml").write_text(SOURCES)

    def read(*args: str) -> str:
        result = CliRunner().invoke(app, ["sources", "list", *args], env={"COLUMNS": "300"})
        assert result.exit_code == 0, result.output
        return result.output.strip().splitlines()[-1]

    assert read() == f"{len(load_sources(DEFAULT_SOURCES))} sources in {DEFAULT_SOURCES}"
    (tmp_path / "asylumwatch.toml").write_text('[paths]\nsources = "file.toml"\n')
    assert read() == f"1 sources in {Path.cwd() / 'file.toml'}"  # every value absolute
    monkeypatch.setenv("ASYLUMWATCH_SOURCES", str(tmp_path / "env.toml"))
    assert read() == f"1 sources in {tmp_path / 'env.toml'}"
    assert read("--sources", "flag.toml") == f"1 sources in {Path.cwd() / 'flag.toml'}"


def test_path_options_are_none_unless_given() -> None:
    """No command reads a path setting by itself (Click's envvar or default_map): every path
    option is None when not given and has no environment variable, and the command hands it
    to the one resolver."""
    import inspect

    import typer

    names = {"config": "models_config"}
    found = []

    def visit(command, path: list[str]) -> None:
        for param in command.params:
            setting = names.get(param.name, param.name)
            if param.param_type_name == "option" and setting in FIELDS:
                assert param.default is None and not param.envvar, (path, param.name)
                if path != ["config", "show"]:
                    found.append((path, param.name, command.callback))
        for name, sub in getattr(command, "commands", {}).items():
            visit(sub, [*path, name])

    visit(typer.main.get_command(app), [])
    assert len(found) > 20
    for path, name, callback in found:
        source = inspect.getsource(callback)
        if name == "config":  # train and evaluate stance: through _config
            assert "_config(config)" in source or "_evaluate(" in source, path
        else:
            assert "resolve_paths(" in source and f"{name}={name}" in source, (path, name)


ORGS = """
[[organisation]]
name = "Lumen Harbour Collective"
aliases = ["LHC"]
role = "enforcement"
country = "CA"
"""
QUOTED = (
    "Asylum seekers waited at the border crossing on Tuesday, refugee claimants among them. "
    '"We will open the doors to every family that asks," said Mara Quillon, a spokesperson '
    "for the Lumen Harbour Collective. The families spent the night in tents near the road."
)


def test_organisations_is_a_setting_like_the_others(tmp_path: Path, monkeypatch) -> None:
    import typer

    from pipeline.core.config import DEFAULT_ORGANISATIONS

    project = tmp_path / "asylumwatch.toml"
    project.write_text('[paths]\norganisations = "orgs.toml"\n')
    assert resolve({}, {}, project)["organisations"] == tmp_path / "orgs.toml"
    env = {"ASYLUMWATCH_ORGANISATIONS": "/env/orgs.toml"}
    settings = resolve({}, env, project)
    assert settings["organisations"] == Path("/env/orgs.toml")
    assert settings.values["organisations"].origin == "environment ASYLUMWATCH_ORGANISATIONS"
    assert resolve({}, {}, None)["organisations"] == DEFAULT_ORGANISATIONS
    # every command that annotates takes it as a setting too (left to the resolver when not
    # given: test_path_options_are_none_unless_given)
    commands = typer.main.get_command(app).commands
    for command in ("run", "process", "demo", "backfill", "serve"):
        [param] = [p for p in commands[command].params if p.name == "organisations"]
        assert param.default is None and not param.envvar, command


def test_config_show_prints_where_organisations_came_from(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "asylumwatch.toml").write_text('[paths]\norganisations = "orgs.toml"\n')
    monkeypatch.delenv("ASYLUMWATCH_ORGANISATIONS", raising=False)

    def row() -> str:
        result = CliRunner().invoke(app, ["config", "show"])
        assert result.exit_code == 0, result.output
        [line] = [ln for ln in result.output.splitlines() if "│ organisations" in ln]
        return line

    assert "orgs.toml" in row() and "project file asylumwatch.toml" in row()
    monkeypatch.setenv("ASYLUMWATCH_ORGANISATIONS", "/env/orgs.toml")
    assert "/env/orgs.toml" in row() and "environment ASYLUMWATCH_ORGANISATIONS" in row()


def _warc_with(path: Path, body: str) -> Path:
    from io import BytesIO

    from conftest import article_html
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    html = article_html(
        "Families wait at the border", "2026-09-01T14:30:00-04:00", body, "/news/a/"
    ).replace("{{BASE_URL}}", "http://tiny.example")
    data = html.encode("utf-8")
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))]
        writer.write_record(
            writer.create_warc_record(
                "http://tiny.example/news/a/",
                "response",
                payload=BytesIO(data),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
            )
        )
    return path


def _roles(db: Path) -> set[tuple]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT speaker, speaker_role, speaker_org FROM quotes").fetchall()
    return set(rows)


def test_a_custom_organisation_table_changes_a_role(tmp_path: Path, monkeypatch) -> None:
    """--organisations, or ASYLUMWATCH_ORGANISATIONS, reaches the quote stage: the same
    invented sentence gives its speaker the role the custom table names."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ASYLUMWATCH_ORGANISATIONS", raising=False)
    warc = _warc_with(tmp_path / "a.warc.gz", QUOTED)
    orgs = tmp_path / "orgs.toml"
    orgs.write_text(ORGS)

    def process(db: str, *extra: str, env: dict | None = None) -> set[tuple]:
        args = ["process", str(warc), "--db", str(tmp_path / db), "--no-models", *extra]
        result = CliRunner().invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
        return _roles(tmp_path / db)

    default = process("default.duckdb")
    assert ("Mara Quillon", "advocacy", None) in default  # no table entry: the title decides
    custom = {("Mara Quillon", "enforcement", "Lumen Harbour Collective")}
    assert process("flag.duckdb", "--organisations", str(orgs)) == custom
    assert process("env.duckdb", env={"ASYLUMWATCH_ORGANISATIONS": str(orgs)}) == custom
    (tmp_path / "asylumwatch.toml").write_text('[paths]\norganisations = "orgs.toml"\n')
    assert process("file.duckdb") == custom


@pytest.mark.slow
def test_crawl_with_a_relative_warc_dir_writes_under_the_working_folder(
    tmp_path: Path, monkeypatch
) -> None:
    """`asylumwatch crawl --warc-dir rel`, run from another folder than the checkout: the
    archive lies under that folder's rel/ (the crawler subprocess, which runs in the checkout,
    is handed absolute paths)."""
    import subprocess
    import sys

    from conftest import REPO, write_tiny_site

    from flows.demo_site import serve_demo_site

    site_dir = write_tiny_site(tmp_path / "site")
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASYLUMWATCH_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    with serve_demo_site(0, site_dir=site_dir) as site:
        text = (site_dir / "sources.toml").read_text()
        (work / "sources.toml").write_text(
            text.replace("{{BASE_URL:tiny}}", site.base_urls["tiny"])
        )
        done = subprocess.run(
            [sys.executable, "-m", "flows.cli", "crawl", "--sources", "sources.toml",
             "--db", "aw.duckdb", "--warc-dir", "rel", "--no-delays"],
            cwd=work, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    archives = list((work / "rel").glob("*/*.warc.gz"))
    assert len(archives) == 1 and archives[0].stat().st_size > 0
    assert not (REPO / "rel").exists()
