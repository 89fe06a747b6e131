"""/placement alone opens the guided form (listeners/guided_form.py).

/placement TEXT: answered in the command's acknowledgement itself, only to the asker
unless it starts with `public`. Slack never retries a slash command, so an answer sent
later, through the response_url, would be lost to a crash between the two; the answer
needs no Slack call, so it is ready well within the 3 s the ack has.

Slash commands cannot be used in threads, so each one starts its own conversation under a
key of our own."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Mapping

from slack_bolt import App, Respond
from slack_sdk import WebClient

from ..conversation_replies import ConversationReplies
from ..faults import APOLOGY
from ..workspaces import workspace_of
from . import ListenerParts, SlackNeeds
from .guided_form import open_form

COMMAND = "/placement"
PUBLIC_WORD = "public"
COMMAND_THREAD_PREFIX = "command-"

NEEDS = SlackNeeds(scopes=("commands",), slash_commands=(COMMAND,))


def new_command_thread() -> str:
    return COMMAND_THREAD_PREFIX + uuid.uuid4().hex


def is_command_thread(thread: str) -> bool:
    return thread.startswith(COMMAND_THREAD_PREFIX)


def split_public(text: str) -> tuple[bool, str]:
    """`public startup time?` -> (True, "startup time?")."""
    first, _, rest = text.strip().partition(" ")
    if first.lower() == PUBLIC_WORD:
        return True, rest.strip()
    return False, text.strip()


def opens_form(command: Mapping[str, Any]) -> bool:
    """`/placement` with no question (`/placement public` neither)."""
    return not split_public(str(command.get("text") or ""))[1]


def register(app: App, parts: ListenerParts) -> None:
    # Only a command that opens the form comes this far: early_ack answers the others.
    @app.command(COMMAND)
    def open_form_for_command(body: dict[str, Any], client: WebClient, respond: Respond, logger: logging.Logger) -> None:
        open_form(parts.replies, client, body, logger, respond)


def command_answer(replies: ConversationReplies, command: Mapping[str, Any], logger: logging.Logger) -> dict[str, Any]:
    """The acknowledgement's body (`ack(**it)`): the answer, or an apology only the asker sees."""
    public, text = split_public(str(command.get("text") or ""))
    try:
        message = replies.reply_to_text(workspace_of(command), str(command["channel_id"]), new_command_thread(), text,
                                        starts_thread=True)
    except Exception:
        logger.exception("could not answer the command from trigger %s", command.get("trigger_id"))
        return {"text": APOLOGY, "response_type": "ephemeral"}
    return {"blocks": list(message.blocks), "text": message.text, "response_type": "in_channel" if public else "ephemeral"}
