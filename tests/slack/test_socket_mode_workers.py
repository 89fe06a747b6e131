"""Several Socket Mode workers (each its own connection to Slack) on one database, SQLite or
Postgres: Slack may hand an event, or its redelivery, to any of them, and the next message of a
thread to another; each event is answered once, and every worker knows what the thread said."""

from __future__ import annotations

from typing import Iterator

import pytest
from bot_harness import all_text, event_callback, mention
from test_socket_mode import SocketModeUnderTest


@pytest.fixture
def workers(fake_slack, advisor, database_location) -> Iterator[list[SocketModeUnderTest]]:
    running = [SocketModeUnderTest(fake_slack, advisor, database_location) for _ in range(2)]
    yield running
    for worker in running:
        worker.handler.client.close()
        worker.answers.stop(timeout=30)


def test_an_event_delivered_to_two_workers_is_answered_once(workers, fake_slack):
    first, second = workers
    body = event_callback(mention("should our billing API be a container?", ts="1700004000.000100"), "Ev0WORKERS1")
    first.receive("events_api", body, "env-w1")
    second.receive("events_api", body, "env-w2", retry_attempt=1)
    first.wait_for_ack("env-w1")
    second.wait_for_ack("env-w2")
    fake_slack.wait_for("chat.postMessage")
    for worker in workers:
        worker.answers.wait_idle(timeout=10)
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_a_thread_begun_on_one_worker_is_continued_on_the_other(workers, fake_slack):
    first, second = workers
    question = "should our billing API be a container? it runs third-party plugins we don't trust"
    first.receive("events_api", event_callback(mention(question, ts="1700004100.000100"), "Ev0WORKERS2"), "env-w3")
    fake_slack.wait_for("chat.postMessage")
    first.answers.wait_idle(timeout=10)
    first.ledger_database.write(lambda connection: None)  # writes land in order: the thread's facts are in
    # Alone, this would be answered "containers"; with the thread's first message, it is not.
    follow_up = mention("it is also a set of stateless microservices", ts="1700004101.000100", thread_ts="1700004100.000100")
    second.receive("events_api", event_callback(follow_up, "Ev0WORKERS3"), "env-w4")
    _, answer = fake_slack.wait_for("chat.postMessage", count=2)
    assert answer["thread_ts"] == "1700004100.000100"
    assert answer["text"].startswith("Hybrid") and "plugins we don't trust" in all_text(answer), answer["text"]
