"""`placement serve`: configuration from the environment, then HTTP mode or Socket Mode until
SIGTERM, which lets the answers in flight finish before the process exits, within a bound:
HTTP requests already received get DRAIN_SECONDS (http_server.py), answers
ANSWER_DRAIN_SECONDS (app_factory.py), the database's queued writes a few seconds. An
answer still waiting on Slack then is handed back, unfinished, for another process or the
next start to answer."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import threading
import time
from typing import Callable, Mapping, TextIO

from ..advisor import Advisor
from ..knowledge import KnowledgeError
from ..storage.sqlite_database import SqliteDatabase
from .answer_threads import AnswerThreads
from .app_factory import build_bot
from .http_server import EVENTS_PATH, HttpServer
from .log_redaction import SecretRedactor, configure_logging
from .settings import MissingSetting, Settings, read_settings
from .socket_mode import run_socket_mode
from .web_client import build_web_client

EXIT_BAD_CONFIGURATION = 2
HTTP_HOST = "0.0.0.0"
ANSWER_THREADS = 8

logger = logging.getLogger("placement")


def wants_socket_mode(forced: str | None, environ: Mapping[str, str]) -> bool:
    """`--http` / `--socket-mode` decide; otherwise an app token means Socket Mode."""
    if forced is not None:
        return forced == "socket-mode"
    return bool(environ.get("SLACK_APP_TOKEN", "").strip())


def serve(err: TextIO, forced_mode: str | None = None, environ: Mapping[str, str] = os.environ) -> int:
    socket_mode = wants_socket_mode(forced_mode, environ)
    try:
        settings = read_settings(socket_mode, environ)
    except MissingSetting as problem:
        print(f"placement: {problem}", file=err)
        return EXIT_BAD_CONFIGURATION
    handler = configure_logging(settings.secrets, err, settings.log_level)
    try:
        return _serve(settings, socket_mode, err)
    finally:
        logging.getLogger().removeHandler(handler)


def _serve(settings: Settings, socket_mode: bool, err: TextIO) -> int:
    try:
        advisor = Advisor.from_directory()
    except KnowledgeError as error:
        for problem in error.problems:
            print(problem, file=err)
        print("placement: the knowledge base is broken; not starting", file=err)
        return EXIT_BAD_CONFIGURATION
    try:
        database = SqliteDatabase(settings.database_path)
    except sqlite3.Error as error:
        print(f"placement: PLACEMENT_DB: cannot open the database {settings.database_path!r}: {error}", file=err)
        return EXIT_BAD_CONFIGURATION
    answers = AnswerThreads(ANSWER_THREADS)
    try:
        bot = build_bot(
            build_web_client(settings.bot_token, settings.api_url), settings.signing_secret, advisor, database, answers,
            settings.lease_seconds, settings.retention_days,
        )
    except Exception as error:  # auth.test failed: a wrong token, or Slack unreachable
        message = SecretRedactor(settings.secrets).redact(str(error))
        print(f"placement: Slack did not accept SLACK_BOT_TOKEN (auth.test at {settings.api_url}): {message}", file=err)
        return EXIT_BAD_CONFIGURATION

    threading.Thread(target=_warm_up, args=(advisor,), name="warm-up", daemon=True).start()
    bot.upkeep.start()
    stopping = threading.Event()
    if socket_mode:
        _on_stop_signals(stopping.set)
        logger.info("connecting to Slack in Socket Mode")
        run_socket_mode(bot.app, str(settings.app_token), stopping)
    else:
        server = HttpServer(bot.app, HTTP_HOST, settings.port, settings.signing_secret)
        _on_stop_signals(server.stop)
        logger.info("listening for Slack on port %d at %s", server.port, EVENTS_PATH)
        server.run()
    logger.info("stopping: finishing the answers in flight")
    bot.wind_down()
    logger.info("stopped")
    return 0


def _warm_up(advisor: Advisor) -> None:
    """Answers are served meanwhile; the warm-up only shares the engine's lock with them."""
    started = time.monotonic()
    count = advisor.warm_up()
    logger.info("worked out %d fact combinations in advance in %.1f s", count, time.monotonic() - started)


def _on_stop_signals(stop: Callable[[], None]) -> None:
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop())
