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
from .early_ack import acknowledge_at_once
from .listeners import register_listeners
from .retry_dedupe import skip_handled_events


def build_app(client: WebClient, signing_secret: str, advisor: Advisor, database: SqliteDatabase, answers: Executor) -> App:
    """Bolt runs the listeners, which answer, on `answers`. Everything Slack sends is
    acknowledged before a listener runs, so answers stuck on a hung Slack never delay
    an ack. To stop cleanly, shut down `answers` once no more requests come in."""
    app = App(client=client, signing_secret=signing_secret, listener_executor=answers, name="placement")
    app.middleware(acknowledge_at_once)
    app.middleware(skip_handled_events(HandledEvents(database)))
    register_listeners(app, ConversationReplies(advisor, ConversationStore(database)))
    return app
