"""``asylumwatch serve``: a Prefect server on 127.0.0.1 and the two scheduled deployments.

The server is ``prefect server start`` in a subprocess of its own session (so that Ctrl-C in
the terminal reaches the runner and the flow runs first, and the server is stopped last),
keeping its SQLite database under ``PREFECT_HOME`` (``data/prefect/``). When
``PREFECT_API_URL`` is set, that server is used and none is started.

Ctrl-C stops the runner: a flow run in progress gets the interrupt too, which stops the
crawler subprocess and rolls back an unfinished load (loads are transactions; the snapshot
and the report are written to temporary names and renamed), so nothing is left half-written;
the next run finishes whatever was archived but not loaded.
"""

from __future__ import annotations

import flows.prefect_ready  # noqa: F401  (sets and creates PREFECT_HOME before prefect is imported)

# isort: split
import errno
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from prefect import serve
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron
from prefect.settings import PREFECT_API_URL, temporary_settings

from crawlers.lifetime import tied_to_parent
from flows.monitor import monitor_flow
from flows.prefect_env import SERVER_STARTUP_TIMEOUT
from flows.report_flow import weekly_report_flow

MONITOR_CRON = "0 */6 * * *"  # every 6 hours, on the hour
REPORT_CRON = "0 6 * * 1"  # Mondays at 06:00
MONITOR_DEPLOYMENT = "asylumwatch-monitor"
REPORT_DEPLOYMENT = "asylumwatch-weekly-report"
DEFAULT_PORT = 4200
STOP_TIMEOUT = 30.0


class ServeError(RuntimeError):
    """The Prefect server could not be started (message says why and where the log is)."""


@dataclass(slots=True)
class ServeConfig:
    """What ``asylumwatch serve`` runs: the files the flows read, the schedules and the server's
    address. A path left None is not a deployment parameter: each flow run resolves it
    (environment, project file, default; :func:`flows.monitor.flow_paths`). The command
    passes every path, resolved when it starts."""

    sources: Path | None = None
    topic: Path | None = None
    db: Path | None = None
    warc_dir: Path | None = None
    monitor_cron: str = MONITOR_CRON
    report_cron: str = REPORT_CRON
    timezone: str = "UTC"
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT  # 0: any free port
    polite: bool = True
    contact_url: str | None = None
    reports_dir: Path | None = None  # default: <db folder>/reports/<week>/
    use_models: bool = True  # False: no transformer classifiers (keyword relevance, no stance)
    organisations: Path | None = None  # the quote stage's organisation table


