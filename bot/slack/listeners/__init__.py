"""Bolt listeners, one module per kind of thing Slack sends.

`listener_modules()` is the one table of them: `register_listeners` registers each, and each says
what it needs from Slack (NEEDS: events, scopes, shortcuts, App Home tabs), which is what
manifest.yml must declare, no more (tests/slack/test_manifest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_bolt import App

from ..answer_feedback import AnswerFeedback
from ..conversation_replies import ConversationReplies

if TYPE_CHECKING:  # event_answers imports this package
    from ..event_answers import EventAnswers


@dataclass(frozen=True)
class SlackNeeds:
    bot_events: tuple[str, ...] = ()  # as the manifest names them: "app_mention", "message.im"
    scopes: tuple[str, ...] = ()
    message_shortcuts: tuple[tuple[str, str], ...] = ()  # (callback_id, name)
    slash_commands: tuple[str, ...] = ()
    interactive: bool = False  # clicks, shortcuts, view submissions
    home_tab: bool = False
    messages_tab: bool = False


@dataclass(frozen=True)
class ListenerParts:
    replies: ConversationReplies
    answers: "EventAnswers"
    feedback: AnswerFeedback


def listener_modules() -> tuple:
    # imported here: some of them import event_answers, which imports this package
    from . import (app_home, buttons, direct_messages, guided_form, mentions, message_shortcut, slash_command, votes,
                   workspace_removals)

    return (mentions, direct_messages, slash_command, buttons, votes, guided_form, app_home, message_shortcut, workspace_removals)


def all_needs() -> tuple[SlackNeeds, ...]:
    return tuple(listener.NEEDS for listener in listener_modules())


def register_listeners(app: App, parts: ListenerParts) -> None:
    """Listeners answer on Bolt's listener executor (the answer threads); everything is
    acknowledged before: events by Bolt, clicks, shortcuts and form submissions by early_ack.
    A slash command with text is answered by early_ack alone, in its acknowledgement."""
    for listener in listener_modules():
        listener.register(app, parts)
