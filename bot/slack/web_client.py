"""The WebClient the bot calls Slack with: configurable base URL, and rate limits retried."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

# Slack's Retry-After is honoured by the handler; a few tries ride out a burst.
RATE_LIMIT_RETRIES = 3


def build_web_client(token: str, api_url: str) -> WebClient:
    client = WebClient(token=token, base_url=api_url)
    # The default handlers retry only connection errors; without this a 429 drops the answer.
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client