def local_timezone() -> str:
    """The machine's IANA time zone name (``TZ``, then /etc/localtime), else ``UTC``."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = os.readlink("/etc/localtime")
        candidates.append(target.split("zoneinfo/", 1)[-1] if "zoneinfo/" in target else "")
    except OSError:
        pass
    with suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for name in candidates:
        if name and check_timezone(name):
            return name
    return "UTC"


def check_timezone(name: str) -> bool:
    """Whether ``name`` is a time zone this machine knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def free_port(host: str) -> int:
    """A TCP port free on ``host`` now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_taken(host: str, port: int) -> bool:
    """Whether another program listens on ``host:port`` (binding as the server would)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            sock.bind((host, port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def busy_port_message(host: str, port: int) -> str:
    """What to tell a user whose ``--port`` is taken, with a free port to try instead."""
    return (
        f"port {port} on {host} is already in use by another program, so the Prefect server "
        f"cannot start there: pass --port {free_port(host)} (free now) or --port 0 (any free "
        f"port), or stop the program that holds it (see `lsof -i :{port}`)."
    )


def _log_reason(log_path: Path, start: int) -> str:
    """The last error line the server wrote to its log since ``start`` (bytes)."""
    try:
        with open(log_path, "rb") as log:
            log.seek(start)
            lines = log.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return ""
    errors = [ln.strip() for ln in lines if "error" in ln.lower() and ln.strip()]
    return errors[-1][:300] if errors else ""


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def prefect_server(
    host: str = "127.0.0.1", port: int = DEFAULT_PORT, timeout: float = SERVER_STARTUP_TIMEOUT
) -> Iterator[str]:
    """Run ``prefect server start`` until the block ends; yields the API URL."""
    port = port or free_port(host)
    api_url = f"http://{host}:{port}/api"
    if _healthy(api_url):
        raise ServeError(
            f"something already answers on {host}:{port}: set PREFECT_API_URL={api_url} to use "
            "that server, or pass --port 0 for a free port."
        )
    if port_taken(host, port):
        raise ServeError(busy_port_message(host, port))
    home = Path(os.environ["PREFECT_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "server.log"
    log_start = log_path.stat().st_size if log_path.exists() else 0
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)
    env["PREFECT_UI_API_URL"] = api_url
    with open(log_path, "ab") as log:
        # tied_to_parent: the server gets SIGTERM when serve dies, even by SIGKILL
        proc = subprocess.Popen(
            tied_to_parent(
                [
                    sys.executable,
                    "-m",
                    "prefect",
                    "server",
                    "start",
                    "--host",
                    host,
                    "--port",
                    str(port),
                ]
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # Ctrl-C goes to the runner, not straight to the server
        )
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(api_url):
            if proc.poll() is not None:
                if port_taken(host, port):
                    raise ServeError(busy_port_message(host, port))
                reason = _log_reason(log_path, log_start)
                raise ServeError(
                    f"the Prefect server exited with code {proc.returncode}"
                    + (f" ({reason})" if reason else "")
                    + f"; its log is {log_path}"
                )
            if time.monotonic() > deadline:
                raise ServeError(
                    f"the Prefect server did not start in {timeout:.0f} s; see {log_path}"
                )
            time.sleep(0.5)
        yield api_url
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _path_parameters(config: ServeConfig, *names: str) -> dict[str, str]:
    """The path parameters ``config`` sets, absolute; those left None are not parameters
    (the flow resolves them when it runs)."""
    values = {name: getattr(config, name) for name in names}
    return {name: str(Path(value).resolve()) for name, value in values.items() if value}


def deployments(config: ServeConfig) -> list[RunnerDeployment]:
    """The monitor and weekly-report deployments with their cron schedules."""
    if not check_timezone(config.timezone):
        raise ServeError(f"unknown time zone '{config.timezone}': use an IANA name such as UTC.")
    monitor = monitor_flow.to_deployment(
        name=MONITOR_DEPLOYMENT,
        schedules=[Cron(config.monitor_cron, timezone=config.timezone)],
        parameters={
            **_path_parameters(config, "sources", "topic", "db", "warc_dir", "organisations"),
            "polite": config.polite,
            "contact_url": config.contact_url,
            "use_models": config.use_models,
        },
        concurrency_limit=1,  # a slow crawl delays the next run rather than overlapping it
        paused=False,
        tags=["asylumwatch"],
        description="Crawl every source, extract, annotate and load; Parquet snapshot.",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    report = weekly_report_flow.to_deployment(
        name=REPORT_DEPLOYMENT,
        schedules=[Cron(config.report_cron, timezone=config.timezone)],
        parameters={
            **_path_parameters(config, "db"),
            "timezone": config.timezone,
            "out_dir": None,
        },
        concurrency_limit=1,
        paused=False,
        tags=["asylumwatch"],
        description="Last week's CSV files, charts and report.html.",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    if config.reports_dir:
        report.parameters["reports_dir"] = str(Path(config.reports_dir).resolve())
    return [monitor, report]


def run(config: ServeConfig, on_ready: Callable[[str, str], None]) -> None:
    """Serve the deployments until interrupted. ``on_ready(ui_url, api_url)`` is called once
    the server answers and the deployments are built."""
    configured = os.environ.get("PREFECT_API_URL")
    server = _external(configured) if configured else prefect_server(config.host, config.port)
    with server as api_url:
        os.environ["PREFECT_API_URL"] = api_url  # flow-run subprocesses inherit it
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            built = deployments(config)
            for deployment in built:  # registered before we say we are ready (serve re-applies)
                deployment.apply()
            on_ready(api_url.removesuffix("/api"), api_url)
            serve(*built, print_starting_message=False)


@contextmanager
def _external(api_url: str) -> Iterator[str]:
    if not _healthy(api_url):
        raise ServeError(f"PREFECT_API_URL={api_url} does not answer; start that server first.")
    yield api_url
