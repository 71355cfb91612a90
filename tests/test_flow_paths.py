"""The Prefect flows resolve the path parameters they are not given as the commands do: the
environment, then the project file, then the default (pipeline.core.settings.resolve).

Cheap: the flows' Python functions (``.fn``) run up to the point where the paths are used,
and no crawl, server or Prefect run starts."""

from __future__ import annotations

import flows.prefect_env  # noqa: F401  (before prefect)

# isort: split
import inspect
from pathlib import Path

import pytest

from flows import monitor, report_flow, stages
from flows.monitor import backfill_flow, flow_paths, monitor_flow
from flows.report_flow import weekly_report_flow
from flows.serve import ServeConfig, deployments
from pipeline.core.settings import FIELDS

PATHS = ("sources", "topic", "db", "warc_dir", "organisations")


class Stop(Exception):
    """Raised by the stand-ins once they have seen the paths."""


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A working folder with a project file setting the database and the topic; the WARC
    folder from the environment; the rest default."""
    for env, _ in FIELDS.values():
        if env and env.startswith("ASYLUMWATCH_"):
            monkeypatch.delenv(env, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "asylumwatch.toml").write_text('[paths]\ndb = "file.duckdb"\ntopic = "t.toml"\n')
    monkeypatch.setenv("ASYLUMWATCH_WARC_DIR", str(tmp_path / "env-warc"))
    return tmp_path


def test_flow_paths_take_given_then_environment_then_project_file_then_default(
    project: Path,
) -> None:
    paths = flow_paths(db=None, topic=None, warc_dir=None, sources=None, organisations="o.toml")
    assert paths["db"] == project / "file.duckdb"
    assert paths["topic"] == project / "t.toml"
    assert paths["warc_dir"] == project / "env-warc"
    assert paths["sources"] == FIELDS["sources"][1]
    assert paths["organisations"] == project / "o.toml"  # given, relative: from here
    assert flow_paths(db="/given.duckdb")["db"] == Path("/given.duckdb")


def test_the_flows_path_parameters_default_to_none() -> None:
    """None: resolved when the flow runs, not when the module was imported."""
    for fn, names in (
        (monitor_flow.fn, PATHS),
        (backfill_flow.fn, PATHS),
        (weekly_report_flow.fn, ("db",)),
    ):
        parameters = inspect.signature(fn).parameters
        assert all(parameters[name].default is None for name in names), fn


@pytest.fixture
def seen(monkeypatch) -> dict:
    """Stand-ins that record the paths a flow hands on, then stop it."""
    record: dict = {}

    def load_sources(path: Path, substitutions=None) -> list:
        record["sources"] = path
        return []

    def run_job(**kwargs):
        record.update({k: kwargs[k] for k in ("db", "warc_dir", "topic", "organisations")})
        raise Stop

    def write_report(db: Path, week, out_dir):
        record["db"] = db
        raise Stop

    monkeypatch.setattr(monitor, "load_sources", load_sources)
    monkeypatch.setattr(stages, "RunJob", run_job)
    monkeypatch.setattr(report_flow, "write_report", write_report)
    return record


def test_a_flow_run_without_parameters_reads_environment_and_project_file(
    project: Path, seen: dict
) -> None:
    with pytest.raises(Stop):
        monitor_flow.fn()
    assert seen == {
        "sources": FIELDS["sources"][1],
        "db": project / "file.duckdb",
        "warc_dir": project / "env-warc",
        "topic": project / "t.toml",
        "organisations": FIELDS["organisations"][1],
    }
    seen.clear()
    with pytest.raises(Stop):
        backfill_flow.fn(warc_files=["a.warc.gz"])
    assert seen["db"] == project / "file.duckdb" and seen["warc_dir"] == project / "env-warc"
    seen.clear()
    with pytest.raises(Stop):
        weekly_report_flow.fn(week="2026-W36")
    assert seen["db"] == project / "file.duckdb"


def test_values_given_to_a_flow_win(project: Path, seen: dict, tmp_path: Path) -> None:
    given = {name: str(tmp_path / "given" / name) for name in PATHS}
    with pytest.raises(Stop):
        monitor_flow.fn(**given)
    assert seen == {name: Path(value) for name, value in given.items()}


def test_serve_deployments_pass_the_paths_given_and_leave_out_the_rest(tmp_path: Path) -> None:
    """`asylumwatch serve` passes every path (resolved when it starts); a config without
    them leaves them to each flow run."""
    config = ServeConfig(
        sources=tmp_path / "s.toml",
        topic=tmp_path / "t.toml",
        db=tmp_path / "aw.duckdb",
        warc_dir=tmp_path / "warc",
        organisations=tmp_path / "o.toml",
    )
    monitor_deployment, report = deployments(config)
    for name in PATHS:
        assert monitor_deployment.parameters[name] == str(getattr(config, name).resolve())
    assert report.parameters["db"] == str((tmp_path / "aw.duckdb").resolve())
    monitor_deployment, report = deployments(ServeConfig())
    assert not set(PATHS) & set(monitor_deployment.parameters)
    assert "db" not in report.parameters
    assert monitor_deployment.parameters["polite"] is True
