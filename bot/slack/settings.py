"""The app's configuration, read from the environment only (secrets never live in files)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping

from ..storage.event_ledger import DEFAULT_LEASE_SECONDS

DEFAULT_PORT = 3000
DEFAULT_DATABASE = "placement.sqlite3"
SLACK_API_DEFAULT = "https://slack.com/api/"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_RETENTION_DAYS = 30.0
# What `placement serve --help` lists; the README's Settings table says the same at length.
ENVIRONMENT = (
    ("SLACK_BOT_TOKEN", "bot token, xoxb-... (required)"),
    ("SLACK_SIGNING_SECRET", "verifies requests came from Slack (required in HTTP mode)"),
    ("SLACK_APP_TOKEN", "app-level token, xapp-...; selects Socket Mode (required there)"),
    ("PORT", f"HTTP port for Slack (HTTP mode) and /healthz, /readyz, /metrics (default {DEFAULT_PORT})"),
    ("PLACEMENT_DB", f"SQLite file for conversations, handled events, answer records and votes (default {DEFAULT_DATABASE})"),
    ("SLACK_API_URL", f"Slack Web API base URL (default {SLACK_API_DEFAULT})"),
    ("LOG_LEVEL", f"{', '.join(LOG_LEVELS)} (default INFO)"),
    ("PLACEMENT_RETENTION_DAYS", f"days conversations, handled events, answer records and votes are kept "
                                 f"(default {DEFAULT_RETENTION_DAYS:g})"),
    ("PLACEMENT_LEASE_SECONDS", f"how long an answer's claim on an event lasts unrenewed (default {DEFAULT_LEASE_SECONDS:g})"),
)


class MissingSetting(Exception):
    """A required environment variable is missing or unusable; the message names it."""


@dataclass(frozen=True)
class Settings:
    bot_token: str = field(repr=False)
    signing_secret: str = field(repr=False)  # empty in Socket Mode, where Slack signs nothing
    app_token: str | None = field(repr=False)
    api_url: str
    port: int
    database_path: str
    log_level: str
    retention_days: float = DEFAULT_RETENTION_DAYS
    lease_seconds: float = DEFAULT_LEASE_SECONDS

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.bot_token, self.signing_secret, self.app_token) if s)


def read_settings(socket_mode: bool, environ: Mapping[str, str] = os.environ) -> Settings:
    def required(name: str, hint: str) -> str:
        value = environ.get(name, "").strip()
        if not value:
            raise MissingSetting(f"{name} is not set: {hint}")
        return value

    bot_token = required("SLACK_BOT_TOKEN", "the Bot User OAuth Token (xoxb-...) from your app's OAuth & Permissions page")
    if bot_token.startswith("xapp-"):
        raise MissingSetting("SLACK_BOT_TOKEN holds an app-level token (xapp-...): that one goes in SLACK_APP_TOKEN; "
                             "the bot token (xoxb-...) is on OAuth & Permissions")
    if socket_mode:
        app_token = required("SLACK_APP_TOKEN", "an app-level token (xapp-...) with connections:write, from Basic Information")
        if app_token.startswith("xox"):
            raise MissingSetting("SLACK_APP_TOKEN holds a bot or user token (xox...): it needs an app-level token (xapp-...) "
                                 "with connections:write, from Basic Information")
        signing_secret = environ.get("SLACK_SIGNING_SECRET", "").strip()
    else:
        app_token = None
        signing_secret = required("SLACK_SIGNING_SECRET", "the Signing Secret from your app's Basic Information page")
    port_text = environ.get("PORT", "").strip() or str(DEFAULT_PORT)
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise MissingSetting(f"PORT is not a port number (0-65535): {port_text[:20]!r}")
    log_level = environ.get("LOG_LEVEL", "").strip().upper() or "INFO"
    if log_level not in LOG_LEVELS:
        raise MissingSetting(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {log_level[:20]!r}")
    api_url = environ.get("SLACK_API_URL", "").strip() or SLACK_API_DEFAULT
    if not api_url.startswith(("https://", "http://")):
        raise MissingSetting(f"SLACK_API_URL must start with https:// (or http:// for a local fake), not {api_url[:40]!r}")
    database_path = environ.get("PLACEMENT_DB", "").strip() or DEFAULT_DATABASE
    folder = os.path.dirname(os.path.abspath(database_path))
    if not os.path.isdir(folder):
        raise MissingSetting(f"PLACEMENT_DB: the folder {folder!r} does not exist; create it or point PLACEMENT_DB elsewhere")
    retention_days = read_retention_days(environ)
    lease_seconds = _positive_number(environ, "PLACEMENT_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)
    return Settings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=api_url if api_url.endswith("/") else api_url + "/",
        port=int(port_text),
        database_path=database_path,
        log_level=log_level,
        retention_days=retention_days,
        lease_seconds=lease_seconds,
    )


def read_retention_days(environ: Mapping[str, str] = os.environ) -> float:
    """PLACEMENT_RETENTION_DAYS (`placement kb misses` reads it too); raises MissingSetting."""
    return _positive_number(environ, "PLACEMENT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def _positive_number(environ: Mapping[str, str], name: str, default: float) -> float:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise MissingSetting(f"{name} must be a number above 0, not {text[:20]!r}")
    return value
