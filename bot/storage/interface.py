"""What the Slack edge needs from storage, and the guarantees both databases (SQLite, and
Postgres shared by many replicas) give.

Every guarantee rests on one database statement being atomic, never on a lock or a
cache inside one process:

- `EventLedger.claim` is one conditional insert-or-update by `event_id` (SQLite and
  Postgres: `INSERT .. ON CONFLICT (event_id) DO UPDATE .. WHERE`): exactly one caller,
  in any process, sees True for a new event, and an event left unfinished by a process
  that stopped renewing its lease can be taken over by exactly one other.
- `EventLedger.take_over_expired` is one `UPDATE .. WHERE <lease expired> RETURNING`
  (Postgres: over a `SELECT .. FOR UPDATE SKIP LOCKED`), for the same reason.
- `ConversationMemory.merge` adds what one message said to the thread's facts in one
  statement (`json_patch` in SQLite, `jsonb ||` in Postgres), so two follow-ups at the
  same moment, on one replica or two, both keep their facts.
- Retention is a `DELETE .. WHERE <older than>`, run by any replica, any number of times.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from ..understanding.question import FactFinding


@dataclass(frozen=True)
class Workspace:
    """Whose data a row is: a Slack workspace, or a whole Enterprise Grid org for an app
    installed org-wide (then `team_id` is ''). Channel and thread ids are only unique inside one."""

    enterprise_id: str = ""
    team_id: str = ""

    @property
    def is_org_wide(self) -> bool:
        return bool(self.enterprise_id) and not self.team_id


@dataclass(frozen=True)
class Conversation:
    workspace: Workspace
    channel: str
    thread: str  # the thread's ts, or a key of our own for slash-command answers
    subject: str | None
    facts: tuple[FactFinding, ...]


class Claim(Enum):
    NEW = "new"  # first seen: this process answers it
    TAKEN_OVER = "taken over"  # its owner stopped before finishing it: this process answers it, and it may have been posted
    NOT_OURS = "not ours"  # answered, or being answered by a living process: acknowledge it, nothing more

    def __bool__(self) -> bool:
        return self is not Claim.NOT_OURS


@dataclass(frozen=True)
class TakenOver:
    """An event another process took on and did not finish, now this process's to answer."""

    event_id: str
    payload: str | None


@dataclass(frozen=True)
class TakeOvers:
    taken: tuple[TakenOver, ...]
    abandoned: tuple[str, ...]  # event ids given up on after too many attempts


class EventLedger(Protocol):
    owner: str  # this process, as its leases name it
    lease_seconds: float

    def claim(self, event_id: str, payload: str, workspace: Workspace) -> Claim:
        """Records the event durably and makes this process its owner, before Slack gets
        its ack. NEW for a new event, TAKEN_OVER for one whose owner stopped renewing its
        lease without finishing it; NOT_OURS for every other delivery (a retry, a replay, a
        second replica). Raises the database's error when it could not say."""

    def finish(self, event_id: str, outcome: str) -> None:
        """Marks the event answered (or given up), durably, and forgets its payload."""

    def renew_leases(self) -> "Future[object]":
        """Extends the lease of every event this process owns and has not finished."""

    def take_over_expired(self, limit: int) -> TakeOvers:
        """Claims up to `limit` events whose owner's lease expired unfinished (it was killed,
        or handed them back at shutdown). Events tried too often are finished as abandoned."""

    def hand_back(self) -> None:
        """At shutdown: lets any other process take over this one's unfinished events now."""

    def forget_older_than(self, cutoff: float) -> "Future[object]":
        """Deletes events received before `cutoff` (seconds since the epoch)."""


class ConversationMemory(Protocol):
    def find(self, workspace: Workspace, channel: str, thread: str) -> Conversation | None: ...

    def merge(self, workspace: Workspace, channel: str, thread: str, subject: str | None, said: tuple[FactFinding, ...],
              earlier: Conversation | None = None) -> "Future[object]":
        """Adds what one message said to the thread: each fact in `said` replaces the one of
        the same name, the others stay; `subject`, when not None, replaces the subject.
        `earlier` is what the caller found before, for this process's own view until the
        write lands (the database merges with what it holds). Does not wait for the
        database; the future fails if the write could not be made."""

    def forget_older_than(self, cutoff: float) -> "Future[object]":
        """Deletes the conversations not added to since `cutoff`."""

    def forget_workspace(self, workspace: Workspace) -> None:
        """Deletes every conversation of `workspace` (it uninstalled the app)."""

    def adopt_rows_of_no_workspace(self, workspace: Workspace) -> None:
        """Gives the conversations kept before they had a workspace (a SQLite file of an
        earlier version, written for one workspace) to `workspace`."""
