"""What has been said in a thread so far, so a follow-up is answered with all of it.

Saving does not wait for the database: the answer goes out meanwhile. Until the
write lands, this process answers a follow-up from the conversation it is saving.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass

from ..understanding.question import FactFinding
from .sqlite_database import SqliteDatabase


@dataclass(frozen=True)
class Conversation:
    channel: str
    thread: str  # the thread's ts, or a key of our own for slash-command answers
    subject: str | None
    facts: tuple[FactFinding, ...]


class ConversationStore:
    def __init__(self, database: SqliteDatabase) -> None:
        self._database = database
        self._unsaved: dict[tuple[str, str], Conversation] = {}
        self._unsaved_lock = threading.Lock()

    def find(self, channel: str, thread: str) -> Conversation | None:
        with self._unsaved_lock:
            unsaved = self._unsaved.get((channel, thread))
        if unsaved is not None:
            return unsaved
        with self._database.connect() as connection:
            row = connection.execute(
                "SELECT subject, facts FROM conversations WHERE channel = ? AND thread = ?", (channel, thread)
            ).fetchone()
        if row is None:
            return None
        facts = tuple(FactFinding(f["fact"], bool(f["value"]), f["evidence"]) for f in json.loads(row[1]))
        return Conversation(channel, thread, row[0], facts)

    def save(self, conversation: Conversation) -> "Future[object]":
        """Queues the write and returns at once; the future fails if it could not be made."""
        key = (conversation.channel, conversation.thread)
        with self._unsaved_lock:
            self._unsaved[key] = conversation
        saved = self._write(conversation)
        saved.add_done_callback(lambda _: self._forget_unsaved(key, conversation))
        return saved

    def _forget_unsaved(self, key: tuple[str, str], conversation: Conversation) -> None:
        with self._unsaved_lock:
            if self._unsaved.get(key) is conversation:  # not replaced by a later save meanwhile
                del self._unsaved[key]

    def _write(self, conversation: Conversation) -> "Future[object]":
        facts = json.dumps([{"fact": f.fact, "value": f.value, "evidence": f.evidence} for f in conversation.facts])
        return self._database.submit(
            lambda connection: connection.execute(
                "INSERT INTO conversations (channel, thread, subject, facts, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (channel, thread) DO UPDATE SET subject = excluded.subject, facts = excluded.facts, "
                "updated_at = excluded.updated_at",
                (conversation.channel, conversation.thread, conversation.subject, facts, time.time()),
            )
        )
