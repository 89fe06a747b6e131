"""What has been said in a thread so far, in SQLite, so a follow-up is answered with all of it.

Each message adds what it said to the thread in one statement (`json_patch` merges the
facts inside the database), so two follow-ups written at the same moment, on one replica or
several, both keep their facts: neither saves a stale copy over the other's.

Saving does not wait for the database: the answer goes out meanwhile. Until the
write lands, this process answers a follow-up from what it is saving, merged the same way.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import Future

from ..understanding.question import FactFinding
from .interface import Conversation
from .sqlite_database import SqliteDatabase

_FIND = "SELECT subject, facts FROM conversations WHERE channel = ? AND thread = ?"
_MERGE = """
INSERT INTO conversations (channel, thread, subject, facts, updated_at) VALUES (:channel, :thread, :subject, :facts, :now)
ON CONFLICT (channel, thread) DO UPDATE SET subject = COALESCE(excluded.subject, conversations.subject),
    facts = json_patch(conversations.facts, excluded.facts), updated_at = excluded.updated_at
"""
_FORGET = "DELETE FROM conversations WHERE updated_at < :cutoff"


def merged(earlier: Conversation | None, channel: str, thread: str, subject: str | None, said: tuple[FactFinding, ...]) -> Conversation:
    """What the database's merge makes of `earlier` plus one message (Python's side of it)."""
    renamed = {f.fact for f in said}
    kept = tuple(f for f in earlier.facts if f.fact not in renamed) if earlier else ()
    return Conversation(channel, thread, subject if subject is not None else (earlier.subject if earlier else None), kept + said)


class ConversationStore:
    """The SQLite `ConversationMemory` (bot/storage/interface.py)."""

    def __init__(self, database: SqliteDatabase) -> None:
        self._database = database
        self._unsaved: dict[tuple[str, str], Conversation] = {}
        self._unsaved_lock = threading.Lock()

    def find(self, channel: str, thread: str) -> Conversation | None:
        with self._unsaved_lock:
            unsaved = self._unsaved.get((channel, thread))
        if unsaved is not None:
            return unsaved
        return self._read(channel, thread)

    def merge(self, channel: str, thread: str, subject: str | None, said: tuple[FactFinding, ...],
              earlier: Conversation | None = None) -> "Future[object]":
        key = (channel, thread)
        with self._unsaved_lock:
            conversation = merged(self._unsaved.get(key, earlier), channel, thread, subject, said)
            self._unsaved[key] = conversation
        facts = json.dumps({f.fact: {"value": f.value, "evidence": f.evidence} for f in said})
        values = {"channel": channel, "thread": thread, "subject": subject, "facts": facts, "now": time.time()}
        saved = self._database.submit(lambda connection: connection.execute(_MERGE, values))
        saved.add_done_callback(lambda _: self._forget_unsaved(key, conversation))
        return saved

    def forget_older_than(self, cutoff: float) -> "Future[object]":
        return self._database.submit(lambda connection: connection.execute(_FORGET, {"cutoff": cutoff}))

    def _read(self, channel: str, thread: str) -> Conversation | None:
        with self._database.connect() as connection:
            row = connection.execute(_FIND, (channel, thread)).fetchone()
        if row is None:
            return None
        facts = tuple(FactFinding(fact, bool(f["value"]), f["evidence"]) for fact, f in json.loads(row[1]).items())
        return Conversation(channel, thread, row[0], facts)

    def _forget_unsaved(self, key: tuple[str, str], conversation: Conversation) -> None:
        with self._unsaved_lock:
            if self._unsaved.get(key) is conversation:  # not replaced by a later merge meanwhile
                del self._unsaved[key]
