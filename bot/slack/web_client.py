"""The WebClient the bot calls Slack with: configurable base URL, a timeout on every call, and
the failures worth another try (rate limits, Slack's own 500/503s, a connection that could
not be made) retried with backoff a bounded number of times.

A message is never posted again after a read timeout or a connection dropped once the
request was sent: Slack may have taken it and only answered late (a 6 s chat.postMessage
against the 5 s timeout was posted twice or more). Calls that can be repeated without
effect (chat.update of one message, auth.test) are retried on those errors too."""

from __future__ import annotations

import logging
import random
from http.client import RemoteDisconnected
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.jitter import Jitter
from slack_sdk.http_retry.request import HttpRequest

from .metrics import BotMetrics

# Slack usually answers in well under a second; a hung Slack must not hold an answer thread.
TIMEOUT_SECONDS = 5.0
# Slack's Retry-After is honoured by the handler; a few tries ride out a burst.
RATE_LIMIT_RETRIES = 3
SERVER_ERROR_RETRIES = 2
CONNECTION_RETRIES = 2
# Waits of 0.5 s, then 1 s, each up to a quarter longer.
BACKOFF_SECONDS = 0.5


class _ProportionalJitter(Jitter):
    """slack_sdk's default jitter adds up to a whole second to every wait, which would dwarf
    the backoff itself; this spreads replicas apart by up to a quarter of the wait."""

    def recalculate(self, duration: float) -> float:
        return duration * (1 + random.random() / 4)


# Each call of these makes something new in Slack: repeating one that arrived makes it twice
# (or, for oauth.v2.access, fails: its code is spent by the call that arrived).
NOT_REPEATABLE = ("chat.postMessage", "chat.postEphemeral", "oauth.v2.access")


class _ConnectionErrorsBeforeSending(ConnectionErrorRetryHandler):
    """urllib raises URLError for what fails while connecting or sending; a bare
    TimeoutError, a reset or a disconnect afterwards means Slack got the request."""

    def _can_retry(self, *, state, request: HttpRequest, response=None, error=None) -> bool:
        if error is not None and not isinstance(error, URLError) and request.url.rstrip("/").endswith(NOT_REPEATABLE):
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


def build_web_client(token: str | None, api_url: str, metrics: BotMetrics | None = None) -> WebClient:
    """Bolt copies timeout, retry handlers and logger into the client it gives each listener.
    Call it once logging is configured. With `metrics`, every call's attempts are counted.
    `token` None (OAuth mode): each workspace's token is set per request, or by
    `client_with_token`."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=BACKOFF_SECONDS, jitter=_ProportionalJitter())
    # A read that times out surfaces as a bare TimeoutError, which the default handler does not
    # retry: it is retried here for the calls that can be repeated, never for a post.
    connection_errors = [URLError, ConnectionResetError, RemoteDisconnected, TimeoutError]
    return WebClient(
        token=token,
        base_url=api_url,
        timeout=TIMEOUT_SECONDS,
        logger=_api_call_logger(),
        retry_handlers=([metrics.slack_call_observer()] if metrics else []) + [
            _ConnectionErrorsBeforeSending(max_retry_count=CONNECTION_RETRIES, interval_calculator=backoff, error_types=connection_errors),
            ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES, interval_calculator=backoff),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


def _api_call_logger() -> logging.Logger:
    """slack_sdk writes a debug line of every request and response, the whole body included,
    whenever its logger's own level is unset, which reads as "everything", whether or not any
    handler would print the line: for an answer, about 0.15 ms of CPU, a twentieth of the bot's
    time per event. With the level in effect set on the logger itself, the line is only written
    when it will be shown."""
    logger = logging.getLogger("slack_sdk.web.base_client")
    logger.setLevel(logger.getEffectiveLevel())
    return logger


def client_with_token(template: WebClient, token: str) -> WebClient:
    """A client for one workspace's token with everything else of `template`'s, as Bolt makes
    the client it gives each listener."""
    return WebClient(token=token, base_url=template.base_url, timeout=template.timeout, ssl=template.ssl, proxy=template.proxy,
                     headers=template.headers, logger=template.logger, retry_handlers=list(template.retry_handlers))
