"""Event ids already taken on, so a Slack retry of the same event is not answered twice.

Kept in the database rather than in memory so that replicas behind a load balancer,
and a restarted process, agree on what was handled.
"""

from __future__ import annotations

import time

from .sqlite_database import SqliteDatabase

# Slack stops retrying an event after about an hour.
REMEMBER_SECONDS = 24 * 60 * 60


# Forgetting old ids is a sweep, not part of every claim.
SWEEP_EVERY_SECONDS = 60


class HandledEvents:
    def __init__(self, database: SqliteDatabase) -> None:
        self._database = database
        self._last_sweep = 0.0

    def claim(self, event_id: str) -> bool:
        """True the first time an event id is seen, False on every later delivery."""
        now = time.time()
        if now - self._last_sweep > SWEEP_EVERY_SECONDS:
            self._last_sweep = now
            self._database.write(
                lambda connection: connection.execute("DELETE FROM handled_events WHERE handled_at < ?", (now - REMEMBER_SECONDS,))
            )
        return self._database.write(
            lambda connection: connection.execute(
                "INSERT OR IGNORE INTO handled_events (event_id, handled_at) VALUES (?, ?)", (event_id, now)
            ).rowcount
            == 1
        )
