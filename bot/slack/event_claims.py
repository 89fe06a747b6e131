"""Global middleware: every delivery of an event (the first, a Slack retry, a replay, on this
replica or another) is claimed by its `event_id` in the database before Slack gets its
ack, and only the delivery whose claim succeeds is answered. The others get a 200 and
nothing else. See bot/storage/event_ledger.py for why the event is recorded before the ack.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable, Mapping

from slack_bolt import BoltContext, BoltResponse

from ..storage.database import DatabaseError, describe
from ..storage.interface import Claim, EventLedger
from .metrics import BotMetrics
from .workspaces import workspace_of

CLAIM_KEY = "placement_claim"  # in Bolt's context, for the listener: was the event taken over?


def event_payload(body: Mapping[str, Any]) -> str:
    """What answering the event needs later, if this process dies before it answers: the
    event, and whose it is (workspaces.workspace_of reads it as from the request)."""
    kept = ("event_id", "team_id", "enterprise_id", "is_enterprise_install", "authorizations", "event")
    return json.dumps({name: body[name] for name in kept if name in body})


def claim_every_event(ledger: EventLedger, metrics: BotMetrics) -> Callable[..., BoltResponse | None]:
    def claim_or_skip(
        body: dict[str, Any], context: BoltContext, next: Callable[[], None], logger: logging.Logger
    ) -> BoltResponse | None:
        event_id = body.get("event_id")
        if body.get("type") == "event_callback" and event_id:
            claim = _claim(ledger, metrics, str(event_id), body, logger)
            if not claim:
                metrics.deduplicated()
                logger.info("event %s was already taken on; not answering it again", event_id)
                return BoltResponse(status=200, body="")
            context[CLAIM_KEY] = claim
        next()
        return None

    return claim_or_skip


def _claim(ledger: EventLedger, metrics: BotMetrics, event_id: str, body: Mapping[str, Any], logger: logging.Logger) -> Claim:
    """An event whose claim cannot be recorded is answered anyway: an occasional double
    answer is better than no answer at all while the database is unwritable."""
    try:
        return ledger.claim(event_id, event_payload(body), workspace_of(body))
    except DatabaseError as error:
        metrics.database_error("claim_event")
        logger.warning(
            "could not record event %s (database: %s); answering it anyway, so a Slack retry of it may be answered twice, "
            "and it is lost if this process stops before answering",
            event_id,
            describe(error),
        )
        return Claim.NEW
