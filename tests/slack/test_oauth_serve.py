"""`placement serve` in OAuth mode, as an operator configures it: the client id and secret
instead of a bot token, each mistake named in one line, and the install served."""

from __future__ import annotations

import io
import signal
import subprocess
import sys

import pytest
from bot_harness import CLIENT_ID, CLIENT_SECRET, REDIRECT_PATH, SlackSender, install, mention
from fake_slack_api import FakeWorkspace
from test_serve import REPO, _environment, _wait_until_listening

from bot.slack.server import serve
from bot.slack.settings import MissingSetting, read_settings


def _oauth_environment(fake_slack, database_path: str, **overrides: str) -> dict[str, str]:
    env = _environment(fake_slack, database_path, SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)
    del env["SLACK_BOT_TOKEN"]
    return {**env, **overrides}


def test_the_client_id_and_secret_select_oauth_mode_without_a_bot_token(fake_slack, database_path):
    settings = read_settings(False, _oauth_environment(fake_slack, database_path))
    assert settings.oauth and settings.bot_token is None
    assert CLIENT_SECRET in settings.secrets  # redacted from every log line
    assert CLIENT_SECRET not in repr(settings)
    assert not read_settings(False, _environment(fake_slack, database_path)).oauth  # single-token mode as before


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-also-1"}, "SLACK_BOT_TOKEN and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are both set"),
        ({"SLACK_CLIENT_SECRET": ""}, "SLACK_CLIENT_SECRET is not set but SLACK_CLIENT_ID is"),
        ({"SLACK_CLIENT_ID": ""}, "SLACK_CLIENT_ID is not set but SLACK_CLIENT_SECRET is"),
        ({"SLACK_CLIENT_ID": "A0APP"}, "SLACK_CLIENT_ID is not a Client ID"),
        ({"SLACK_CLIENT_SECRET": "xoxb-1-2"}, "SLACK_CLIENT_SECRET holds a token"),
        ({"SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET is not set"),
    ],
)
def test_each_oauth_mistake_is_named_in_one_line(fake_slack, database_path, change, named):
    err = io.StringIO()
    assert serve(err, "http", _oauth_environment(fake_slack, database_path, **change)) == 2
    assert named in err.getvalue() and err.getvalue().count("\n") == 1
    assert CLIENT_SECRET not in err.getvalue()


def test_oauth_mode_in_socket_mode_is_refused_in_one_line(fake_slack, database_path):
    with pytest.raises(MissingSetting, match="need HTTP mode"):
        read_settings(True, _oauth_environment(fake_slack, database_path, SLACK_APP_TOKEN="xapp-1-2"))


def test_serve_in_oauth_mode_installs_a_workspace_and_answers_it_with_its_token(fake_slack, database_path):
    env = _oauth_environment(fake_slack, database_path)
    port = int(env["PORT"])
    fake_slack.register_oauth_app(CLIENT_ID, CLIENT_SECRET, f"http://127.0.0.1:{port}{REDIRECT_PATH}")
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_until_listening(port, process)
        finished = install(f"http://127.0.0.1:{port}", fake_slack, FakeWorkspace("T0SERVED"))
        assert finished.status == 200 and "Thank you!" in finished.body
        token = fake_slack.token_of("T0SERVED")
        sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", fake_slack)
        for ts in ("1700007000.000100", "1700007000.000200"):
            assert sender.send_event(mention("should our billing API be a container?", ts=ts), workspace=fake_slack.workspace_of(token)).status == 200
        fake_slack.wait_for("chat.postMessage", count=2)
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0
    assert [used for used, _ in fake_slack.calls_with_tokens("chat.postMessage")] == [token, token]
    assert fake_slack.attempts("auth.test") == 2  # once when installed, once for its first event: not per event, not at start
    assert "installed in the workspace T0SERVED" in log and "installs start at /slack/install" in log
    assert CLIENT_SECRET not in log and token not in log and "Traceback" not in log
