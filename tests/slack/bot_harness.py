"""Drives the bot as Slack does: built by the production factory, served over real HTTP by
`placement serve`'s own server code, calling a fake Slack Web API on 127.0.0.1 through a
real WebClient, storing conversations in a real SQLite file. Requests are signed exactly
as Slack signs them."""

from __future__ import annotations

import html
import json
import os
import re
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Mapping
from urllib.parse import urlencode

from fake_slack_api import BOT_USER_ID, TEAM_ID, FakeSlackApi, FakeWorkspace
from slack_sdk.signature import SignatureVerifier

from bot.slack.answer_threads import AnswerThreads
from bot.slack.app_factory import build_bot
from bot.slack.http_server import EVENTS_PATH, HttpServer
from bot.slack.installations import OAuthMode, open_installation_stores
from bot.slack.metrics import BotMetrics
from bot.slack.operator_endpoints import OperatorEndpoints, Readiness
from bot.slack.server import ANSWER_THREADS
from bot.storage.event_ledger import DEFAULT_LEASE_SECONDS
from bot.storage.interface import Workspace
from bot.slack.web_client import build_web_client
from bot.storage.database import open_database

BOT_TOKEN = "xoxb-test-0000-secret-token"
SIGNING_SECRET = "test-signing-secret-0123456789"
CHANNEL = "C0CHANNEL"
DM_CHANNEL = "D0DIRECT"
USER = "U0PERSON"
WORKSPACE = Workspace("", TEAM_ID)  # where the harness's requests come from
CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "0123456789abcdef0123456789abcdef"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
_ids = count(1)
THE_WORKSPACE = FakeWorkspace(TEAM_ID)  # single-token mode's


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: str
    headers: Mapping[str, str] = field(default_factory=dict, compare=False)


class SlackSender:
    """Sends requests to the bot's /slack/events the way Slack does, signed."""

    def __init__(self, url: str, fake: FakeSlackApi) -> None:
        self.url = url
        self.fake = fake

    # -- requests as Slack sends them ---------------------------------------
    def post(self, body: str, content_type: str, headers: dict[str, str] | None = None,
             secret: str = SIGNING_SECRET, timestamp: int | None = None) -> HttpReply:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
        request = urllib.request.Request(self.url, data=body.encode(), method="POST", headers={
            "Content-Type": content_type, "x-slack-request-timestamp": stamp, "x-slack-signature": signature, **(headers or {})})
        return _send(request)

    def send_event(self, event: dict[str, Any], event_id: str | None = None, retry_num: int | None = None,
                   workspace: FakeWorkspace = THE_WORKSPACE, **signing) -> HttpReply:
        body = event_callback(event, event_id or f"Ev{next(_ids):08d}", workspace)
        headers = {"x-slack-retry-num": str(retry_num), "x-slack-retry-reason": "http_timeout"} if retry_num is not None else {}
        return self.post(json.dumps(body), "application/json", headers, **signing)

    def send_command(self, text: str, response_name: str = "cmd") -> HttpReply:
        form = {"token": "legacy", "team_id": TEAM_ID, "channel_id": CHANNEL, "user_id": USER, "command": "/placement",
                "text": text, "response_url": self.fake.response_url(response_name), "trigger_id": f"trig{next(_ids)}"}
        return self.post(urlencode(form), "application/x-www-form-urlencoded")

    def click(self, button: dict[str, Any], message: dict[str, Any], channel: str, message_ts: str,
              ephemeral: bool = False, response_name: str = "click", team_id: str = TEAM_ID) -> HttpReply:
        payload = {
            "type": "block_actions", "team": {"id": team_id}, "user": {"id": USER, "team_id": team_id}, "api_app_id": "A0APP",
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": ephemeral},
            "channel": {"id": channel}, "trigger_id": f"trig{next(_ids)}",
            "response_url": self.fake.response_url(response_name),
            "actions": [{**button, "block_id": "b", "action_ts": str(time.time())}],
        }
        if not ephemeral:
            payload["message"] = {**message, "ts": message_ts, "type": "message"}
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


    def interact(self, payload: dict[str, Any]) -> HttpReply:
        """An interactive payload (a click, a shortcut, a view submission), as Slack posts it."""
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def submit_form(self, view: dict[str, Any], workload: str = "", choices: dict[str, str] | None = None) -> HttpReply:
        """Submits the modal the bot opened, with `workload` typed and `choices` ({fact: "yes" | "no"}) picked."""
        return self.interact(view_submission(view, workload, choices or {}))

    def shortcut(self, message: dict[str, Any], channel: str = CHANNEL, response_name: str = "shortcut") -> HttpReply:
        """"Ask placement" picked in `message`'s menu."""
        return self.interact({
            "type": "message_action", "callback_id": "placement_ask_message", "team": {"id": TEAM_ID, "domain": "example"},
            "user": {"id": USER, "team_id": TEAM_ID}, "channel": {"id": channel, "name": "general"}, "message": message,
            "message_ts": message.get("ts"), "response_url": self.fake.response_url(response_name),
            "trigger_id": f"trig{next(_ids)}", "api_app_id": "A0APP", "token": "legacy"})


