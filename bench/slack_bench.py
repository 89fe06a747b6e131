"""End to end: the bot served by `placement serve --http`, against a local fake
Slack Web API, driven by signed app_mention events; beside it, in the same run and
measured the same way, a bare Bolt app that replies with a fixed text (the floor).
The bot runs on SQLite, on Postgres (DATABASE_URL), and as two replicas on that Postgres
with the senders' events spread over the two ports, as a load balancer would deal them.

    python bench/slack_bench.py [--latency-events 300] [--burst-events 400] [--rounds 5] [--senders 16] [--memory-events 10000]
                                [--database-url postgresql://...] [--no-postgres]

Postgres: the server at --database-url (a new database is made on it and dropped after),
or else a throwaway cluster of its own started from this machine's Postgres binaries
(tests/postgres_server.py), with fsync on, as in production. --no-postgres runs the two
replicas on one shared SQLite file instead.

Prints, for each server: time from launch to the first answer; latency from the
POST to the threaded reply reaching the Slack API (median, p99), one event at a
time; wall time for a burst of events from concurrent senders, with lost and
duplicated answers and connection errors; the server's CPU time per event, one at
a time and in bursts; the server's memory (RSS) before and after many events.
Then each one's ratio to the floor. All servers stay up side by side and take turns,
event by event and burst by burst, so that the rest of a shared machine's load falls on
all alike. A replica pair's CPU and memory are those of both processes together.

Two mixes of questions, both from bench/question_mix.py:
  team   a channel on launch day: 200 different questions, asked with Zipf-like
         repetition (a few asked often, most once or twice), as people try the
         bot and repeat what they saw others ask
  new    every question different from every other (the bot's worst case: no
         answer can come from its fact-set cache)
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests"), os.path.join(ROOT, "tests", "slack")]
for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
    os.environ.pop(proxy, None)

from bench.question_mix import questions as question_mix  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot_harness import BOT_TOKEN, SIGNING_SECRET, SlackSender, mention  # noqa: E402
from fake_slack_api import FakeSlackApi  # noqa: E402
from postgres_server import PostgresServer, PostgresUnavailable, ThrowawayCluster, postgres_server  # noqa: E402


class TimedFakeSlackApi(FakeSlackApi):
    """The tests' fake Slack API, noting when each reply arrived, by thread."""

    def __init__(self, bot_token: str) -> None:
        super().__init__(bot_token)
        self.arrivals: dict[str, list[float]] = {}
        self._arrived = threading.Condition()

    def _record(self, method, body, token=""):
        ts = super()._record(method, body, token)
        if method == "chat.postMessage":
            with self._arrived:
                self.arrivals.setdefault(str(body.get("thread_ts")), []).append(time.perf_counter())
                self._arrived.notify_all()
        return ts

    def wait_replies(self, threads: list[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while not all(t in self.arrivals for t in threads):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._arrived.wait(left)
        return True


@dataclass
class Figures:
    ready_s: float = 0.0
    latency_ms: dict = field(default_factory=dict)  # mix -> (median, p99)
    burst_s: dict = field(default_factory=dict)  # mix -> seconds
    one_at_a_time_cpu_ms: dict = field(default_factory=dict)  # mix -> server CPU time per event
    burst_cpu_ms: dict = field(default_factory=dict)  # mix -> server CPU time per event
    burst_database_cpu_ms: dict = field(default_factory=dict)  # mix -> Postgres server's CPU time per event
    lost: int = 0
    duplicated: int = 0
    connection_errors: int = 0
    rss_before_mb: float = 0.0
    rss_after_mb: float = 0.0


_WITHOUT_DATABASE_URL = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}


class Server:
    """One server process, or several replicas of it on one database, each on its own port;
    events are dealt to them in turn."""

    def __init__(self, name: str, command: list[str], fake: TimedFakeSlackApi, workdir: str, database: dict[str, str],
                 replicas: int = 1, database_cpu_seconds: Callable[[], float] = lambda: 0.0) -> None:
        self.name = name
        self.fake = fake
        self.database_cpu_seconds = database_cpu_seconds
        self.launched = time.perf_counter()
        self.processes, self.log_paths, senders = [], [], []
        for replica in range(replicas):
            port = _free_port()
            env = {**_WITHOUT_DATABASE_URL, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.api_url,
                   "PORT": str(port), "LOG_LEVEL": "INFO", **database}
            self.log_paths.append(os.path.join(workdir, f"{name}-{replica}.log"))
            self.processes.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                                   stderr=open(self.log_paths[-1], "w")))
            senders.append(SlackSender(f"http://127.0.0.1:{port}/slack/events", fake))
        self.senders = senders
        self._next_sender = itertools.cycle(senders)
        self._ts = 0
        self.ready_s = 0.0

    def next_ts(self) -> str:
        self._ts += 1
        return f"{1_800_000_000 + self._ts}.000100"

    def send(self, text: str, ts: str, sender: SlackSender | None = None) -> bool:
        try:
            return (sender or next(self._next_sender)).send_event(mention(text, ts=ts)).status == 200
        except OSError:
            return False

    def exited(self) -> int | None:
        return next((process.returncode for process in self.processes if process.poll() is not None), None)

    def wait_for_log(self, words: str, timeout: float) -> bool:
        """Until every replica has logged `words`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(words in open(path).read() for path in self.log_paths):
                return True
            time.sleep(0.1)
        return False

    def rss_mb(self) -> float:
        return sum(_rss_mb(process.pid) for process in self.processes)

    def cpu_seconds(self) -> float:
        return sum(_cpu_seconds(process.pid) for process in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=30)


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def _cpu_seconds(pid: int, with_children_gone: bool = False) -> float:
    fields = _stat(pid)
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if with_children_gone else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat from its third field (state) on."""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()


