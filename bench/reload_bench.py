"""What a knowledge reload (SIGHUP in `placement serve`) costs, beside baselines measured in
the same run.

    python bench/reload_bench.py [--reloads 20] [--seconds 3]

Measured:
  reload             ReloadableAdvisor.reload(): load and check the YAML, then build the new
                     Advisor (rules compiled) while no answer runs; the build alone is what
                     answers can wait for
  baseline           Advisor.from_directory(), the same work at start-up
  answer latency     4 threads asking the benchmarks' question mix through the holder, with
                     and without a reload every 0.25 s: median, 99th percentile and worst
                     (each reload starts with empty answer caches, as a served reload does)
  memory             resident memory after the reloads (the old rulesets are not freed)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from bench.question_mix import questions as question_mix  # noqa: E402
from bot.advisor import Advisor  # noqa: E402
from bot.knowledge import DEFAULT_DIRECTORY, load_knowledge  # noqa: E402
from bot.reloadable_advisor import ReloadableAdvisor  # noqa: E402

THREADS = 4


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1e6


def _timed(work, times: int) -> list[float]:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        work()
        spent.append(time.perf_counter() - started)
    return spent


def _latencies(advisor: ReloadableAdvisor, texts: list[str], seconds: float, reload_every: float | None) -> list[float]:
    stop = threading.Event()
    found: list[float] = []
    lock = threading.Lock()

    def ask() -> None:
        mine, index = [], 0
        while not stop.is_set():
            started = time.perf_counter()
            advisor.advise(texts[index % len(texts)])
            mine.append(time.perf_counter() - started)
            index += 1
        with lock:
            found.extend(mine)

    threads = [threading.Thread(target=ask) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(reload_every or 0.05)
        if reload_every:
            advisor.reload()
    stop.set()
    for thread in threads:
        thread.join()
    return found


def _describe(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[int(len(ordered) * 0.99)]
    return f"median {statistics.median(ordered) * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms, worst {ordered[-1] * 1e3:.1f} ms ({len(ordered)} answers)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reloads", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    texts = question_mix(load_knowledge(DEFAULT_DIRECTORY), 500)

    baseline = statistics.median(_timed(lambda: Advisor.from_directory(DEFAULT_DIRECTORY), 5))
    knowledge = load_knowledge(DEFAULT_DIRECTORY)
    alone = statistics.median(_timed(lambda: Advisor(knowledge), 5))
    advisor = ReloadableAdvisor(DEFAULT_DIRECTORY)
    before = _rss_mb()
    reload = statistics.median(_timed(advisor.reload, args.reloads))
    after = _rss_mb()
    print(f"Advisor.from_directory (baseline): {baseline * 1e3:.0f} ms")
    print(f"reload:                            {reload * 1e3:.0f} ms  ({reload / baseline:.2f} x baseline)")
    print(f"  of which answers wait (build):   {alone * 1e3:.0f} ms; loading and checking the YAML runs beside them")
    print(f"memory after {args.reloads} reloads:          +{after - before:.1f} MB ({(after - before) / args.reloads * 1e3:.0f} kB per reload)")
    _latencies(advisor, texts, 1.0, None)  # the same warm caches for both runs
    quiet = _latencies(advisor, texts, args.seconds, None)
    busy = _latencies(advisor, texts, args.seconds, 0.25)
    print(f"answers, no reload:                {_describe(quiet)}")
    print(f"answers, a reload every 0.25 s:    {_describe(busy)}")
    print(f"median ratio (reloading / quiet):  {statistics.median(busy) / statistics.median(quiet):.2f}")


if __name__ == "__main__":
    main()
