"""OAuth mode: the bot installed in many workspaces (or Enterprise Grid orgs), each with a bot
token of its own, kept by slack_sdk's SQLAlchemy installation store beside the OAuth state
store, in the bot's database.

A workspace is known by its Enterprise Grid org id and its team id; an org-wide install
(`is_enterprise_install`) by the org id alone, its team id None, as the installation
store keys it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

import sqlalchemy
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.sqlalchemy_utils import normalize_datetime_for_db
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.engine import Engine

from .settings import Settings
from .web_client import client_with_token

logger = logging.getLogger("placement")

# The events after which a workspace may be forgotten (event_answers.py).
WORKSPACE_REMOVALS = frozenset({"app_uninstalled", "tokens_revoked"})


def removes_workspace(event: Mapping[str, Any]) -> bool:
    """An uninstall, or the bot's token revoked; a revoked user token (the bot asks for no
    user scopes, but an installer's may be revoked all the same) leaves the bot working."""
    if event.get("type") == "tokens_revoked":
        return bool(((event.get("tokens") or {}).get("bot")))
    return event.get("type") == "app_uninstalled"
# Bolt's own default: an install must be completed within 10 minutes of opening the page.
STATE_EXPIRATION_SECONDS = 600

# What `forget_workspace(enterprise_id, team_id)` is: called once a workspace uninstalled
# the bot or revoked its token; deletes everything the bot keeps of that workspace.
ForgetWorkspace = Callable[[str | None, str | None], None]


def database_engine(settings: Settings) -> Engine:
    """The one place the SQLAlchemy engine is made; everything else is handed it."""
    return sqlalchemy.create_engine(f"sqlite:///{settings.database_path}")


@dataclass(frozen=True)
class Workspace:
    enterprise_id: str | None
    team_id: str | None
    is_enterprise_install: bool = False

    @classmethod
    def of(cls, fields: Mapping[str, Any]) -> "Workspace":
        """From Bolt's context of a request, or an event's stored payload (event_claims.py):
        both hold `enterprise_id`, `team_id` and `is_enterprise_install`."""
        return cls(fields.get("enterprise_id"), fields.get("team_id"), bool(fields.get("is_enterprise_install")))

    @property
    def installation_team_id(self) -> str | None:
        """An org-wide install is one installation for every workspace of the org."""
        return None if self.is_enterprise_install else self.team_id


@dataclass(frozen=True)
class InstallationStores:
    installations: SQLAlchemyInstallationStore
    states: SQLAlchemyOAuthStateStore

    def forget(self, enterprise_id: str | None, team_id: str | None) -> None:
        """Deletes the workspace's installations and bot tokens."""
        self.installations.delete_all(enterprise_id=enterprise_id, team_id=team_id)

    def forget_expired_states(self) -> None:
        """The state store deletes a state when it is used, never one left unused: every
        visit to the install page leaves one. The expired ones are deleted here."""
        states = self.states.oauth_states
        now = normalize_datetime_for_db(datetime.now(tz=timezone.utc))
        with self.states.engine.begin() as connection:
            connection.execute(states.delete().where(states.c.expire_at < now))

    def client_for(self, workspace: Workspace, template: WebClient) -> WebClient | None:
        """A client with the workspace's bot token and `template`'s settings; None once it is
        not installed any more."""
        bot = self.installations.find_bot(enterprise_id=workspace.enterprise_id, team_id=workspace.team_id,
                                          is_enterprise_install=workspace.is_enterprise_install)
        return client_with_token(template, bot.bot_token) if bot and bot.bot_token else None


# A store has up to two tables: each look may find one more created by another process.
CREATE_ATTEMPTS = 3


def open_installation_stores(engine: Engine, client_id: str) -> InstallationStores:
    """Creates the stores' tables if they are missing, safely when several processes start at
    once: the one that loses the race to create a table finds it there on a second look."""
    stores = InstallationStores(SQLAlchemyInstallationStore(client_id=client_id, engine=engine),
                                SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine))
    for store in (stores.installations, stores.states):
        for attempt in range(CREATE_ATTEMPTS):
            try:
                store.create_tables()
                break
            except sqlalchemy.exc.DBAPIError:  # "already exists": one of its tables was created meanwhile by another process
                if attempt == CREATE_ATTEMPTS - 1:
                    raise
    return stores


@dataclass(frozen=True)
class OAuthMode:
    """What build_bot needs to serve many workspaces."""
    client_id: str
    client_secret: str
    stores: InstallationStores
    forget_workspace: ForgetWorkspace
