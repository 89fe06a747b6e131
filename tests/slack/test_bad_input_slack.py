"""Whatever people type, through Slack's real HTTP path (signed mentions, direct messages and
/placement commands): the bot never crashes, answers each exactly once, keeps every reply
within Slack's limits, and never pings anyone.

One server for the whole module: starting one per example would cost more than the examples."""

from __future__ import annotations

from itertools import count
from typing import Any, Callable, Iterator

import pytest
from bot_harness import BOT_TOKEN, CHANNEL, DM_CHANNEL, HttpReply, RunningBot, acked_answer, all_text, direct_message, mention
from fake_slack_api import FakeSlackApi
from hypothesis import given, settings
from hypothesis import strategies as st
from test_block_kit import _within_limits

from bot.slack.faults import APOLOGY
from bot.slack.listeners.slash_command import opens_form
from hostile_text import hostile_text

EXAMPLES = 150
FALLBACK_TEXT_LIMIT = 40_000  # Slack cuts a message's text there
# Every piece of Slack markup starts with "<" (<!channel>, <!here>, <@U…>, <#C…>, <url|label>) and
# the bot writes none of its own, so a raw "<" in a reply can only be the asker's text unescaped.
# This check goes if the bot ever posts links of its own.
UNESCAPED_MARKUP = "<"
# Framed as a question, the hostile part usually becomes the answer's subject, shown in the reply.
ASKED_ABOUT = st.builds("should our {} API be a container?".format, hostile_text)
TEXTS = hostile_text | ASKED_ABOUT
_timestamps = count(1)


@pytest.fixture(scope="module")
def slack_api() -> Iterator[FakeSlackApi]:
    with FakeSlackApi(BOT_TOKEN) as fake:
        yield fake


@pytest.fixture(scope="module")
def served_bot(slack_api, advisor, tmp_path_factory) -> Iterator[RunningBot]:
    running = RunningBot(slack_api, advisor, str(tmp_path_factory.mktemp("bad-input") / "placement.sqlite3"))
    yield running
    running.stop()


def _the_one_reply(bot: RunningBot, method: str, send: Callable[[], HttpReply]) -> dict[str, Any]:
    before = len(bot.fake.calls(method))
    reply = send()
    bot.settle()
    replies = bot.fake.calls(method)[before:]
    assert reply.status == 200
    assert len(replies) == 1, replies
    return replies[0]


def _assert_fit_for_slack(message: dict[str, Any]) -> None:
    _within_limits(message.get("blocks") or [])
    text = str(message.get("text") or "")
    assert text.strip() and len(text) <= FALLBACK_TEXT_LIMIT
    assert text != APOLOGY  # nothing failed on the way
    assert UNESCAPED_MARKUP not in all_text(message)


def _new_ts() -> str:
    return f"1700100000.{next(_timestamps):06d}"


@settings(max_examples=EXAMPLES, deadline=None)
@given(text=TEXTS)
def test_any_mention_gets_one_reply_in_its_thread_within_slacks_limits(served_bot, text):
    ts = _new_ts()
    posted = _the_one_reply(served_bot, "chat.postMessage", lambda: served_bot.send_event(mention(text, ts=ts)))
    assert (posted["channel"], posted["thread_ts"]) == (CHANNEL, ts)
    _assert_fit_for_slack(posted)


@settings(max_examples=EXAMPLES, deadline=None)
@given(text=TEXTS)
def test_any_direct_message_gets_one_reply_in_its_thread_within_slacks_limits(served_bot, text):
    ts = _new_ts()
    posted = _the_one_reply(served_bot, "chat.postMessage", lambda: served_bot.send_event(direct_message(text, ts=ts)))
    assert (posted["channel"], posted["thread_ts"]) == (DM_CHANNEL, ts)
    _assert_fit_for_slack(posted)


@settings(max_examples=EXAMPLES, deadline=None)
@given(text=TEXTS)
def test_any_slash_command_is_answered_in_its_ack_within_slacks_limits(served_bot, text):
    reply = served_bot.send_command(text)
    if opens_form({"text": text}):  # no question: the guided form opens instead (test_guided_form.py)
        assert (reply.status, reply.body) == (200, "")
        return
    answer = acked_answer(reply)
    assert answer["response_type"] in ("ephemeral", "in_channel")
    _assert_fit_for_slack(answer)


def test_after_all_of_that_the_same_server_still_answers_a_plain_question(served_bot):
    ts = _new_ts()
    posted = _the_one_reply(served_bot, "chat.postMessage",
                            lambda: served_bot.send_event(mention("should our billing API be a container?", ts=ts)))
    assert posted["text"].startswith("Containers")
