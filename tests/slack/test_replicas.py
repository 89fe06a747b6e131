"""Replicas: three `placement serve --http` processes, each on its own port, sharing one
database (one SQLite file, as replicas on one host can; Postgres through DATABASE_URL), with
Slack's deliveries spread across them as a load balancer would. They must give the guarantees
of one process: every event answered exactly once wherever it and its retries land, a thread
continued on any replica, a replica killed mid-burst losing nothing, and replicas started at
the same moment on an empty database all coming up."""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest
from bot_harness import BOT_TOKEN, DM_CHANNEL, SlackSender, all_text, direct_message, http_get, mention, serve_environment
from fake_slack_api import FakeSlackApi
from test_crashes import QUESTIONS, _deliver, _event
from test_serve import REPO, _wait_until_listening

from bot.slack.server import ANSWER_THREADS

REPLICAS = 3
LEASE_SECONDS = 1.0  # a killed replica's events are taken over this long after its last renewal
# Once every thread has its answer: time enough for anything answered twice to show.
QUIET_SECONDS = LEASE_SECONDS * 3
ANSWER_TIMEOUT = 60.0
START_TIMEOUT = 60.0
# A person reads an answer before writing again. The bot saves what a message said as it posts
# the answer, without waiting for the commit, so a reply in the same millisecond could miss it.
READING_SECONDS = 1.0


class Replica(SlackSender):
    """One `placement serve --http` process, its log in a file (a pipe left unread would block it)."""

    def __init__(self, fake: FakeSlackApi, database: dict[str, str], log_path: Path) -> None:
        env = serve_environment(fake.api_url, LOG_LEVEL="WARNING", PLACEMENT_LEASE_SECONDS=str(LEASE_SECONDS))
        env.update(database)
        self.port = int(env["PORT"])
        self.log_path = log_path
        with open(log_path, "w") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http"], cwd=REPO, env=env,
                                            stdout=subprocess.DEVNULL, stderr=log)
        super().__init__(f"http://127.0.0.1:{self.port}/slack/events", fake)

    def wait_until_listening(self) -> None:
        _wait_until_listening(self.port, self.process, timeout=START_TIMEOUT)

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        finally:
            self.process.kill()


class Replicas:
    """Replicas on one database and one fake Slack, all started at the same moment."""

    def __init__(self, fake: FakeSlackApi, database: dict[str, str], folder: Path) -> None:
        self.fake = fake
        self.database = database
        self._folder = folder
        self._launched = itertools.count()
        self.all = self.start(REPLICAS)

    def start(self, count: int) -> list[Replica]:
        started = [Replica(self.fake, self.database, self._folder / f"replica-{next(self._launched)}.log") for _ in range(count)]
        try:
            for replica in started:
                replica.wait_until_listening()
        except BaseException:
            for replica in started:
                replica.stop()
            raise
        return started

    def stop(self) -> None:
        for replica in self.all:
            replica.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def replicas(request, tmp_path_factory) -> Iterator[Replicas]:
    folder = tmp_path_factory.mktemp(f"replicas-{request.param}")
    database = {"PLACEMENT_DB": str(folder / "placement.sqlite3")}
    if request.param == "postgres":
        server = request.getfixturevalue("postgres")
        database = {"DATABASE_URL": server.create_database()}
        request.addfinalizer(lambda: server.drop_database(database["DATABASE_URL"]))
    with FakeSlackApi(BOT_TOKEN) as fake:
        group = Replicas(fake, database, folder)
        try:
            yield group
        finally:
            group.stop()
    for replica in group.all:
        assert "Traceback" not in replica.log(), replica.log()


def _posts_once_quiet(fake: FakeSlackApi, threads: list[str]) -> Counter[str]:
    """Waits for an answer in every thread, then a quiet spell; the posts per thread."""
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while time.monotonic() < deadline and not all(ts in fake.received_at for ts in threads):
        time.sleep(0.1)
    time.sleep(QUIET_SECONDS)
    posts = Counter(post["thread_ts"] for post in fake.calls("chat.postMessage"))
    return Counter({ts: posts[ts] for ts in threads})


def _spread(replicas: list[Replica], events: list[tuple[str, str]]) -> list[tuple[SlackSender, str, str, None]]:
    """Round robin, as a load balancer deals first deliveries."""
    return [(replicas[index % len(replicas)], event_id, ts, None) for index, (event_id, ts) in enumerate(events)]


def test_replicas_started_at_the_same_moment_on_an_empty_database_all_come_up_and_answer(replicas):
    threads = [f"1720000000.{index:06d}" for index in range(REPLICAS)]
    for replica, ts in zip(replicas.all, threads):
        assert http_get(f"http://127.0.0.1:{replica.port}/healthz").status == 200
        assert replica.send_event(mention(QUESTIONS[0], ts=ts)).status == 200
    assert _posts_once_quiet(replicas.fake, threads) == dict.fromkeys(threads, 1)


def test_events_spread_across_the_replicas_are_each_answered_exactly_once(replicas):
    events = [(f"Ev1SPREAD{index:03d}", f"1720000100.{index:06d}") for index in range(60)]
    assert _deliver(_spread(replicas.all, events)) == []
    posts = _posts_once_quiet(replicas.fake, [ts for _, ts in events])
    assert posts == dict.fromkeys(posts, 1) and len(posts) == len(events)


