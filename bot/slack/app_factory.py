"""Builds the Bolt app. Building calls Slack's auth.test, so it happens here, at start-up,
never at import."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient

from ..advisor import Advisor
from ..storage.conversations import ConversationStore
from ..storage.event_ledger import DEFAULT_LEASE_SECONDS, SqliteEventLedger
from ..storage.feedback import FeedbackStore
from ..storage.interface import EventLedger
from ..storage.sqlite_database import SqliteDatabase
from .answer_feedback import AnswerFeedback
from .answer_threads import AnswerThreads
from .conversation_replies import ConversationReplies
from .early_ack import acknowledge_at_once
from .event_answers import EventAnswers
from .event_claims import claim_every_event
from .listeners import ListenerParts, register_listeners
from .metrics import BotMetrics
from .settings import DEFAULT_RETENTION_DAYS
from .upkeep import Upkeep

# How long the answers submitted before a stop may take to finish; see SlackBot.wind_down.
ANSWER_DRAIN_SECONDS = 10.0

logger = logging.getLogger("placement")


@dataclass(frozen=True)
class SlackBot:
    app: App
    ledger: EventLedger
    upkeep: Upkeep  # not started: the caller starts it once it serves
    answers: AnswerThreads
    database: SqliteDatabase
    metrics: BotMetrics

    def wind_down(self, answer_drain_seconds: float = ANSWER_DRAIN_SECONDS) -> None:
        """Once no more requests come in: lets the answers submitted finish, for at most
        `answer_drain_seconds`; hands back to other processes every event not finished
        by then; lets the database take its queued writes. Bounded even when Slack hangs."""
        self.upkeep.stop_taking_work()
        if not self.answers.stop(answer_drain_seconds):
            logger.warning("stopping with answers still waiting on Slack; they are handed back, to be answered by another "
                           "process or after the next start")
        self.upkeep.stop()
        try:
            self.ledger.hand_back()
        except sqlite3.Error as error:
            logger.warning("could not hand back the unfinished events (database: %s); they are taken over once their lease "
                           "runs out", error)
        if not self.database.close():
            logger.warning("stopped before the database took every write: some threads may forget what was said")


def build_bot(client: WebClient, signing_secret: str, advisor: Advisor, database: SqliteDatabase, answers: AnswerThreads,
              lease_seconds: float = DEFAULT_LEASE_SECONDS, retention_days: float = DEFAULT_RETENTION_DAYS,
              metrics: BotMetrics | None = None, vote_key: str | None = None) -> SlackBot:
    """Bolt runs the listeners, which answer, on `answers`. Every event is recorded in the
    ledger, and everything Slack sends acknowledged, before a listener runs, so answers
    stuck on a hung Slack never delay an ack. To stop: stop taking requests, then
    `wind_down()`. `metrics`: the ones `client` counts its calls in (build_web_client), if any.
    `vote_key`: the secret votes' voters are hashed with (default: the signing secret)."""
    metrics = metrics or BotMetrics()
    app = App(client=client, signing_secret=signing_secret, listener_executor=answers, name="placement")
    ledger = SqliteEventLedger(database, lease_seconds)
    conversations = ConversationStore(database)
    feedback_store = FeedbackStore(database, (vote_key or signing_secret).encode())
    feedback = AnswerFeedback(feedback_store, metrics)
    replies = ConversationReplies(advisor, conversations, metrics, feedback)
    event_answers = EventAnswers(replies, ledger, metrics)
    app.middleware(acknowledge_at_once(replies))
    app.middleware(claim_every_event(ledger, metrics))
    register_listeners(app, ListenerParts(replies, event_answers, feedback))
    upkeep = Upkeep(ledger, conversations, event_answers, answers, app.client, retention_days * 24 * 3600, feedback_store)
    return SlackBot(app, ledger, upkeep, answers, database, metrics)
