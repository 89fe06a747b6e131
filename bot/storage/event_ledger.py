"""The events Slack delivered, in the database: who is answering each, and which are finished.

Why "record, then acknowledge" (and not "answer, then acknowledge, and let Slack's
retries be the queue"): Slack wants its ack within 3 s and retries three times at most,
over about 5 minutes; an answer held up by a slow Slack API, or a process killed after its
ack, would be lost for good. Recording first makes the database the queue: an event is
acknowledged only once its row is committed, so whatever happens after the ack, the
row says it is unfinished, and once its owner's lease runs out (the owner renews it
while it lives) another process, or the same one restarted, takes it over and answers.
A first delivery and every retry or replay go through the same atomic claim, so a second
delivery, on any replica, is acknowledged and not answered again.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import Future
from typing import Callable

from sqlalchemy import and_, bindparam, delete, select, update

from .database import Database
from .interface import Claim, TakenOver, TakeOvers, Workspace
from .schema import events
from .upserts import insert_or_update

# The owner renews its leases three times in this span; another process takes over only
# after it passed without one (the owner was killed, or hung that long).
DEFAULT_LEASE_SECONDS = 15.0
# An event whose answering kills the process each time must not kill every process in turn.
# Only events taken over as an answer thread is free count an attempt, so this many means
# that many processes died while answering it. Ten, not fewer: a crash-looping deployment
# (22 kills in a minute, on a loaded machine, in tests/slack/test_crashes.py) cut innocent
# events off five times; a poison message still stops after ten deaths (at most 10 leases).
MAX_ATTEMPTS = 10

_now, _owner, _lease = bindparam("now"), bindparam("me"), bindparam("lease")
_unfinished_and_expired = and_(events.c.finished_at.is_(None), events.c.lease_until < _now)
_finished = {"finished_at": _now, "payload": None, "owner": None}


def _claim(dialect: str):
    """A new event's row, or the take-over of one whose owner's lease ran out: one statement."""
    insert = insert_or_update(dialect, events).values(
        event_id=bindparam("id"), received_at=_now, payload=bindparam("new_payload"), owner=_owner, lease_until=_lease, attempts=1,
        enterprise_id=bindparam("enterprise"), team_id=bindparam("team"))
    return insert.on_conflict_do_update(
        index_elements=[events.c.event_id],
        set_={"owner": insert.excluded.owner, "lease_until": insert.excluded.lease_until, "attempts": events.c.attempts + 1},
        where=and_(_unfinished_and_expired, events.c.attempts < MAX_ATTEMPTS, events.c.owner.is_distinct_from(_owner)),
    ).returning(events.c.attempts)


_FINISH = update(events).where(events.c.event_id == bindparam("id")).values(outcome=bindparam("result"), **_finished)
_RENEW = update(events).where(events.c.owner == _owner, events.c.finished_at.is_(None)).values(lease_until=_lease)
_ABANDON = (update(events).where(_unfinished_and_expired, events.c.attempts >= MAX_ATTEMPTS)
            .values(outcome="abandoned", **_finished).returning(events.c.event_id))
# Postgres: rows another replica is taking over at this moment are skipped, not waited for.
_EXPIRED = (select(events.c.event_id).where(_unfinished_and_expired, events.c.attempts < MAX_ATTEMPTS,
                                            events.c.owner.is_distinct_from(_owner))
            .order_by(events.c.received_at).limit(bindparam("limit")).with_for_update(skip_locked=True))
_TAKE_OVER = (update(events).where(events.c.event_id.in_(_EXPIRED.scalar_subquery()))
              .values(owner=_owner, lease_until=_lease, attempts=events.c.attempts + 1)
              .returning(events.c.event_id, events.c.payload))
_HAND_BACK = update(events).where(events.c.owner == _owner, events.c.finished_at.is_(None)).values(lease_until=0)
_FORGET = delete(events).where(events.c.received_at < bindparam("cutoff"))


class DatabaseEventLedger:
    """The `EventLedger` (bot/storage/interface.py), on SQLite or Postgres."""

    def __init__(self, database: Database, lease_seconds: float = DEFAULT_LEASE_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self._database = database
        self._clock = clock
        self._claim = _claim(database.dialect)
        self.lease_seconds = lease_seconds
        self.owner = uuid.uuid4().hex

    def claim(self, event_id: str, payload: str, workspace: Workspace) -> Claim:
        now = self._clock()
        values = {"id": event_id, "now": now, "new_payload": payload, "me": self.owner, "lease": now + self.lease_seconds,
                  "enterprise": workspace.enterprise_id, "team": workspace.team_id}
        attempts = self._database.write(lambda connection: connection.execute(self._claim, values).scalar())
        if attempts is None:
            return Claim.NOT_OURS
        return Claim.NEW if attempts == 1 else Claim.TAKEN_OVER

    def finish(self, event_id: str, outcome: str) -> None:
        values = {"id": event_id, "now": self._clock(), "result": outcome}
        self._database.write(lambda connection: connection.execute(_FINISH, values))

    def renew_leases(self) -> "Future[object]":
        values = {"me": self.owner, "lease": self._clock() + self.lease_seconds}
        return self._database.submit(lambda connection: connection.execute(_RENEW, values))

    def take_over_expired(self, limit: int) -> TakeOvers:
        now = self._clock()
        values = {"me": self.owner, "now": now, "lease": now + self.lease_seconds, "limit": limit}

        def take(connection) -> TakeOvers:
            abandoned = tuple(connection.execute(_ABANDON, values).scalars())
            taken = tuple(TakenOver(row.event_id, row.payload) for row in connection.execute(_TAKE_OVER, values))
            return TakeOvers(taken, abandoned)

        return self._database.write(take)

    def hand_back(self) -> None:
        self._database.write(lambda connection: connection.execute(_HAND_BACK, {"me": self.owner}))

    def forget_older_than(self, cutoff: float) -> "Future[object]":
        return self._database.submit(lambda connection: connection.execute(_FORGET, {"cutoff": cutoff}))
