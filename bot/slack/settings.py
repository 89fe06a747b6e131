"""The app's configuration, read from the environment only (secrets never live in files)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Mapping

from ..storage.engines import BadDatabaseUrl, database_url
from ..storage.event_ledger import DEFAULT_LEASE_SECONDS

DEFAULT_PORT = 3000
DEFAULT_DATABASE = "placement.sqlite3"
SLACK_API_DEFAULT = "https://slack.com/api/"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_RETENTION_DAYS = 30.0
# What `placement serve --help` lists; the README's Settings table says the same at length.
ENVIRONMENT = (
    ("SLACK_BOT_TOKEN", "bot token, xoxb-... (required, except in OAuth mode)"),
    ("SLACK_CLIENT_ID", "with SLACK_CLIENT_SECRET: OAuth mode, installed in many workspaces from /slack/install"),
    ("SLACK_CLIENT_SECRET", "the app's Client Secret (OAuth mode)"),
    ("SLACK_SIGNING_SECRET", "verifies requests came from Slack (required in HTTP mode)"),
    ("SLACK_APP_TOKEN", "app-level token, xapp-...; selects Socket Mode (required there)"),
    ("PORT", f"HTTP port for Slack (HTTP mode) and /healthz, /readyz, /metrics (default {DEFAULT_PORT})"),
    ("DATABASE_URL", "postgresql://user:password@host:5432/database: a Postgres shared by every replica (default: SQLite, below)"),
    ("PLACEMENT_DB", f"SQLite file for conversations, handled events, answer records and votes when DATABASE_URL is unset "
                     f"(default {DEFAULT_DATABASE})"),
    ("SLACK_API_URL", f"Slack Web API base URL (default {SLACK_API_DEFAULT})"),
    ("LOG_LEVEL", f"{', '.join(LOG_LEVELS)} (default INFO)"),
    ("PLACEMENT_RETENTION_DAYS", f"days conversations, handled events, answer records and votes are kept "
                                 f"(default {DEFAULT_RETENTION_DAYS:g})"),
    ("PLACEMENT_LEASE_SECONDS", f"how long an answer's claim on an event lasts unrenewed (default {DEFAULT_LEASE_SECONDS:g})"),
)


# Basic Information -> App Credentials shows the Client ID as two numbers joined by a dot.
_CLIENT_ID = re.compile(r"[0-9]+\.[0-9]+")


class MissingSetting(Exception):
    """A required environment variable is missing or unusable; the message names it."""


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = field(repr=False)  # None in OAuth mode: each workspace's comes from its installation
    signing_secret: str = field(repr=False)  # empty in Socket Mode, where Slack signs nothing
    app_token: str | None = field(repr=False)
    api_url: str
    port: int
    database_path: str  # the SQLite file, used when database_url is None
    log_level: str
    retention_days: float = DEFAULT_RETENTION_DAYS
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    database_url: str | None = field(default=None, repr=False)  # it may hold a password
    client_id: str | None = None  # set (with client_secret): OAuth mode
    client_secret: str | None = field(default=None, repr=False)

    @property
    def oauth(self) -> bool:
        """Installed in many workspaces through Slack's OAuth flow, rather than with one bot token."""
        return self.client_id is not None

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.bot_token, self.signing_secret, self.app_token, self.client_secret, self.database_password) if s)

    @property
    def database_location(self) -> str:
        return self.database_url or self.database_path

    @property
    def database_password(self) -> str | None:
        return database_url(self.database_url).password if self.database_url else None


def read_settings(socket_mode: bool, environ: Mapping[str, str] = os.environ) -> Settings:
    def required(name: str, hint: str) -> str:
        value = environ.get(name, "").strip()
        if not value:
            raise MissingSetting(f"{name} is not set: {hint}")
        return value

    client_id, client_secret = _oauth_credentials(environ, socket_mode)
    if client_id is None:
        bot_token: str | None = required("SLACK_BOT_TOKEN", "the Bot User OAuth Token (xoxb-...) from your app's OAuth & Permissions "
                                         "page (or, to install in many workspaces, SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)")
        if bot_token.startswith("xapp-"):
            raise MissingSetting("SLACK_BOT_TOKEN holds an app-level token (xapp-...): that one goes in SLACK_APP_TOKEN; "
                                 "the bot token (xoxb-...) is on OAuth & Permissions")
    else:
        bot_token = None
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
    url = environ.get("DATABASE_URL", "").strip() or None
    if url is not None:
        try:
            database_url(url)
        except BadDatabaseUrl as bad:
            raise MissingSetting(f"DATABASE_URL: {bad}") from None
    else:
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
        database_url=url,
        client_id=client_id,
        client_secret=client_secret,
    )


def _oauth_credentials(environ: Mapping[str, str], socket_mode: bool) -> tuple[str | None, str | None]:
    """(None, None) for single-token mode. A bot token beside them is refused: it would be
    unclear which workspace's token answers (Bolt itself would drop it with a warning)."""
    client_id = environ.get("SLACK_CLIENT_ID", "").strip()
    client_secret = environ.get("SLACK_CLIENT_SECRET", "").strip()
    if not client_id and not client_secret:
        return None, None
    if not client_id or not client_secret:
        missing, given = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET") if not client_id else ("SLACK_CLIENT_SECRET", "SLACK_CLIENT_ID")
        raise MissingSetting(f"{missing} is not set but {given} is: OAuth mode needs both, from your app's Basic Information page")
    if environ.get("SLACK_BOT_TOKEN", "").strip():
        raise MissingSetting("SLACK_BOT_TOKEN and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are both set: set the bot token for one "
                             "workspace, or the client id and secret to install in many (OAuth mode), not both")
    if socket_mode:
        raise MissingSetting("SLACK_CLIENT_ID/SLACK_CLIENT_SECRET (OAuth mode) need HTTP mode (`placement serve --http`): "
                             "the install pages are served over HTTP")
    if not _CLIENT_ID.fullmatch(client_id):
        raise MissingSetting(f"SLACK_CLIENT_ID is not a Client ID (two numbers joined by a dot, from Basic Information), "
                             f"not {client_id[:20]!r}")
    if client_secret.startswith(("xox", "xapp-")):
        raise MissingSetting("SLACK_CLIENT_SECRET holds a token: it needs the Client Secret from Basic Information -> App Credentials")
    return client_id, client_secret

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
