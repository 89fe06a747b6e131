"""One SQLite file shared by every thread of the app.

sqlite3 connections must not be shared across threads, and Bolt answers in a thread
pool, so each thread keeps a connection of its own. Opening one per operation cost
about 0.7 ms, most of the bot's time per event; a kept connection costs 0.02 ms.
WAL with synchronous=NORMAL never corrupts the file; a power cut may lose the last
few conversation updates, which only makes a thread forget.
"""

from __future__ import annotations

import os
import sqlite3
import threading
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
        self._threads = threading.local()
        self._writer = threading.Lock()
        with self.write() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection inside one transaction: committed on success, rolled
        back on error."""
        connection = self._thread_connection()
        with connection:
            yield connection

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """Like `connect`, for a transaction that writes. SQLite lets one writer in at a
        time and makes the others sleep and poll (1 ms, 2 ms, 5 ms, ...), which under a
        burst cost more than the writes; this process's writers queue on a lock instead.
        Other processes (replicas) still meet SQLite's own busy timeout."""
        if not self._writer.acquire(timeout=BUSY_TIMEOUT_SECONDS):
            raise sqlite3.OperationalError("database is locked (this process's other writers held it too long)")
        try:
            with self.connect() as connection:
                yield connection
        finally:
            self._writer.release()

    def _thread_connection(self) -> sqlite3.Connection:
        # A file deleted or replaced under a kept connection would silently take the
        # writes to the old, unlinked file: reconnect, and fail loudly, instead.
        identity = _file_identity(self.path)
        kept = getattr(self._threads, "connection", None)
        if kept is not None and identity is not None and self._threads.identity == identity:
            return kept
        if kept is not None:
            self._threads.connection = None
            kept.close()
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            connection.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error:
            connection.close()
            raise
        self._threads.connection, self._threads.identity = connection, _file_identity(self.path)
        return connection


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino
