"""A workspace uninstalled the bot, or revoked its token. In OAuth mode the workspace is
forgotten; like every event, this one is recorded first (event_claims.py) and finished only
once the workspace is forgotten (event_answers.py), so a crash in between leaves nothing
behind. In single-token mode there is nothing to forget: the event is acknowledged (not
left to a 404 that Slack retries) and finished."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from ..installations import WORKSPACE_REMOVALS
from . import ListenerParts, SlackNeeds

NEEDS = SlackNeeds(bot_events=tuple(sorted(WORKSPACE_REMOVALS)))


def register(app: App, parts: ListenerParts) -> None:
    answers = parts.answers

    def forget_workspace(body: dict[str, Any], logger: logging.Logger) -> None:
        answers.answer(None, logger, body)

    for removal in sorted(WORKSPACE_REMOVALS):
        app.event(removal)(forget_workspace)
