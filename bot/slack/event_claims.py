"""Global middleware: every delivery of an event (the first, a Slack retry, a replay, on this
replica or another) is claimed by its `event_id` in the database before Slack gets its
ack, and only the delivery whose claim succeeds is answered. The others get a 200 and
nothing else. See bot/storage/event_ledger.py for why the event is recorded before the ack.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any, Callable, Mapping

from slack_bolt import BoltContext, BoltResponse

from ..storage.interface import Claim, EventLedger
from .metrics import BotMetrics

CLAIM_KEY = "placement_claim"  # in Bolt's context, for the listener: was the event taken over?


def event_payload(body: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> str:
    """What answering the event needs later, if this process dies before it answers: in OAuth
    mode, which installation's token answers it (installations.Workspace), as Bolt read it
    from the request into its `context`."""
    workspace = context if context is not None else body
    return json.dumps({"event_id": body.get("event_id"), "enterprise_id": workspace.get("enterprise_id"),
                       "team_id": workspace.get("team_id"), "is_enterprise_install": bool(workspace.get("is_enterprise_install")),
                       "event": body.get("event")})


def claim_every_event(ledger: EventLedger, metrics: BotMetrics) -> Callable[..., BoltResponse | None]:
    def claim_or_skip(
        body: dict[str, Any], context: BoltContext, next: Callable[[], None], logger: logging.Logger
    ) -> BoltResponse | None:
        event_id = body.get("event_id")
        if body.get("type") == "event_callback" and event_id:
            claim = _claim(ledger, metrics, str(event_id), event_payload(body, context), logger)
            if not claim:
                metrics.deduplicated()
                logger.info("event %s was already taken on; not answering it again", event_id)
                return BoltResponse(status=200, body="")
            context[CLAIM_KEY] = claim
        next()
        return None

    return claim_or_skip


def _claim(ledger: EventLedger, metrics: BotMetrics, event_id: str, payload: str, logger: logging.Logger) -> Claim:
    """An event whose claim cannot be recorded is answered anyway: an occasional double
    answer is better than no answer at all while the database is unwritable."""
    try:
        return ledger.claim(event_id, payload)
    except sqlite3.Error as error:
        metrics.database_error("claim_event")
        logger.warning(
            "could not record event %s (database: %s); answering it anyway, so a Slack retry of it may be answered twice, "
            "and it is lost if this process stops before answering",
            event_id,
            error,
        )
        return Claim.NEW
