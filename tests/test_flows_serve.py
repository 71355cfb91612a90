"""``serve`` against a real local Prefect server: deployments and schedules read back through
Prefect's API, a monitor run and a report run triggered and completed, a clean Ctrl-C."""

from __future__ import annotations

import flows.prefect_env  # noqa: F401  (before prefect)

# isort: split
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.demo_site import serve_demo_site
from flows.serve import MONITOR_DEPLOYMENT, REPORT_DEPLOYMENT

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
STARTUP = 240  # seconds for the server to answer on a busy two-core machine
TZ = "America/Toronto"


def _default_sigint() -> None:
    # A suite started in the background (`make test &`, nohup) inherits SIGINT ignored, and
    # Python then never turns it into KeyboardInterrupt: serve must see Ctrl-C as a terminal
    # would deliver it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _reader(stream, lines: queue.Queue) -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        lines.put(line)


def _wait_for(lines: queue.Queue, pattern: str, timeout: float, seen: list[str]) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line)
        if match := re.search(pattern, line):
            return match
    raise AssertionError(f"no line matching {pattern!r} in {timeout} s:\n{''.join(seen)}")


def test_serve_registers_schedules_runs_and_stops_cleanly(tiny_site: Path, tmp_path: Path) -> None:
    db, warc_dir, reports = tmp_path / "aw.duckdb", tmp_path / "warc", tmp_path / "reports"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PYTHONUNBUFFERED": "1"}
    env.pop("PREFECT_API_URL", None)
    with serve_demo_site(0, site_dir=tiny_site) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            (tiny_site / "sources.toml")
            .read_text()
            .replace("{{BASE_URL:tiny}}", site.base_urls["tiny"])
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "flows.cli.runs", "serve", "--port", "0",
             "--sources", str(sources), "--db", str(db), "--warc-dir", str(warc_dir),
             "--reports-dir", str(reports), "--no-delays", "--no-models", "--timezone", TZ,
             "--monitor-cron", "0 */6 * * *", "--report-cron", "0 6 * * 1"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO,
            preexec_fn=_default_sigint,
        )  # fmt: skip
        lines: queue.Queue = queue.Queue()
        reader = threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True)
        reader.start()
        seen: list[str] = []
        try:
            ui = _wait_for(lines, r"Prefect UI: (http://127\.0\.0\.1:\d+)", STARTUP, seen).group(1)
            api = ui + "/api"
            assert (tmp_path / "prefect" / "prefect.db").is_file()  # under the data folder
            with temporary_settings(updates={PREFECT_API_URL: api}):
                _check_deployments()
                _check_scheduled_runs()
                monitor = run_deployment(f"monitor/{MONITOR_DEPLOYMENT}", timeout=300)
                assert monitor.state.is_completed(), monitor.state
                report = run_deployment(
                    f"weekly-report/{REPORT_DEPLOYMENT}",
                    parameters={"week": "2026-W36"},
                    timeout=300,
                )
                assert report.state.is_completed(), report.state
        finally:
            proc.send_signal(signal.SIGINT)  # what Ctrl-C does
            try:
                proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                reader.join(timeout=10)
                while not lines.empty():
                    seen.append(lines.get())
                pytest.fail("serve did not stop 90 s after SIGINT; it printed:\n" + "".join(seen))
            while not lines.empty():
                seen.append(lines.get())
    assert proc.returncode == 0, "".join(seen)
    assert "Stopped." in "".join(seen)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchall() == [(4,)]
    con.close()
    assert (reports / "2026-W36" / "report.html").is_file()
    assert (tmp_path / "exports" / "articles.parquet").is_file()
    # the server went down with serve: nothing answers on its port any more
    port = int(ui.rsplit(":", 1)[1])
    with pytest.raises(OSError):
        import socket

        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def _check_deployments() -> None:
    with get_client(sync_client=True) as client:
        monitor = client.read_deployment_by_name(f"monitor/{MONITOR_DEPLOYMENT}")
        report = client.read_deployment_by_name(f"weekly-report/{REPORT_DEPLOYMENT}")
    for deployment, cron in ((monitor, "0 */6 * * *"), (report, "0 6 * * 1")):
        [schedule] = deployment.schedules
        assert schedule.active
        assert schedule.schedule.cron == cron
        assert schedule.schedule.timezone == TZ
        assert not deployment.paused
    assert monitor.parameters["polite"] is False and monitor.parameters["use_models"] is False
    assert report.parameters["timezone"] == TZ


def _check_scheduled_runs() -> None:
    """The server's scheduler creates upcoming runs at the cron times, in the time zone."""
    deadline = time.monotonic() + 120
    with get_client(sync_client=True) as client:
        report = client.read_deployment_by_name(f"weekly-report/{REPORT_DEPLOYMENT}")
        while True:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[report.id])),
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(
                        type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])
                    )
                ),
            )
            if runs or time.monotonic() > deadline:
                break
            time.sleep(3)
    assert runs, "no scheduled report run"
    local = min(r.expected_start_time for r in runs).astimezone(ZoneInfo(TZ))
    assert (local.weekday(), local.hour, local.minute) == (0, 6, 0)  # Monday 06:00 local
    assert local - datetime.now(ZoneInfo(TZ)) <= timedelta(days=7)
