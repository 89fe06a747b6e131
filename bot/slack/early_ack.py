"""Global middleware: a slash command or a button click is acknowledged on the request's
own thread, before any listener runs.

Bolt runs listeners on the answer threads, and would wait there for a command's or a
click's listener to call ack(). With every answer thread waiting on a hung Slack, that
ack would miss Slack's 3 seconds. Events need nothing here: Bolt acknowledges them
itself before their listener runs.
"""

from __future__ import annotations

from typing import Any, Callable

from slack_bolt import Ack

ACKNOWLEDGED_EARLY = frozenset({"block_actions"})


def acknowledge_at_once(body: dict[str, Any], ack: Ack, next: Callable[[], None]) -> None:
    if body.get("command") or body.get("type") in ACKNOWLEDGED_EARLY:
        ack()
    next()
