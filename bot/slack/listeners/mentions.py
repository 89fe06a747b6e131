"""@placement in a channel: a new question, or a follow-up inside a thread the bot answered."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from ...storage.interface import Claim
from ..event_claims import CLAIM_KEY
from . import ListenerParts, SlackNeeds

NEEDS = SlackNeeds(bot_events=("app_mention",), scopes=("app_mentions:read", "chat:write"))


def register(app: App, parts: ListenerParts) -> None:
    answers = parts.answers

    @app.event("app_mention")
    def answer_mention(body: dict[str, Any], context: BoltContext, client: WebClient, logger: logging.Logger) -> None:
        answers.answer(client, logger, body, taken_over=context.get(CLAIM_KEY) is Claim.TAKEN_OVER)
