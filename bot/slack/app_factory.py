"""Builds the Bolt app. Building calls Slack's auth.test, so it happens here, at start-up,
never at import."""

from __future__ import annotations

from concurrent.futures import Executor

from slack_bolt import App
from slack_sdk import WebClient

from ..advisor import Advisor
from ..storage.conversations import ConversationStore
from ..storage.handled_events import HandledEvents
from ..storage.sqlite_database import SqliteDatabase
from .conversation_replies import ConversationReplies
from .listeners import register_listeners
from .retry_dedupe import skip_handled_events


def build_app(
    client: WebClient, signing_secret: str, advisor: Advisor, database: SqliteDatabase, listeners: Executor, answers: Executor
) -> App:
    """`listeners` runs Bolt's listeners, which only ack and queue; `answers` runs the
    answers. Two pools, so answers stuck on a hung Slack never delay an ack. To stop
    cleanly, shut down `listeners` first (every answer is then queued), then `answers`."""
    app = App(client=client, signing_secret=signing_secret, listener_executor=listeners, name="placement")
    app.middleware(skip_handled_events(HandledEvents(database)))
    register_listeners(app, ConversationReplies(advisor, ConversationStore(database)), answers)
    return app
