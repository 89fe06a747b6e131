"""`placement serve` as an operator runs it: configuration from the environment, clear
messages when it is wrong, secrets kept out of the logs, and SIGTERM finishing answers."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bot_harness import BOT_TOKEN, SIGNING_SECRET, SlackSender, mention

from bot.slack.server import serve

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(fake_slack, database_path: str, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_") and k != "DATABASE_URL" and "proxy" not in k.lower()}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake_slack.api_url,
               PLACEMENT_DB=database_path, PORT=str(_free_port()), LOG_LEVEL="DEBUG")
    env.update(overrides)
    return env


def _wait_until_listening(port: int, process: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"placement serve exited early: {process.communicate()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("placement serve did not start listening")


def test_serve_answers_signed_requests_and_sigterm_finishes_the_answer_in_flight(fake_slack, database_path):
    env = _environment(fake_slack, database_path)
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(env["PORT"])
        _wait_until_listening(port, process)
        sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", fake_slack)
        challenge = sender.post(json.dumps({"type": "url_verification", "challenge": "c-serve", "token": "x"}), "application/json")
        assert (challenge.status, "c-serve" in challenge.body) == (200, True)
        fake_slack.slow_next("chat.postMessage", 1.5)
        assert sender.send_event(mention("should our billing API be a container?")).status == 200
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0
    [posted] = fake_slack.calls("chat.postMessage")
    assert posted["text"].startswith("Containers")
    assert "finishing the answers in flight" in log
    assert "Sending a request - url: " in log  # LOG_LEVEL=DEBUG shows the Slack API calls
    assert BOT_TOKEN not in log and SIGNING_SECRET not in log
    assert "Traceback" not in log


def test_missing_configuration_names_the_variable_without_a_traceback(fake_slack, database_path):
    env = _environment(fake_slack, database_path)
    del env["SLACK_BOT_TOKEN"]
    result = subprocess.run([sys.executable, "-m", "bot", "serve"], cwd=REPO, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "SLACK_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("mode", "remove", "named"),
    [("http", "SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET"), ("socket-mode", "SLACK_APP_TOKEN", "SLACK_APP_TOKEN")],
)
def test_each_mode_names_the_setting_it_lacks(fake_slack, database_path, mode, remove, named):
    env = _environment(fake_slack, database_path)
    env.pop(remove, None)
    err = io.StringIO()
    assert serve(err, mode, env) != 0
    assert named in err.getvalue()


def test_a_bad_port_is_named(fake_slack, database_path):
    err = io.StringIO()
    assert serve(err, "http", _environment(fake_slack, database_path, PORT="http")) != 0
    assert "PORT" in err.getvalue()


def test_a_token_slack_rejects_stops_the_start_with_a_message_that_does_not_show_it(fake_slack, database_path):
    wrong = "xoxb-wrong-9999-do-not-print"
    err = io.StringIO()
    assert serve(err, "http", _environment(fake_slack, database_path, SLACK_BOT_TOKEN=wrong)) != 0
    assert "SLACK_BOT_TOKEN" in err.getvalue() and "invalid_auth" in err.getvalue()
    assert wrong not in err.getvalue()
