"""What mentions and direct messages share: who is worth answering, and answering in the thread."""

from __future__ import annotations

import logging
from typing import Any, Mapping

from slack_sdk import WebClient

from ...rendering.block_kit import SlackMessage
from ..conversation_replies import ConversationReplies
from ..faults import answer_or_apologize
from ..workspaces import workspace_of

# Subtypes that are still a person writing; edits, deletes, joins and bot posts are not.
PERSON_SUBTYPES = frozenset({"thread_broadcast", "file_share"})


def is_from_person(event: Mapping[str, Any]) -> bool:
    return not event.get("bot_id") and (event.get("subtype") is None or event.get("subtype") in PERSON_SUBTYPES)


def deserves_answer(event: Mapping[str, Any]) -> bool:
    """A person mentioning the bot in a channel, or writing to it in a direct message."""
    kind = event.get("type")
    in_reach = kind == "app_mention" or (kind == "message" and event.get("channel_type") == "im")
    return in_reach and is_from_person(event)


# Each answer to an event carries the event's id as message metadata, so that a process
# taking the event over can see whether the answer was posted (bot/slack/event_answers.py).
ANSWER_METADATA_TYPE = "placement_answer"


def post(client: WebClient, channel: str, thread: str, message: SlackMessage, event_id: str | None = None) -> None:
    metadata = {"event_type": ANSWER_METADATA_TYPE, "event_payload": {"event_id": event_id}} if event_id else None
    client.chat_postMessage(channel=channel, thread_ts=thread, blocks=list(message.blocks), text=message.text, metadata=metadata)


def answered_event_ids(messages: list[Mapping[str, Any]]) -> set[str]:
    """The ids of the events whose answers are among `messages` (from conversations.replies)."""
    found = set()
    for message in messages:
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == ANSWER_METADATA_TYPE:
            found.add(str((metadata.get("event_payload") or {}).get("event_id")))
    return found


def answer_in_thread(
    client: WebClient,
    logger: logging.Logger,
    replies: ConversationReplies,
    body: Mapping[str, Any],
    event: Mapping[str, Any],
) -> str:
    """Replies in the thread the message was written in, or starts one under it; returns
    how it ended (bot/slack/faults.py)."""
    channel = event["channel"]
    thread = event.get("thread_ts") or event["ts"]
    event_id = str(body.get("event_id"))
    workspace = workspace_of(body)
    return answer_or_apologize(
        logger,
        f"event {event_id}",
        lambda: post(client, channel, thread, replies.reply_to_text(workspace, channel, thread, event.get("text") or "",
                                                                    starts_thread="thread_ts" not in event), event_id),
        lambda apology: client.chat_postMessage(channel=channel, thread_ts=thread, text=apology),
    )
