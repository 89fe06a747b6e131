"""Faults through the real path: Slack's Web API failing or hanging, the conversation database
locked or gone, and SIGTERM in the middle of a burst. Slack always gets its ack fast, an answer
goes out or is given up on in one log line, and the bot stays up for the next event."""

from __future__ import annotations

import glob
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPException
from typing import Callable, Iterator

import pytest
from bot_harness import BOT_TOKEN, CHANNEL, HttpReply, RunningBot, SlackSender, acked_answer, button, mention
from test_serve import REPO, _environment, _wait_until_listening

from bot.rendering.block_kit import CLARIFY_YES_ACTION, WHY_ACTION
from bot.slack import web_client
from bot.slack.faults import APOLOGY
from bot.slack.server import ANSWER_THREADS
from bot.slack.web_client import BACKOFF_SECONDS, CONNECTION_RETRIES, RATE_LIMIT_RETRIES, SERVER_ERROR_RETRIES
from bot.storage.engines import BUSY_TIMEOUT_SECONDS

QUESTION = "should our checkout microservices run in containers?"
FOLLOW_UP = "it will also run untrusted code"
QUESTION_TS = "1700004000.000100"
SLACK_ACK_LIMIT_SECONDS = 3.0
FAST_ACK_SECONDS = 1.0
SHORT_TIMEOUT_SECONDS = 0.5


@pytest.fixture
def impatient_bot(fake_slack, advisor, database_path, monkeypatch) -> Iterator[RunningBot]:
    """The production bot with a shorter Web API timeout, so that waiting out a hung Slack
    costs this test half a second per try instead of five."""
    monkeypatch.setattr(web_client, "TIMEOUT_SECONDS", SHORT_TIMEOUT_SECONDS)
    running = RunningBot(fake_slack, advisor, database_path)
    yield running
    running.stop()


def _timed(send: Callable[[], HttpReply]) -> tuple[HttpReply, float]:
    started = time.monotonic()
    reply = send()
    return reply, time.monotonic() - started


def _lines_naming(caplog, needle: str) -> list[str]:
    return [record.getMessage() for record in caplog.records if needle in record.getMessage()]


def _wait_for_lines(caplog, needle: str, timeout: float = 4 * BUSY_TIMEOUT_SECONDS) -> list[str]:
    """Writes the bot does not wait for log their failure when they fail, after the answer."""
    deadline = time.monotonic() + timeout
    while not _lines_naming(caplog, needle) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _lines_naming(caplog, needle)


def _assert_quiet_and_secret_free(caplog) -> None:
    assert not any(record.exc_info for record in caplog.records)
    assert "Traceback" not in caplog.text
    assert BOT_TOKEN not in caplog.text


# -- Slack's Web API -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503])
def test_slack_server_errors_are_retried_with_backoff_until_the_answer_goes_out(bot, fake_slack, status):
    fake_slack.fail_next("chat.postMessage", count=SERVER_ERROR_RETRIES, status=status)
    started = time.monotonic()
    bot.send_event(mention(QUESTION))
    [posted] = fake_slack.wait_for("chat.postMessage", timeout=15)
    assert posted["text"].startswith("Containers")
    assert fake_slack.attempts("chat.postMessage") == 1 + SERVER_ERROR_RETRIES
    assert time.monotonic() - started >= BACKOFF_SECONDS * (2**SERVER_ERROR_RETRIES - 1)  # waited between tries


def test_a_post_whose_response_never_comes_is_not_posted_again(impatient_bot, fake_slack, caplog):
    """Slack may have taken a request whose response timed out: posting it again could
    answer twice. The bot gives up on it in one line instead."""
    fake_slack.hang_next("chat.postMessage", count=1, seconds=SHORT_TIMEOUT_SECONDS * 4)
    reply, took = _timed(lambda: impatient_bot.send_event(mention(QUESTION, ts=QUESTION_TS), event_id="Ev0HUNG"))
    assert (reply.status, took < FAST_ACK_SECONDS) == (200, True)
    impatient_bot.settle()
    assert fake_slack.attempts("chat.postMessage") == 1
    [gave_up] = _lines_naming(caplog, "Ev0HUNG")
    assert "not sent again" in gave_up and "\n" not in gave_up
    _assert_quiet_and_secret_free(caplog)

    impatient_bot.send_event(mention(QUESTION, ts="1700004000.000200"))  # and the bot answers the next event
    [posted] = fake_slack.wait_for("chat.postMessage")
    assert (posted["thread_ts"], posted["text"].split(" ")[0]) == ("1700004000.000200", "Containers")


