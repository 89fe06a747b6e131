"""Exactly one answer per event however it is delivered: replays of a first delivery, a
retry reaching another replica first, and follow-ups written at the same moment, on one
replica or two sharing one SQLite file, each served over real HTTP as in production."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import pytest
from bot_harness import CHANNEL, WORKSPACE, RunningBot, all_text, mention

from bot.storage.conversations import ConversationStore
from bot.storage.database import open_database

QUESTION = "should our checkout microservices run in containers?"
FOLLOW_UPS = ("it will also run untrusted code", "it needs a GPU")
FOLLOW_UP_FACTS = {"untrusted_code", "gpu"}


@pytest.fixture
def replicas(fake_slack, advisor, database_path) -> Iterator[tuple[RunningBot, RunningBot]]:
    first, second = RunningBot(fake_slack, advisor, database_path), RunningBot(fake_slack, advisor, database_path)
    yield first, second
    first.stop()
    second.stop()


def _at_once(*sends) -> list:
    """Runs each send on its own thread, released together."""
    start = threading.Barrier(len(sends))

    def run(send):
        start.wait()
        return send()

    with ThreadPoolExecutor(max_workers=len(sends)) as pool:
        return list(pool.map(run, sends))


def _posts_per_thread(fake_slack) -> dict[str, int]:
    counts: dict[str, int] = {}
    for post in fake_slack.calls("chat.postMessage"):
        counts[post["thread_ts"]] = counts.get(post["thread_ts"], 0) + 1
    return counts


def test_twenty_replays_of_a_signed_first_delivery_are_answered_once(bot, fake_slack):
    event = mention(QUESTION, ts="1700006000.000100")
    replies = [bot.send_event(event, event_id="Ev0REPLAYED") for _ in range(20)]
    bot.settle()
    assert [reply.status for reply in replies] == [200] * 20
    assert len(fake_slack.calls("chat.postMessage")) == 1


@pytest.mark.parametrize("retry_first", [False, True], ids=["original first", "retry first"])
def test_a_retry_reaching_the_other_replica_while_the_first_answers_is_not_answered_twice(replicas, fake_slack, retry_first):
    first, second = replicas
    fake_slack.delay_every("chat.postMessage", 0.3)  # the first replica is still answering when the retry arrives
    threads = [f"1700006100.{index:06d}" for index in range(10)]
    for index, ts in enumerate(threads):
        event, event_id = mention(QUESTION, ts=ts), f"Ev0CROSS{index:02d}"
        original = lambda: first.send_event(event, event_id=event_id)  # noqa: E731
        retry = lambda: second.send_event(event, event_id=event_id, retry_num=1)  # noqa: E731
        replies = _at_once(retry, original) if retry_first else _at_once(original, retry)
        assert [reply.status for reply in replies] == [200, 200]
    first.settle()
    second.settle()
    assert _posts_per_thread(fake_slack) == dict.fromkeys(threads, 1)


@pytest.mark.parametrize("spread", ["one replica", "two replicas"])
def test_two_follow_ups_at_the_same_moment_both_keep_their_facts(replicas, fake_slack, database_path, spread):
    first, second = replicas
    other = first if spread == "one replica" else second
    threads = [f"1700006200.{index:06d}" for index in range(10)]
    for ts in threads:
        first.send_event(mention(QUESTION, ts=ts))
    fake_slack.wait_for("chat.postMessage", count=len(threads))
    for index, ts in enumerate(threads):
        _at_once(lambda: first.send_event(mention(FOLLOW_UPS[0], ts=f"1700006201.{index:06d}", thread_ts=ts)),
                 lambda: other.send_event(mention(FOLLOW_UPS[1], ts=f"1700006202.{index:06d}", thread_ts=ts)))
    first.settle()
    second.settle()
    for replica in replicas:
        replica.database.write(lambda connection: None)  # writes run in order: every earlier one has landed
    stored = ConversationStore(open_database(database_path))
    for ts in threads:
        facts = {f.fact for f in stored.find(WORKSPACE, CHANNEL, ts).facts}
        assert FOLLOW_UP_FACTS | {"microservices"} <= facts, (ts, facts)


def test_why_after_simultaneous_follow_ups_shows_both(replicas, fake_slack):
    first, second = replicas
    ts = "1700006300.000100"
    first.send_event(mention(QUESTION, ts=ts))
    fake_slack.wait_for("chat.postMessage")
    _at_once(lambda: first.send_event(mention(FOLLOW_UPS[0], ts="1700006301.000100", thread_ts=ts)),
             lambda: second.send_event(mention(FOLLOW_UPS[1], ts="1700006302.000100", thread_ts=ts)))
    fake_slack.wait_for("chat.postMessage", count=3)
    first.settle()
    second.settle()
    second.send_event(mention("why?", ts="1700006303.000100", thread_ts=ts))
    why = all_text(fake_slack.wait_for("chat.postMessage", count=4)[3])
    assert "untrusted_code = yes" in why and "gpu = yes" in why and "microservices = yes" in why
