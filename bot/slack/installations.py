"""OAuth mode: the bot installed in many workspaces (or Enterprise Grid orgs), each with a bot
token of its own, kept by slack_sdk's SQLAlchemy installation store beside the OAuth state
store, in the bot's database.

A workspace (bot/storage/interface.py) is known by its Enterprise Grid org id and its team
id; an org-wide install (`is_enterprise_install`) by the org id alone, as the installation
store keys it too."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.sqlalchemy_utils import normalize_datetime_for_db
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from ..storage.database import Database
from ..storage.interface import Workspace
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

# Called once a workspace uninstalled the bot or revoked its token (event_answers.py).
ForgetWorkspace = Callable[[Workspace], None]


@dataclass(frozen=True)
class InstallationStores:
    installations: SQLAlchemyInstallationStore
    states: SQLAlchemyOAuthStateStore

    def forget(self, workspace: Workspace) -> None:
        """Deletes the workspace's installations and bot tokens."""
        self.installations.delete_all(enterprise_id=workspace.enterprise_id or None, team_id=workspace.team_id or None)

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
        bot = self.installations.find_bot(enterprise_id=workspace.enterprise_id or None, team_id=workspace.team_id or None,
                                          is_enterprise_install=workspace.is_org_wide)
        return client_with_token(template, bot.bot_token) if bot and bot.bot_token else None


def open_installation_stores(database: Database, client_id: str) -> InstallationStores:
    """The stores, in the bot's database; their tables are created if missing, under the lock
    the bot's own migration takes, so several processes starting at once create them once."""
    stores = InstallationStores(SQLAlchemyInstallationStore(client_id=client_id, engine=database.engine),
                                SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=database.engine))
    database.create_missing_tables(stores.installations.metadata, stores.states.metadata)
    return stores


@dataclass(frozen=True)
class OAuthMode:
    """What build_bot needs to serve many workspaces."""
    client_id: str
    client_secret: str
    stores: InstallationStores
    # What an uninstall deletes of the installation (the bot's own data of the workspace is
    # deleted beside it, app_factory.py).
    forget_installation: ForgetWorkspace | None = None

    def forget(self, workspace: Workspace) -> None:
        (self.forget_installation or self.stores.forget)(workspace)
