"""@placement in a channel: a new question, or a follow-up inside a thread the bot answered."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from ...storage.interface import Claim
from ..event_claims import CLAIM_KEY
from ..installations import Workspace

if TYPE_CHECKING:  # event_answers imports this package
    from ..event_answers import EventAnswers


def register(app: App, answers: EventAnswers) -> None:
    @app.event("app_mention")
    def answer_mention(body: dict[str, Any], context: BoltContext, client: WebClient, logger: logging.Logger) -> None:
        answers.answer(client, logger, body, Workspace.of(context), taken_over=context.get(CLAIM_KEY) is Claim.TAKEN_OVER)
