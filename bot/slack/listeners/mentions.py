"""@placement in a channel: a new question, or a follow-up inside a thread the bot answered."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from ..conversation_replies import ConversationReplies
from .thread_messages import answer_in_thread, is_from_person


def register(app: App, replies: ConversationReplies) -> None:
    @app.event("app_mention")
    def answer_mention(event: dict[str, Any], body: dict[str, Any], client: WebClient, logger: logging.Logger) -> None:
        if is_from_person(event):
            answer_in_thread(client, logger, replies, body, event)
