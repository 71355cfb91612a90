"""``asylumwatch serve`` without starting Prefect: a busy port is named with a way out, Ctrl-C
exits 0, and the commands of docs/serving.md parse as written."""

from __future__ import annotations

import shlex
import socket

import pytest
from test_docs_examples import blocks
from typer.testing import CliRunner

import flows.serve as serving
from flows.cli import _mount_subcommands, app


@pytest.fixture(scope="module", autouse=True)
def mounted() -> None:
    _mount_subcommands()


def test_a_busy_port_is_named_with_a_free_one_to_use() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        assert serving.port_taken("127.0.0.1", port)
        with pytest.raises(serving.ServeError) as caught, serving.prefect_server("127.0.0.1", port):
            pass
    message = str(caught.value)
    assert f"port {port} on 127.0.0.1 is already in use" in message
    assert "--port 0" in message and "--port " in message.replace("--port 0", "")
    assert not serving.port_taken("127.0.0.1", port)  # closed now


def test_busy_port_through_the_cli_is_one_line(monkeypatch) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = str(other.getsockname()[1])
        monkeypatch.delenv("PREFECT_API_URL", raising=False)
        result = CliRunner().invoke(app, ["serve", "--port", port], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and f"port {port}" in result.stderr


def test_ctrl_c_exits_0(monkeypatch) -> None:
    def interrupted(config, on_ready):  # Ctrl-C while the server starts
        raise KeyboardInterrupt

    monkeypatch.setattr(serving, "run", interrupted)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert "Stopped." in result.stdout


def test_serving_doc_commands_parse_as_written(monkeypatch) -> None:
    seen: list[serving.ServeConfig] = []

    def fake_run(config, on_ready):
        seen.append(config)
        on_ready("http://127.0.0.1:4200", "http://127.0.0.1:4200/api")

    monkeypatch.setattr(serving, "run", fake_run)
    lines = [
        line
        for language, code in blocks("serving.md")
        if language == "bash"
        for line in code.splitlines()
        if line.startswith("asylumwatch serve")
    ]
    assert len(lines) == 3
    for line in lines:
        result = CliRunner().invoke(app, shlex.split(line, comments=True)[1:])
        assert result.exit_code == 0, f"{line}\n{result.output}"
        assert "Prefect UI" in result.stdout and "Stopped." in result.stdout
    assert seen[1].timezone == "Europe/Berlin" and seen[1].port == 4300
    assert seen[2].monitor_cron == "0 */3 * * *"
