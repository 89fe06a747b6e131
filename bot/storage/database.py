"""The bot's database, SQLite or Postgres, shared by every thread of the process (and, for
Postgres, by every replica).

Reads: each thread keeps a connection of its own (taking one from the pool and giving it
back for each read cost more than the read itself).

Writes: one writer thread runs them, many to a transaction (a group commit). When one of
them fails, the transaction is rolled back and the others run again in a new one, so one
failing write does not undo the others (a savepoint around each write would cost two more
statements for every write, for a failure that almost never comes). On SQLite one writer
gets in at a time; with a lock shared by the request and answer threads, each holder was
descheduled for the GIL while holding it (1.5 ms held for 0.015 ms of SQLite work), and a
burst of 400 events queued 36 ms on it before each ack. On Postgres a transaction of many
writes pays one commit (one WAL flush) for all of them. A caller that need not wait for
its write submits it and goes on; `close()`, at shutdown, lets the writes already submitted
finish.
"""

from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

from sqlalchemy import Connection, Engine, MetaData
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from .engines import BUSY_TIMEOUT_SECONDS, WRITER, create_database_engine, database_url, is_stale
from .schema import lock_schema, migrate

# What every storage operation raises when the database fails it.
DatabaseError = SQLAlchemyError

Result = TypeVar("Result")
Write = Callable[[Connection], Result]
MAX_WRITES_PER_TRANSACTION = 200
# The writer waits this long after a write nobody waits for arrives before it commits, so
# that more writes share the transaction and the commit runs while the answer's post waits
# on Slack instead of competing with it for the GIL. A write somebody waits for (an event's
# claim, before its ack) is committed at once, with whatever else is queued by then.
GROUP_COMMIT_DELAY_SECONDS = 0.002
# Postgres ends one of two transactions that wait on each other (two replicas' batches
# touching the same rows in opposite orders); the transaction it chose is simply run again.
_RUN_AGAIN_SQLSTATES = ("40P01", "40001")  # deadlock detected, serialization failure
_STOP = None  # queued by close()
SCHEMA_LOCK_WAIT_SECONDS = 60.0


class _WriteFailed(Exception):
    def __init__(self, index: int, error: SQLAlchemyError) -> None:
        self.index, self.error = index, error


