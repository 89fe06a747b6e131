"""`placement serve`: configuration from the environment, then HTTP mode or Socket Mode until
SIGTERM, which lets the answers in flight finish before the process exits, within a bound:
HTTP requests already received get DRAIN_SECONDS (http_server.py), answers
ANSWER_DRAIN_SECONDS (app_factory.py), the database's queued writes a few seconds. An
answer still waiting on Slack then is handed back, unfinished, for another process or the
next start to answer."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from typing import Callable, Mapping, TextIO

from slack_sdk import WebClient

from ..knowledge import DEFAULT_DIRECTORY, KnowledgeError
from ..reloadable_advisor import ReloadableAdvisor
from ..storage.conversations import ConversationStore
from ..storage.database import Database, DatabaseError, describe, open_database
from ..storage.engines import database_url
from .answer_threads import AnswerThreads
from .app_factory import build_bot
from .http_server import DRAIN_SECONDS, EVENTS_PATH, HttpServer
from .installations import OAuthMode, open_installation_stores
from .log_redaction import SecretRedactor, configure_logging
from .metrics import BotMetrics
from .operator_endpoints import OperatorEndpoints, Readiness
from .settings import MissingSetting, Settings, read_settings
from .socket_mode import open_socket_mode, serve_socket_mode
from .start_checks import StartFailure, check_port_free, check_token, libraries_quiet, port_failure
from .web_client import build_web_client
from .workspaces import workspace_of

EXIT_BAD_CONFIGURATION = 2
HTTP_HOST = "0.0.0.0"
ANSWER_THREADS = 8

logger = logging.getLogger("placement")


class _WithoutTheClientTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself and, since the bot hands it a
    ready WebClient with that same token, warns on every start that the token is unused."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.App").addFilter(_WithoutTheClientTokenWarning())


def wants_socket_mode(forced: str | None, environ: Mapping[str, str]) -> bool:
    """`--http` / `--socket-mode` decide; otherwise an app token means Socket Mode."""
    if forced is not None:
        return forced == "socket-mode"
    return bool(environ.get("SLACK_APP_TOKEN", "").strip())


def serve(
    err: TextIO, forced_mode: str | None = None, environ: Mapping[str, str] = os.environ, knowledge: str = DEFAULT_DIRECTORY
) -> int:
    """Every way the start can fail ends here in one line (a broken knowledge base: one line per
    problem), before anything is written to disk."""
    socket_mode = wants_socket_mode(forced_mode, environ)
    try:
        settings = read_settings(socket_mode, environ)
    except MissingSetting as problem:
        print(f"placement: {problem}", file=err)
        return EXIT_BAD_CONFIGURATION
    try:
        advisor = ReloadableAdvisor(knowledge)
    except KnowledgeError as error:
        for problem in error.problems:
            print(problem, file=err)
        print(f"placement: the knowledge base in {knowledge} is broken; not starting", file=err)
        return EXIT_BAD_CONFIGURATION
    handler = configure_logging(settings.secrets, err, settings.log_level)
    try:
        return _serve(settings, socket_mode, advisor)
    except StartFailure as failure:
        print(f"placement: {failure}", file=err)
        return EXIT_BAD_CONFIGURATION
    finally:
        logging.getLogger().removeHandler(handler)


def _serve(settings: Settings, socket_mode: bool, advisor: ReloadableAdvisor) -> int:
    redactor = SecretRedactor(settings.secrets)
    metrics = BotMetrics()
    client = build_web_client(settings.bot_token, settings.api_url, metrics)
    # In OAuth mode each workspace's token is checked by Bolt as its requests come.
    token_owner = None if settings.oauth else workspace_of(check_token(client, "SLACK_BOT_TOKEN", redactor))
    if socket_mode:
        check_token(build_web_client(str(settings.app_token), settings.api_url), "SLACK_APP_TOKEN", redactor)
    check_port_free(HTTP_HOST, settings.port)  # Slack's events in HTTP mode; the operator endpoints in both
    created = settings.database_url is None and not os.path.exists(settings.database_path)
    database = _open_database(settings, redactor)
    try:
        if token_owner is not None:  # conversations kept before they had a workspace were this token's workspace's
            ConversationStore(database).adopt_rows_of_no_workspace(token_owner)
        oauth = _oauth_mode(settings, database) if settings.oauth else None
        return _run(settings, socket_mode, advisor, client, database, redactor, metrics, oauth)
    except (StartFailure, DatabaseError) as failure:
        database.close()
        if created:  # a failed start leaves nothing behind
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(settings.database_path + suffix)
        if isinstance(failure, DatabaseError):
            raise StartFailure(f"the database stopped answering during start-up: {redactor.redact(describe(failure))}") from None
        raise


def _open_database(settings: Settings, redactor: SecretRedactor) -> Database:
    """Creates or upgrades the schema (several replicas starting together do it once)."""
    try:
        return open_database(settings.database_location)
    except DatabaseError as error:
        raise StartFailure(f"{_where(settings)}: {redactor.redact(describe(error))}") from None


def _where(settings: Settings) -> str:
    if settings.database_url:
        parsed = database_url(settings.database_url)
        return f"DATABASE_URL: cannot reach or use the database at {parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"
    return f"PLACEMENT_DB: cannot open the database {settings.database_path!r}"


def _oauth_mode(settings: Settings, database: Database) -> OAuthMode:
    """The installation and OAuth state stores, in the bot's own database."""
    stores = open_installation_stores(database, str(settings.client_id))
    return OAuthMode(str(settings.client_id), str(settings.client_secret), stores)


