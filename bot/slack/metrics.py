"""What an operator's dashboard reads at GET /metrics, in the Prometheus text format.

Counted at the Slack edge, where answers are composed and posted, claims refused and
database errors logged; the core knows nothing of it. Each bot has a registry of its own,
not prometheus_client's global one, so that several bots in one process (the tests) never
count into each other. Label values are names from the bot's own code (verdicts, intents,
Slack API methods, storage operations), never anything a user or Slack sent."""

from __future__ import annotations

import re

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

CONTENT_TYPE = CONTENT_TYPE_LATEST
UNKNOWN_VERDICT = "unknown"
NO_VERDICT = "none"  # compare and help have none
# An answer takes milliseconds to compose, and Slack's API up to its 5 s timeout, with retries.
ANSWER_SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_METHOD = re.compile(r"[a-z]+(?:\.[a-zA-Z]+){1,3}")
OTHER_METHOD = "other"


class BotMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._answers = Counter("placement_answers", "Answers composed, by verdict and intent", ("verdict", "intent"),
                                registry=self.registry)
        self._unknown = Counter("placement_unknown_verdicts", "Answers whose verdict was unknown", registry=self.registry)
        self._answer_seconds = Histogram(
            "placement_answer_seconds", "From starting to answer an event to its reply posted (composing and Slack's API)",
            buckets=ANSWER_SECONDS_BUCKETS, registry=self.registry)
        self._deduplicated = Counter(
            "placement_events_deduplicated", "Deliveries of an event already taken on (a retry, a replay, another "
            "replica): acknowledged, not answered", registry=self.registry)
        self._database_errors = Counter("placement_database_errors", "Database operations that failed, by operation",
                                        ("operation",), registry=self.registry)
        self._slack_errors = Counter(
            "placement_slack_api_errors", "Slack Web API attempts that failed (an HTTP error, ok: false, or no response), "
            "retries included, by method", ("method",), registry=self.registry)
        self._slack_retries = Counter(
            "placement_slack_api_retries", "Slack Web API calls sent again (rate limit, server error, connection), by method",
            ("method",), registry=self.registry)

    def answered(self, verdict: str | None, intent: str) -> None:
        self._answers.labels(verdict=verdict or NO_VERDICT, intent=intent).inc()
        if verdict == UNKNOWN_VERDICT:
            self._unknown.inc()

    def answer_took(self, seconds: float) -> None:
        self._answer_seconds.observe(seconds)

    def deduplicated(self) -> None:
        self._deduplicated.inc()

    def database_error(self, operation: str) -> None:
        self._database_errors.labels(operation=operation).inc()

    def slack_attempt(self, method: str, failed: bool, retried: bool) -> None:
        if failed:
            self._slack_errors.labels(method=method).inc()
        if retried:
            self._slack_retries.labels(method=method).inc()

    def slack_call_observer(self) -> RetryHandler:
        """For the first place in a WebClient's retry handlers: slack_sdk shows them the outcome
        of every attempt of every call, and Bolt copies them into the client it makes for each
        request, so this is the one place that sees all of the bot's calls."""
        return _SlackCallObserver(self)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _SlackCallObserver(RetryHandler):
    """Counts each attempt and never asks for a retry itself: the handlers after it decide."""

    def __init__(self, metrics: BotMetrics) -> None:
        super().__init__()
        self._metrics = metrics

    def can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                  error: Exception | None = None) -> bool:
        failed = error is not None or response is None or response.status_code >= 400 or (
            isinstance(response.body, dict) and response.body.get("ok") is False)
        method = request.url.rstrip("/").rsplit("/", 1)[-1]
        self._metrics.slack_attempt(method if _METHOD.fullmatch(method) else OTHER_METHOD, failed,
                                    retried=state.current_attempt > 0)
        return False
