"""Each answer the bot gives is recorded (its verdict, and its question's text only when it
could not decide), and carries the Helpful / Not helpful buttons people vote with; App Home
reads the week's figures back. The rows and their privacy: bot/storage/feedback.py."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Callable, Mapping

from ..answering.answer import Answer
from ..rendering.block_kit import VoteValue
from ..storage.database import DatabaseError, describe, on_failure
from ..storage.feedback import AnswerRecord, FeedbackStore, WeekSummary
from ..storage.interface import Workspace
from .metrics import BotMetrics

logger = logging.getLogger(__name__)

WEEK_SECONDS = 7 * 24 * 3600


def described(answer: Answer, labels: Mapping[str, str]) -> str:
    """What was asked, as plain text: the person's words, or, for an answer to a click,
    the facts said so far in its thread."""
    question = answer.question
    if question.text.strip():
        return question.text.strip()
    said = "; ".join(f"{labels.get(f.fact, f.fact)}: {'yes' if f.value else 'no'}" for f in question.facts)
    return " \u2014 ".join(part for part in (question.subject, said) if part)


class AnswerFeedback:
    def __init__(self, store: FeedbackStore, metrics: BotMetrics, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._metrics = metrics
        self._clock = clock

    def record(self, answer: Answer, asked: str, workspace: Workspace | None) -> VoteValue | None:
        """The vote buttons' value for a new answer (None for help, which has none), and
        the answer recorded for `workspace` (not at all without one). Does not wait for
        the database: a failed record is logged and costs only App Home's figures."""
        if answer.question.intent == "help":
            return None
        vote = VoteValue(uuid.uuid4().hex, answer.verdict, answer.confidence, asked)
        if workspace is not None:
            record = AnswerRecord(vote.answer, answer.question.intent, answer.verdict, answer.confidence, asked)
            on_failure(self._store.record(workspace, record, self._clock()), self._failed_to_record)
        return vote

    def vote(self, workspace: Workspace, user: str, vote: VoteValue, helpful: bool) -> None:
        """Raises DatabaseError when the vote could not be stored."""
        record = AnswerRecord(vote.answer, "", vote.verdict, vote.confidence, vote.question)
        try:
            self._store.vote(workspace, user, record, helpful, self._clock())
        except DatabaseError:
            self._metrics.database_error("save_vote")
            raise

    def week(self, workspace: Workspace) -> WeekSummary | None:
        try:
            return self._store.week(workspace, self._clock() - WEEK_SECONDS)
        except DatabaseError as error:
            self._metrics.database_error("read_week")
            logger.warning("could not count this week's answers for App Home (database: %s)", describe(error))
            return None

    def _failed_to_record(self, error: BaseException) -> None:
        self._metrics.database_error("record_answer")
        logger.warning("could not record an answer for App Home and kb misses (database: %s)", describe(error))
