"""App Home: when a person opens the bot's Home tab, it is published for them: what the
bot does, examples, the Key Differences, the article, "Guide me", and this workspace's
answers of the week. `app_home_opened` is an event like any other: claimed in the ledger
before its ack, and finished here, published or not."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from ...rendering.views import home_view
from ..event_answers import NOT_FOR_US
from ..faults import answer_or_apologize
from ..workspaces import workspace_of
from . import ListenerParts, SlackNeeds

NEEDS = SlackNeeds(bot_events=("app_home_opened",), home_tab=True)  # views.publish needs no scope
HOME_TAB = "home"


def register(app: App, parts: ListenerParts) -> None:
    @app.event("app_home_opened")
    def publish_home(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext,
                     logger: logging.Logger) -> None:
        event_id = str(body.get("event_id"))
        outcome = NOT_FOR_US
        try:
            if event.get("tab") == HOME_TAB and event.get("user"):
                view = home_view(parts.replies.knowledge, parts.feedback.week(workspace_of(context)))
                outcome = answer_or_apologize(logger, f"event {event_id}",
                                              lambda: client.views_publish(user_id=str(event["user"]), view=view), lambda _: None)
        finally:
            parts.answers.finish(event_id, outcome, logger)
