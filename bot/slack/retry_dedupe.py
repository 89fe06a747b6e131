"""Global middleware: an event already taken on (a Slack retry, or a duplicate delivery to
another replica) is acknowledged with 200 and not answered again."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any, Callable

from slack_bolt import BoltResponse

from ..storage.handled_events import HandledEvents


def skip_handled_events(handled: HandledEvents) -> Callable[..., BoltResponse | None]:
    def skip_if_handled(body: dict[str, Any], next: Callable[[], None], logger: logging.Logger) -> BoltResponse | None:
        event_id = body.get("event_id")
        if body.get("type") == "event_callback" and event_id and not _claim(handled, str(event_id), logger):
            logger.info("event %s was already handled; not answering it again", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    return skip_if_handled


def _claim(handled: HandledEvents, event_id: str, logger: logging.Logger) -> bool:
    """An event whose claim cannot be recorded is answered anyway: an occasional double
    answer to a Slack retry is better than no answer at all."""
    try:
        return handled.claim(event_id)
    except sqlite3.Error as error:
        logger.warning(
            "could not record event %s as handled (database: %s); answering it anyway, so a Slack retry of it may be answered twice",
            event_id,
            error,
        )
        return True
