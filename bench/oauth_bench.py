"""What OAuth mode costs per event: two `placement serve --http` processes against one local
fake Slack Web API, one in single-token mode (the baseline), one in OAuth mode with the
workspace installed through its install page, taking turns event by event.

    python bench/oauth_bench.py [--events 300]

Prints, for each: the acknowledgement latency (signed POST to its 200) and the answer
latency (POST to the threaded reply reaching the Slack API), median and p99; then the
OAuth/single-token ratios and how many auth.test calls OAuth mode made per event (Bolt
asks about each workspace's token once, then keeps the answer)."""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests", "slack")]

from bot_harness import (  # noqa: E402
    BOT_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_PATH,
    SlackSender,
    free_port,
    http_get,
    install,
    mention,
    serve_environment,
)
from fake_slack_api import FakeSlackApi, FakeWorkspace  # noqa: E402

QUESTION = "should our checkout microservices run in containers?"


def _start(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_until_ready(port: int) -> None:
    """Until /readyz says so: the warm-up after start takes a core for seconds."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if http_get(f"http://127.0.0.1:{port}/readyz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"placement serve on port {port} did not become ready")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300, help="events sent to each server (default 300)")
    events = parser.parse_args().events
    with FakeSlackApi(BOT_TOKEN) as fake, tempfile.TemporaryDirectory() as folder:
        single_env = serve_environment(fake.api_url, PLACEMENT_DB=os.path.join(folder, "single.sqlite3"), LOG_LEVEL="WARNING",
                                       PORT=str(free_port()))
        oauth_env = serve_environment(fake.api_url, PLACEMENT_DB=os.path.join(folder, "oauth.sqlite3"), LOG_LEVEL="WARNING",
                                      PORT=str(free_port()), SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)
        del oauth_env["SLACK_BOT_TOKEN"]
        oauth_url = f"http://127.0.0.1:{oauth_env['PORT']}"
        fake.register_oauth_app(CLIENT_ID, CLIENT_SECRET, oauth_url + REDIRECT_PATH)
        processes = [_start(single_env), _start(oauth_env)]
        try:
            for env in (single_env, oauth_env):
                _wait_until_ready(int(env["PORT"]))
            assert install(oauth_url, fake, FakeWorkspace("T0BENCH")).status == 200
            installed = fake.workspace_of(fake.token_of("T0BENCH"))
            auth_tests_before = fake.attempts("auth.test")
            servers = {
                "single-token": (SlackSender(f"http://127.0.0.1:{single_env['PORT']}/slack/events", fake), {}),
                "OAuth": (SlackSender(f"{oauth_url}/slack/events", fake), {"workspace": installed}),
            }
            acks: dict[str, list[float]] = {name: [] for name in servers}
            answers: dict[str, list[float]] = {name: [] for name in servers}
            for index in range(events):
                for number, (name, (sender, options)) in enumerate(servers.items()):
                    ts = f"17200{number}{index:05d}.000100"
                    sent = time.monotonic()
                    assert sender.send_event(mention(QUESTION, ts=ts), **options).status == 200
                    acks[name].append(time.monotonic() - sent)
                    deadline = time.monotonic() + 10
                    while ts not in fake.received_at and time.monotonic() < deadline:
                        time.sleep(0.0005)
                    answers[name].append(fake.received_at[ts][0] - sent)
            auth_tests = fake.attempts("auth.test") - auth_tests_before
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
    print(f"{events} events each, one at a time, the two servers taking turns")
    for name in servers:
        print(f"{name:13} ack median {statistics.median(acks[name]) * 1000:6.2f} ms  p99 {_percentile(acks[name], 0.99) * 1000:6.2f} ms"
              f"   answer median {statistics.median(answers[name]) * 1000:6.2f} ms  p99 {_percentile(answers[name], 0.99) * 1000:6.2f} ms")
    for label, figures in (("ack", acks), ("answer", answers)):
        print(f"OAuth / single-token, {label} median: {statistics.median(figures['OAuth']) / statistics.median(figures['single-token']):.2f}")
    print(f"auth.test calls in OAuth mode: {auth_tests} for {events} events")


if __name__ == "__main__":
    main()
