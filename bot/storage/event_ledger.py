"""The events Slack delivered, in SQLite: who is answering each, and which are finished.

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

from .interface import Claim, TakenOver, TakeOvers
from .sqlite_database import SqliteDatabase

# The owner renews its leases three times in this span; another process takes over only
# after it passed without one (the owner was killed, or hung that long).
DEFAULT_LEASE_SECONDS = 15.0
# An event whose answering kills the process each time must not kill every process in turn.
# Only events taken over as an answer thread is free count an attempt, so this many means
# that many processes died while answering it.
MAX_ATTEMPTS = 5

_CLAIM = """
INSERT INTO events (event_id, received_at, payload, owner, lease_until, attempts) VALUES (:id, :now, :payload, :owner, :lease, 1)
ON CONFLICT (event_id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until, attempts = events.attempts + 1
WHERE events.finished_at IS NULL AND events.lease_until < :now AND events.attempts < :max_attempts AND events.owner IS NOT :owner
RETURNING attempts
"""
_FINISH = "UPDATE events SET finished_at = :now, outcome = :outcome, payload = NULL, owner = NULL WHERE event_id = :id"
_RENEW = "UPDATE events SET lease_until = :lease WHERE owner = :owner AND finished_at IS NULL"
_ABANDON = """
UPDATE events SET finished_at = :now, outcome = 'abandoned', payload = NULL, owner = NULL
WHERE finished_at IS NULL AND lease_until < :now AND attempts >= :max_attempts RETURNING event_id
"""
_TAKE_OVER = """
UPDATE events SET owner = :owner, lease_until = :lease, attempts = attempts + 1
WHERE event_id IN (SELECT event_id FROM events WHERE finished_at IS NULL AND lease_until < :now AND attempts < :max_attempts
                   AND owner IS NOT :owner ORDER BY received_at LIMIT :limit)
RETURNING event_id, payload
"""
_HAND_BACK = "UPDATE events SET lease_until = 0 WHERE owner = :owner AND finished_at IS NULL"
_FORGET = "DELETE FROM events WHERE received_at < :cutoff"


class SqliteEventLedger:
    """The SQLite `EventLedger` (bot/storage/interface.py)."""

    def __init__(self, database: SqliteDatabase, lease_seconds: float = DEFAULT_LEASE_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self._database = database
        self._clock = clock
        self.lease_seconds = lease_seconds
        self.owner = uuid.uuid4().hex

    def claim(self, event_id: str, payload: str) -> Claim:
        now = self._clock()
        values = {"id": event_id, "now": now, "payload": payload, "owner": self.owner, "lease": now + self.lease_seconds,
                  "max_attempts": MAX_ATTEMPTS}
        row = self._database.write(lambda connection: connection.execute(_CLAIM, values).fetchone())
        if row is None:
            return Claim.NOT_OURS
        return Claim.NEW if row[0] == 1 else Claim.TAKEN_OVER

    def finish(self, event_id: str, outcome: str) -> None:
        values = {"id": event_id, "now": self._clock(), "outcome": outcome}
        self._database.write(lambda connection: connection.execute(_FINISH, values))

    def renew_leases(self) -> "Future[object]":
        values = {"owner": self.owner, "lease": self._clock() + self.lease_seconds}
        return self._database.submit(lambda connection: connection.execute(_RENEW, values))

    def take_over_expired(self, limit: int) -> TakeOvers:
        now = self._clock()
        values = {"owner": self.owner, "now": now, "lease": now + self.lease_seconds, "max_attempts": MAX_ATTEMPTS, "limit": limit}

        def take(connection) -> TakeOvers:
            abandoned = tuple(row[0] for row in connection.execute(_ABANDON, values).fetchall())
            return TakeOvers(tuple(TakenOver(row[0], row[1]) for row in connection.execute(_TAKE_OVER, values).fetchall()), abandoned)

        return self._database.write(take)

    def hand_back(self) -> None:
        self._database.write(lambda connection: connection.execute(_HAND_BACK, {"owner": self.owner}))

    def forget_older_than(self, cutoff: float) -> "Future[object]":
        return self._database.submit(lambda connection: connection.execute(_FORGET, {"cutoff": cutoff}))
