"""Builds the Bolt app. Building calls Slack's auth.test, so it happens here, at start-up,
never at import.

Two modes: one workspace with the bot token of `client`, or (OAuth mode, `oauth` given)
any number of workspaces installed through Bolt's OAuth flow, each request answered with
its own workspace's token from the installation store."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urljoin

from slack_bolt import App
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from ..advisor import Advisor
from ..storage.conversations import ConversationStore
from ..storage.database import Database, DatabaseError, describe
from ..storage.event_ledger import DEFAULT_LEASE_SECONDS, DatabaseEventLedger
from ..storage.feedback import FeedbackStore
from ..storage.interface import EventLedger, Workspace
from .answer_feedback import AnswerFeedback
from .answer_threads import AnswerThreads
from .conversation_replies import ConversationReplies
from .early_ack import acknowledge_at_once
from .event_answers import EventAnswers
from .event_claims import claim_every_event
from .install_pages import INSTALL_CALLBACKS
from .installations import OAuthMode
from .listeners import ListenerParts, register_listeners
from .metrics import BotMetrics
from .settings import DEFAULT_RETENTION_DAYS
from .upkeep import Upkeep

# How long the answers submitted before a stop may take to finish; see SlackBot.wind_down.
ANSWER_DRAIN_SECONDS = 10.0
# What an install asks each workspace for: the manifest's bot scopes, no user scopes.
BOT_SCOPES = ("app_mentions:read", "chat:write", "commands", "im:history")

logger = logging.getLogger("placement")


@dataclass(frozen=True)
class SlackBot:
    app: App
    ledger: EventLedger
    upkeep: Upkeep  # not started: the caller starts it once it serves
    answers: AnswerThreads
    database: Database
    metrics: BotMetrics

    def wind_down(self, answer_drain_seconds: float = ANSWER_DRAIN_SECONDS) -> None:
        """Once no more requests come in: lets the answers submitted finish, for at most
        `answer_drain_seconds`; hands back to other processes every event not finished
        by then; lets the database take its queued writes. Bounded even when Slack hangs."""
        self.upkeep.stop_taking_work()
        if not self.answers.stop(answer_drain_seconds):
            logger.warning("stopping with answers still waiting on Slack; they are handed back, to be answered by another "
                           "process or after the next start")
        self.upkeep.stop()
        try:
            self.ledger.hand_back()
        except DatabaseError as error:
            logger.warning("could not hand back the unfinished events (database: %s); they are taken over once their lease "
                           "runs out", describe(error))
        if not self.database.close():
            logger.warning("stopped before the database took every write: some threads may forget what was said")


def build_bot(client: WebClient, signing_secret: str, advisor: Advisor, database: Database, answers: AnswerThreads,
              lease_seconds: float = DEFAULT_LEASE_SECONDS, retention_days: float = DEFAULT_RETENTION_DAYS,
              metrics: BotMetrics | None = None, oauth: OAuthMode | None = None, vote_key: str | None = None) -> SlackBot:
    """Bolt runs the listeners, which answer, on `answers`. Every event is recorded in the
    ledger, and everything Slack sends acknowledged, before a listener runs, so answers
    stuck on a hung Slack never delay an ack. To stop: stop taking requests, then
    `wind_down()`. `metrics`: the ones `client` counts its calls in (build_web_client), if any.
    `oauth`: OAuth mode; `client` then has no token, only the settings every workspace's
    client copies. `vote_key`: the secret votes' voters are hashed with (default: the signing secret)."""
    metrics = metrics or BotMetrics()
    app = _app(client, signing_secret, answers, oauth)
    ledger = DatabaseEventLedger(database, lease_seconds)
    conversations = ConversationStore(database)
    feedback_store = FeedbackStore(database, (vote_key or signing_secret).encode())
    feedback = AnswerFeedback(feedback_store, metrics)
    replies = ConversationReplies(advisor, conversations, metrics, feedback)

    def forget_workspace(workspace: Workspace) -> None:
        """After an uninstall: its installation (OAuth mode), and what the bot kept of it."""
        if oauth is not None:
            oauth.forget(workspace)
        conversations.forget_workspace(workspace)
        feedback_store.forget_workspace(workspace)

    event_answers = EventAnswers(replies, ledger, metrics, forget_workspace)
    app.middleware(acknowledge_at_once(replies))
    app.middleware(claim_every_event(ledger, metrics))
    register_listeners(app, ListenerParts(replies, event_answers, feedback))
    if oauth is None:
        def client_for(_: Workspace) -> WebClient | None:
            return app.client
    else:
        def client_for(workspace: Workspace) -> WebClient | None:
            return oauth.stores.client_for(workspace, app.client)
    upkeep = Upkeep(ledger, conversations, event_answers, answers, client_for, retention_days * 24 * 3600,
                    oauth.stores.forget_expired_states if oauth else None, feedback_store)
    return SlackBot(app, ledger, upkeep, answers, database, metrics)


def _app(client: WebClient, signing_secret: str, answers: AnswerThreads, oauth: OAuthMode | None) -> App:
    if oauth is None:
        return App(client=client, signing_secret=signing_secret, listener_executor=answers, name="placement")
    installations = oauth.stores.installations
    settings = OAuthSettings(
        client_id=oauth.client_id, client_secret=oauth.client_secret, scopes=list(BOT_SCOPES), user_scopes=[],
        installation_store=installations, installation_store_bot_only=True, state_store=oauth.stores.states,
        callback_options=INSTALL_CALLBACKS, authorization_url=authorize_url(client.base_url),
    )
    # Bolt's default asks auth.test about the workspace's token on every request, before the
    # ack; a token's answer does not change, so it is asked once per token and kept.
    authorize = InstallationStoreAuthorize(installation_store=installations, client_id=oauth.client_id, client_secret=oauth.client_secret,
                                           bot_only=True, cache_enabled=True, client=client, logger=logging.getLogger("slack_bolt.App"))
    return App(client=client, signing_secret=signing_secret, oauth_settings=settings, authorize=authorize,
               listener_executor=answers, name="placement")


def authorize_url(api_url: str) -> str:
    """Slack's page where a person approves the install: https://slack.com/oauth/v2/authorize
    beside https://slack.com/api/ (or beside a local fake's API)."""
    return urljoin(api_url, "../oauth/v2/authorize")
