"""What has been said in a thread so far, so a follow-up is answered with all of it."""

from __future__ import annotations

import json
import time
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

    def find(self, channel: str, thread: str) -> Conversation | None:
        with self._database.connect() as connection:
            row = connection.execute(
                "SELECT subject, facts FROM conversations WHERE channel = ? AND thread = ?", (channel, thread)
            ).fetchone()
        if row is None:
            return None
        facts = tuple(FactFinding(f["fact"], bool(f["value"]), f["evidence"]) for f in json.loads(row[1]))
        return Conversation(channel, thread, row[0], facts)

    def save(self, conversation: Conversation) -> None:
        facts = json.dumps([{"fact": f.fact, "value": f.value, "evidence": f.evidence} for f in conversation.facts])
        self._database.write(
            lambda connection: connection.execute(
                "INSERT INTO conversations (channel, thread, subject, facts, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (channel, thread) DO UPDATE SET subject = excluded.subject, facts = excluded.facts, "
                "updated_at = excluded.updated_at",
                (conversation.channel, conversation.thread, conversation.subject, facts, time.time()),
            )
        )
