"""The SQLAlchemy engine for a database location: a SQLite file (the embedded default) or a
Postgres server (`postgresql://...`, shared by any number of replicas), each set up for how
the bot uses it."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError

# Short, because a claim runs before Slack gets its ack (3 s) and every answer waits on its
# thread's row: a database held locked by something else must cost an answer its memory, not
# its delivery. Writes here take milliseconds, so this is still far above normal contention.
BUSY_TIMEOUT_SECONDS = 1.0
# Kept connections: the request threads and the answer threads each read (a connection
# opened per read cost about 0.7 ms on SQLite, most of the bot's time per event).
POOL_SIZE = 16
POSTGRES_POOL_SIZE = 8  # per replica: three replicas stay far below Postgres's 100 connections
WRITER = "placement_writer"  # the execution option that marks the writer thread's connection


class BadDatabaseUrl(ValueError):
    """DATABASE_URL names no database this bot can use; the message says why."""


def database_url(location: str) -> URL:
    """`location`: a SQLite file's path, or a URL (`postgresql://`, `postgres://`, `sqlite:///`).
    Postgres is reached with psycopg 3, whatever driver the URL names or omits."""
    if "://" not in location:
        return URL.create("sqlite", database=location)
    try:
        url = make_url(location)
    except ArgumentError:
        raise BadDatabaseUrl("it is not a URL such as postgresql://user:password@host:5432/database") from None
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and url.database:
        return url
    raise BadDatabaseUrl(f"{url.drivername!r} is not a database this bot can use: give postgresql://... (or a SQLite file in PLACEMENT_DB)")


def create_database_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(
        url,
        hide_parameters=True,  # an error's message must not carry what people wrote
        pool_size=POSTGRES_POOL_SIZE,
        max_overflow=POSTGRES_POOL_SIZE,
        pool_timeout=BUSY_TIMEOUT_SECONDS * 2,
        pool_recycle=1800,
        # A lock held by another replica, or a server that stopped answering, costs one
        # operation an error in seconds instead of holding an ack or an answer thread.
        connect_args={"connect_timeout": 5, "options": f"-c lock_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)} -c statement_timeout=30000"},
    )


def _sqlite_engine(url: URL) -> Engine:
    """WAL with synchronous=NORMAL never corrupts the file, and a commit survives the process
    being killed (SIGKILL, OOM) at any moment: only a power cut or an OS crash may lose the
    last few commits, which may make a thread forget or an event be answered twice."""
    path = url.database or ""
    engine = create_engine(
        url,
        hide_parameters=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_SIZE,
        pool_timeout=BUSY_TIMEOUT_SECONDS * 2,
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def set_up(dbapi_connection: Any, record: Any) -> None:
        # pysqlite's own implicit BEGIN would defeat BEGIN IMMEDIATE; the
        # "begin" listener below says when a transaction starts. Reads run one statement each.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        record.info["file"] = _file_identity(path)

    @event.listens_for(engine, "checkout")
    def still_the_same_file(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        # A file deleted or replaced under a kept connection would silently take the writes
        # to the old, unlinked file: the pool reconnects instead, and fails loudly if it cannot.
        if is_stale(engine, record.info):
            raise DisconnectionError("the database file was replaced")

    @event.listens_for(engine, "begin")
    def begin(connection: Any) -> None:
        # The writer takes SQLite's write lock at the start, so its transaction never fails
        # half-way for want of it; readers need no transaction for their one statement.
        if connection.get_execution_options().get(WRITER):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def is_stale(engine: Engine, connection_info: dict) -> bool:
    """Whether a connection kept open (its `info`) now writes to a SQLite file that is gone."""
    if engine.dialect.name != "sqlite":
        return False
    identity = _file_identity(engine.url.database or "")
    return identity is None or identity != connection_info.get("file")


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino
