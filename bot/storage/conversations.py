"""What has been said in a thread so far, in the database, so a follow-up is answered with all of it.

Each message adds what it said to the thread in one statement (the database merges the
facts: `json_patch` on SQLite, `||` of JSONB on Postgres), so two follow-ups written at the
same moment, on one replica or several, both keep their facts: neither saves a stale copy
over the other's.

Saving does not wait for the database: the answer goes out meanwhile. Until the
write lands, this process answers a follow-up from what it is saving, merged the same way.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future

from sqlalchemy import ColumnElement, and_, bindparam, delete, func, select, update

from ..understanding.question import FactFinding
from .database import Database
from .interface import Conversation, Workspace
from .schema import conversations
from .upserts import insert_or_update

_workspace_is = and_(conversations.c.enterprise_id == bindparam("enterprise"), conversations.c.team_id == bindparam("team"))
_FIND = select(conversations.c.subject, conversations.c.facts).where(
    _workspace_is, conversations.c.channel == bindparam("channel"), conversations.c.thread == bindparam("thread"))
_FORGET = delete(conversations).where(conversations.c.updated_at < bindparam("cutoff"))
_FORGET_WORKSPACE = delete(conversations).where(_workspace_is)
_ADOPT = (update(conversations).where(conversations.c.enterprise_id == "", conversations.c.team_id == "")
          .values(enterprise_id=bindparam("enterprise"), team_id=bindparam("team")))


def _merge(dialect: str):
    insert = insert_or_update(dialect, conversations)
    return insert.on_conflict_do_update(
        index_elements=[conversations.c.enterprise_id, conversations.c.team_id, conversations.c.channel, conversations.c.thread],
        set_={"subject": func.coalesce(insert.excluded.subject, conversations.c.subject),
              "facts": _merged_facts(dialect, conversations.c.facts, insert.excluded.facts),
              "updated_at": insert.excluded.updated_at},
    )


def _merged_facts(dialect: str, kept: ColumnElement, said: ColumnElement) -> ColumnElement:
    """Each fact said replaces the one of the same name; the others stay."""
    if dialect == "postgresql":
        return kept.op("||")(said)
    return func.json_patch(kept, said)


def _workspace_values(workspace: Workspace) -> dict[str, str]:
    return {"enterprise": workspace.enterprise_id, "team": workspace.team_id}


def merged(earlier: Conversation | None, workspace: Workspace, channel: str, thread: str, subject: str | None,
           said: tuple[FactFinding, ...]) -> Conversation:
    """What the database's merge makes of `earlier` plus one message (Python's side of it)."""
    renamed = {f.fact for f in said}
    kept = tuple(f for f in earlier.facts if f.fact not in renamed) if earlier else ()
    return Conversation(workspace, channel, thread, subject if subject is not None else (earlier.subject if earlier else None), kept + said)


class ConversationStore:
    """The `ConversationMemory` (bot/storage/interface.py), on SQLite or Postgres."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._merge = _merge(database.dialect)
        self._unsaved: dict[tuple[Workspace, str, str], Conversation] = {}
        self._unsaved_lock = threading.Lock()

    def find(self, workspace: Workspace, channel: str, thread: str) -> Conversation | None:
        with self._unsaved_lock:
            unsaved = self._unsaved.get((workspace, channel, thread))
        if unsaved is not None:
            return unsaved
        return self._read(workspace, channel, thread)

    def merge(self, workspace: Workspace, channel: str, thread: str, subject: str | None, said: tuple[FactFinding, ...],
              earlier: Conversation | None = None) -> "Future[object]":
        key = (workspace, channel, thread)
        with self._unsaved_lock:
            conversation = merged(self._unsaved.get(key, earlier), workspace, channel, thread, subject, said)
            self._unsaved[key] = conversation
        facts = {f.fact: {"value": f.value, "evidence": f.evidence} for f in said}
        values = {"enterprise_id": workspace.enterprise_id, "team_id": workspace.team_id, "channel": channel, "thread": thread,
                  "subject": subject, "facts": facts, "updated_at": time.time()}
        saved = self._database.submit(lambda connection: connection.execute(self._merge, values))
        saved.add_done_callback(lambda _: self._forget_unsaved(key, conversation))
        return saved

    def forget_older_than(self, cutoff: float) -> "Future[object]":
        return self._database.submit(lambda connection: connection.execute(_FORGET, {"cutoff": cutoff}))

    def forget_workspace(self, workspace: Workspace) -> None:
        self._database.write(lambda connection: connection.execute(_FORGET_WORKSPACE, _workspace_values(workspace)))

    def adopt_rows_of_no_workspace(self, workspace: Workspace) -> None:
        self._database.write(lambda connection: connection.execute(_ADOPT, _workspace_values(workspace)))

    def _read(self, workspace: Workspace, channel: str, thread: str) -> Conversation | None:
        with self._database.connect() as connection:
            row = connection.execute(_FIND, {**_workspace_values(workspace), "channel": channel, "thread": thread}).first()
        if row is None:
            return None
        facts = tuple(FactFinding(fact, bool(f["value"]), f["evidence"]) for fact, f in row.facts.items())
        return Conversation(workspace, channel, thread, row.subject, facts)

    def _forget_unsaved(self, key: tuple[Workspace, str, str], conversation: Conversation) -> None:
        with self._unsaved_lock:
            if self._unsaved.get(key) is conversation:  # not replaced by a later merge meanwhile
                del self._unsaved[key]
