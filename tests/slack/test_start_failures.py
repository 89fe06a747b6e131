"""Every way `placement serve` can fail to start, as an operator meets it: exactly one line
naming the setting and what to do, a non-zero exit, and nothing left on disk."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bot_harness import free_port, serve_environment


def _start(tmp_path: Path, env: dict[str, str], *flags: str) -> subprocess.CompletedProcess:
    """Runs in an empty folder, where the default PLACEMENT_DB would be created."""
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    result = subprocess.run([sys.executable, "-m", "bot", "serve", *flags], cwd=workdir, env=env,
                            capture_output=True, text=True, timeout=60)
    assert list(workdir.iterdir()) == [], "a failed start must not leave files behind"
    return result


def _the_one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("placement: ")
    return lines[0]


def test_a_rejected_bot_token(tmp_path, fake_slack):
    wrong = "xoxb-wrong-1111-do-not-print"
    line = _the_one_line(_start(tmp_path, serve_environment(fake_slack.api_url, SLACK_BOT_TOKEN=wrong), "--http"))
    assert "SLACK_BOT_TOKEN was refused by Slack (invalid_auth)" in line and "OAuth & Permissions" in line
    assert wrong not in line


def test_a_rejected_app_token(tmp_path, fake_slack):
    wrong = "xapp-1-wrong-2222-do-not-print"
    line = _the_one_line(_start(tmp_path, serve_environment(fake_slack.api_url, SLACK_APP_TOKEN=wrong), "--socket-mode"))
    assert "SLACK_APP_TOKEN was refused by Slack (invalid_auth)" in line and "connections:write" in line
    assert wrong not in line


def test_a_socket_mode_websocket_that_does_not_open(tmp_path, fake_slack):
    """The tokens are fine and the database was opened; the start still fails in one line and
    takes the new database file away with it."""
    fake_slack.accept_app_token("xapp-1-accepted", f"ws://127.0.0.1:{free_port()}/link")
    line = _the_one_line(_start(tmp_path, serve_environment(fake_slack.api_url, SLACK_APP_TOKEN="xapp-1-accepted"), "--socket-mode"))
    assert "Slack accepted SLACK_APP_TOKEN but its Socket Mode WebSocket (wss://) did not open" in line
    assert "ws://127.0.0.1" not in line  # the URL carries a ticket


def test_slack_unreachable_is_not_blamed_on_the_token(tmp_path):
    nobody = f"http://127.0.0.1:{free_port()}/api/"
    line = _the_one_line(_start(tmp_path, serve_environment(nobody), "--http"))
    assert f"cannot reach Slack's API at {nobody}" in line and "SLACK_API_URL" in line
    assert "SLACK_BOT_TOKEN" not in line


def test_slack_failing_is_said_to_be_slacks(tmp_path, fake_slack):
    fake_slack.fail_next("auth.test", 10, 503)
    line = _the_one_line(_start(tmp_path, serve_environment(fake_slack.api_url), "--http"))
    assert "answered HTTP 503" in line and "try again" in line and "TOKEN" not in line


def test_a_port_already_in_use(tmp_path, fake_slack):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _the_one_line(_start(tmp_path, serve_environment(fake_slack.api_url, PORT=str(port)), "--http"))
    assert f"PORT {port} is already in use" in line and "set PORT to a free port" in line


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xapp-1-swapped"}, "SLACK_BOT_TOKEN holds an app-level token"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL must start with https://"),
        ({"PLACEMENT_DB": "/nonexistent-folder/placement.sqlite3"}, "PLACEMENT_DB: the folder '/nonexistent-folder' does not exist"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be one of"),
        ({"DATABASE_URL": "mysql://placement@db/placement"}, "DATABASE_URL: 'mysql' is not a database this bot can use"),
    ],
)
def test_unusable_settings(tmp_path, fake_slack, overrides, named):
    assert named in _the_one_line(_start(tmp_path, serve_environment(fake_slack.api_url, **overrides), "--http"))


def test_a_normal_start_prints_no_library_warning(tmp_path, fake_slack):
    env = serve_environment(fake_slack.api_url, PLACEMENT_DB=str(tmp_path / "placement.sqlite3"))
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(env["PORT"])
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert process.poll() is None, process.communicate()
                time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, log
    assert "listening for Slack on port" in log
    assert [line for line in log.splitlines() if " WARNING " in line or " ERROR " in line] == []


def test_a_postgres_that_cannot_be_reached_is_named_without_its_password(tmp_path, fake_slack):
    closed = free_port()  # nothing listens there
    url = f"postgresql://placement:pg-secret-password@127.0.0.1:{closed}/placement"
    line = _the_one_line(_start(tmp_path, serve_environment(fake_slack.api_url, DATABASE_URL=url), "--http"))
    assert f"DATABASE_URL: cannot reach or use the database at 127.0.0.1:{closed}/placement" in line
    assert "pg-secret-password" not in line
