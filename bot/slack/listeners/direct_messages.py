"""Direct messages: every message from a person is a question, or a follow-up in its thread."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from ..conversation_replies import ConversationReplies
from .thread_messages import answer_in_thread, is_from_person


def register(app: App, replies: ConversationReplies) -> None:
    # `@app.event("message")` rather than `@app.message()`: the latter leaves edits and
    # deletes unmatched, Bolt answers them 404, and Slack retries them.
    @app.event("message")
    def answer_direct_message(event: dict[str, Any], body: dict[str, Any], client: WebClient, logger: logging.Logger) -> None:
        if event.get("channel_type") == "im" and is_from_person(event):
            answer_in_thread(client, logger, replies, body, event)
