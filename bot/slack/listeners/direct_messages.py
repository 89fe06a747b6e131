"""Direct messages: every message from a person is a question, or a follow-up in its thread."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from ...storage.interface import Claim
from ..event_claims import CLAIM_KEY
from . import ListenerParts, SlackNeeds

NEEDS = SlackNeeds(bot_events=("message.im",), scopes=("im:history", "chat:write"), messages_tab=True)


def register(app: App, parts: ListenerParts) -> None:
    answers = parts.answers

    # `@app.event("message")` rather than `@app.message()`: the latter leaves edits and
    # deletes unmatched, Bolt answers them 404, and Slack retries them. Every message event
    # is finished in the ledger, answered or not.
    @app.event("message")
    def answer_direct_message(body: dict[str, Any], context: BoltContext, client: WebClient, logger: logging.Logger) -> None:
        answers.answer(client, logger, body, taken_over=context.get(CLAIM_KEY) is Claim.TAKEN_OVER)
