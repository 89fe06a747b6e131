"""HTTP mode: Bolt's WSGI adapter under waitress, events, commands and interactivity all at
/slack/events (and, in OAuth mode, the install pages at /slack/install and
/slack/oauth_redirect), behind the front door (bot/slack/front_door.py), with the operator endpoints
(/healthz, /readyz, /metrics) in front of both. In Socket Mode the same server serves the
operator endpoints alone. waitress answers requests from a pool of threads, so one slow
request does not hold up the others.

waitress's defaults let 100 idle connections stop every other request for about 150 s
(100 connections at most, idle ones closed after 120 s, checked every 30 s) and accept
bodies up to 1 GB. Here: many more connections than a Slack app ever has open, idle ones
closed after a few seconds, and bodies and headers bounded by what Slack sends."""

from __future__ import annotations

import resource
import threading
import time

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import wasyncore
from waitress.server import create_server

from .front_door import FrontDoor
from .operator_endpoints import OperatorEndpoints, not_found

EVENTS_PATH = "/slack/events"
HTTP_THREADS = 8
POLL_SECONDS = 0.2
DRAIN_SECONDS = 5.0
CONNECTION_LIMIT = 1000
# Slack sends a whole request at once; a connection silent this long is closed. waitress
# checks every CLEANUP_SECONDS.
IDLE_SECONDS = 10
CLEANUP_SECONDS = 1
# Slack's payloads are a few kB; a 40,000-character message, escaped, well under 1 MB.
MAX_BODY_BYTES = 1024 * 1024
MAX_HEADER_BYTES = 32 * 1024


class HttpServer:
    def __init__(self, app: App | None, host: str, port: int, signing_secret: str, threads: int = HTTP_THREADS,
                 operator_endpoints: OperatorEndpoints | None = None) -> None:
        """`app` None (Socket Mode): no Slack endpoint, only the operator endpoints."""
        _allow_open_files(CONNECTION_LIMIT + 256)
        served = FrontDoor(SlackRequestHandler(app, path=EVENTS_PATH), signing_secret, EVENTS_PATH, app.oauth_flow) if app else not_found
        self._sockets: dict = {}
        self._server = create_server(
            operator_endpoints.in_front_of(served) if operator_endpoints else served,
            map=self._sockets,
            host=host,
            port=port,
            threads=threads,
            ident="placement",
            connection_limit=CONNECTION_LIMIT,
            channel_timeout=IDLE_SECONDS,
            cleanup_interval=CLEANUP_SECONDS,
            max_request_body_size=MAX_BODY_BYTES,
            max_request_header_size=MAX_HEADER_BYTES,
        )
        self._stopping = threading.Event()

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def run(self) -> None:
        """Serves until `stop()`; then stops accepting and lets the requests already
        received get their response. Answers still running in Bolt's listener executor
        are the caller's to wait for."""
        while not self._stopping.is_set():
            wasyncore.loop(timeout=POLL_SECONDS, map=self._sockets, use_poll=True, count=1)
        self._server.accepting = False
        deadline = time.monotonic() + DRAIN_SECONDS
        while self._requests_in_flight() and time.monotonic() < deadline:
            wasyncore.loop(timeout=0.05, map=self._sockets, use_poll=True, count=1)
        self._server.task_dispatcher.shutdown()
        wasyncore.close_all(self._sockets)

    def stop(self) -> None:
        """Safe to call from a signal handler or another thread."""
        self._stopping.set()

    def _requests_in_flight(self) -> bool:
        dispatcher = self._server.task_dispatcher
        channels = list(self._server.active_channels.values())
        return bool(dispatcher.queue or dispatcher.active_count or any(c.requests or c.total_outbufs_len for c in channels))


def _allow_open_files(wanted: int) -> None:
    """Each connection is a file descriptor; a soft limit of 1024 would cap the connections."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))
