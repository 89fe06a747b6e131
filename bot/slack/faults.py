"""One place that turns any failure while answering into a short apology and a log line."""

from __future__ import annotations

import logging
from http.client import HTTPException
from typing import Any, Callable
from urllib.error import URLError

from slack_sdk.errors import SlackApiError

APOLOGY = "Sorry, something went wrong while I was answering. Please try again in a moment."

class ResponseUrlRefused(HTTPException):
    """Slack's response_url answered with an error status."""


# Slack could not be reached, did not answer in time (even after the client's retries), or
# refused a response_url post.
SLACK_UNREACHABLE = (OSError, HTTPException)
# How answering an event ended, as the event ledger records it.
ANSWERED = "answered"
APOLOGIZED = "apologized"
GAVE_UP = "gave up"
MAYBE_POSTED = "maybe posted"  # the request was sent, its response never came


def checked(response: Any) -> None:
    """Bolt's respond() returns the response_url's status instead of raising: an answer
    Slack refused would be lost without a word in the log."""
    if response.status_code >= 400:
        raise ResponseUrlRefused(f"response_url answered HTTP {response.status_code}")


def may_have_arrived(error: BaseException) -> bool:
    """urllib raises URLError while it connects and sends; anything later (a read timeout,
    a dropped connection) means Slack got the whole request and may have acted on it."""
    return isinstance(error, SLACK_UNREACHABLE) and not isinstance(error, (URLError, ResponseUrlRefused))


def answer_or_apologize(logger: logging.Logger, what: str, answer: Callable[[], None], apologize: Callable[[str], None]) -> str:
    """Runs `answer`; if it fails, logs `what` (the event id or similar) and calls
    `apologize(APOLOGY)`. Returns how it ended (ANSWERED, APOLOGIZED, GAVE_UP or
    MAYBE_POSTED). Never raises: a bad message must not take the bot down.

    Slack's API failing is expected weather, logged as one line; anything else is a bug in
    the bot and gets its traceback."""
    try:
        answer()
        return ANSWERED
    except SLACK_UNREACHABLE as error:
        # The apology would go the same way and hold this answer thread for as long again.
        if may_have_arrived(error):
            logger.warning("gave up answering %s: no response from Slack's API (%s); not sent again, as Slack may have "
                           "taken it", what, describe_slack_failure(error))
            return MAYBE_POSTED
        logger.warning("gave up answering %s: Slack's API did not answer: %s", what, describe_slack_failure(error))
        return GAVE_UP
    except SlackApiError as error:
        logger.warning("gave up answering %s: %s", what, describe_slack_failure(error))
    except Exception:
        logger.exception("could not answer %s", what)
    try:
        apologize(APOLOGY)
    except Exception as error:
        logger.warning("could not apologize for %s either: %s", what, describe_slack_failure(error))
    return APOLOGIZED


def describe_slack_failure(error: Exception) -> str:
    """One line, without the request's headers (where the token is)."""
    if isinstance(error, SlackApiError):
        method = str(error.response.api_url).rstrip("/").rsplit("/", 1)[-1]
        text = f"Slack's API refused {method}: HTTP {error.response.status_code}, {error.response.get('error')}"
    else:
        text = f"{type(error).__name__}: {error}"
    return text.splitlines()[0]
