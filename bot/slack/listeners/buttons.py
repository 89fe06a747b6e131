"""Clicks on an answer's buttons: a clarifying Yes/No updates the answer in place; "Why?"
adds the full chain of fired rules under it.

A button's value comes back from Slack as the bot wrote it, but it is checked all the same
(bounded, of the shape the bot makes, naming a fact the knowledge base has) before it
names a database row or an answer: a value that is not one the bot made is refused
with one log line and answered with nothing."""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Container

from slack_bolt import App, Respond
from slack_sdk import WebClient

from ...rendering.block_kit import CLARIFY_NO_ACTION, CLARIFY_YES_ACTION, WHY_ACTION, ButtonValue
from ..conversation_replies import ConversationReplies
from ..faults import answer_or_apologize, checked
from ..workspaces import workspace_of
from . import ListenerParts, SlackNeeds
from .slash_command import is_command_thread
from .thread_messages import post

_CLARIFY = re.compile(f"^(?:{re.escape(CLARIFY_YES_ACTION)}|{re.escape(CLARIFY_NO_ACTION)})$")
# Slack's own limit on a button's value; the bot's are far shorter.
MAX_VALUE_LENGTH = 2000
# A message's ts (as Slack writes it), or a slash command's thread key (slash_command.py).
_THREAD = re.compile(r"\d{1,12}\.\d{1,9}|command-[0-9a-f]{32}")

NEEDS = SlackNeeds(scopes=("chat:write",), interactive=True)


class RefusedButton(ValueError):
    """A click whose value the bot did not make."""


def checked_value(value: object, known_facts: Container[str]) -> ButtonValue:
    if not isinstance(value, str) or len(value) > MAX_VALUE_LENGTH:
        raise RefusedButton(f"a value of {len(value) if isinstance(value, str) else type(value).__name__} characters")
    try:
        clicked = ButtonValue.decode(value)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise RefusedButton("a value that is not the bot's JSON") from None
    if not _THREAD.fullmatch(clicked.thread):
        raise RefusedButton("a thread the bot does not write")
    if clicked.fact is not None and (not isinstance(clicked.fact, str) or clicked.fact not in known_facts):
        raise RefusedButton("a fact the knowledge base does not have")
    return clicked


def _channel_of(body: dict[str, Any]) -> str:
    return (body.get("channel") or {}).get("id") or body["container"]["channel_id"]


def register(app: App, parts: ListenerParts) -> None:
    replies = parts.replies

    def clarify(clicked: ButtonValue, channel: str, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        message = replies.reply_to_click(workspace_of(body), channel, clicked.thread, str(clicked.fact), action["action_id"] == CLARIFY_YES_ACTION)
        if is_command_thread(clicked.thread):
            checked(respond(blocks=list(message.blocks), text=message.text, replace_original=True))
        else:
            client.chat_update(channel=channel, ts=body["container"]["message_ts"], blocks=list(message.blocks), text=message.text)

    def explain(clicked: ButtonValue, channel: str, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        message = replies.explain(workspace_of(body), channel, clicked.thread)
        if is_command_thread(clicked.thread):
            checked(respond(blocks=list(message.blocks), text=message.text, response_type="ephemeral", replace_original=False))
        else:
            post(client, channel, clicked.thread, message)

    _on_click(app, _CLARIFY, clarify, replies)
    _on_click(app, WHY_ACTION, explain, replies)


ClickHandler = Callable[[ButtonValue, str, dict[str, Any], dict[str, Any], WebClient, Respond], None]


def _on_click(app: App, action_ids: str | re.Pattern, handle: ClickHandler, replies: ConversationReplies) -> None:
    @app.action(action_ids)
    def answer_click(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, logger: logging.Logger
    ) -> None:
        try:
            # the facts of the knowledge loaded now: a SIGHUP reload may have changed them
            clicked = checked_value(action.get("value"), replies.known_facts)
        except RefusedButton as refused:
            logger.warning("refused a click on %s: %s", str(action.get("action_id"))[:80], refused)
            return
        if clicked.fact is None and _CLARIFY.match(str(action.get("action_id"))):
            logger.warning("refused a click on %s: a clarifying button without its fact", action["action_id"])
            return

        def answer() -> None:
            handle(clicked, _channel_of(body), body, action, client, respond)

        answer_or_apologize(logger, f"click {action.get('action_id')}", answer, apologizer(respond))


def apologizer(respond: Respond) -> Callable[[str], None]:
    """Only the person who clicked sees the apology."""
    return lambda apology: respond(text=apology, response_type="ephemeral", replace_original=False)
