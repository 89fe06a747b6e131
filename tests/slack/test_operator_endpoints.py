"""/healthz, /readyz and /metrics as a load balancer and Prometheus see them: plain GETs over
real HTTP to the same server as /slack/events, with no signature, answered before the Slack
front door; the counters move when signed events are answered. Then `placement serve` itself,
in HTTP mode and in Socket Mode, where the same endpoints are served on PORT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from bot_harness import BOT_TOKEN, SIGNING_SECRET, HttpReply, http_get, mention, serve_environment
from fake_socket_mode import FakeSocketModeEndpoint
from prometheus_client.parser import text_string_to_metric_families


def _samples(bot) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample /metrics shows, by name and labels; it must parse as Prometheus text."""
    reply = bot.get("/metrics")
    assert reply.status == 200, reply
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(reply.body) for sample in family.samples}


def test_healthz_answers_at_once_and_readyz_waits_for_the_warm_up(bot):
    assert (bot.get("/healthz").status, bot.get("/healthz").body.strip()) == (200, "ok")
    not_yet = bot.get("/readyz")
    assert (not_yet.status, not_yet.body.strip()) == (503, "not ready: warming up")
    bot.readiness.warmed_up()
    assert (bot.get("/readyz").status, bot.get("/readyz").body.strip()) == (200, "ready")


def test_readyz_says_so_when_the_database_does_not_answer(bot, database_path):
    bot.readiness.warmed_up()
    assert bot.get("/readyz").status == 200
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(database_path + suffix):
            os.remove(database_path + suffix)
    reply = bot.get("/readyz")
    assert reply.status == 503
    assert reply.body.startswith("not ready: the database does not answer") and reply.body.count("\n") == 1
    assert _samples(bot)[("placement_database_errors_total", (("operation", "readiness_check"),))] == 1


def test_an_answered_event_moves_the_counters(bot, fake_slack):
    before = _samples(bot)
    assert ("placement_answers_total", (("intent", "recommend"), ("verdict", "container"))) not in before
    assert before[("placement_answer_seconds_count", ())] == 0
    secret_words = "zebra-quartz-billing"
    assert bot.send_event(mention(f"should our {secret_words} API be a container?")).status == 200
    fake_slack.wait_for("chat.postMessage")
    bot.settle()
    after = _samples(bot)
    assert after[("placement_answers_total", (("intent", "recommend"), ("verdict", "container")))] == 1
    assert after[("placement_answer_seconds_count", ())] == 1
    assert after[("placement_events_deduplicated_total", ())] == 0
    assert after[("placement_unknown_verdicts_total", ())] == 0
    text = bot.get("/metrics").body
    assert secret_words not in text and BOT_TOKEN not in text and SIGNING_SECRET not in text


def test_an_unknown_verdict_is_counted(bot, fake_slack):
    bot.send_event(mention("what should we run it on?"))
    fake_slack.wait_for("chat.postMessage")
    bot.settle()
    samples = _samples(bot)
    assert samples[("placement_unknown_verdicts_total", ())] == 1
    assert samples[("placement_answers_total", (("intent", "recommend"), ("verdict", "unknown")))] == 1


def test_a_retried_delivery_is_counted_as_deduplicated(bot, fake_slack):
    event = mention("should our billing API be a container?")
    assert bot.send_event(event, event_id="Ev0DEDUPE1").status == 200
    assert bot.send_event(event, event_id="Ev0DEDUPE1", retry_num=1).status == 200
    fake_slack.wait_for("chat.postMessage")
    bot.settle()
    assert len(fake_slack.calls("chat.postMessage")) == 1
    samples = _samples(bot)
    assert samples[("placement_events_deduplicated_total", ())] == 1
    assert samples[("placement_answers_total", (("intent", "recommend"), ("verdict", "container")))] == 1


