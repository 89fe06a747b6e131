"""The guided form: `/placement` alone, or "Guide me" (in help and App Home), opens a modal
with a yes / no / not sure choice per clarifying question; its submission is answered in
a direct message to the person.

Why a DM and not the command's channel: a view submission has no response_url, the bot
can post only in channels it was invited to (posting anywhere else needs `chat:write.public`,
one more scope), and an ephemeral message cannot have a thread. A DM always works with
`chat:write`, and its thread is then like any other DM thread: replies there are follow-ups
remembered under the DM's channel and the thread's ts, as for a question typed to the bot.

A submission is acknowledged at once (early_ack, which also sends back the form's errors);
Slack never retries one, so an answer cut off by a kill between the two is lost (submit again).
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Container, Mapping

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from ...rendering.block_kit import GUIDE_ACTION
from ...rendering.views import (CHOICE_ACTION, FACT_BLOCK_PREFIX, FORM_CALLBACK, MAX_WORKLOAD_LENGTH, NO, WORKLOAD_ACTION,
                                WORKLOAD_BLOCK, YES, Choice, form_summary, guided_form)
from ..conversation_replies import ConversationReplies
from ..faults import answer_or_apologize
from ..workspaces import workspace_of
from . import ListenerParts, SlackNeeds
from .thread_messages import post

NEEDS = SlackNeeds(scopes=("chat:write",), interactive=True)  # views.open needs no scope; the DM needs chat:write
NOTHING_SAID = "Describe the workload, or answer at least one question."
FORM_FAILED = "I could not open the form just now. You can also type your question: `/placement should our billing API be a container?`"


def read_submission(view: Mapping[str, Any], known_facts: Container[str]) -> tuple[str, tuple[Choice, ...]]:
    """The workload's words and the yes/no choices, from a submitted view's state. Anything
    the form did not make (an unknown block, a fact the knowledge no longer has, a value
    other than yes/no/not sure) is left out."""
    values = ((view.get("state") or {}).get("values")) or {}
    workload = str(((values.get(WORKLOAD_BLOCK) or {}).get(WORKLOAD_ACTION) or {}).get("value") or "")
    choices = []
    for block_id, actions in values.items():
        fact = block_id[len(FACT_BLOCK_PREFIX):] if block_id.startswith(FACT_BLOCK_PREFIX) else None
        selected = ((actions or {}).get(CHOICE_ACTION) or {}).get("selected_option") or {}
        if fact in known_facts and selected.get("value") in (YES, NO):
            choices.append(Choice(fact, selected["value"] == YES))
    return workload.strip()[:MAX_WORKLOAD_LENGTH], tuple(choices)


def submission_errors(view: Mapping[str, Any], known_facts: Container[str]) -> dict[str, str]:
    """What the form shows next to its fields instead of closing (empty: it closes)."""
    if view.get("callback_id") != FORM_CALLBACK:
        return {}
    workload, choices = read_submission(view, known_facts)
    return {} if workload or choices else {WORKLOAD_BLOCK: NOTHING_SAID}


def open_form(replies: ConversationReplies, client: WebClient, body: Mapping[str, Any], logger: logging.Logger,
              respond: Respond | None) -> None:
    """Within 3 s of the click or command (its trigger_id expires then)."""
    answer_or_apologize(logger, "opening the guided form",
                        lambda: client.views_open(trigger_id=body["trigger_id"], view=guided_form(replies.knowledge)),
                        _tell(respond, FORM_FAILED))


def _tell(respond: Respond | None, text: str) -> Callable[[str], None]:
    """Only the person sees it; in App Home there is no response_url, and only the log."""
    if respond is None:
        return lambda _: None
    return lambda _: respond(text=text, response_type="ephemeral", replace_original=False)


def register(app: App, parts: ListenerParts) -> None:
    replies = parts.replies

    @app.action(GUIDE_ACTION)
    def open_form_for_button(body: dict[str, Any], client: WebClient, respond: Respond, logger: logging.Logger) -> None:
        open_form(replies, client, body, logger, respond if body.get("response_url") else None)

    @app.view(FORM_CALLBACK)
    def answer_form(body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext,
                    logger: logging.Logger) -> None:
        user = body["user"]["id"]
        workload, choices = read_submission(view, replies.known_facts)

        def answer() -> None:
            summary = form_summary(replies.knowledge, workload, choices)
            opened = client.chat_postMessage(channel=user, blocks=list(summary.blocks), text=summary.text)
            channel, thread = opened["channel"], opened["ts"]
            post(client, channel, thread, replies.reply_to_form(workspace_of(context), channel, thread, workload, choices))

        answer_or_apologize(logger, f"the guided form of view {str(view.get('id'))[:40]}", answer,
                            lambda apology: client.chat_postMessage(channel=user, text=apology))
