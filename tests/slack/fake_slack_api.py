"""A local stand-in for Slack's Web API (and for response_url), on 127.0.0.1.

It answers auth.test for the bot token it was given, records the body of every
chat.postMessage, chat.update, views.open, views.publish and response_url POST (a post to a
user id lands in the DM with them, whose channel id it answers, as Slack does; a channel the
bot was not invited to can be named, refusing posts with not_in_channel), answers conversations.replies with the
bot's own posts in that thread (with their metadata when asked for it), and can be told to fail
(429 with Retry-After, or 500), to be slow, or to hang without ever answering, for the
next calls of a method.

For OAuth installs it plays Slack's side too: its /oauth/v2/authorize page approves the
install in the workspace a test chose (`approve_next_install`) and sends the browser back to
the app's redirect URL with a code, which oauth.v2.access exchanges for a new bot token of
that workspace. Every token knows its workspace (auth.test answers with it), and every
recorded call the token it was made with (`calls_with_tokens`).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
import base64
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0001"
RESPONSE_PATH = "response"
AUTHORIZE_PATH = "oauth/v2/authorize"
APP_ID = "A0APP"
INSTALLER = "U0INSTALLER"


@dataclass(frozen=True)
class FakeWorkspace:
    """Where a bot token belongs: a workspace, or (`is_enterprise_install`) a whole Grid org."""
    team_id: str | None
    enterprise_id: str | None = None
    is_enterprise_install: bool = False
    bot_user_id: str = BOT_USER_ID
    bot_id: str = BOT_ID


def dm_channel_of(channel: str) -> str:
    """A user id (U…, W…) posted to names the DM with that user: Slack answers with its D… id."""
    return "D" + channel[1:] if channel[:1] in ("U", "W") else channel


class _ListeningServer(ThreadingHTTPServer):
    # http.server queues 5 connections; a burst from the bot's answer threads overflowed
    # that, and each dropped connection waited a whole second for TCP to try again.
    request_queue_size = 128
    daemon_threads = True


@dataclass(frozen=True)
class Fault:
    method: str
    status: int
    retry_after: int | None
    delay: float
    hangs: bool = False  # holds the call for `delay`, then drops it unanswered and unrecorded


class FakeSlackApi:
    def __init__(self, bot_token: str) -> None:
        self._workspaces: dict[str, FakeWorkspace] = {bot_token: FakeWorkspace(TEAM_ID)}  # bot token -> its workspace
        self._lock = threading.Condition()
        self._calls: list[tuple[str, dict[str, Any]]] = []
        self._call_ts: list[str] = []  # the ts given to each recorded call
        self._call_tokens: list[str] = []  # the token each recorded call was made with
        self._oauth_app: tuple[str, str, str] | None = None  # client id, client secret, redirect URL
        self._approvals: deque[FakeWorkspace] = deque()
        self._codes: dict[str, tuple[FakeWorkspace, str]] = {}  # a code not yet exchanged -> its workspace, scopes approved
        self.scopes_asked: list[str] = []  # the `scope` of each authorize page opened
        self._serial = count(1)
        self._attempts: dict[str, int] = {}
        self._faults: deque[Fault] = deque()
        self._every_call_delay: dict[str, float] = {}
        self.received_at: dict[str, list[float]] = {}  # thread_ts -> when each chat.postMessage to it arrived
        self._next_ts = 1_700_000_000
        self._app_token: str | None = None
        self._socket_url = ""
        self._not_member_of: set[str] = set()
        self._server = _ListeningServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle ---------------------------------------------------------
    def __enter__(self) -> "FakeSlackApi":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/{RESPONSE_PATH}/{name}"

    # -- instructions ------------------------------------------------------
    def fail_next(self, method: str, count: int, status: int, retry_after: int | None = None) -> None:
        with self._lock:
            self._faults.extend(Fault(method, status, retry_after, 0.0) for _ in range(count))

    def slow_next(self, method: str, seconds: float, count: int = 1) -> None:
        with self._lock:
            self._faults.extend(Fault(method, 200, None, seconds) for _ in range(count))

    def hang_next(self, method: str, count: int, seconds: float) -> None:
        """Like a Slack that takes the request and never replies: the caller's timeout must fire."""
        with self._lock:
            self._faults.extend(Fault(method, 200, None, seconds, hangs=True) for _ in range(count))

    def accept_app_token(self, app_token: str, socket_url: str) -> None:
        """apps.connections.open with `app_token` hands out `socket_url` for the WebSocket."""
        with self._lock:
            self._app_token, self._socket_url = app_token, socket_url

    def register_oauth_app(self, client_id: str, client_secret: str, redirect_url: str) -> None:
        """The app's credentials and its one redirect URL, as in its settings at api.slack.com."""
        with self._lock:
            self._oauth_app = (client_id, client_secret, redirect_url)

    def approve_next_install(self, team_id: str | None, enterprise_id: str | None = None, is_enterprise_install: bool = False) -> None:
        """The next visit to the authorize page is approved, as a person would, for this
        workspace (or, `is_enterprise_install`, this whole org)."""
        with self._lock:
            self._approvals.append(FakeWorkspace(team_id, enterprise_id, is_enterprise_install))

    def token_of(self, team_id: str | None, enterprise_id: str | None = None) -> str:
        """The newest bot token issued for the workspace (or org)."""
        with self._lock:
            return [token for token, w in self._workspaces.items() if (w.team_id, w.enterprise_id) == (team_id, enterprise_id)][-1]

    def workspace_of(self, token: str) -> FakeWorkspace:
        with self._lock:
            return self._workspaces[token]

    def revoke(self, token: str) -> None:
        """As an uninstall does: Slack refuses the token from now on."""
        with self._lock:
            self._workspaces.pop(token, None)

    def not_a_member_of(self, channel: str) -> None:
        """chat.postMessage to `channel` is refused with not_in_channel, as when the bot was not invited."""
        with self._lock:
            self._not_member_of.add(channel)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def delay_every(self, method: str, seconds: float) -> None:
        """Every later call of `method` takes `seconds` before Slack takes it, as a Slack
        under load: it is recorded (it reached Slack) even if the caller went away meanwhile."""
        with self._lock:
            self._every_call_delay[method] = seconds

    # -- what happened -----------------------------------------------------
    def calls(self, method: str) -> list[dict[str, Any]]:
        """Bodies of the successful calls of `method` ("chat.postMessage", or "response" for response_url)."""
        with self._lock:
            return [body for name, body in self._calls if name == method]

    def calls_with_tokens(self, method: str) -> list[tuple[str, dict[str, Any]]]:
        """(token, body) of each successful call of `method`."""
        with self._lock:
            return [(token, body) for (name, body), token in zip(self._calls, self._call_tokens) if name == method]

    def attempts(self, method: str) -> int:
        with self._lock:
            return self._attempts.get(method, 0)

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len([1 for name, _ in self._calls if name == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} {method} call(s), got {self._calls!r}")
                self._lock.wait(left)
            return [body for name, body in self._calls if name == method]

    # -- serving -----------------------------------------------------------
    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            self._attempts[method] = self._attempts.get(method, 0) + 1
            fault = next((f for f in self._faults if f.method == method), None)
            if fault is not None:
                self._faults.remove(fault)
            return fault

    def _record(self, method: str, body: dict[str, Any], token: str = "") -> str:
        with self._lock:
            self._calls.append((method, body))
            self._call_tokens.append(token)
            self._next_ts += 1
            self._call_ts.append(f"{self._next_ts}.000100")
            self._lock.notify_all()
            return self._call_ts[-1]

    def _answer(self, method: str, body: dict[str, Any], authorization: str) -> tuple[int, dict[str, Any] | str]:
        if method == RESPONSE_PATH:
            self._record(method, body)
            return 200, "ok"
        if method == "apps.connections.open" and self._app_token and authorization == f"Bearer {self._app_token}":
            return 200, {"ok": True, "url": self._socket_url}
        if method == "oauth.v2.access":
            return 200, self._exchange(body, authorization)
        token = authorization.removeprefix("Bearer ")
        with self._lock:
            workspace = self._workspaces.get(token) if authorization.startswith("Bearer ") else None
        if workspace is None:
            return 200, {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return 200, {"ok": True, "url": "https://example.slack.com/", "team": "Example", "user": "placement",
                         "team_id": workspace.team_id, "user_id": workspace.bot_user_id, "bot_id": workspace.bot_id,
                         "enterprise_id": workspace.enterprise_id, "is_enterprise_install": workspace.is_enterprise_install}
        if method == "conversations.replies":
            with self._lock:
                posts = [(post, ts) for (name, post), ts in zip(self._calls, self._call_ts)
                         if name == "chat.postMessage" and post.get("channel") == body.get("channel")
                         and post.get("thread_ts") == body.get("ts")]
            with_metadata = str(body.get("include_all_metadata")).lower() in ("1", "true")
            return 200, {"ok": True, "has_more": False, "messages": [
                {"type": "message", "ts": ts, "thread_ts": post.get("thread_ts"), "bot_id": BOT_ID, "text": post.get("text"),
                 **({"metadata": post["metadata"]} if with_metadata and post.get("metadata") else {})} for post, ts in posts]}
        if method == "chat.postMessage" and body.get("channel") in self._not_member_of:
            return 200, {"ok": False, "error": "not_in_channel"}
        if method in ("chat.postMessage", "chat.update"):
            ts = self._record(method, body, token)
            return 200, {"ok": True, "channel": dm_channel_of(str(body.get("channel"))), "ts": body.get("ts") or ts,
                         "message": {"text": body.get("text"), "bot_id": BOT_ID}}
        if method in ("views.open", "views.publish"):
            if not body.get("trigger_id" if method == "views.open" else "user_id"):
                return 200, {"ok": False, "error": "invalid_arguments"}
            self._record(method, body)
            view = json.loads(body["view"]) if isinstance(body.get("view"), str) else body.get("view")
            return 200, {"ok": True, "view": {**(view or {}), "id": "V0VIEW"}}
        return 200, {"ok": False, "error": "unknown_method"}

    def _authorize_page(self, query: dict[str, str]) -> tuple[int, str]:
        """Slack's approval page, approved at once: (302, where the browser goes next)."""
        with self._lock:
            if self._oauth_app is None or query.get("client_id") != self._oauth_app[0]:
                return 400, ""
            self.scopes_asked.append(query.get("scope", ""))
            if not self._approvals:
                return 302, f"{self._oauth_app[2]}?{urlencode({'error': 'access_denied', 'state': query.get('state', '')})}"
            code = f"code-{next(self._serial)}"
            self._codes[code] = (self._approvals.popleft(), query.get("scope", ""))
            return 302, f"{self._oauth_app[2]}?{urlencode({'code': code, 'state': query.get('state', '')})}"

    def _exchange(self, body: dict[str, Any], authorization: str) -> dict[str, Any]:
        """oauth.v2.access: the client's credentials (HTTP Basic, as slack_sdk sends them) and a
        code not used before give a new bot token for the code's workspace."""
        with self._lock:
            expected = base64.b64encode(f"{self._oauth_app[0]}:{self._oauth_app[1]}".encode()).decode() if self._oauth_app else None
            if expected is None or authorization != f"Basic {expected}":
                return {"ok": False, "error": "bad_client_secret"}
            exchanged = self._codes.pop(str(body.get("code")), None)
            if exchanged is None:
                return {"ok": False, "error": "invalid_code"}
            approved, scopes = exchanged
            serial = next(self._serial)
            name = approved.team_id or approved.enterprise_id
            workspace = FakeWorkspace(approved.team_id, approved.enterprise_id, approved.is_enterprise_install,
                                      bot_user_id=f"UBOT{name}", bot_id=f"BBOT{name}")
            token = f"xoxb-{name}-{serial:04d}-fake"
            self._workspaces[token] = workspace
        return {"ok": True, "app_id": APP_ID, "authed_user": {"id": INSTALLER}, "scope": scopes,
                "token_type": "bot", "access_token": token, "bot_user_id": workspace.bot_user_id,
                "team": {"id": workspace.team_id, "name": f"Team {workspace.team_id}"} if workspace.team_id else None,
                "enterprise": {"id": workspace.enterprise_id, "name": "Org"} if workspace.enterprise_id else None,
                "is_enterprise_install": workspace.is_enterprise_install}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                parts = self.path.strip("/").split("/")
                method = parts[1] if parts[0] == "api" and len(parts) > 1 else parts[0]
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                if len(data) < length:  # the caller went away mid-request (killed): Slack never saw it whole
                    self.close_connection = True
                    return
                raw = data.decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = dict(parse_qsl(raw))
                if method == "chat.postMessage":
                    with fake._lock:
                        fake.received_at.setdefault(str(body.get("thread_ts")), []).append(time.monotonic())
                fault = fake._take_fault(method)
                delay = (fault.delay if fault else 0.0) + fake._every_call_delay.get(method, 0.0)
                if delay:
                    time.sleep(delay)
                if fault and fault.hangs:
                    self.close_connection = True
                    return
                if fault and fault.status != 200:
                    self.send_response(fault.status)
                    if fault.retry_after is not None:
                        self.send_header("Retry-After", str(fault.retry_after))
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(json.dumps({"ok": False, "error": "ratelimited" if fault.status == 429 else "fatal_error"}).encode())
                    return
                status, answer = fake._answer(method, body, self.headers.get("Authorization") or "")
                payload = answer if isinstance(answer, str) else json.dumps(answer)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain" if isinstance(answer, str) else "application/json")
                self.end_headers()
                self.wfile.write(payload.encode())

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                url = urlsplit(self.path)
                if url.path.strip("/") == AUTHORIZE_PATH:
                    status, location = fake._authorize_page(dict(parse_qsl(url.query)))
                    self.send_response(status)
                    if location:
                        self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                parts = url.path.strip("/").split("/")
                method = parts[1] if parts[0] == "api" and len(parts) > 1 else parts[0]
                fake._take_fault(method)
                status, answer = fake._answer(method, dict(parse_qsl(url.query)), self.headers.get("Authorization") or "")
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_: object) -> None:
                pass

        return Handler
