"""Bolt listeners, one module per kind of thing Slack sends."""

from __future__ import annotations

from slack_bolt import App

from ..conversation_replies import ConversationReplies
from . import buttons, direct_messages, mentions, slash_command


def register_listeners(app: App, replies: ConversationReplies) -> None:
    """Listeners answer on Bolt's listener executor (the answer threads); everything is
    acknowledged before: events by Bolt, commands and clicks by early_ack."""
    for kind in (mentions, direct_messages, slash_command, buttons):
        kind.register(app, replies)
