"""GET /healthz, /readyz and /metrics, for load balancers and dashboards: answered before the
Slack front door (they are not Slack's requests, so they carry no signature) and never
passed to Bolt. They take no input and log nothing, so calling them often costs nothing
but the answer."""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterable

from ..advisor import Advisor
from sqlalchemy import text

from ..storage.database import Database, DatabaseError, describe
from .front_door import WsgiApp, text_reply
from .metrics import CONTENT_TYPE, BotMetrics

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
WARMING_UP = "warming up"
# A query that reads a table (SELECT 1 alone would not touch a SQLite file).
_DATABASE_ANSWERS = text("SELECT 1 FROM events LIMIT 1")


class Readiness:
    """Ready once the knowledge is loaded, the database answers a query, and the start-up
    warm-up has finished: a replica that took traffic before would serve its first burst
    with rule runs the warm-up would have saved."""

    def __init__(self, advisor: Advisor, database: Database, metrics: BotMetrics) -> None:
        self._advisor = advisor
        self._database = database
        self._metrics = metrics
        self._warm = threading.Event()

    def warmed_up(self) -> None:
        self._warm.set()

    def not_ready_because(self) -> str | None:
        """None when ready; otherwise the reason, in one line."""
        if not self._advisor.knowledge.rules:
            return "no knowledge loaded"
        if not self._warm.is_set():
            return WARMING_UP
        try:
            with self._database.connect() as connection:
                connection.execute(_DATABASE_ANSWERS).fetchall()
        except DatabaseError as error:
            self._metrics.database_error("readiness_check")
            return f"the database does not answer: {describe(error)}"
        return None


class OperatorEndpoints:
    def __init__(self, readiness: Readiness, metrics: BotMetrics) -> None:
        self.readiness = readiness
        self._metrics = metrics

    def in_front_of(self, app: WsgiApp) -> WsgiApp:
        """A WSGI app that answers the three paths (GET or HEAD) and passes the rest to `app`."""

        def answer(environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
            if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
                return app(environ, start_response)
            path = environ.get("PATH_INFO")
            if path == HEALTH_PATH:
                return text_reply(start_response, "200 OK", "ok")
            if path == READY_PATH:
                reason = self.readiness.not_ready_because()
                if reason is None:
                    return text_reply(start_response, "200 OK", "ready")
                return text_reply(start_response, "503 Service Unavailable", f"not ready: {reason}")
            if path == METRICS_PATH:
                body = self._metrics.exposition()
                start_response("200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))])
                return [body]
            return app(environ, start_response)

        return answer


def not_found(environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Behind the operator endpoints in Socket Mode, where nothing else is served over HTTP."""
    return text_reply(start_response, "404 Not Found", "not found")
