"""One background thread per process that keeps the event ledger true while serving:
it renews the leases of the events this process is answering, takes over the events
another process (or this one, before a restart) took on and never finished, and deletes
what is older than the retention time.

An event taken over is answered with its own workspace's client (`client_for`): in OAuth
mode, from the installation its stored payload names (event_claims.event_payload)."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Callable

from slack_sdk import WebClient

from ..storage.database import describe
from ..storage.feedback import FeedbackStore
from ..storage.interface import ConversationMemory, EventLedger, Workspace
from .answer_threads import AnswerThreads
from .event_answers import EventAnswers
from .workspaces import workspace_of

logger = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 3600.0
# Unfinished events are looked for at least this often (one indexed query).
TAKE_OVER_EVERY_SECONDS = 1.0
ABANDONED = "abandoned"


class Upkeep:
    def __init__(self, ledger: EventLedger, conversations: ConversationMemory, answers: EventAnswers, answer_threads: AnswerThreads,
                 client_for: Callable[[Workspace], WebClient | None], retention_seconds: float,
                 sweep_also: Callable[[], None] | None, feedback: FeedbackStore) -> None:
        """`sweep_also`: more to delete at each sweep (OAuth mode: the expired install states)."""
        self._ledger = ledger
        self._conversations = conversations
        self._answers = answers
        self._answer_threads = answer_threads
        self._client_for = client_for
        self._retention_seconds = retention_seconds
        self._sweep_also = sweep_also
        self._feedback = feedback
        self._renew_every = ledger.lease_seconds / 3
        self._tick = min(self._renew_every, TAKE_OVER_EVERY_SECONDS)
        self._taking_work = True
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="upkeep", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop_taking_work(self) -> None:
        """At shutdown: no more take-overs; leases are still renewed until `stop()`."""
        self._taking_work = False

    def stop(self) -> None:
        self._taking_work = False
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=1)  # a daemon: one stuck on the database is left behind

    def _run(self) -> None:
        next_sweep = next_renewal = 0.0
        while True:
            now = time.monotonic()
            if now >= next_renewal:
                next_renewal = now + self._renew_every
                self._guarded("renew the leases of the events it is answering", self._renew)
            if self._taking_work:
                self._guarded("take over unfinished events", self._take_over)
            if now >= next_sweep:
                next_sweep = now + SWEEP_EVERY_SECONDS
                self._guarded("delete what is older than the retention time", self._sweep)
            if self._stopping.wait(self._tick):
                return

    def _guarded(self, what: str, step) -> None:
        try:
            step()
        except Exception as error:  # this thread must live, whatever the database does
            logger.warning("could not %s: %s", what, describe(error))

    def _renew(self) -> None:
        self._ledger.renew_leases().result(timeout=self._ledger.lease_seconds)

    def _take_over(self) -> None:
        """Only as many as there are idle answer threads: an event taken over waits for
        no other, and an attempt is counted only for an answer that starts."""
        free = self._answer_threads.idle()
        if not free:
            return
        found = self._ledger.take_over_expired(free)
        for event_id in found.abandoned:
            logger.warning("gave up on event %s: its answering was cut off too many times", event_id)
        for taken in found.taken:
            if taken.payload is None:
                self._ledger.finish(taken.event_id, ABANDONED)
                continue
            logger.info("answering event %s, left unfinished by a process that stopped", taken.event_id)
            self._answer_threads.submit(self._answer_taken_over, json.loads(taken.payload))

    def _answer_taken_over(self, body: dict) -> None:
        """On an answer thread: finding the workspace's token is a database query. If it fails,
        the event stays this process's, unfinished, and is answered after a restart."""
        workspace = workspace_of(body)
        try:
            client = self._client_for(workspace)
        except Exception as error:
            logger.warning("could not find the token of event %s's workspace: %s", body.get("event_id"), type(error).__name__)
            return
        self._answers.answer(client, logger, body, taken_over=True)

    def _sweep(self) -> None:
        cutoff = time.time() - self._retention_seconds
        self._ledger.forget_older_than(cutoff).result(timeout=30)
        self._conversations.forget_older_than(cutoff).result(timeout=30)
        self._feedback.forget_older_than(cutoff).result(timeout=30)
        if self._sweep_also is not None:
            self._sweep_also()
