"""One place that turns any failure while answering into a short apology and a log line."""

from __future__ import annotations

import logging
from http.client import HTTPException
from typing import Any, Callable

from slack_sdk.errors import SlackApiError

APOLOGY = "Sorry, something went wrong while I was answering. Please try again in a moment."

class ResponseUrlRefused(HTTPException):
    """Slack's response_url answered with an error status."""


# Slack could not be reached, did not answer in time (even after the client's retries), or
# refused a response_url post.
SLACK_UNREACHABLE = (OSError, HTTPException)


def checked(response: Any) -> None:
    """Bolt's respond() returns the response_url's status instead of raising: an answer
    Slack refused would be lost without a word in the log."""
    if response.status_code >= 400:
        raise ResponseUrlRefused(f"response_url answered HTTP {response.status_code}")


def answer_or_apologize(logger: logging.Logger, what: str, answer: Callable[[], None], apologize: Callable[[str], None]) -> None:
    """Runs `answer`; if it fails, logs `what` (the event id or similar) and calls
    `apologize(APOLOGY)`. Never raises: a bad message must not take the bot down.

    Slack's API failing is expected weather, logged as one line; anything else is a bug in
    the bot and gets its traceback."""
    try:
        answer()
        return
    except SLACK_UNREACHABLE as error:
        # The apology would go the same way and hold this answer thread for as long again.
        logger.warning("gave up answering %s: Slack's API did not answer: %s", what, describe_slack_failure(error))
        return
    except SlackApiError as error:
        logger.warning("gave up answering %s: %s", what, describe_slack_failure(error))
    except Exception:
        logger.exception("could not answer %s", what)
    try:
        apologize(APOLOGY)
    except Exception as error:
        logger.warning("could not apologize for %s either: %s", what, describe_slack_failure(error))


def describe_slack_failure(error: Exception) -> str:
    """One line, without the request's headers (where the token is)."""
    if isinstance(error, SlackApiError):
        method = str(error.response.api_url).rstrip("/").rsplit("/", 1)[-1]
        text = f"Slack's API refused {method}: HTTP {error.response.status_code}, {error.response.get('error')}"
    else:
        text = f"{type(error).__name__}: {error}"
    return text.splitlines()[0]
