"""Bolt listeners, one module per kind of thing Slack sends."""

from __future__ import annotations

from slack_bolt import App

from ..conversation_replies import ConversationReplies
from . import buttons, direct_messages, mentions, slash_command


def register_listeners(app: App, replies: ConversationReplies) -> None:
    mentions.register(app, replies)
    direct_messages.register(app, replies)
    slash_command.register(app, replies)
    buttons.register(app, replies)
