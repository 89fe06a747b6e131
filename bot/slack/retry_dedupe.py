"""Global middleware: an event already taken on (a Slack retry that reaches this or
another replica) is acknowledged with 200 and not answered again.

Slack sends an event once, then retries it, marked with a retry number, when the
first delivery was not acknowledged in time. So a first delivery is only noted, without
waiting for the database, and a retry waits for the database to say whether the event
was taken on before.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any, Callable

from slack_bolt import BoltRequest, BoltResponse

from ..storage.handled_events import HandledEvents
from ..storage.sqlite_database import on_failure

# Socket Mode marks a first delivery 0; HTTP leaves the header out.
RETRY_HEADER = "x-slack-retry-num"


def skip_handled_events(handled: HandledEvents) -> Callable[..., BoltResponse | None]:
    def skip_if_handled(
        req: BoltRequest, body: dict[str, Any], next: Callable[[], None], logger: logging.Logger
    ) -> BoltResponse | None:
        event_id = body.get("event_id")
        if body.get("type") == "event_callback" and event_id:
            if not is_retry(req):
                _record(handled, str(event_id), logger)
            elif not _claim(handled, str(event_id), logger):
                logger.info("event %s was already handled; not answering it again", event_id)
                return BoltResponse(status=200, body="")
        next()
        return None

    return skip_if_handled


def is_retry(req: BoltRequest) -> bool:
    return req.headers.get(RETRY_HEADER, ["0"])[0] not in ("", "0")


def _record(handled: HandledEvents, event_id: str, logger: logging.Logger) -> None:
    on_failure(handled.record(event_id), lambda error: _warn_unrecorded(logger, event_id, error))


def _claim(handled: HandledEvents, event_id: str, logger: logging.Logger) -> bool:
    """An event whose claim cannot be recorded is answered anyway: an occasional double
    answer to a Slack retry is better than no answer at all."""
    try:
        return handled.claim(event_id)
    except sqlite3.Error as error:
        _warn_unrecorded(logger, event_id, error)
        return True


def _warn_unrecorded(logger: logging.Logger, event_id: str, error: BaseException) -> None:
    logger.warning(
        "could not record event %s as handled (database: %s); answering it anyway, so a Slack retry of it may be answered twice",
        event_id,
        error,
    )
