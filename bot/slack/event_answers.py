"""Answers an event the ledger says is this process's, then marks it finished: the same
for an event just delivered and for one taken over from a process that died."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any, Mapping

from slack_sdk import WebClient

from ..storage.interface import EventLedger
from .conversation_replies import ConversationReplies
from .listeners.thread_messages import answer_in_thread, deserves_answer

NOT_FOR_US = "not for us"


class EventAnswers:
    def __init__(self, replies: ConversationReplies, ledger: EventLedger) -> None:
        self._replies = replies
        self._ledger = ledger

    def answer(self, client: WebClient, logger: logging.Logger, body: Mapping[str, Any]) -> None:
        event = body.get("event") or {}
        outcome = NOT_FOR_US
        try:
            if deserves_answer(event):
                outcome = answer_in_thread(client, logger, self._replies, body, event)
        finally:
            self._finish(str(body.get("event_id")), outcome, logger)

    def _finish(self, event_id: str, outcome: str, logger: logging.Logger) -> None:
        try:
            self._ledger.finish(event_id, outcome)
        except sqlite3.Error as error:
            logger.warning("could not mark event %s finished (database: %s); it may be answered again after a restart",
                           event_id, error)
