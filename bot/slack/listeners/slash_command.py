"""/placement TEXT: answered through the command's response_url, only to the asker unless
it starts with `public`. Slash commands cannot be used in threads, so each one starts its
own conversation under a key of our own."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import App, Respond

from ..conversation_replies import ConversationReplies
from ..faults import answer_or_apologize, checked

COMMAND = "/placement"
PUBLIC_WORD = "public"
COMMAND_THREAD_PREFIX = "command-"


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


def register(app: App, replies: ConversationReplies) -> None:
    @app.command(COMMAND)
    def answer_command(command: dict[str, Any], respond: Respond, logger: logging.Logger) -> None:
        public, text = split_public(command.get("text") or "")
        response_type = "in_channel" if public else "ephemeral"

        def answer() -> None:
            message = replies.reply_to_text(command["channel_id"], new_command_thread(), text, starts_thread=True)
            checked(respond(blocks=list(message.blocks), text=message.text, response_type=response_type))

        answer_or_apologize(
            logger,
            f"command from trigger {command.get('trigger_id')}",
            answer,
            lambda apology: respond(text=apology, response_type="ephemeral"),
        )
