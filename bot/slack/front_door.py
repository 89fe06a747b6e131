"""WSGI middleware in front of Bolt on the public HTTP endpoint: only a well-formed request
signed by Slack reaches the app.

Bolt answers a malformed body, a JSON array or a doubled timestamp header with a 500 and a
traceback, and logs the whole body of every request that fails verification. Here each
is refused first, with a 400 (or 401 for a missing or wrong signature) and one short
log line that names the reason and the size, never the body. The lines themselves are
limited (REFUSALS_LOGGED_PER_WINDOW per window, then one line counting the rest), so a
flood of bad requests cannot flood the log. Bolt still verifies the signature again.

In OAuth mode two more paths are served, to a browser, unsigned, and only by GET: the
install page and the redirect back from Slack's approval page, both by Bolt's OAuth flow.
A redirect Bolt refuses (a bad, reused or missing state, a denied install) is one
refusal line like the others, with Bolt's reason, never the query.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import re
import threading
import time
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.oauth import OAuthFlow

from .install_pages import REFUSAL_KEY

logger = logging.getLogger("placement.front_door")

CONTENT_TYPES = ("application/json", "application/x-www-form-urlencoded")
REFUSALS_LOGGED_PER_WINDOW = 10
REFUSAL_WINDOW_SECONDS = 10.0
# Slack's own rule: a request signed more than five minutes ago is a replay.
MAX_SIGNATURE_AGE_SECONDS = 5 * 60
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")

# Each visit to the install page stores an OAuth state (kept 10 minutes): unsigned visitors
# may not grow the database faster than this. Real installs come a few a day.
INSTALL_PAGES_PER_WINDOW = 60
INSTALL_WINDOW_SECONDS = 60.0

WsgiApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


class Refused(Exception):
    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class _RefusalLog:
    """At most `limit` lines per window; then one line saying how many more there were."""

    def __init__(self, limit: int, window: float) -> None:
        self._limit, self._window = limit, window
        self._lock = threading.Lock()
        self._window_start, self._logged, self._unlogged = 0.0, 0, 0

    def refused(self, reason: str, size: int, peer: str) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._window_start >= self._window:
                if self._unlogged:
                    logger.warning("refused %d more requests in %.0f s without logging each", self._unlogged, self._window)
                self._window_start, self._logged, self._unlogged = now, 0, 0
            if self._logged >= self._limit:
                self._unlogged += 1
                return
            self._logged += 1
        logger.warning("refused a request from %s: %s (%d bytes)", peer, reason, size)


class _Budget:
    """At most `limit` uses per window, for everyone together."""

    def __init__(self, limit: int, window: float) -> None:
        self._limit, self._window = limit, window
        self._lock = threading.Lock()
        self._window_start, self._used = 0.0, 0

    def take(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._window_start >= self._window:
                self._window_start, self._used = now, 0
            self._used += 1
            return self._used <= self._limit


class FrontDoor:
    def __init__(self, app: WsgiApp, signing_secret: str, path: str, oauth_flow: OAuthFlow | None = None) -> None:
        self._app = app
        self._secret = signing_secret.encode()
        self._path = path
        self._log = _RefusalLog(REFUSALS_LOGGED_PER_WINDOW, REFUSAL_WINDOW_SECONDS)
        self._install_pages: dict[str, Callable[[BoltRequest], BoltResponse]] = {}
        self._install_path = oauth_flow.install_path if oauth_flow is not None else None
        self._install_budget = _Budget(INSTALL_PAGES_PER_WINDOW, INSTALL_WINDOW_SECONDS)
        if oauth_flow is not None:
            self._install_pages = {oauth_flow.install_path: oauth_flow.handle_installation,
                                   oauth_flow.redirect_uri_path: oauth_flow.handle_callback}

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        install_page = self._install_pages.get(environ.get("PATH_INFO"))
        if install_page is not None:
            return self._install(install_page, environ, start_response)
        if environ.get("PATH_INFO") != self._path:
            return text_reply(start_response, "404 Not Found", "not found")
        if environ.get("REQUEST_METHOD") != "POST":
            return text_reply(start_response, "405 Method Not Allowed", "POST only")
        size = _content_length(environ)
        try:
            body = environ["wsgi.input"].read(size) if size else b""
            if _is_ssl_check(environ, body):  # Slack's certificate check of the command URL, which it may not sign
                return text_reply(start_response, "200 OK", "")
            self._check(environ, body)
        except Refused as refused:
            self._log.refused(str(refused), size, str(environ.get("REMOTE_ADDR")))
            return text_reply(start_response, refused.status, "bad request" if refused.status.startswith("400") else "invalid request")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self._app(environ, start_response)

    def _install(self, page: Callable[[BoltRequest], BoltResponse], environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        """As Bolt's WSGI adapter serves its OAuth flow, with a body never read (a GET has
        none) and failures in one line."""
        if environ.get("REQUEST_METHOD") != "GET":
            return text_reply(start_response, "405 Method Not Allowed", "GET only")
        if environ.get("PATH_INFO") == self._install_path and not self._install_budget.take():
            self._log.refused("too many visits to the install page", 0, str(environ.get("REMOTE_ADDR")))
            return text_reply(start_response, "429 Too Many Requests", "too many installs at once; try again in a minute")
        request = BoltRequest(body="", query=environ.get("QUERY_STRING") or "", headers=WsgiHttpRequest(environ).get_headers())
        try:
            response = page(request)
        except Exception as error:  # the database, or Slack, failed under Bolt's OAuth flow
            logger.error("could not serve %s: %s: %s", environ.get("PATH_INFO"), type(error).__name__,
                         str(error).splitlines()[0][:200] if str(error) else "")
            return text_reply(start_response, "500 Internal Server Error", "the install failed on our side; try again in a minute")
        refusal = request.context.get(REFUSAL_KEY)
        if refusal is not None:
            self._log.refused(f"an install redirect Bolt refused ({str(refusal)[:80]})", 0, str(environ.get("REMOTE_ADDR")))
        reply = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
        start_response(reply.status, reply.get_headers())
        return reply.get_body()

    def _check(self, environ: dict, body: bytes) -> None:
        content_type = str(environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if content_type not in CONTENT_TYPES:
            raise Refused("400 Bad Request", "not a content type Slack sends")
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        if timestamp is None or signature is None:
            raise Refused("401 Unauthorized", "not signed")
        if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
            raise Refused("400 Bad Request", "malformed signature headers")
        if not self._signed(body, timestamp, signature):
            raise Refused("401 Unauthorized", "wrong signature or stale timestamp")
        try:
            text = body.decode("utf-8")
            if content_type == "application/json":
                _require_object(json.loads(text))
            else:
                form = parse_qs(text, keep_blank_values=True)
                if "payload" in form:
                    _require_object(json.loads(form["payload"][0]))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise Refused("400 Bad Request", f"a signed body that is not a well-formed {content_type}") from None


    def _signed(self, body: bytes, timestamp: str, signature: str) -> bool:
        """Slack's v0 signature over the raw bytes. slack_sdk's SignatureVerifier decodes the
        body as UTF-8 first and raises on anything else, which would be a 500 here."""
        if abs(time.time() - int(timestamp)) > MAX_SIGNATURE_AGE_SECONDS:
            return False
        expected = "v0=" + hmac.new(self._secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)


def _is_ssl_check(environ: dict, body: bytes) -> bool:
    """Answered 200 with nothing, as Bolt itself answers it, and never passed on."""
    return str(environ.get("CONTENT_TYPE") or "").startswith(CONTENT_TYPES[1]) and b"ssl_check=1" in body and (
        parse_qs(body.decode("utf-8", "replace")).get("ssl_check") == ["1"])


def _require_object(value: object) -> None:
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")


def _content_length(environ: dict) -> int:
    try:
        return max(int(environ.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def text_reply(start_response: Callable[..., Any], status: str, text: str) -> list[bytes]:
    body = (text + "\n").encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
