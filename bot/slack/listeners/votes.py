"""Helpful / Not helpful under an answer: one vote per person per answer, changeable by
clicking the other; only the voter is told, and how the vote is kept (bot/storage/feedback.py).

A value is checked (bounded, of the shape the bot makes) before it is stored; a value the
bot did not make is refused with one log line and answered with nothing."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import App, BoltContext, Respond

from ...knowledge.model import VERDICTS
from ...rendering.block_kit import HELPFUL_ACTION, MAX_BUTTON_VALUE, NOT_HELPFUL_ACTION, VoteValue
from ...storage.database import DatabaseError, describe
from ..faults import answer_or_apologize, checked
from ..workspaces import workspace_of
from . import ListenerParts, SlackNeeds
from .buttons import RefusedButton, apologizer

NEEDS = SlackNeeds(interactive=True)
_VOTE = re.compile(f"^(?:{re.escape(HELPFUL_ACTION)}|{re.escape(NOT_HELPFUL_ACTION)})$")
_ANSWER_ID = re.compile(r"[0-9a-f]{32}")
_VERDICTS = (*VERDICTS, "unknown", None)
_CONFIDENCES = ("high", "medium", "low", None)
THANKS_HELPFUL = "Thanks: you found this answer helpful. Click *Not helpful* to change your vote."
THANKS_NOT_HELPFUL = ("Thanks: you found this answer not helpful. Its question is kept for the knowledge base's authors "
                      "(not who asked or voted), so they can teach me. Click *Helpful* to change your vote.")
NOT_RECORDED = "Sorry, I could not record your vote just now. Please click again in a moment."


def checked_vote(value: object) -> VoteValue:
    if not isinstance(value, str) or len(value) > MAX_BUTTON_VALUE:
        raise RefusedButton("a vote value that is not a short string")
    try:
        vote = VoteValue.decode(value)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise RefusedButton("a vote value that is not the bot's JSON") from None
    if not (isinstance(vote.answer, str) and _ANSWER_ID.fullmatch(vote.answer) and vote.verdict in _VERDICTS
            and vote.confidence in _CONFIDENCES and isinstance(vote.question, str)):
        raise RefusedButton("a vote value of a shape the bot does not make")
    return vote


def register(app: App, parts: ListenerParts) -> None:
    @app.action(_VOTE)
    def vote(body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext, logger: logging.Logger) -> None:
        try:
            clicked = checked_vote(action.get("value"))
        except RefusedButton as refused:
            logger.warning("refused a vote: %s", refused)
            return
        helpful = action.get("action_id") == HELPFUL_ACTION

        def answer() -> None:
            try:
                parts.feedback.vote(workspace_of(context), str(body["user"]["id"]), clicked, helpful)
            except DatabaseError as error:
                logger.warning("could not store a vote on answer %s (database: %s)", clicked.answer, describe(error))
                checked(respond(text=NOT_RECORDED, response_type="ephemeral", replace_original=False))
                return
            checked(respond(text=THANKS_HELPFUL if helpful else THANKS_NOT_HELPFUL, response_type="ephemeral",
                            replace_original=False))

        answer_or_apologize(logger, f"vote on answer {clicked.answer}", answer, apologizer(respond))