def _process_tree_cpu_seconds(pid: int) -> float:
    """A Postgres server's CPU time: the postmaster's, its backends' that ended, and the live ones'."""
    children = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and int(_stat(int(entry))[1]) == pid:
                children.append(_cpu_seconds(int(entry)))
        except (OSError, IndexError):  # ended meanwhile
            continue
    return _cpu_seconds(pid, with_children_gone=True) + sum(children)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(server: Server, warm_up: list[str]) -> float:
    """Launch -> first answer (from every replica), in seconds; then the first-call costs, not measured."""
    fake = server.fake
    firsts = []
    for sender in server.senders:
        firsts.append(server.next_ts())
        while not server.send(warm_up[0], firsts[-1], sender):
            if server.exited() is not None:
                raise SystemExit(f"{server.name} exited with {server.exited()}")
            time.sleep(0.01)
    fake.wait_replies(firsts, 30)
    ready = max(fake.arrivals[first][0] for first in firsts) - server.launched
    # The bot works out small fact combinations in the background after start-up; the
    # figures below are for the steady state that follows (the floor logs no such line).
    if server.name != FLOOR and not server.wait_for_log("fact combinations in advance", 120):
        raise SystemExit(f"{server.name}: the bot never finished its start-up warm-up")
    for text in warm_up[1:]:
        ts = server.next_ts()
        server.send(text, ts)
        fake.wait_replies([ts], 30)
    return ready


def latency_ms(server: Server, text: str) -> float:
    ts = server.next_ts()
    began = time.perf_counter()
    server.send(text, ts)
    server.fake.wait_replies([ts], 30)
    return (server.fake.arrivals[ts][0] - began) * 1000


