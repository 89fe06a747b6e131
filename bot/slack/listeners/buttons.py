"""Clicks on an answer's buttons: a clarifying Yes/No updates the answer in place; "Why?"
adds the full chain of fired rules under it."""

from __future__ import annotations

import logging
import re
from typing import Any, Callable

from slack_bolt import App, Respond
from slack_sdk import WebClient

from ...rendering.block_kit import CLARIFY_NO_ACTION, CLARIFY_YES_ACTION, WHY_ACTION, ButtonValue
from ..conversation_replies import ConversationReplies
from ..faults import answer_or_apologize, checked
from .slash_command import is_command_thread
from .thread_messages import post

_CLARIFY = re.compile(f"^(?:{re.escape(CLARIFY_YES_ACTION)}|{re.escape(CLARIFY_NO_ACTION)})$")


def _channel_of(body: dict[str, Any]) -> str:
    return (body.get("channel") or {}).get("id") or body["container"]["channel_id"]


def register(app: App, replies: ConversationReplies) -> None:
    def clarify(clicked: ButtonValue, channel: str, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        message = replies.reply_to_click(channel, clicked.thread, str(clicked.fact), action["action_id"] == CLARIFY_YES_ACTION)
        if is_command_thread(clicked.thread):
            checked(respond(blocks=list(message.blocks), text=message.text, replace_original=True))
        else:
            client.chat_update(channel=channel, ts=body["container"]["message_ts"], blocks=list(message.blocks), text=message.text)

    def explain(clicked: ButtonValue, channel: str, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        message = replies.explain(channel, clicked.thread)
        if is_command_thread(clicked.thread):
            checked(respond(blocks=list(message.blocks), text=message.text, response_type="ephemeral", replace_original=False))
        else:
            post(client, channel, clicked.thread, message)

    _on_click(app, _CLARIFY, clarify)
    _on_click(app, WHY_ACTION, explain)


ClickHandler = Callable[[ButtonValue, str, dict[str, Any], dict[str, Any], WebClient, Respond], None]


def _on_click(app: App, action_ids: str | re.Pattern, handle: ClickHandler) -> None:
    @app.action(action_ids)
    def answer_click(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, logger: logging.Logger
    ) -> None:
        def answer() -> None:
            handle(ButtonValue.decode(action["value"]), _channel_of(body), body, action, client, respond)

        answer_or_apologize(logger, f"click {action.get('action_id')}", answer, _apologizer(respond))


def _apologizer(respond: Respond) -> Callable[[str], None]:
    """Only the person who clicked sees the apology."""
    return lambda apology: respond(text=apology, response_type="ephemeral", replace_original=False)
