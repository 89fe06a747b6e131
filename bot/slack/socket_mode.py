"""Socket Mode: Slack pushes events over a WebSocket the bot opens, so no public URL is needed."""

from __future__ import annotations

import threading

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler


def open_socket_mode(app: App, app_token: str) -> SocketModeHandler:
    """Opens the WebSocket. slack_sdk's client does not raise when it cannot (it logs and
    retries every 10 s), so a first connection that did not open raises ConnectionError here."""
    handler = SocketModeHandler(app, app_token)
    handler.connect()
    if not handler.client.is_connected():
        handler.close()
        raise ConnectionError("the Socket Mode WebSocket did not open")
    return handler


def serve_socket_mode(handler: SocketModeHandler, stopping: threading.Event) -> None:
    """Serves until `stopping` is set. Answers still running in Bolt's listener executor are
    the caller's to wait for."""
    try:
        stopping.wait()
    finally:
        handler.close()
