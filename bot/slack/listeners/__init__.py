"""Bolt listeners, one module per kind of thing Slack sends."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from ..conversation_replies import ConversationReplies
from . import buttons, direct_messages, mentions, workspace_removals

if TYPE_CHECKING:  # event_answers imports this package
    from ..event_answers import EventAnswers


def register_listeners(app: App, replies: ConversationReplies, answers: "EventAnswers") -> None:
    """Listeners answer on Bolt's listener executor (the answer threads); everything is
    acknowledged before: events by Bolt, clicks by early_ack. The slash command is
    answered by early_ack alone, in its acknowledgement (listeners/slash_command.py)."""
    mentions.register(app, answers)
    direct_messages.register(app, answers)
    buttons.register(app, replies)
    workspace_removals.register(app, answers)