def view_submission(view: dict[str, Any], workload: str, choices: dict[str, str]) -> dict[str, Any]:
    """The view_submission Slack sends for `view` (as the bot opened it): every input's state."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        if element["type"] == "plain_text_input":
            values[block["block_id"]] = {element["action_id"]: {"type": "plain_text_input", "value": workload or None}}
        else:
            fact = block["block_id"].split(":", 1)[1]
            picked = next((o for o in element["options"] if o["value"] == choices.get(fact)), element.get("initial_option"))
            values[block["block_id"]] = {element["action_id"]: {"type": "radio_buttons", "selected_option": picked}}
    return {"type": "view_submission", "team": {"id": TEAM_ID, "domain": "example"}, "user": {"id": USER, "team_id": TEAM_ID},
            "api_app_id": "A0APP", "token": "legacy", "trigger_id": f"trig{next(_ids)}",
            "view": {**view, "id": "V0VIEW", "team_id": TEAM_ID, "state": {"values": values}}}


def home_opened(tab: str = "home") -> dict[str, Any]:
    return {"type": "app_home_opened", "user": USER, "channel": DM_CHANNEL, "tab": tab, "event_ts": f"{time.time():.6f}"}


def http_get(url: str, headers: Mapping[str, str] | None = None) -> HttpReply:
    """As a load balancer, Prometheus or a browser asks: a plain GET, no signature; a
    redirect is answered, not followed."""
    return _send(urllib.request.Request(url, method="GET", headers=dict(headers or {})))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: object, **__: object) -> None:
        return None


def _send(request: urllib.request.Request) -> HttpReply:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())
    try:
        with opener.open(request, timeout=10) as response:
            return HttpReply(response.status, response.read().decode(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return HttpReply(error.code, error.read().decode(), dict(error.headers))


def acked_answer(reply: HttpReply) -> dict[str, Any]:
    """A slash command's answer, sent back in its acknowledgement."""
    assert reply.status == 200, reply
    return json.loads(reply.body)


def event_callback(event: dict[str, Any], event_id: str, workspace: FakeWorkspace = THE_WORKSPACE) -> dict[str, Any]:
    """As Slack wraps an event of `workspace` (for an org-wide install, `team_id` is the
    workspace of the org it happened in, and the authorization the org's)."""
    team_id = workspace.team_id or "T0INORG"
    authorization = {"enterprise_id": workspace.enterprise_id, "team_id": workspace.team_id, "user_id": workspace.bot_user_id,
                     "is_bot": True, "is_enterprise_install": workspace.is_enterprise_install}
    return {"token": "legacy", "team_id": team_id, "enterprise_id": workspace.enterprise_id, "api_app_id": "A0APP",
            "type": "event_callback", "event": event, "event_id": event_id, "event_time": int(time.time()),
            "authorizations": [authorization]}


