""""Ask placement" in any message's menu: the bot answers that message's text in its thread,
as if it had been mentioned there (follow-ups in that thread are remembered the same way).
Where it cannot post (not invited to the channel, a DM between others, an archived
channel), only the person who asked gets the answer, with a note saying why.

A shortcut is acknowledged at once (early_ack); Slack never retries one."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ...rendering.block_kit import with_note
from ..faults import answer_or_apologize, checked
from ..workspaces import workspace_of
from . import ListenerParts, SlackNeeds
from .buttons import apologizer
from .slash_command import new_command_thread
from .thread_messages import post

SHORTCUT_CALLBACK = "placement_ask_message"
SHORTCUT_NAME = "Ask placement"
NEEDS = SlackNeeds(scopes=("commands", "chat:write"), message_shortcuts=((SHORTCUT_CALLBACK, SHORTCUT_NAME),), interactive=True)
# chat.postMessage's errors that mean "not here", as opposed to Slack failing.
CANNOT_POST_HERE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action",
                              "restricted_action_read_only_channel", "restricted_action_thread_only_channel",
                              "restricted_action_non_threadable_channel", "team_access_not_granted"})
ONLY_YOU = ("I can't post in this conversation ({reason}), so only you can see this answer. To let me answer here for "
            "everyone, invite me: /invite @placement")
NO_TEXT = "That message has no text I can read, so there is nothing to answer."
_REASONS = {"not_in_channel": "I'm not a member of it", "channel_not_found": "I'm not a member of it",
            "is_archived": "it is archived"}


def register(app: App, parts: ListenerParts) -> None:
    replies = parts.replies

    @app.shortcut(SHORTCUT_CALLBACK)
    def answer_message(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext,
                       logger: logging.Logger) -> None:
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or "")
        text = str(message.get("text") or "")
        workspace = workspace_of(context)

        def answer() -> None:
            if not text.strip() or not channel or not message.get("ts"):
                checked(respond(text=NO_TEXT, response_type="ephemeral", replace_original=False))
                return
            thread = str(message.get("thread_ts") or message["ts"])
            reply = replies.reply_to_text(workspace, channel, thread, text, starts_thread="thread_ts" not in message)
            try:
                post(client, channel, thread, reply)
            except SlackApiError as error:
                refusal = str(error.response.get("error"))
                if refusal not in CANNOT_POST_HERE:
                    raise
                logger.info("could not answer a shortcut in its channel (%s); answering the person only", refusal)
                private = replies.reply_to_text(workspace, channel, new_command_thread(), text, starts_thread=True, recorded=False)
                noted = with_note(private, ONLY_YOU.format(reason=_REASONS.get(refusal, "Slack does not let me")))
                checked(respond(blocks=list(noted.blocks), text=noted.text, response_type="ephemeral", replace_original=False))

        answer_or_apologize(logger, f"the shortcut on message {str(message.get('ts'))[:20]}", answer, apologizer(respond))
