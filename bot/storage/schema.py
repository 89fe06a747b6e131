"""The bot's tables, the same on SQLite and Postgres, and the one versioned migration that
creates or upgrades them at start-up. Every row belongs to a workspace (`enterprise_id`,
`team_id`; '' where Slack gives none), so two workspaces' equal channel and thread ids
never meet."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Connection, Double, Index, Integer, MetaData, Table, Text, inspect, text
from sqlalchemy.dialects.postgresql import JSONB

SCHEMA_VERSION = 4  # 4: answer records and votes (bot/storage/feedback.py)

metadata = MetaData()

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

conversations = Table(
    "conversations",
    metadata,
    Column("enterprise_id", Text, primary_key=True),
    Column("team_id", Text, primary_key=True),
    Column("channel", Text, primary_key=True),
    Column("thread", Text, primary_key=True),  # the thread's ts, or a key of our own for slash-command answers
    Column("subject", Text),
    # fact -> {"value": bool, "evidence": the user's words}; JSONB on Postgres so `||` merges it
    Column("facts", JSON().with_variant(JSONB(), "postgresql"), nullable=False),
    Column("updated_at", Double, nullable=False),
    Index("conversations_by_age", "updated_at"),
)

events = Table(
    "events",
    metadata,
    Column("event_id", Text, primary_key=True),  # Slack's event ids are unique across workspaces
    Column("received_at", Double, nullable=False),
    Column("payload", Text),  # what answering it needs; NULL once finished
    Column("owner", Text),  # the process answering it
    Column("lease_until", Double, nullable=False, server_default=text("0")),  # until then, no other process takes it over
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("finished_at", Double),
    Column("outcome", Text),
    Column("enterprise_id", Text, nullable=False, server_default=text("''")),
    Column("team_id", Text, nullable=False, server_default=text("''")),
    Index("events_by_age", "received_at"),
    Index("events_unfinished", "lease_until", sqlite_where=text("finished_at IS NULL"), postgresql_where=text("finished_at IS NULL")),
)

# One row per answer: App Home's weekly figures, and the question's text when the bot could not decide.
answer_records = Table(
    "answer_records",
    metadata,
    Column("answer_id", Text, primary_key=True),
    Column("team_id", Text, nullable=False),
    Column("enterprise_id", Text, nullable=False, server_default=text("''")),
    Column("answered_at", Double, nullable=False),
    Column("intent", Text, nullable=False),
    Column("verdict", Text),  # container | vm | hybrid | unknown; NULL for a comparison
    Column("confidence", Text),
    Column("question", Text),  # only when the verdict was unknown or the confidence low
    Index("answer_records_by_workspace", "team_id", "enterprise_id", "answered_at"),
    Index("answer_records_by_age", "answered_at"),
)

# One row per person's vote on an answer.
answer_votes = Table(
    "answer_votes",
    metadata,
    Column("answer_id", Text, primary_key=True),
    Column("voter", Text, primary_key=True),  # HMAC-SHA256 of workspace, user and answer: never the user id
    Column("team_id", Text, nullable=False),
    Column("enterprise_id", Text, nullable=False, server_default=text("''")),
    Column("helpful", Integer, nullable=False),
    Column("verdict", Text),
    Column("confidence", Text),
    Column("question", Text),  # only while the vote is "not helpful"
    Column("voted_at", Double, nullable=False),
    Index("answer_votes_by_age", "voted_at"),
)

# Taken by whichever replica migrates first; the others wait for it, then find the work done.
_POSTGRES_MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(7203466)"


def lock_schema(connection: Connection) -> None:
    """Until the caller's transaction ends, no other process changes the schema. On SQLite the
    transaction holds the write lock already (BEGIN IMMEDIATE)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(_POSTGRES_MIGRATION_LOCK))


def migrate(connection: Connection) -> None:
    """Creates or upgrades the schema, inside the caller's transaction: several processes
    starting together migrate once."""
    lock_schema(connection)
    tables = set(inspect(connection).get_table_names())
    version = _version(connection, tables)
    if version >= SCHEMA_VERSION:
        return
    before_schema_versions = "schema_version" not in tables and connection.dialect.name == "sqlite"
    if before_schema_versions and tables & {"conversations", "events", "handled_events"}:
        _upgrade_sqlite_file(connection, tables)
    metadata.create_all(connection)
    connection.execute(schema_version.delete())
    connection.execute(schema_version.insert().values(version=SCHEMA_VERSION))


def _version(connection: Connection, tables: set[str]) -> int:
    if "schema_version" in tables:
        return connection.execute(schema_version.select()).scalar() or 0
    if connection.dialect.name == "sqlite":  # files of versions 1 and 2 kept it here
        return connection.exec_driver_sql("PRAGMA user_version").scalar() or 0
    return 0


def _upgrade_sqlite_file(connection: Connection, tables: set[str]) -> None:
    """Files of version 1 (facts as a JSON list, handled event ids in a table of their own) and
    version 2 (no workspace columns). Their rows belong to no workspace ('' and '') until
    `adopt_rows_of_no_workspace` gives them the single workspace they were written for."""
    run = connection.exec_driver_sql
    if "conversations" in tables:
        run("""UPDATE conversations SET facts = (
            SELECT json_group_object(json_extract(value, '$.fact'),
                                     json_object('value', json(CASE WHEN json_extract(value, '$.value') THEN 'true' ELSE 'false' END),
                                                 'evidence', json_extract(value, '$.evidence')))
            FROM json_each(conversations.facts)) WHERE json_type(facts) = 'array'""")
        run("DROP INDEX IF EXISTS conversations_by_age")
        run("ALTER TABLE conversations RENAME TO conversations_before_workspaces")
        conversations.create(connection)
        run("INSERT INTO conversations (enterprise_id, team_id, channel, thread, subject, facts, updated_at) "
            "SELECT '', '', channel, thread, subject, facts, updated_at FROM conversations_before_workspaces")
        run("DROP TABLE conversations_before_workspaces")
    if "events" in tables and "team_id" not in {c["name"] for c in inspect(connection).get_columns("events")}:
        run("ALTER TABLE events ADD COLUMN enterprise_id TEXT NOT NULL DEFAULT ''")
        run("ALTER TABLE events ADD COLUMN team_id TEXT NOT NULL DEFAULT ''")
    if "handled_events" in tables:
        events.create(connection, checkfirst=True)
        run("INSERT OR IGNORE INTO events (event_id, received_at, attempts, finished_at, outcome) "
            "SELECT event_id, handled_at, 1, handled_at, 'answered' FROM handled_events")
        run("DROP TABLE handled_events")