def mention(text: str, ts: str = "1700000100.000200", thread_ts: str | None = None, channel: str = CHANNEL) -> dict[str, Any]:
    event = {"type": "app_mention", "user": USER, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts, "channel": channel, "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message(text: str, ts: str = "1700000200.000300", thread_ts: str | None = None, **extra: Any) -> dict[str, Any]:
    event = {"type": "message", "channel_type": "im", "user": USER, "text": text, "ts": ts, "channel": DM_CHANNEL, "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return {**event, **extra}


def button(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    """The button with `action_id` in a posted message's blocks, as Slack would send it back."""
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} button in {message!r}")


def all_text(message: dict[str, Any]) -> str:
    """Every piece of text a person would see in a posted message, blocks and fallback."""
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return json.dumps(blocks, ensure_ascii=False) + "\n" + str(message.get("text") or "")


class RunningBot(SlackSender):
    """The production app and HTTP server, in this process, on a free port. Not ready (/readyz)
    until the test says the warm-up is done (`readiness.warmed_up()`)."""

    def __init__(self, fake: FakeSlackApi, advisor, database_path: str, lease_seconds: float = DEFAULT_LEASE_SECONDS,
                 oauth: OAuthMode | None = None) -> None:
        self.answers = AnswerThreads(ANSWER_THREADS)  # as `placement serve` makes them
        self.metrics = BotMetrics()
        client = build_web_client(None if oauth else BOT_TOKEN, fake.api_url, self.metrics)
        self.database = open_database(database_path)
        self.bot = build_bot(client, SIGNING_SECRET, advisor, self.database, self.answers, lease_seconds, metrics=self.metrics,
                             oauth=oauth)
        self.app = self.bot.app
        self.bot.upkeep.start()
        self.readiness = Readiness(advisor, self.database, self.metrics)
        self._server = HttpServer(self.app, "127.0.0.1", 0, SIGNING_SECRET,
                                  operator_endpoints=OperatorEndpoints(self.readiness, self.metrics))
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        super().__init__(f"http://127.0.0.1:{self._server.port}{EVENTS_PATH}", fake)

    @property
    def port(self) -> int:
        return self._server.port

    def get(self, path: str) -> HttpReply:
        return http_get(f"http://127.0.0.1:{self.port}{path}")

    def stop(self, **wind_down: float) -> None:
        """As `placement serve` stops on SIGTERM."""
        self._server.stop()
        self._thread.join(timeout=10)
        self.bot.wind_down(**wind_down)

    def settle(self) -> None:
        """Waits until every answer started so far is done, so that "nothing more was
        posted" is checked after the fact, not raced."""
        self.answers.wait_idle(timeout=10)


def oauth_mode(database_path: str) -> OAuthMode:
    """As `placement serve` sets up OAuth mode from its settings (bot/slack/server.py)."""
    return OAuthMode(CLIENT_ID, CLIENT_SECRET, open_installation_stores(open_database(database_path), CLIENT_ID))


def install(base_url: str, fake: FakeSlackApi, workspace: FakeWorkspace) -> HttpReply:
    """A person installs the bot as in a browser: opens the install page, follows its "Add to
    Slack" link to Slack's approval page (the fake approves it for `workspace`), and is sent
    back to the bot's redirect URL with the state cookie the install page set."""
    fake.approve_next_install(workspace.team_id, workspace.enterprise_id, workspace.is_enterprise_install)
    page = http_get(base_url + INSTALL_PATH)
    assert page.status == 200, page
    approval = http_get(add_to_slack_link(page))
    assert approval.status == 302, approval
    return http_get(approval.headers["Location"], {"Cookie": state_cookie(page)})


def add_to_slack_link(page: HttpReply) -> str:
    return html.unescape(re.search(r'<a href="([^"]+)"', page.body).group(1))


def state_cookie(page: HttpReply) -> str:
    """The cookie the browser sends back: the name and value of the page's Set-Cookie."""
    return page.headers["Set-Cookie"].split(";")[0]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_environment(api_url: str, **overrides: str) -> dict[str, str]:
    """The environment of a `placement serve` process: this one's, without proxies or Slack,
    placement and database settings, plus valid settings for HTTP mode against `api_url`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "PLACEMENT_")) and k != "DATABASE_URL" and "proxy" not in k.lower()}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=api_url, PORT=str(free_port()))
    env.update(overrides)
    return env


def take_over_and_finish(fake_slack, advisor, database_path: str, lease_seconds: float = 1.0, timeout: float = 20) -> None:
    """Starts another bot on the same database, as a restart or a second replica, and lets it
    take over and finish every event left unfinished (or `timeout` pass)."""
    second = RunningBot(fake_slack, advisor, database_path, lease_seconds=lease_seconds)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not all_events_finished(database_path):
            time.sleep(0.1)
        second.settle()
    finally:
        second.stop()


def all_events_finished(database_path: str) -> bool:
    with sqlite3.connect(database_path) as connection:
        return connection.execute("SELECT count(*) FROM events WHERE finished_at IS NULL").fetchone()[0] == 0
