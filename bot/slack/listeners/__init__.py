"""Bolt listeners, one module per kind of thing Slack sends."""

from __future__ import annotations

from concurrent.futures import Executor

from slack_bolt import App

from ..conversation_replies import ConversationReplies
from . import buttons, direct_messages, mentions, slash_command


def register_listeners(app: App, replies: ConversationReplies, answers: Executor) -> None:
    """Listeners ack (Bolt's threads) and queue the answer on `answers` (the bot's threads)."""
    for kind in (mentions, direct_messages, slash_command, buttons):
        kind.register(app, replies, answers)