class WritesBacklogged(SQLAlchemyError):
    """A write waited for did not run in time: the writes before it are still waiting."""


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writes: queue.SimpleQueue[tuple[Write, Future, bool] | None] = queue.SimpleQueue()
        self._writer_connection: Connection | None = None
        self._threads = threading.local()
        try:
            with self._schema_change() as setup:
                migrate(setup)
        except BaseException:
            engine.dispose()
            raise
        self._writer = threading.Thread(target=self._run_writes, name="database-writer", daemon=True)
        self._writer.start()

    def create_missing_tables(self, *schemas: MetaData) -> None:
        """Other libraries' tables (slack_sdk's OAuth stores), beside the bot's own: created under
        the migration's lock, so processes starting together create each one once."""
        with self._schema_change() as connection:
            for schema in schemas:
                schema.create_all(connection)

    @contextmanager
    def _schema_change(self) -> Iterator[Connection]:
        """A transaction that holds the schema lock. Processes starting together queue for it
        far longer than a write waits for SQLite's lock (engines.BUSY_TIMEOUT_SECONDS)."""
        with self.engine.connect() as connection:
            sqlite = self.dialect == "sqlite"
            if sqlite:  # outside a transaction: where the journal mode can change
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(SCHEMA_LOCK_WAIT_SECONDS * 1000)}")
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
                connection.commit()
            try:
                with connection.execution_options(**{WRITER: True}).begin():
                    lock_schema(connection)
                    yield connection
            finally:
                if sqlite:
                    connection.execution_options(**{WRITER: False}).exec_driver_sql(
                        f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
                    connection.commit()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """This thread's connection, for reading; what it read ends with the block (Postgres
        must not see a connection left idle in a transaction)."""
        connection = self._thread_connection()
        try:
            yield connection
        finally:
            connection.rollback()

    def submit(self, change: Write, waited_for: bool = False) -> "Future[Result]":
        """Queues `change(connection)` for the writer thread, which runs it in a
        transaction it may share with other writes (run again without it if it fails).
        The future holds its result, or the DatabaseError it failed with. Writes run
        in the order they were submitted."""
        done: Future = Future()
        self._writes.put((change, done, waited_for))
        return done

    def write(self, change: Write) -> Result:
        """`submit`, then wait for the result. Raises DatabaseError when the write
        failed or could not run within the busy timeout."""
        try:
            return self.submit(change, waited_for=True).result(timeout=BUSY_TIMEOUT_SECONDS * 2)
        except FutureTimeout:
            raise WritesBacklogged("the database is busy: the writes before this one are still waiting") from None

    def close(self, timeout: float = BUSY_TIMEOUT_SECONDS * 2) -> bool:
        """Lets the writer finish every write submitted so far, then stops it and closes the
        connections. Returns False if they were not all done within `timeout`."""
        self._writes.put(_STOP)
        self._writer.join(timeout)
        finished = not self._writer.is_alive()
        if finished:
            self.engine.dispose()
        return finished

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
        """One transaction for the whole batch. Never raises: this thread must live."""
        while batch:
            try:
                results = self._in_one_transaction([change for change, _, _ in batch])
            except _WriteFailed as failed:  # the others run again, in a transaction without it
                batch[failed.index][1].set_exception(failed.error)
                batch = batch[:failed.index] + batch[failed.index + 1:]
                continue
            except Exception as error:  # the transaction itself failed (the database is locked or gone)
                for _, done, _ in batch:
                    done.set_exception(error)
                return
            for (_, done, _), result in zip(batch, results):
                done.set_result(result)
            return

    def _in_one_transaction(self, changes: list[Write]) -> list[object]:
        try:
            return self._run_transaction(changes)
        except _WriteFailed as failed:
            if not _chosen_to_run_again(failed.error):
                raise
        return self._run_transaction(changes)

    def _run_transaction(self, changes: list[Write]) -> list[object]:
        connection = self._connection_for_writes()
        try:
            with connection.begin():
                results = []
                for index, change in enumerate(changes):
                    try:
                        results.append(change(connection))
                    except SQLAlchemyError as error:
                        raise _WriteFailed(index, error) from error
                return results
        except Exception:
            self._abandon_writer_connection()
            raise

    def _connection_for_writes(self) -> Connection:
        kept = self._writer_connection
        if kept is None or kept.invalidated or is_stale(self.engine, kept.info):
            self._abandon_writer_connection()
            self._writer_connection = self.engine.connect().execution_options(**{WRITER: True})
        return self._writer_connection

    def _thread_connection(self) -> Connection:
        kept = getattr(self._threads, "connection", None)
        if kept is not None and not kept.invalidated and not is_stale(self.engine, kept.info):
            return kept
        if kept is not None:
            self._threads.connection = None
            kept.close()
        self._threads.connection = self.engine.connect()
        return self._threads.connection

    def _abandon_writer_connection(self) -> None:
        if self._writer_connection is not None:
            try:
                self._writer_connection.close()
            except SQLAlchemyError:
                pass
        self._writer_connection = None


def _chosen_to_run_again(error: BaseException) -> bool:
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) in _RUN_AGAIN_SQLSTATES


def open_database(location: str) -> Database:
    """`location`: a SQLite file's path or a database URL (see engines.database_url).
    Creates or upgrades the schema. Raises DatabaseError, or BadDatabaseUrl."""
    return Database(create_database_engine(database_url(location)))


def describe(error: BaseException) -> str:
    """One line for a log: SQLAlchemy's own message goes on with the statement, over lines."""
    original = getattr(error, "orig", None) or error
    first = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return f"{type(original).__name__}: {first}" if first else type(original).__name__


def on_failure(write: "Future[object]", report: Callable[[BaseException], None]) -> None:
    """For a write nobody waits for: calls `report(error)` if and when it fails."""

    def check(done: "Future[object]") -> None:
        error = done.exception()
        if error is not None:
            report(error)

    write.add_done_callback(check)
