"""Socket Mode: Slack pushes events over a WebSocket the bot opens, so no public URL is needed."""

from __future__ import annotations

import threading

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler


def run_socket_mode(app: App, app_token: str, stopping: threading.Event) -> None:
    """Connects, then serves until `stopping` is set. Answers still running in Bolt's
    listener executor are the caller's to wait for."""
    handler = SocketModeHandler(app, app_token)
    handler.connect()
    try:
        stopping.wait()
    finally:
        handler.close()
