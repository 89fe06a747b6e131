"""Global middleware: a slash command is answered in its acknowledgement, and a button
click, a shortcut or a form submission is acknowledged, on the request's own thread,
before any listener runs. (`/placement` alone is acknowledged with nothing; its listener
opens the guided form. A form submission with nothing in it gets its error in the ack.)

Bolt runs listeners on the answer threads, and would wait there for a command's or a
click's listener to call ack(). With every answer thread waiting on a hung Slack, that
ack would miss Slack's 3 seconds. Events need nothing here: Bolt acknowledges them
itself before their listener runs (after event_claims recorded them).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from slack_bolt import Ack, BoltResponse

from .conversation_replies import ConversationReplies
from .listeners.guided_form import submission_errors
from .listeners.slash_command import command_answer, opens_form

ACKNOWLEDGED_EARLY = frozenset({"block_actions", "message_action"})


def acknowledge_at_once(replies: ConversationReplies) -> Callable[..., BoltResponse | None]:
    def acknowledge(body: dict[str, Any], ack: Ack, next: Callable[[], None], logger: logging.Logger) -> BoltResponse | None:
        if body.get("command") and not opens_form(body):
            return ack(**command_answer(replies, body, logger))  # the whole answer: no listener runs
        if body.get("type") == "view_submission":
            errors = submission_errors(body.get("view") or {}, replies.known_facts)
            if errors:
                return ack(response_action="errors", errors=errors)
            ack()
        elif body.get("command") or body.get("type") in ACKNOWLEDGED_EARLY:
            ack()
        next()
        return None

    return acknowledge
