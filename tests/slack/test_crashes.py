"""`placement serve --http` killed with SIGKILL at random points during bursts, restarted on
the same database each time, while the senders act as Slack does: whatever was not
acknowledged is delivered again (marked as a retry) to the next process. Every event must
be answered exactly once, except that a mention whose post was in flight at a kill (it
reached Slack, its response never came back) may be posted once more by the process that
takes it over; a direct message never is, since the bot can read its thread first."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPException

from bot_harness import DM_CHANNEL, RunningBot, SlackSender, direct_message, event_callback, mention, take_over_and_finish
from test_serve import REPO, _environment, _free_port, _wait_until_listening

from bot.slack.event_claims import event_payload
from bot.slack.server import ANSWER_THREADS

KILLS = 22
EVENTS_PER_BURST = 24
SENDERS = 8
POST_SECONDS = 0.05  # each post takes Slack this long, so that some are in flight at a kill
LEASE_SECONDS = "1"  # a killed process's events are taken over this long after its last renewal
KILL_AFTER_SECONDS = (0.0, 0.4)  # after the burst starts
ARRIVALS_SETTLE_SECONDS = 0.3  # for the fake's handler threads to note a post that arrived just before a kill
QUESTIONS = ("should our checkout microservices run in containers?", "our CI runs untrusted code: container or VM?",
             "should our billing API be a container?", "legacy COBOL on RHEL 5: VM?")


def _start(fake_slack, database_path: str) -> tuple[subprocess.Popen, SlackSender]:
    env = _environment(fake_slack, database_path, LOG_LEVEL="WARNING", PLACEMENT_LEASE_SECONDS=LEASE_SECONDS,
                       PORT=str(_free_port()))
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _wait_until_listening(int(env["PORT"]), process)
    return process, SlackSender(f"http://127.0.0.1:{env['PORT']}/slack/events", fake_slack)


def _deliver(deliveries: list[tuple[SlackSender, str, str, int | None]]) -> list[tuple[str, str, int | None]]:
    """Sends each (replica, event id, ts, retry number) from concurrent senders; returns the
    (event id, ts, next retry number) of those not acknowledged with a 200, as Slack would retry them."""
    unacked, lock = [], threading.Lock()

    def send(delivery: tuple[SlackSender, str, str, int | None]) -> None:
        replica, event_id, ts, retry = delivery
        try:
            acked = replica.send_event(_event(ts), event_id=event_id, retry_num=retry).status == 200
        except (OSError, HTTPException):  # refused, or cut off by a kill
            acked = False
        if not acked:
            with lock:
                unacked.append((event_id, ts, min((retry or 0) + 1, 3)))

    with ThreadPoolExecutor(max_workers=SENDERS) as senders:
        list(senders.map(send, deliveries))
    return unacked


def _posted_but_unfinished(database_path: str, events: dict[str, str], fake_slack, since: float) -> list[str]:
    """With the process dead: the threads whose answer it posted (Slack got it) without
    finishing the event."""
    with sqlite3.connect(database_path) as connection:
        unfinished = {event_id for (event_id,) in connection.execute("SELECT event_id FROM events WHERE finished_at IS NULL")}
    return [ts for ts, event_id in events.items()
            if event_id in unfinished and any(arrived >= since for arrived in fake_slack.received_at.get(ts, ()))]


def _event(ts: str) -> dict:
    """Every other event a direct message, the others mentions in a channel."""
    index = int(ts[-6:])
    question = QUESTIONS[index % len(QUESTIONS)]
    return direct_message(question, ts=ts) if index % 2 else mention(question, ts=ts)


def test_sigkill_at_random_points_during_bursts_answers_every_event_once(fake_slack, database_path):
    rng = random.Random(20261201)
    fake_slack.delay_every("chat.postMessage", POST_SECONDS)
    events: dict[str, str] = {}  # ts -> event id
    redeliver: list[tuple[str, str, int | None]] = []
    kills = 0
    in_flight_at_kills: Counter[str] = Counter()  # ts -> kills that found its post at Slack and the event unfinished
    for run in range(KILLS):
        started = time.monotonic()  # it may take events over before it listens
        process, sender = _start(fake_slack, database_path)
        try:
            burst = [(f"Ev{run:02d}x{index:03d}", f"17100{run:05d}.{index:06d}", None) for index in range(EVENTS_PER_BURST)]
            events.update({ts: event_id for event_id, ts, _ in burst})
            killer = threading.Timer(rng.uniform(*KILL_AFTER_SECONDS), process.kill)
            killer.start()
            redeliver = _deliver([(sender, *delivery) for delivery in redeliver + burst])
            killer.join()
            process.wait(timeout=30)
        finally:
            process.kill()
        assert process.returncode == -signal.SIGKILL
        kills += 1
        time.sleep(ARRIVALS_SETTLE_SECONDS)
        in_flight = _posted_but_unfinished(database_path, events, fake_slack, since=started)
        assert len(in_flight) <= ANSWER_THREADS  # at most one post in flight per answer thread
        in_flight_at_kills.update(in_flight)

    process, sender = _start(fake_slack, database_path)
    try:
        while redeliver:  # Slack's retries of what the last killed process never acknowledged
            redeliver = _deliver([(sender, *delivery) for delivery in redeliver])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(ts in fake_slack.received_at for ts in events):
            time.sleep(0.1)
        time.sleep(float(LEASE_SECONDS) * 3)  # time enough for anything taken over twice to be posted twice
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=60)
    finally:
        process.kill()

    all_posts = fake_slack.calls("chat.postMessage")
    posts = Counter(post["thread_ts"] for post in all_posts)
    assert [ts for ts in events if posts[ts] == 0] == [], "events never answered"
    in_direct_messages = Counter(post["thread_ts"] for post in all_posts if post["channel"] == DM_CHANNEL)
    assert len(in_direct_messages) == len(events) // 2 and set(in_direct_messages.values()) == {1}
    doubled = [ts for ts in events if posts[ts] > 1]
    # Each extra post is one whose earlier post had reached Slack when a kill found its event unfinished.
    assert [(ts, posts[ts]) for ts in doubled if posts[ts] - 1 > in_flight_at_kills[ts]] == []
    assert kills == KILLS
    assert "Traceback" not in log
    print(f"{len(events)} events, {KILLS} kills, {len(doubled)} posted more than once (in flight at a kill)")


def test_a_direct_message_answered_just_before_a_kill_is_not_answered_again_by_the_next_process(
    fake_slack, advisor, database_path
):
    events = {"Ev0DM": direct_message(QUESTIONS[0], ts="1710100000.000001"),
              "Ev0MENTION": mention(QUESTIONS[0], ts="1710100000.000002")}
    first = RunningBot(fake_slack, advisor, database_path)
    try:
        for event_id, event in events.items():
            first.send_event(event, event_id=event_id)
        fake_slack.wait_for("chat.postMessage", count=2)
        first.settle()
    finally:
        first.stop()
    with sqlite3.connect(database_path) as connection:  # as a kill after each post, before its finish, leaves them
        for event_id, event in events.items():
            connection.execute("UPDATE events SET finished_at = NULL, outcome = NULL, payload = ?, owner = 'killed', "
                               "lease_until = 0 WHERE event_id = ?", (event_payload(event_callback(event, event_id)), event_id))
    take_over_and_finish(fake_slack, advisor, database_path)
    posts = Counter(post["thread_ts"] for post in fake_slack.calls("chat.postMessage"))
    assert posts == {"1710100000.000001": 1, "1710100000.000002": 2}  # the DM's thread was read; a channel's cannot be

