"""Event ids already taken on, so a Slack retry of the same event is not answered twice.

Kept in the database rather than in memory so that replicas behind a load balancer,
and a restarted process, agree on what was handled.
"""

from __future__ import annotations

import time
from concurrent.futures import Future

from .sqlite_database import SqliteDatabase

# Slack stops retrying an event after about an hour.
REMEMBER_SECONDS = 24 * 60 * 60


# Forgetting old ids is a sweep, not part of every claim.
SWEEP_EVERY_SECONDS = 60

_INSERT = "INSERT OR IGNORE INTO handled_events (event_id, handled_at) VALUES (?, ?)"


class HandledEvents:
    def __init__(self, database: SqliteDatabase) -> None:
        self._database = database
        self._last_sweep = 0.0

    def record(self, event_id: str) -> "Future[object]":
        """Notes an event as taken on, without waiting for the database: for a first
        delivery, which nothing can have taken on before. The future fails if the
        note could not be written."""
        now = self._sweep_if_due()
        return self._database.submit(lambda connection: connection.execute(_INSERT, (event_id, now)))

    def claim(self, event_id: str) -> bool:
        """True the first time an event id is seen, False on every later delivery.
        Waits for the database, so every write submitted before it counts."""
        now = self._sweep_if_due()
        return self._database.write(lambda connection: connection.execute(_INSERT, (event_id, now)).rowcount == 1)

    def _sweep_if_due(self) -> float:
        now = time.time()
        if now - self._last_sweep > SWEEP_EVERY_SECONDS:
            self._last_sweep = now
            self._database.submit(
                lambda connection: connection.execute("DELETE FROM handled_events WHERE handled_at < ?", (now - REMEMBER_SECONDS,))
            )
        return now