def test_posts_slower_than_the_client_timeout_are_each_posted_once(impatient_bot, fake_slack):
    """Slack taking longer than the client waits (6 s against 5 s in the probe; scaled down
    here): each post reaches Slack late, and none is sent a second time."""
    events = 5
    fake_slack.slow_next("chat.postMessage", SHORT_TIMEOUT_SECONDS * 1.5, count=events)
    threads = [f"1700004300.{index:06d}" for index in range(events)]
    for ts in threads:
        assert impatient_bot.send_event(mention(QUESTION, ts=ts)).status == 200
    impatient_bot.settle()
    fake_slack.wait_for("chat.postMessage", count=events, timeout=10)
    time.sleep(SHORT_TIMEOUT_SECONDS * 4)  # time enough for any second post to arrive
    assert sorted(post["thread_ts"] for post in fake_slack.calls("chat.postMessage")) == threads
    assert fake_slack.attempts("chat.postMessage") == events


def test_an_update_whose_response_never_comes_is_tried_again(impatient_bot, fake_slack):
    """Updating one message twice shows the same thing, so a timeout is retried there."""
    impatient_bot.send_event(mention("should our billing API be a container?", ts=QUESTION_TS))
    [answer] = fake_slack.wait_for("chat.postMessage")
    fake_slack.hang_next("chat.update", count=1, seconds=SHORT_TIMEOUT_SECONDS * 4)
    impatient_bot.click(button(answer, CLARIFY_YES_ACTION), answer, CHANNEL, "1700009999.000100")
    [updated] = fake_slack.wait_for("chat.update", timeout=15)
    assert updated["text"].startswith("Virtual machine")
    assert fake_slack.attempts("chat.update") == 2


def test_a_slow_slack_does_not_hold_up_the_acks_of_other_events(impatient_bot, fake_slack):
    fake_slack.slow_next("chat.postMessage", SHORT_TIMEOUT_SECONDS * 0.8, count=4)
    timings = [_timed(lambda i=i: impatient_bot.send_event(mention(QUESTION, ts=f"1700004100.{i:06d}"))) for i in range(4)]
    assert all(reply.status == 200 and took < FAST_ACK_SECONDS for reply, took in timings)
    assert len(fake_slack.wait_for("chat.postMessage", count=4)) == 4


def test_commands_and_clicks_are_acked_while_every_answer_thread_waits_on_a_hung_slack(impatient_bot, fake_slack):
    """Commands and clicks are acked on the request's own thread, so answers stuck on
    Slack cannot take the threads the next ack needs."""
    impatient_bot.send_event(mention(QUESTION, ts=QUESTION_TS))
    [earlier_answer] = fake_slack.wait_for("chat.postMessage")
    stuck = ANSWER_THREADS
    fake_slack.hang_next("chat.postMessage", count=stuck * (1 + CONNECTION_RETRIES), seconds=SHORT_TIMEOUT_SECONDS * 4)
    for index in range(stuck):
        impatient_bot.send_event(mention(QUESTION, ts=f"1700004200.{index:06d}"))
    time.sleep(0.2)  # every answer thread is now waiting on Slack
    reply, took = _timed(lambda: impatient_bot.send_command("startup time?", response_name="during-hang"))
    assert reply.status == 200 and took < FAST_ACK_SECONDS
    why = button(earlier_answer, WHY_ACTION)
    click, took = _timed(lambda: impatient_bot.click(why, earlier_answer, CHANNEL, "1700009999.000100", response_name="click"))
    assert click.status == 200 and took < FAST_ACK_SECONDS
    assert "Startup Time" in acked_answer(reply)["text"]  # the command's answer needed no answer thread


