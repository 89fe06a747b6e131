"""One SQLite file shared by every thread of the app.

Reads: sqlite3 connections must not be shared across threads, and Bolt answers in a
thread pool, so each thread keeps a connection of its own (opening one per operation
cost about 0.7 ms, most of the bot's time per event; a kept one costs 0.02 ms).

Writes: one writer thread runs them, many to a transaction (a group commit). SQLite
lets one writer in at a time; with a lock shared by the request and answer threads,
each holder was descheduled for the GIL while holding it (1.5 ms held for 0.015 ms
of SQLite work), and a burst of 400 events queued 36 ms on it before each ack.
A caller that need not wait for its write submits it and goes on; `close()`, at
shutdown, lets the writes already submitted finish.

WAL with synchronous=NORMAL never corrupts the file, and a commit survives the process
being killed (SIGKILL, OOM) at any moment: only a power cut or an OS crash may lose the
last few commits, which may make a thread forget or an event be answered twice.
"""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

from .feedback import SCHEMA as FEEDBACK_SCHEMA

SCHEMA_VERSION = 3  # 3: the feedback tables (bot/storage/feedback.py)
# Each statement alone: executescript() would commit the migration's transaction half-way.
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS conversations (
        channel TEXT NOT NULL,
        thread TEXT NOT NULL,
        subject TEXT,
        facts TEXT NOT NULL,  -- a JSON object: fact -> {"value": bool, "evidence": the user's words}
        updated_at REAL NOT NULL,
        PRIMARY KEY (channel, thread)
    )""",
    "CREATE INDEX IF NOT EXISTS conversations_by_age ON conversations (updated_at)",
    """CREATE TABLE IF NOT EXISTS events (
        event_id TEXT PRIMARY KEY,
        received_at REAL NOT NULL,
        payload TEXT,  -- what answering it needs; NULL once finished
        owner TEXT,  -- the process answering it
        lease_until REAL NOT NULL DEFAULT 0,  -- until then, no other process takes it over
        attempts INTEGER NOT NULL DEFAULT 0,
        finished_at REAL,
        outcome TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS events_by_age ON events (received_at)",
    "CREATE INDEX IF NOT EXISTS events_unfinished ON events (lease_until) WHERE finished_at IS NULL",
)
# Version 1 (before events had leases): conversations kept their facts as a JSON list, and
# handled event ids had a table of their own.
_FROM_VERSION_1 = (
    """UPDATE conversations SET facts = (
        SELECT json_group_object(json_extract(value, '$.fact'),
                                 json_object('value', json(CASE WHEN json_extract(value, '$.value') THEN 'true' ELSE 'false' END),
                                             'evidence', json_extract(value, '$.evidence')))
        FROM json_each(conversations.facts)) WHERE json_type(facts) = 'array'""",
)
_HANDLED_EVENTS_OF_VERSION_1 = (
    "INSERT OR IGNORE INTO events (event_id, received_at, attempts, finished_at, outcome) "
    "SELECT event_id, handled_at, 1, handled_at, 'answered' FROM handled_events",
    "DROP TABLE handled_events",
)
# Short, because a claim runs before Slack gets its ack (3 s) and every answer waits on its
# thread's row: a database held locked by something else must cost an answer its memory, not
# its delivery. Writes here take milliseconds, so this is still far above normal contention.
BUSY_TIMEOUT_SECONDS = 1.0


Result = TypeVar("Result")
Write = Callable[[sqlite3.Connection], Result]
MAX_WRITES_PER_TRANSACTION = 200
# The writer waits this long after a write nobody waits for arrives before it commits, so
# that more writes share the transaction and the commit runs while the answer's post waits
# on Slack instead of competing with it for the GIL. A write somebody waits for (an event's
# claim, before its ack) is committed at once, with whatever else is queued by then.
GROUP_COMMIT_DELAY_SECONDS = 0.002
_STOP = None  # queued by close()


class SqliteDatabase:
    def __init__(self, path: str) -> None:
        self.path = path
        self._threads = threading.local()
        self._writes: queue.SimpleQueue[tuple[Write, Future, bool] | None] = queue.SimpleQueue()
        self._writer_connection: sqlite3.Connection | None = None
        self._writer_identity: tuple[int, int] | None = None
        setup = self._open(isolation_level=None)
        try:
            setup.execute("PRAGMA journal_mode=WAL")
            _migrate(setup)
        finally:
            setup.close()
        self._writer = threading.Thread(target=self._run_writes, name="sqlite-writer", daemon=True)
        self._writer.start()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, for reading, inside one transaction."""
        connection = self._thread_connection()
        with connection:
            yield connection

    def submit(self, change: Write, waited_for: bool = False) -> "Future[Result]":
        """Queues `change(connection)` for the writer thread, which runs it in a
        transaction it may share with other writes (each in a savepoint of its own).
        The future holds its result, or the sqlite3.Error it failed with. Writes run
        in the order they were submitted."""
        done: Future = Future()
        self._writes.put((change, done, waited_for))
        return done

    def write(self, change: Write) -> Result:
        """`submit`, then wait for the result. Raises sqlite3.Error when the write
        failed or could not run within the busy timeout."""
        try:
            return self.submit(change, waited_for=True).result(timeout=BUSY_TIMEOUT_SECONDS * 2)
        except FutureTimeout:
            raise sqlite3.OperationalError("database is locked (the writes before this one are still waiting)") from None

    def close(self, timeout: float = BUSY_TIMEOUT_SECONDS * 2) -> bool:
        """Lets the writer finish every write submitted so far, then stops it.
        Returns False if they were not all done within `timeout`."""
        self._writes.put(_STOP)
        self._writer.join(timeout)
        return not self._writer.is_alive()

    def _run_writes(self) -> None:
        while True:
            batch = [self._writes.get()]
            if batch[0] is not _STOP and not batch[0][2]:
                time.sleep(GROUP_COMMIT_DELAY_SECONDS)
            while len(batch) < MAX_WRITES_PER_TRANSACTION and batch[-1] is not _STOP:
                try:
                    batch.append(self._writes.get_nowait())
                except queue.Empty:
                    break
            if batch[-1] is _STOP:
                if batch[:-1]:
                    self._write_batch(batch[:-1])
                self._abandon_writer_connection()
                return
            self._write_batch(batch)

    def _write_batch(self, batch: list[tuple[Write, Future, bool]]) -> None:
        """One transaction for the whole batch, a savepoint for each write, so one
        failing write does not undo the others. Never raises: this thread must live."""
        outcomes: list[tuple[Future, object, BaseException | None]] = []
        try:
            connection = self._connection_for_writes()
            connection.execute("BEGIN IMMEDIATE")
            for change, done, _ in batch:
                connection.execute("SAVEPOINT one_write")
                try:
                    outcomes.append((done, change(connection), None))
                except sqlite3.Error as error:
                    connection.execute("ROLLBACK TO one_write")
                    outcomes.append((done, None, error))
                connection.execute("RELEASE one_write")
            connection.execute("COMMIT")
        except Exception as error:  # the transaction is lost: every write in it failed
            self._abandon_writer_connection()
            for _, done, _ in batch:
                done.set_exception(error)
            return
        for done, result, error in outcomes:
            if error is None:
                done.set_result(result)
            else:
                done.set_exception(error)

    def _abandon_writer_connection(self) -> None:
        if self._writer_connection is not None:
            try:
                self._writer_connection.close()
            except sqlite3.Error:
                pass
        self._writer_connection = None

    def _connection_for_writes(self) -> sqlite3.Connection:
        identity = _file_identity(self.path)
        if self._writer_connection is None or identity is None or identity != self._writer_identity:
            self._abandon_writer_connection()
            # Autocommit mode: this thread says BEGIN and COMMIT itself.
            self._writer_connection = self._open(isolation_level=None)
            self._writer_identity = _file_identity(self.path)
        return self._writer_connection

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
        connection = self._open()
        self._threads.connection, self._threads.identity = connection, _file_identity(self.path)
        return connection

    def _open(self, **options: object) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, **options)
        try:
            connection.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error:
            connection.close()
            raise
        return connection


def _migrate(connection: sqlite3.Connection) -> None:
    """Creates or upgrades the schema, once, even when several processes start together:
    the first to take the write lock does it, the others then find it done."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        if connection.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            for statement in _SCHEMA + FEEDBACK_SCHEMA + _FROM_VERSION_1:
                connection.execute(statement)
            if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'handled_events'").fetchone():
                for statement in _HANDLED_EVENTS_OF_VERSION_1:
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def on_failure(write: "Future[object]", report: Callable[[BaseException], None]) -> None:
    """For a write nobody waits for: calls `report(error)` if and when it fails."""

    def check(done: "Future[object]") -> None:
        error = done.exception()
        if error is not None:
            report(error)

    write.add_done_callback(check)


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino
