"""One SQLite file shared by every thread of the app.

Each operation opens its own short-lived connection: sqlite3 connections must not
be shared across threads, and Bolt answers in a thread pool.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import Iterator

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    channel TEXT NOT NULL,
    thread TEXT NOT NULL,
    subject TEXT,
    facts TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (channel, thread)
);
CREATE TABLE IF NOT EXISTS handled_events (
    event_id TEXT PRIMARY KEY,
    handled_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS handled_events_by_age ON handled_events (handled_at);
"""
# Short, because a claim runs before Slack gets its ack (3 s) and every answer waits on its
# thread's row: a database held locked by something else must cost an answer its memory, not
# its delivery. Writes here take milliseconds, so this is still far above normal contention.
BUSY_TIMEOUT_SECONDS = 1.0


class SqliteDatabase:
    def __init__(self, path: str) -> None:
        self.path = path
        with self.connect() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one transaction: committed on success, rolled back on error."""
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            with connection:
                yield connection
        finally:
            connection.close()
