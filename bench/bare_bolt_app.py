"""The floor for bench/slack_bench.py: a bare Bolt app that answers every mention
in its thread with a fixed text, served exactly as `placement serve --http` serves
the bot (same HTTP server, same WebClient, same number of answer threads), with
none of the bot's work: no understanding, rules, database or Block Kit.

    SLACK_BOT_TOKEN=... SLACK_SIGNING_SECRET=... SLACK_API_URL=... PORT=... python bench/bare_bolt_app.py
"""

from __future__ import annotations

import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from slack_bolt import App  # noqa: E402

from bot.slack.http_server import HttpServer  # noqa: E402
from bot.slack.server import ANSWER_THREADS  # noqa: E402
from bot.slack.web_client import build_web_client  # noqa: E402


def main() -> None:
    client = build_web_client(os.environ["SLACK_BOT_TOKEN"], os.environ["SLACK_API_URL"])
    answers = ThreadPoolExecutor(max_workers=ANSWER_THREADS)
    app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"], listener_executor=answers)

    @app.event("app_mention")
    def reply(event: dict, client) -> None:
        client.chat_postMessage(channel=event["channel"], thread_ts=event.get("thread_ts") or event["ts"], text="Run it in containers.")

    server = HttpServer(app, "127.0.0.1", int(os.environ["PORT"]), os.environ["SLACK_SIGNING_SECRET"])
    signal.signal(signal.SIGTERM, lambda *_: server.stop())
    server.run()
    answers.shutdown(wait=True)


if __name__ == "__main__":
    main()