def _run(settings: Settings, socket_mode: bool, advisor: ReloadableAdvisor, client: WebClient, database: Database,
         redactor: SecretRedactor, metrics: BotMetrics, oauth: OAuthMode | None) -> int:
    # From here on SIGTERM stops the process in order, whenever it comes: before the server
    # listens, while it warms up, or once it serves.
    stopping = threading.Event()
    _on_stop_signals(stopping.set)
    answers = AnswerThreads(ANSWER_THREADS)
    try:
        bot = build_bot(client, settings.signing_secret, advisor, database, answers, settings.lease_seconds, settings.retention_days,
                        metrics, oauth, vote_key=settings.signing_secret or settings.app_token)
    except Exception as error:  # Slack turned the token down after all, between the check and now
        if oauth is not None:  # nothing asks Slack then
            raise StartFailure(f"could not set up OAuth mode: {redactor.redact(str(error))}") from None
        raise StartFailure(f"Slack did not accept SLACK_BOT_TOKEN (auth.test at {settings.api_url}): {redactor.redact(str(error))}") from None

    if socket_mode:
        try:
            with libraries_quiet():
                handler = open_socket_mode(bot.app, str(settings.app_token))
        except OSError:
            raise StartFailure(
                "Slack accepted SLACK_APP_TOKEN but its Socket Mode WebSocket (wss://) did not open: check that outgoing "
                "WebSocket connections are allowed (firewall, HTTPS_PROXY)"
            ) from None
        logger.info("connected to Slack in Socket Mode")
    readiness = Readiness(advisor, database, metrics)
    try:
        server = HttpServer(None if socket_mode else bot.app, HTTP_HOST, settings.port, settings.signing_secret,
                            operator_endpoints=OperatorEndpoints(readiness, metrics))
    except OSError as error:  # taken since the check
        if socket_mode:
            handler.close()
        raise port_failure(settings.port, error) from None
    threading.Thread(target=_warm_up_then_ready, args=(advisor, readiness), name="warm-up", daemon=True).start()
    bot.upkeep.start()
    signal.signal(signal.SIGHUP, lambda *_: threading.Thread(target=_reload, args=(advisor,), name="reload", daemon=True).start())
    threading.Thread(target=_stop_when, args=(stopping, server.stop), name="stop", daemon=True).start()
    if socket_mode:
        operator_server = threading.Thread(target=server.run, name="operator-endpoints", daemon=True)
        operator_server.start()
        logger.info("serving /healthz, /readyz and /metrics on port %d", server.port)
        serve_socket_mode(handler, stopping)
        operator_server.join(timeout=DRAIN_SECONDS * 2)
    else:
        logger.info("listening for Slack on port %d at %s", server.port, EVENTS_PATH)
        if oauth is not None:
            logger.info("installs start at %s", bot.app.oauth_flow.install_path)
        server.run()
    logger.info("stopping: finishing the answers in flight")
    bot.wind_down()
    logger.info("stopped")
    return 0


def _warm_up_then_ready(advisor: ReloadableAdvisor, readiness: Readiness) -> None:
    """Ready once it ends, even if it failed: answers are only slower without it."""
    try:
        _warm_up(advisor)
    finally:
        readiness.warmed_up()


def _warm_up(advisor: ReloadableAdvisor) -> None:
    """Answers are served meanwhile (the warm-up only shares the engine's lock with them); a
    reload waits for it to end, as for any answer in flight."""
    started = time.monotonic()
    count = advisor.warm_up()
    logger.info("worked out %d fact combinations in advance in %.1f s", count, time.monotonic() - started)


def _reload(advisor: ReloadableAdvisor) -> None:
    """On SIGHUP, off the signal handler: loading takes a moment and the server goes on meanwhile."""
    reloaded, problems = advisor.reload()
    if not reloaded:
        for problem in problems:
            logger.error("%s", problem)
        logger.error("the knowledge base in %s has errors (above); still answering from the one loaded before", advisor.directory)
        return
    knowledge = advisor.knowledge
    logger.info("reloaded the knowledge base from %s: %d facts, %d rules", advisor.directory, len(knowledge.facts), len(knowledge.rules))
    _warm_up(advisor)


def _stop_when(stopping: threading.Event, stop: Callable[[], None]) -> None:
    stopping.wait()
    stop()


def _on_stop_signals(stop: Callable[[], None]) -> None:
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop())
