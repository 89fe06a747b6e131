"""What is kept, for how long, and what a stop leaves behind: conversations and handled
events older than PLACEMENT_RETENTION_DAYS are deleted while serving; a stop while Slack
hangs is bounded, and hands back every event it did not finish for the next process."""

from __future__ import annotations

import io
import sqlite3
import time

from bot_harness import RunningBot, all_events_finished, mention, take_over_and_finish

from bot.slack import web_client
from bot.slack.server import serve
from test_serve import _environment

QUESTION = "should our checkout microservices run in containers?"
FOLLOW_UP = "it will also run untrusted code"
THIRTY_ONE_DAYS = 31 * 86400


def _rows(database_path: str, table: str) -> int:
    with sqlite3.connect(database_path) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_conversations_and_events_older_than_the_retention_time_are_forgotten(fake_slack, advisor, database_path):
    first = RunningBot(fake_slack, advisor, database_path)
    try:
        for index in range(20):
            first.send_event(mention(QUESTION, ts=f"1700008000.{index:06d}"))
        fake_slack.wait_for("chat.postMessage", count=20)
        first.settle()
    finally:
        first.stop()
    assert (_rows(database_path, "conversations"), _rows(database_path, "events")) == (20, 20)
    with sqlite3.connect(database_path) as connection:  # a month goes by
        connection.execute("UPDATE conversations SET updated_at = updated_at - ?", (THIRTY_ONE_DAYS,))
        connection.execute("UPDATE events SET received_at = received_at - ?", (THIRTY_ONE_DAYS,))
    second = RunningBot(fake_slack, advisor, database_path)
    try:
        deadline = time.monotonic() + 10
        while _rows(database_path, "conversations") + _rows(database_path, "events") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (_rows(database_path, "conversations"), _rows(database_path, "events")) == (0, 0)
        second.send_event(mention(FOLLOW_UP, ts="1700008001.000100", thread_ts="1700008000.000000"))
        follow_up = fake_slack.wait_for("chat.postMessage", count=21)[20]
        assert follow_up["text"].startswith("Virtual machine")  # the microservices were forgotten
    finally:
        second.stop()


def test_an_answered_event_keeps_no_words_of_the_user(bot, fake_slack, database_path):
    bot.send_event(mention("our secret project zebra: container?", ts="1700008100.000100"))
    fake_slack.wait_for("chat.postMessage")
    bot.settle()
    bot.database.write(lambda connection: None)
    with sqlite3.connect(database_path) as connection:
        assert connection.execute("SELECT payload, outcome FROM events").fetchall() == [(None, "answered")]


def test_a_retention_that_is_not_a_positive_number_is_named(fake_slack, database_path):
    err = io.StringIO()
    assert serve(err, "http", _environment(fake_slack, database_path, PLACEMENT_RETENTION_DAYS="forever")) != 0
    assert "PLACEMENT_RETENTION_DAYS" in err.getvalue()


def test_a_stop_while_slack_hangs_is_bounded_and_hands_back_what_it_did_not_finish(
    fake_slack, advisor, database_path, monkeypatch
):
    monkeypatch.setattr(web_client, "TIMEOUT_SECONDS", 5.0)  # each answer waits this long on the hung Slack
    events = [f"1700008200.{index:06d}" for index in range(24)]
    fake_slack.hang_next("chat.postMessage", count=len(events), seconds=30)
    first = RunningBot(fake_slack, advisor, database_path)
    for ts in events:
        assert first.send_event(mention(QUESTION, ts=ts)).status == 200
    started = time.monotonic()
    first.stop(answer_drain_seconds=0.6)
    assert time.monotonic() - started < 4.0  # the answers would have taken three times 5 s

    fake_slack.clear_faults()  # Slack is back
    take_over_and_finish(fake_slack, advisor, database_path)
    posts = [post["thread_ts"] for post in fake_slack.calls("chat.postMessage")]
    assert len(posts) == len(set(posts))  # none twice
    with sqlite3.connect(database_path) as connection:
        maybe_posted = connection.execute("SELECT count(*) FROM events WHERE outcome = 'maybe posted'").fetchone()[0]
    assert all_events_finished(database_path)
    # Those whose post timed out may have reached Slack and are not posted again; every other
    # was handed back and answered by the second process.
    assert len(posts) == len(events) - maybe_posted and len(posts) >= 8, (len(posts), maybe_posted)