def test_a_retry_delivered_to_another_replica_is_not_answered_again(replicas):
    """Slack retries when its ack is late; the retry may land on any replica, while the first is
    still answering (the original's post is slow) or after it answered."""
    first, second, third = replicas.all
    replicas.fake.delay_every("chat.postMessage", 0.3)
    events = [(f"Ev1RETRY{index:03d}", f"1720000200.{index:06d}") for index in range(12)]
    try:
        for event_id, ts in events:
            at_once = threading.Barrier(2)

            def deliver(replica: Replica, retry: int | None) -> int:
                at_once.wait()
                return replica.send_event(_event(ts), event_id=event_id, retry_num=retry).status

            with ThreadPoolExecutor(max_workers=2) as pool:
                statuses = list(pool.map(deliver, (first, second), (None, 1)))
            assert statuses == [200, 200]
        replicas.fake.wait_for("chat.postMessage", count=len(events), timeout=ANSWER_TIMEOUT)
        late_retries = [(third, event_id, ts, 2) for event_id, ts in events]
        assert _deliver(late_retries) == []
    finally:
        replicas.fake.delay_every("chat.postMessage", 0.0)
    posts = _posts_once_quiet(replicas.fake, [ts for _, ts in events])
    assert posts == dict.fromkeys(posts, 1) and len(posts) == len(events)


def test_a_thread_begun_on_one_replica_and_continued_on_the_others_knows_what_was_said(replicas):
    fake = replicas.fake
    said = list(zip(replicas.all, (QUESTIONS[0], "it will also run untrusted code", "why?")))
    for number, event in enumerate((mention, direct_message)):
        thread = f"1720000300.{number:06d}"
        already = len(fake.calls("chat.postMessage"))
        for index, (replica, text) in enumerate(said):
            if index == 0:
                replica.send_event(event(text, ts=thread))
            else:
                replica.send_event(event(text, ts=f"1720000301.{number}{index:05d}", thread_ts=thread))
            fake.wait_for("chat.postMessage", count=already + index + 1, timeout=ANSWER_TIMEOUT)
            time.sleep(READING_SECONDS)
        question, follow_up, why = [post for post in fake.calls("chat.postMessage") if post["thread_ts"] == thread]
        assert question["text"].startswith("Containers") and follow_up["text"].startswith("Hybrid"), follow_up
        assert "microservices = yes" in all_text(why) and "untrusted_code = yes" in all_text(why), why


def test_a_replica_killed_mid_burst_loses_nothing_while_the_others_answer(replicas):
    """Killed with answers still to post (Slack is slow; the load balancer had just sent it a run
    of events), as a burst arrives: the events it acknowledged and never finished are taken over
    by the others once its lease runs out; the deliveries it can no longer take are retried by
    Slack and reach the others. A mention whose post was in flight at the kill may be posted once
    more (a channel's thread cannot be read back); a direct message never is."""
    fake = replicas.fake
    doomed = replicas.all[-1]
    survivors = replicas.all[:-1]
    # Its 8 answer threads post 8 at a time, each post taking 0.3 s: posting all of these takes it
    # 1.8 s, far longer than their acknowledgements, so most are still to post at the kill.
    its_run = [(f"Ev1KILLA{index:03d}", f"1720000400.{index:06d}") for index in range(ANSWER_THREADS * 6)]
    burst = [(f"Ev1KILLB{index:03d}", f"1720000401.{index:06d}") for index in range(48)]
    fake.delay_every("chat.postMessage", 0.3)  # shorter than the lease: what was in flight lands before a take-over
    try:
        assert _deliver(_spread([doomed], its_run)) == []
        doomed.process.kill()
        assert doomed.process.wait(timeout=30) == -signal.SIGKILL
        unposted_at_kill = [ts for _, ts in its_run if ts not in fake.received_at]
        redeliver = _deliver(_spread(replicas.all, burst))  # the load balancer has not noticed yet
        assert {ts for _, ts, _ in redeliver} >= {ts for _, ts in burst[REPLICAS - 1::REPLICAS]}  # refused
        for _ in range(3):  # Slack's retries, which reach the replicas still up
            redeliver = _deliver([(survivors[index % len(survivors)], *delivery) for index, delivery in enumerate(redeliver)])
        assert redeliver == []
        posts = _posts_once_quiet(fake, [ts for _, ts in its_run + burst])
    finally:
        fake.delay_every("chat.postMessage", 0.0)
        replicas.all[-1:] = replicas.start(1)  # a replacement, so that the group is whole again
    assert unposted_at_kill, "the killed replica had posted everything: nothing was left to take over"
    assert [ts for ts, count in posts.items() if count == 0] == [], "events lost"
    in_direct_messages = Counter(post["thread_ts"] for post in fake.calls("chat.postMessage")
                                 if post["channel"] == DM_CHANNEL and post["thread_ts"] in posts)
    assert len(in_direct_messages) == len(posts) // 2 and set(in_direct_messages.values()) == {1}
    doubled = [ts for ts, count in posts.items() if count > 1]
    assert len(doubled) <= ANSWER_THREADS and max(posts.values()) <= 2, doubled  # at most one in flight per answer thread