def measure(servers: dict[str, Server], mixes: dict[str, list[str]], args: argparse.Namespace) -> dict[str, Figures]:
    """The servers run side by side and take turns, event by event and burst by burst,
    so that what else the shared machine is doing falls on all alike."""
    figures = {name: Figures() for name in servers}
    for mix in ("team", "new"):
        texts = mixes[mix]
        samples: dict[str, list[float]] = {name: [] for name in servers}
        cpu_before = {name: server.cpu_seconds() for name, server in servers.items()}
        for index in range(args.latency_events):
            for name, server in servers.items():
                samples[name].append(latency_ms(server, texts[index]))
        for name, server in servers.items():
            figures[name].one_at_a_time_cpu_ms[mix] = (server.cpu_seconds() - cpu_before[name]) * 1000 / max(args.latency_events, 1)
            ordered = sorted(samples[name])
            figures[name].latency_ms[mix] = (statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1])
        walls: dict[str, list[float]] = {name: [] for name in servers}
        cpu: dict[str, float] = dict.fromkeys(servers, 0.0)
        database_cpu: dict[str, float] = dict.fromkeys(servers, 0.0)
        for round_ in range(args.rounds):
            offset = args.latency_events + round_ * args.burst_events
            # the order turns round every other round: a burst can leave the machine busier
            for name, server in (list(servers.items()) if round_ % 2 == 0 else list(servers.items())[::-1]):
                cpu_before, database_cpu_before = server.cpu_seconds(), server.database_cpu_seconds()
                seconds, lost, duplicated, errors = burst(server, texts[offset : offset + args.burst_events], args.senders)
                cpu[name] += server.cpu_seconds() - cpu_before
                database_cpu[name] += server.database_cpu_seconds() - database_cpu_before
                walls[name].append(seconds)
                figures[name].lost += lost
                figures[name].duplicated += duplicated
                figures[name].connection_errors += errors
        for name in servers:
            figures[name].burst_s[mix] = statistics.median(walls[name])
            figures[name].burst_cpu_ms[mix] = cpu[name] * 1000 / (args.rounds * args.burst_events)
            figures[name].burst_database_cpu_ms[mix] = database_cpu[name] * 1000 / (args.rounds * args.burst_events)

    # Memory: sent in bursts, each waiting for its replies (as Slack traffic comes), so the
    # figure shows what the server keeps, not how deep a queue got in one flood.
    memory_texts = mixes["team"]
    for name, server in servers.items():
        figures[name].rss_before_mb = server.rss_mb()
        sent = 0
        while sent < args.memory_events:
            chunk = min(args.burst_events, args.memory_events - sent)
            burst(server, [memory_texts[(sent + i) % len(memory_texts)] for i in range(chunk)], args.senders)
            sent += chunk
        figures[name].rss_after_mb = server.rss_mb()
    return figures


def burst(server: Server, texts: list[str], senders: int) -> tuple[float, int, int, int]:
    fake = server.fake
    stamps = [server.next_ts() for _ in texts]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=senders) as pool:
        accepted = list(pool.map(lambda i: server.send(texts[i], stamps[i]), range(len(texts))))
    fake.wait_replies(stamps, 60)
    replies = Counter({ts: len(fake.arrivals.get(ts, ())) for ts in stamps})
    finished = max((fake.arrivals[ts][-1] for ts in stamps if ts in fake.arrivals), default=start)
    return finished - start, sum(1 for ts in stamps if replies[ts] == 0), sum(1 for ts in stamps if replies[ts] > 1), accepted.count(False)


def mixes(args: argparse.Namespace) -> dict[str, list[str]]:
    needed = args.latency_events + args.rounds * args.burst_events
    generated = question_mix(load_knowledge(), 60 + 200 + needed, seed=11)
    warm_up, pool, new = generated[:60], generated[60:260], generated[260:]
    rng = random.Random(5)
    weights = [1 / (rank + 1) for rank in range(len(pool))]
    return {"warm-up": warm_up, "new": new, "team": rng.choices(pool, weights, k=max(needed, 1000))}