def test_slack_api_errors_and_retries_are_counted_by_method(bot, fake_slack):
    fake_slack.fail_next("chat.postMessage", 1, 503)
    bot.send_event(mention("should our billing API be a container?"))
    fake_slack.wait_for("chat.postMessage")
    bot.settle()
    samples = _samples(bot)
    assert samples[("placement_slack_api_errors_total", (("method", "chat.postMessage"),))] == 1
    assert samples[("placement_slack_api_retries_total", (("method", "chat.postMessage"),))] == 1
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_other_requests_keep_their_answers(bot):
    assert bot.get("/slack/events").status == 405  # Slack's path wants a signed POST, as before
    assert bot.get("/nowhere").status == 404
    unsigned_post = bot.post("{}", "application/json", secret="not-the-secret")
    assert unsigned_post.status == 401
    assert bot.get("/metrics?name[]=x").status == 200  # a query string changes nothing


def _start(mode: str, env: dict[str, str], cwd) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot", "serve", f"--{mode}"], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _replies_until_ready(port: int, process: subprocess.Popen, bound_seconds: float = 180.0) -> list[HttpReply]:
    """Every /readyz reply from the first the process gave until the first 200 (a generous
    bound on a busy machine: the warm-up takes a few seconds of one core)."""
    replies: list[HttpReply] = []
    deadline = time.monotonic() + bound_seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            replies.append(http_get(f"http://127.0.0.1:{port}/readyz"))
        except OSError:  # not listening yet
            time.sleep(0.05)
            continue
        if replies[-1].status == 200:
            return replies
        time.sleep(0.05)
    raise AssertionError(f"not ready within {bound_seconds} s: {replies[-3:]!r}")


def _stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    _, log = process.communicate(timeout=30)
    assert process.returncode == 0, log
    assert "Traceback" not in log
    return log


def test_placement_serve_is_not_ready_until_its_warm_up_is_done(fake_slack, tmp_path):
    env = serve_environment(fake_slack.api_url, PLACEMENT_DB=str(tmp_path / "placement.sqlite3"))
    port = int(env["PORT"])
    process = _start("http", env, tmp_path)
    try:
        replies = _replies_until_ready(port, process)
        assert replies[0] == HttpReply(503, "not ready: warming up\n")  # the warm-up runs for seconds once serving
        assert set(replies[:-1]) == {HttpReply(503, "not ready: warming up\n")}
        assert replies[-1] == HttpReply(200, "ready\n")
        assert http_get(f"http://127.0.0.1:{port}/healthz").status == 200
        families = {family.name for family in text_string_to_metric_families(http_get(f"http://127.0.0.1:{port}/metrics").body)}
        assert {"placement_answers", "placement_answer_seconds", "placement_slack_api_errors"} <= families
        log = _stop(process)
    finally:
        process.kill()
    assert "worked out" in log  # the warm-up's own line


def test_socket_mode_serves_the_operator_endpoints_on_port(fake_slack, tmp_path):
    app_token = "xapp-1-accepted-token"
    with FakeSocketModeEndpoint() as websocket:
        fake_slack.accept_app_token(app_token, websocket.url)
        env = serve_environment(fake_slack.api_url, SLACK_APP_TOKEN=app_token, PLACEMENT_DB=str(tmp_path / "placement.sqlite3"))
        port = int(env["PORT"])
        process = _start("socket-mode", env, tmp_path)
        try:
            assert _replies_until_ready(port, process)[-1] == HttpReply(200, "ready\n")
            assert http_get(f"http://127.0.0.1:{port}/healthz") == HttpReply(200, "ok\n")
            text_string_to_metric_families(http_get(f"http://127.0.0.1:{port}/metrics").body)
            assert http_get(f"http://127.0.0.1:{port}/slack/events").status == 404  # Slack's events come over the WebSocket
            log = _stop(process)
        finally:
            process.kill()
    assert "connected to Slack in Socket Mode" in log and f"serving /healthz, /readyz and /metrics on port {port}" in log
    assert app_token not in log and BOT_TOKEN not in log
