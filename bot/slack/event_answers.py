"""Answers an event the ledger says is this process's, then marks it finished: the same
for an event just delivered and for one taken over from a process that died.

An event taken over may have been answered already: its first owner may have been killed
after Slack took the post and before the response came back. In a direct message the bot
can read the thread (its `im:history` scope), so it looks for an answer carrying the
event's id before posting. In channels it cannot (that needs `channels:history`, which the
bot does not ask for), and such an answer may be posted twice.

A workspace that uninstalled the bot (`app_uninstalled`) or revoked its token
(`tokens_revoked`) is forgotten here too, by the hook `forget_workspace` (its installation in
OAuth mode, its conversations in both modes), so that the event is finished once its
workspace is gone, whether just delivered or taken over."""

from __future__ import annotations

import logging
import time
from typing import Any, Mapping

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ..storage.database import DatabaseError, describe
from ..storage.interface import EventLedger
from .conversation_replies import ConversationReplies
from .faults import ANSWERED, SLACK_UNREACHABLE, describe_slack_failure
from .installations import ForgetWorkspace, removes_workspace
from .listeners.thread_messages import answer_in_thread, answered_event_ids, deserves_answer
from .metrics import BotMetrics
from .workspaces import workspace_of

NOT_FOR_US = "not for us"
NOT_INSTALLED = "not installed"
FORGOTTEN = "workspace forgotten"
# The answers after the question; a thread longer than this is not searched further.
REPLIES_LOOKED_AT = 200


class EventAnswers:
    def __init__(self, replies: ConversationReplies, ledger: EventLedger, metrics: BotMetrics,
                 forget_workspace: ForgetWorkspace) -> None:
        """`forget_workspace`: deletes what is kept of a workspace that uninstalled the bot."""
        self._replies = replies
        self._ledger = ledger
        self._metrics = metrics
        self._forget_workspace = forget_workspace

    def answer(self, client: WebClient | None, logger: logging.Logger, body: Mapping[str, Any], taken_over: bool = False) -> None:
        """`client` None: the event's workspace has no installation any more."""
        event = body.get("event") or {}
        event_id = str(body.get("event_id"))
        if removes_workspace(event):
            self._forget(logger, event_id, str(event["type"]), body)
            return
        outcome = NOT_FOR_US
        try:
            if deserves_answer(event) and client is None:
                logger.info("event %s is from a workspace the bot is no longer installed in; not answering it", event_id)
                outcome = NOT_INSTALLED
            elif deserves_answer(event):
                if taken_over and _answer_already_posted(client, logger, event_id, event):
                    logger.info("event %s was answered before its first process stopped; not answering it again", event_id)
                    outcome = ANSWERED
                else:
                    started = time.perf_counter()
                    outcome = answer_in_thread(client, logger, self._replies, body, event)
                    self._metrics.answer_took(time.perf_counter() - started)
        finally:
            self.finish(event_id, outcome, logger)

    def _forget(self, logger: logging.Logger, event_id: str, why: str, body: Mapping[str, Any]) -> None:
        """Finished only once forgotten: if forgetting fails, the event stays unfinished, and
        another process, or this one after a restart, takes it over (upkeep.py) and tries again."""
        workspace = workspace_of(body)
        name = workspace.team_id or workspace.enterprise_id
        try:
            self._forget_workspace(workspace)
        except Exception as error:
            logger.warning("could not forget the workspace %s after its %s (%s); it is tried again after a restart", name, why,
                           describe(error))
            return
        logger.info("forgot the workspace %s after its %s", name, why)
        self.finish(event_id, FORGOTTEN, logger)

    def finish(self, event_id: str, outcome: str, logger: logging.Logger) -> None:
        """Marks the event done in the ledger (listeners of other events call it too)."""
        try:
            self._ledger.finish(event_id, outcome)
        except DatabaseError as error:
            self._metrics.database_error("finish_event")
            logger.warning("could not mark event %s finished (database: %s); it may be answered again after a restart",
                           event_id, describe(error))


def _answer_already_posted(client: WebClient, logger: logging.Logger, event_id: str, event: Mapping[str, Any]) -> bool:
    """Only a direct message's thread can be read; when it cannot be, the answer is posted."""
    if event.get("channel_type") != "im":
        return False
    try:
        replies = client.conversations_replies(channel=event["channel"], ts=event.get("thread_ts") or event["ts"],
                                               oldest=event["ts"], include_all_metadata=True, limit=REPLIES_LOOKED_AT)
    except (SlackApiError, *SLACK_UNREACHABLE) as error:
        logger.warning("could not look for an earlier answer to event %s (%s); answering it", event_id, describe_slack_failure(error))
        return False
    return event_id in answered_event_ids(replies.get("messages") or [])
