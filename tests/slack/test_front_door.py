"""The public HTTP endpoint under abuse, as an attacker would probe it on 127.0.0.1: idle
connections, huge unsigned bodies, forged log lines, malformed requests, and button
values the bot never made. Each gets a short refusal and at most one short log line, and
real requests keep being answered."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from typing import Iterator
from urllib.parse import urlencode

import pytest
from bot_harness import BOT_TOKEN, CHANNEL, SIGNING_SECRET, RunningBot, button, mention

from bot.rendering.block_kit import CLARIFY_YES_ACTION, ButtonValue
from bot.slack.front_door import REFUSAL_WINDOW_SECONDS, REFUSALS_LOGGED_PER_WINDOW
from bot.slack.http_server import IDLE_SECONDS, MAX_BODY_BYTES
from bot.slack.log_redaction import configure_logging
from bot.storage.database import open_database

QUESTION = "should our billing API be a container?"
IDLE_CONNECTIONS = 200
ACK_BOUND_SECONDS = 1.0


@pytest.fixture
def log(bot) -> Iterator[io.StringIO]:
    """The log exactly as `placement serve` writes it (same handler, filter and format)."""
    stream = io.StringIO()
    handler = configure_logging([BOT_TOKEN, SIGNING_SECRET], stream, logging.INFO)
    yield stream
    logging.getLogger().removeHandler(handler)


def _raw_post(bot: RunningBot, body: bytes, headers: list[tuple[str, str]]) -> int:
    """A request sent byte for byte as given (repeated headers stay repeated)."""
    connection = HTTPConnection("127.0.0.1", bot.port, timeout=10)
    try:
        connection.putrequest("POST", "/slack/events")
        for name, value in headers + [("Content-Length", str(len(body)))]:
            connection.putheader(name, value)
        connection.endheaders()
        connection.send(body)
        return connection.getresponse().status
    finally:
        connection.close()


def _signed_headers(body: bytes, content_type: str = "application/json", timestamp: int | None = None) -> list[tuple[str, str]]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    # Slack's v0 scheme over the raw bytes (slack_sdk's helper only signs UTF-8 text).
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return [("Content-Type", content_type), ("X-Slack-Request-Timestamp", stamp), ("X-Slack-Signature", signature)]


def test_a_signed_event_is_acked_within_a_second_while_200_idle_connections_are_held_open(bot, fake_slack):
    idle = [socket.create_connection(("127.0.0.1", bot.port), timeout=5) for _ in range(IDLE_CONNECTIONS)]
    try:
        time.sleep(0.5)  # all of them accepted and waiting
        started = time.monotonic()
        reply = bot.send_event(mention(QUESTION, ts="1700007000.000100"))
        took = time.monotonic() - started
        assert (reply.status, took < ACK_BOUND_SECONDS) == (200, True), took
        assert fake_slack.wait_for("chat.postMessage")[0]["text"].startswith("Containers")
    finally:
        for connection in idle:
            connection.close()


def test_idle_connections_are_closed_by_the_server(bot):
    connection = socket.create_connection(("127.0.0.1", bot.port), timeout=IDLE_SECONDS * 4)
    try:
        assert connection.recv(1) == b""  # closed from the other end, well before our own timeout
    finally:
        connection.close()


@pytest.mark.parametrize("at_once", [1, 5])
def test_10_mb_unsigned_bodies_are_refused_and_grow_the_log_by_less_than_1_kb(bot, fake_slack, log, at_once):
    body = b'{"type": "event_callback", "pad": "' + b"x" * (10 * 1024 * 1024) + b'"}'

    def send() -> int:
        try:
            return _raw_post(bot, body, [("Content-Type", "application/json")])
        except ConnectionError:  # refused before the whole body was read
            return 413

    with ThreadPoolExecutor(max_workers=at_once) as senders:
        statuses = list(senders.map(lambda _: send(), range(at_once)))
    assert set(statuses) <= {401, 413}
    assert len(log.getvalue().encode()) < 1024
    assert bot.send_event(mention(QUESTION)).status == 200  # and the next real request is served


def test_a_body_just_over_the_limit_is_refused_even_when_signed(bot, fake_slack):
    body = json.dumps({"type": "event_callback", "pad": "x" * MAX_BODY_BYTES}).encode()
    try:
        status = _raw_post(bot, body, _signed_headers(body))
    except ConnectionError:
        status = 413
    assert status == 413


def test_an_unsigned_body_with_a_forged_log_line_is_refused_without_a_word_of_it_in_the_log(bot, log):
    forged = "2026-12-01 12:00:00,000 INFO placement: forged line"
    body = json.dumps({"type": "event_callback", "text": "\n" + forged + "\n"}).replace("\\n", "\n").encode()
    assert _raw_post(bot, body, [("Content-Type", "application/json")]) == 401
    lines = log.getvalue().splitlines()
    assert len(lines) == 1 and "forged" not in log.getvalue()
    assert "refused a request" in lines[0] and "not signed" in lines[0]


def test_request_text_in_a_log_line_cannot_start_a_line_of_its_own(bot, fake_slack, log):
    forged_id = "Ev0\n2026-12-01 12:00:00,000 INFO placement: forged line\u2028and\x1b[2J"
    event = mention(QUESTION)
    assert bot.send_event(event, event_id=forged_id).status == 200
    assert bot.send_event(event, event_id=forged_id).status == 200  # logged as already taken on
    bot.settle()
    taken = [line for line in log.getvalue().splitlines() if "already taken on" in line]
    assert len(taken) == 1 and "forged line" in taken[0] and "\\n2026-12-01" in taken[0] and "\\x1b" in taken[0]
    assert not any(line.startswith("2026-12-01 12:00:00,000") for line in log.getvalue().splitlines())


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"type": "event_callback", ', "application/json"),  # malformed JSON
        (b'{"type": "\xff\xfe"}', "application/json"),  # not UTF-8
        (b'[{"type": "event_callback"}]', "application/json"),  # a JSON array
        (b"payload=%7Bnot+json", "application/x-www-form-urlencoded"),  # a click whose payload is not JSON
        (b"<xml/>", "text/xml"),  # a content type Slack never sends
    ],
    ids=["malformed JSON", "not UTF-8", "JSON array", "form with bad payload", "wrong content type"],
)
def test_a_malformed_signed_request_gets_400_and_one_line(bot, fake_slack, log, body, content_type):
    assert _raw_post(bot, body, _signed_headers(body, content_type)) == 400
    bot.settle()
    lines = log.getvalue().splitlines()
    assert len(lines) == 1 and "refused a request" in lines[0] and "Traceback" not in log.getvalue()
    assert fake_slack.attempts("chat.postMessage") == 0


def test_a_doubled_timestamp_header_gets_400_and_one_line(bot, log):
    body = json.dumps({"type": "url_verification", "challenge": "c"}).encode()
    headers = _signed_headers(body)
    assert _raw_post(bot, body, headers + [headers[1]]) == 400
    lines = log.getvalue().splitlines()
    assert len(lines) == 1 and "malformed signature headers" in lines[0]


def test_a_flood_of_bad_requests_is_logged_in_a_few_lines(bot, log):
    started = time.monotonic()
    for _ in range(200):
        _raw_post(bot, b"{}", [("Content-Type", "application/json")])
    windows = int((time.monotonic() - started) // REFUSAL_WINDOW_SECONDS) + 1  # one, unless the machine is very busy
    assert len(log.getvalue().splitlines()) <= windows * (REFUSALS_LOGGED_PER_WINDOW + 1)


def _answer_with_buttons(bot, fake_slack) -> dict:
    bot.send_event(mention(QUESTION, ts="1700007100.000100"))
    return fake_slack.wait_for("chat.postMessage")[0]


@pytest.mark.parametrize(
    "value",
    [
        ButtonValue("1" * 1_000_000, "untrusted_code").encode(),  # the probe's 1 MB thread
        ButtonValue("1" * 1500, "untrusted_code").encode(),  # within Slack's 2,000 but no thread the bot writes
        ButtonValue("1700007100.000100", "not_a_fact").encode(),
        json.dumps(["1700007100.000100"]),
        "not json at all",
    ],
    ids=["1 MB thread", "long thread", "unknown fact", "JSON array", "not JSON"],
)
def test_a_button_value_the_bot_did_not_make_is_refused_with_one_line(bot, fake_slack, log, database_path, value):
    answer = _answer_with_buttons(bot, fake_slack)
    clicked = {**button(answer, CLARIFY_YES_ACTION), "value": value}
    reply = bot.click(clicked, answer, CHANNEL, "1700009999.000100")
    bot.settle()
    assert reply.status in (200, 413)
    assert fake_slack.attempts("chat.update") == 0 and fake_slack.calls("response") == []
    refusals = [line for line in log.getvalue().splitlines() if "refused" in line]
    assert len(refusals) == 1 and len(refusals[0]) < 300
    bot.database.write(lambda connection: None)
    with open_database(database_path).connect() as connection:
        assert max(len(thread) for (thread,) in connection.exec_driver_sql("SELECT thread FROM conversations")) < 40


def test_a_real_click_still_works(bot, fake_slack):
    answer = _answer_with_buttons(bot, fake_slack)
    bot.click(button(answer, CLARIFY_YES_ACTION), answer, CHANNEL, "1700009999.000100")
    assert fake_slack.wait_for("chat.update")[0]["text"].startswith("Virtual machine")


def test_a_form_body_is_still_accepted(bot, fake_slack):
    body = urlencode({"command": "/placement", "text": "help", "channel_id": CHANNEL, "user_id": "U1", "team_id": "T0001",
                      "response_url": fake_slack.response_url("form"), "trigger_id": "t"}).encode()
    assert _raw_post(bot, body, _signed_headers(body, "application/x-www-form-urlencoded")) == 200


def test_slacks_certificate_check_gets_200_and_nothing_else(bot, fake_slack, log):
    assert _raw_post(bot, b"ssl_check=1&token=legacy", [("Content-Type", "application/x-www-form-urlencoded")]) == 200
    bot.settle()
    assert log.getvalue() == "" and fake_slack.calls("response") == []