def test_a_refused_response_url_is_logged_not_lost_silently(bot, fake_slack, caplog):
    answer = acked_answer(bot.send_command("should our billing API be a container?"))
    fake_slack.fail_next("response", count=1, status=500)
    assert bot.click(button(answer, WHY_ACTION), answer, CHANNEL, "1700002000.000100", ephemeral=True).status == 200
    bot.settle()
    assert fake_slack.calls("response") == []
    [gave_up] = [line for line in _lines_naming(caplog, "gave up") if "response_url answered HTTP 500" in line]
    assert "click" in gave_up
    _assert_quiet_and_secret_free(caplog)


def test_rate_limits_past_the_retries_are_given_up_with_an_apology_in_the_thread(bot, fake_slack, caplog):
    fake_slack.fail_next("chat.postMessage", count=1 + RATE_LIMIT_RETRIES, status=429, retry_after=0)
    bot.send_event(mention(QUESTION, ts=QUESTION_TS), event_id="Ev0LIMITED")
    [apology] = fake_slack.wait_for("chat.postMessage", timeout=15)
    assert (apology["thread_ts"], apology["text"]) == (QUESTION_TS, APOLOGY)
    [gave_up] = _lines_naming(caplog, "Ev0LIMITED")
    assert "gave up" in gave_up and "429" in gave_up
    _assert_quiet_and_secret_free(caplog)


# -- the conversation database ---------------------------------------------------------------


def _memory_warnings(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if "conversation memory unavailable" in record.getMessage()]


def _follow_up_forgets_the_question(bot, fake_slack) -> None:
    """With memory, this follow-up would be Hybrid (microservices + untrusted code)."""
    bot.send_event(mention(FOLLOW_UP, ts="1700004001.000100", thread_ts=QUESTION_TS))
    follow_up = fake_slack.wait_for("chat.postMessage", count=2)[1]
    assert follow_up["thread_ts"] == QUESTION_TS
    assert follow_up["text"].startswith("Virtual machine")


