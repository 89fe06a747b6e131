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
    if socket_mode:
        app_token = required("SLACK_APP_TOKEN", "an app-level token (xapp-...) with connections:write, from Basic Information")
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
    retention_days = _positive_number(environ, "PLACEMENT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    lease_seconds = _positive_number(environ, "PLACEMENT_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)
    return Settings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=api_url if api_url.endswith("/") else api_url + "/",
        port=int(port_text),
        database_path=environ.get("PLACEMENT_DB", "").strip() or DEFAULT_DATABASE,
        log_level=log_level,
        retention_days=retention_days,
        lease_seconds=lease_seconds,
    )


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
