"""What `placement serve` checks before it writes anything or starts serving: that Slack is
reachable, that it accepts the tokens, and that the port is free. Each failure is one line
naming the setting and what to do about it."""

from __future__ import annotations

import errno
import logging
import socket
from contextlib import contextmanager
from http.client import HTTPException
from typing import Iterator

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from .log_redaction import SecretRedactor

HINTS = {
    "SLACK_BOT_TOKEN": "copy the Bot User OAuth Token (xoxb-...) again from your app's OAuth & Permissions page",
    "SLACK_APP_TOKEN": "generate an app-level token (xapp-...) with connections:write under Basic Information",
}


class StartFailure(Exception):
    """The server cannot start; the message is the one line to print."""


@contextmanager
def libraries_quiet() -> Iterator[None]:
    """slack_sdk logs every failed attempt (and its retries) before raising; the check says it
    once. Start-up is single-threaded, so switching logging off for its duration hides nothing else."""
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def check_token(client: WebClient, setting: str, redactor: SecretRedactor) -> dict:
    """Calls auth.test (SLACK_BOT_TOKEN) or apps.connections.open (SLACK_APP_TOKEN) once;
    returns what Slack answered."""
    api_url = client.base_url
    try:
        with libraries_quiet():
            if setting == "SLACK_APP_TOKEN":
                return client.apps_connections_open(app_token=client.token).data
            return client.auth_test().data
    except SlackApiError as error:
        status, code = error.response.status_code, error.response.get("error")
        if status >= 500 or code in ("ratelimited", "fatal_error", "service_unavailable"):
            raise StartFailure(f"Slack's API at {api_url} answered HTTP {status} ({code}); try again in a minute") from None
        raise StartFailure(f"{setting} was refused by Slack ({code}): {HINTS[setting]}") from None
    except (OSError, HTTPException, ValueError) as error:
        reason = redactor.redact(" ".join(str(getattr(error, "reason", None) or error).split()))[:200]
        raise StartFailure(
            f"cannot reach Slack's API at {api_url} ({reason}): check the network, HTTPS_PROXY, or SLACK_API_URL"
        ) from None


def check_port_free(host: str, port: int) -> None:
    """Binds the port as the server will (SO_REUSEADDR, like waitress) and lets it go again."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise port_failure(port, error) from None


def port_failure(port: int, error: OSError) -> StartFailure:
    if error.errno == errno.EADDRINUSE:
        return StartFailure(f"PORT {port} is already in use by another program: stop it, or set PORT to a free port")
    if error.errno == errno.EACCES:
        return StartFailure(f"PORT {port} needs more privileges than this user has: set PORT to 1024 or above")
    return StartFailure(f"PORT {port} cannot be listened on: {error.strerror or error}")
