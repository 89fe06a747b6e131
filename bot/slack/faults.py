"""One place that turns any failure while answering into a short apology and a log line."""

from __future__ import annotations

import logging
from typing import Callable

APOLOGY = "Sorry, something went wrong while I was answering. Please try again in a moment."


def answer_or_apologize(logger: logging.Logger, what: str, answer: Callable[[], None], apologize: Callable[[str], None]) -> None:
    """Runs `answer`; if it fails, logs `what` (the event id or similar) and calls
    `apologize(APOLOGY)`. Never raises: a bad message must not take the bot down."""
    try:
        answer()
    except Exception:
        logger.exception("could not answer %s", what)
        try:
            apologize(APOLOGY)
        except Exception:
            logger.exception("could not apologize for %s either", what)