FLOOR = "floor"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency-events", type=int, default=300)
    parser.add_argument("--burst-events", type=int, default=400)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--memory-events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5, help="bursts per mix and server; the median is shown")
    parser.add_argument("--database-url", help="a Postgres server to make the bench's database on (default: a throwaway cluster)")
    parser.add_argument("--no-postgres", action="store_true", help="no Postgres runs; the two replicas share a SQLite file")
    args = parser.parse_args()
    questions = mixes(args)
    floor = [sys.executable, os.path.join(HERE, "bare_bolt_app.py")]
    bot = [sys.executable, "-m", "bot", "serve", "--http"]
    with tempfile.TemporaryDirectory() as workdir, ExitStack() as stack:
        no_database_cpu = lambda: 0.0  # noqa: E731 (SQLite's work is in the bot's own process)
        shared, database_cpu = {"PLACEMENT_DB": os.path.join(workdir, "replicas.sqlite3")}, no_database_cpu
        runs = [(FLOOR, floor, {}, 1, no_database_cpu),
                ("sqlite", bot, {"PLACEMENT_DB": os.path.join(workdir, "bot.sqlite3")}, 1, no_database_cpu)]
        if not args.no_postgres:
            postgres = _postgres(args.database_url, stack)
            if isinstance(postgres, ThrowawayCluster):
                database_cpu = lambda: _process_tree_cpu_seconds(postgres.server_pid)  # noqa: E731
            shared = {"DATABASE_URL": _new_database(postgres, stack)}
            runs.append(("postgres", bot, {"DATABASE_URL": _new_database(postgres, stack)}, 1, database_cpu))
        runs.append(("2 replicas", bot, shared, 2, database_cpu))
        servers = {}
        for name, command, database, replicas, cpu in runs:  # one at a time, so none slows another's start
            fake = stack.enter_context(TimedFakeSlackApi(BOT_TOKEN))
            servers[name] = Server(name, command, fake, workdir, database, replicas, cpu)
            stack.callback(servers[name].stop)
            servers[name].ready_s = start(servers[name], questions["warm-up"])
        results = measure(servers, questions, args)
        for name, server in servers.items():
            results[name].ready_s = server.ready_s
    report(results, args, "sqlite" if args.no_postgres else "postgres")


def _postgres(url: str | None, stack: ExitStack) -> PostgresServer:
    if url:
        return PostgresServer(url)
    try:
        server = postgres_server(durable=True)
    except PostgresUnavailable as missing:
        raise SystemExit(f"{missing}; or run with --no-postgres") from None
    stack.callback(server.stop)
    return server


def _new_database(server: PostgresServer, stack: ExitStack) -> str:
    url = server.create_database()
    stack.callback(server.drop_database, url)
    return url


def report(results: dict[str, Figures], args: argparse.Namespace, replicas_database: str) -> None:
    names = list(results)
    others = names[1:]
    print(f"{args.latency_events} events one at a time and {args.rounds} bursts of {args.burst_events} from {args.senders} senders "
          f"(median shown), for each mix, the {len(names)} servers taking turns; memory over {args.memory_events:,} events; "
          f"{os.cpu_count()} cores; the 2 replicas on {replicas_database}, events dealt to them in turn"
          + ("; the Postgres server's CPU is not measured (--database-url)" if args.database_url else "") + "\n")
    print(f"{'':46}" + "".join(f"{name:>12}" for name in names) + "".join(f"{name + '/floor':>18}" for name in others))
    floor = results[FLOOR]
    rows = [("launch -> first answer, s", lambda f: f.ready_s)]
    for mix in ("team", "new"):
        rows += [
            (f"{mix}: latency median, ms", lambda f, mix=mix: f.latency_ms[mix][0]),
            (f"{mix}: latency p99, ms", lambda f, mix=mix: f.latency_ms[mix][1]),
            (f"{mix}: server CPU per event, one at a time, ms", lambda f, mix=mix: f.one_at_a_time_cpu_ms[mix]),
            (f"{mix}: burst of {args.burst_events}, s", lambda f, mix=mix: f.burst_s[mix]),
            (f"{mix}: server CPU per event in bursts, ms", lambda f, mix=mix: f.burst_cpu_ms[mix]),
        ]
        if replicas_database == "postgres":
            rows.append((f"{mix}: + Postgres server's, ms", lambda f, mix=mix: f.burst_cpu_ms[mix] + f.burst_database_cpu_ms[mix]))
    for label, figure in rows:
        print(f"{label:46}" + "".join(f"{figure(results[name]):12.3f}" for name in names)
              + "".join(f"{figure(results[name]) / figure(floor):18.2f}" for name in others))
    for label, attr in (("lost answers", "lost"), ("duplicated answers", "duplicated"), ("connection errors", "connection_errors")):
        print(f"{label:46}" + "".join(f"{getattr(results[name], attr):12d}" for name in names))
    for name, f in results.items():
        print(f"memory {name:10} RSS {f.rss_before_mb:.1f} MB -> {f.rss_after_mb:.1f} MB after {args.memory_events:,} events "
              f"({f.rss_after_mb - f.rss_before_mb:+.1f} MB)")


if __name__ == "__main__":
    main()