def test_a_locked_database_still_answers_at_once_and_the_thread_forgets_once_the_writes_give_up(
    bot, fake_slack, database_path, caplog
):
    holder = sqlite3.connect(database_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        reply, acked_after = _timed(lambda: bot.send_event(mention(QUESTION, ts=QUESTION_TS), event_id="Ev0LOCKED"))
        [answer] = fake_slack.wait_for("chat.postMessage")
        # Neither write waits for the lock longer than the busy timeout; each then gives up and says so.
        [warning] = _wait_for_lines(caplog, "conversation memory unavailable")
        [dedupe_off] = _wait_for_lines(caplog, "could not record event Ev0LOCKED")
        [finish_off] = _wait_for_lines(caplog, "could not mark event Ev0LOCKED finished")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # The event's record waited for the lock no longer than the busy timeout, within Slack's 3 s.
    assert reply.status == 200 and acked_after < SLACK_ACK_LIMIT_SECONDS
    assert answer["text"].startswith("Containers")
    assert QUESTION_TS in warning and "locked" in warning
    assert "answering it anyway" in dedupe_off and "may be answered again" in finish_off
    _assert_quiet_and_secret_free(caplog)
    _follow_up_forgets_the_question(bot, fake_slack)


def test_a_database_locked_for_a_moment_loses_nothing(bot, fake_slack, database_path, caplog):
    holder = sqlite3.connect(database_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(BUSY_TIMEOUT_SECONDS / 4, holder.execute, ("ROLLBACK",))  # well within the busy timeout
    release.start()
    try:
        bot.send_event(mention(QUESTION, ts=QUESTION_TS), event_id="Ev0BRIEF")
        fake_slack.wait_for("chat.postMessage")
    finally:
        release.join()
        holder.close()
    bot.send_event(mention(FOLLOW_UP, ts="1700004001.000100", thread_ts=QUESTION_TS))
    follow_up = fake_slack.wait_for("chat.postMessage", count=2)[1]
    assert follow_up["text"].startswith("Hybrid")  # it remembers the microservices
    bot.send_event(mention(QUESTION, ts=QUESTION_TS), event_id="Ev0BRIEF", retry_num=1)
    bot.settle()
    assert len(fake_slack.calls("chat.postMessage")) == 2  # and the retry was known
    assert _memory_warnings(caplog) == [] and _lines_naming(caplog, "Ev0BRIEF") == []


def test_a_database_file_replaced_by_a_directory_still_answers_and_says_so(bot, fake_slack, database_path, caplog):
    for _ in range(50):  # the start-up sweep's writes may open the file again between the two
        for path in glob.glob(database_path + "*"):
            os.remove(path)
        try:
            os.mkdir(database_path)
            break
        except FileExistsError:
            time.sleep(0.05)
    assert os.path.isdir(database_path)
    reply = bot.send_event(mention(QUESTION, ts=QUESTION_TS), event_id="Ev0NODB")
    [answer] = fake_slack.wait_for("chat.postMessage")
    assert reply.status == 200 and answer["text"].startswith("Containers")
    [warning] = _wait_for_lines(caplog, "conversation memory unavailable")
    assert QUESTION_TS in warning
    [dedupe_off] = _wait_for_lines(caplog, "could not record event Ev0NODB")
    assert "answering it anyway" in dedupe_off
    _assert_quiet_and_secret_free(caplog)
    _follow_up_forgets_the_question(bot, fake_slack)


# -- SIGTERM during a burst ------------------------------------------------------------------

BURST = 40
SENDERS = 8
SIGTERM_AFTER_ACKS = 12
BURST_QUESTIONS = (QUESTION, "should our billing API be a container?", "our CI runs untrusted code: container or VM?", "startup time?")


def test_sigterm_during_a_burst_finishes_every_acknowledged_answer_exactly_once(fake_slack, database_path):
    env = _environment(fake_slack, database_path, LOG_LEVEL="INFO")
    fake_slack.slow_next("chat.postMessage", 0.2, count=BURST)  # answers are still in flight at SIGTERM
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acked: list[str] = []
    posted_at_sigterm: list[int] = []
    lock = threading.Lock()
    try:
        _wait_until_listening(int(env["PORT"]), process)
        sender = SlackSender(f"http://127.0.0.1:{env['PORT']}/slack/events", fake_slack)

        def send(i: int) -> None:
            ts = f"1700005000.{i:06d}"
            try:
                reply = sender.send_event(mention(BURST_QUESTIONS[i % len(BURST_QUESTIONS)], ts=ts))
            except (OSError, HTTPException):  # refused or cut off once the server stopped accepting
                return
            if reply.status == 200:
                with lock:
                    acked.append(ts)
                    if len(acked) == SIGTERM_AFTER_ACKS:
                        posted_at_sigterm.append(len(fake_slack.calls("chat.postMessage")))
                        process.send_signal(signal.SIGTERM)

        with ThreadPoolExecutor(max_workers=SENDERS) as senders:
            list(senders.map(send, range(BURST)))
        _, log = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0
    assert len(acked) >= SIGTERM_AFTER_ACKS
    assert posted_at_sigterm[0] < SIGTERM_AFTER_ACKS  # so some answers were still in flight at SIGTERM
    posts = fake_slack.calls("chat.postMessage")
    replies_per_thread = Counter(post["thread_ts"] for post in posts)
    assert [ts for ts in acked if replies_per_thread[ts] != 1] == []
    assert max(replies_per_thread.values()) == 1  # nothing doubled, acknowledged or not
    for post in posts:
        assert post["blocks"] and post["text"].strip() and post["text"] != APOLOGY
    # what each answered thread said was written before the process exited
    with sqlite3.connect(database_path) as database:
        remembered = {thread for (thread,) in database.execute("SELECT thread FROM conversations")}
    recommended = [ts for ts in acked if BURST_QUESTIONS[int(ts.split(".")[1]) % len(BURST_QUESTIONS)] != "startup time?"]
    assert recommended and [ts for ts in recommended if ts not in remembered] == []
    assert "Traceback" not in log and BOT_TOKEN not in log
