"""HTTP mode: Bolt's WSGI adapter under waitress, events, commands and interactivity all at
/slack/events. waitress answers requests from a pool of threads, so one slow request does
not hold up the others."""

from __future__ import annotations

import threading
import time

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import wasyncore
from waitress.server import create_server

EVENTS_PATH = "/slack/events"
HTTP_THREADS = 8
POLL_SECONDS = 0.2
DRAIN_SECONDS = 5.0


class HttpServer:
    def __init__(self, app: App, host: str, port: int, threads: int = HTTP_THREADS) -> None:
        self._sockets: dict = {}
        self._server = create_server(
            SlackRequestHandler(app, path=EVENTS_PATH), map=self._sockets, host=host, port=port, threads=threads, ident="placement"
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
