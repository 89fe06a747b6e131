"""Socket Mode: envelopes as Slack sends them over the WebSocket, fed to Bolt's own Socket Mode
handler (slack_sdk's built-in client); only the socket's send is replaced, to record the acks."""

from __future__ import annotations

import json
import time
from typing import Any, Iterator

import pytest
from bot_harness import BOT_TOKEN, CHANNEL, USER, event_callback, mention, view_submission
from fake_slack_api import TEAM_ID
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.slack.answer_threads import AnswerThreads
from bot.slack.app_factory import build_bot
from bot.slack.server import ANSWER_THREADS
from bot.slack.web_client import build_web_client
from bot.storage.database import open_database


class SocketModeUnderTest:
    def __init__(self, fake_slack, advisor, database_path: str) -> None:
        self.answers = AnswerThreads(ANSWER_THREADS)
        client = build_web_client(BOT_TOKEN, fake_slack.api_url)
        # No signing secret: Slack signs nothing in Socket Mode, and none is configured there.
        self.ledger_database = open_database(database_path)
        app = build_bot(client, "", advisor, self.ledger_database, self.answers).app
        self.handler = SocketModeHandler(app, app_token="xapp-1-test-app-token")
        self.acks: list[dict[str, Any]] = []
        self.handler.client.send_message = lambda message: self.acks.append(json.loads(message))

    def receive(self, envelope_type: str, payload: dict[str, Any], envelope_id: str, retry_attempt: int = 0) -> None:
        self.handler.client.enqueue_message(json.dumps({
            "envelope_id": envelope_id, "type": envelope_type, "payload": payload,
            "accepts_response_payload": envelope_type != "events_api", "retry_attempt": retry_attempt, "retry_reason": "",
        }))

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for ack in self.acks:
                if ack.get("envelope_id") == envelope_id:
                    return ack
            time.sleep(0.02)
        raise AssertionError(f"no ack for {envelope_id}: {self.acks!r}")


@pytest.fixture
def socket_bot(fake_slack, advisor, database_path) -> Iterator[SocketModeUnderTest]:
    running = SocketModeUnderTest(fake_slack, advisor, database_path)
    yield running
    running.handler.client.close()
    running.answers.stop(timeout=30)


def test_a_mention_over_socket_mode_is_acked_and_answered_in_its_thread(socket_bot, fake_slack):
    socket_bot.receive("events_api", event_callback(mention("should our billing API be a container?", ts="1700003000.000100"), "Ev0SOCKET1"), "env-1")
    assert socket_bot.wait_for_ack("env-1") == {"envelope_id": "env-1"}
    [posted] = fake_slack.wait_for("chat.postMessage")
    assert (posted["channel"], posted["thread_ts"]) == (CHANNEL, "1700003000.000100")
    assert posted["text"].startswith("Containers")


def test_a_socket_mode_redelivery_is_acked_but_not_answered_twice(socket_bot, fake_slack):
    body = event_callback(mention("should our billing API be a container?"), "Ev0SOCKET2")
    socket_bot.receive("events_api", body, "env-2", retry_attempt=0)
    fake_slack.wait_for("chat.postMessage")
    socket_bot.receive("events_api", body, "env-3", retry_attempt=1)
    socket_bot.wait_for_ack("env-3")
    socket_bot.answers.wait_idle(timeout=10)
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_a_slash_command_over_socket_mode_is_answered_in_its_ack(socket_bot, fake_slack):
    command = {"team_id": TEAM_ID, "channel_id": CHANNEL, "user_id": USER, "command": "/placement", "text": "startup time?",
               "response_url": fake_slack.response_url("socket"), "trigger_id": "trig-socket"}
    socket_bot.receive("slash_commands", command, "env-4")
    ack = socket_bot.wait_for_ack("env-4")
    assert "Startup Time" in json.dumps(ack["payload"]["blocks"])
    socket_bot.answers.wait_idle(timeout=10)
    assert fake_slack.calls("response") == []


def test_the_guided_form_over_socket_mode_opens_and_its_submission_is_answered_once(socket_bot, fake_slack):
    command = {"team_id": TEAM_ID, "channel_id": CHANNEL, "user_id": USER, "command": "/placement", "text": "",
               "response_url": fake_slack.response_url("socket"), "trigger_id": "trig-form"}
    socket_bot.receive("slash_commands", command, "env-5")
    assert socket_bot.wait_for_ack("env-5") == {"envelope_id": "env-5"}  # nothing to show: the modal opens
    [opened] = fake_slack.wait_for("views.open")
    assert opened["trigger_id"] == "trig-form"
    socket_bot.receive("interactive", view_submission(opened["view"], "our billing API", {"untrusted_code": "yes"}), "env-6")
    socket_bot.wait_for_ack("env-6")
    summary, answer = fake_slack.wait_for("chat.postMessage", count=2)
    socket_bot.answers.wait_idle(timeout=10)
    assert len(fake_slack.calls("chat.postMessage")) == 2
    assert summary["channel"] == USER and answer["thread_ts"] and answer["text"].startswith("Virtual machine")
