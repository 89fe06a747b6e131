"""Cost per question of understanding + reasoning + answering, and memory over
100,000 questions, each beside a baseline measured in the same run.

    python bench/core_bench.py [--questions 3000] [--memory-questions 100000]

Baselines:
  keyword lookup   the naive bot: lower-case the text and test every lexicon phrase
                   with `in` (what a static decision tree costs; no reasoning at all)
  engine only      the same facts through durable_rules once, no understanding/answers
Measured:
  understand       text -> Question
  advise, no cache text -> Answer, every rule run on the engine (about 15 runs: the
                   verdict plus one per fact that could change it)
  advise           the shipped configuration: rule runs cached by fact set
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from bench.question_mix import questions as question_mix  # noqa: E402
from bot.advisor import Advisor  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.reasoning.engine import RuleEngine  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def timed(function, items) -> list[float]:
    samples = []
    for item in items:
        start = time.perf_counter()
        function(item)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=3000)
    parser.add_argument("--memory-questions", type=int, default=100_000)
    args = parser.parse_args()

    knowledge = load_knowledge()
    mix = question_mix(knowledge, args.questions)
    phrases = [(fact.id, phrase) for fact in knowledge.facts.values() for phrase in fact.phrases]
    uncached = Advisor(knowledge, cache=False)
    shipped = Advisor(knowledge)
    engine = RuleEngine(knowledge)
    fact_sets = [uncached.understand(q).fact_values() for q in mix]
    print(f"{len(mix)} mixed questions, {len({frozenset(f.items()) for f in fact_sets})} distinct fact sets; "
          f"{len(knowledge.rules)} rules, {len(phrases)} phrases; Python {sys.version.split()[0]}")

    def keyword_lookup(text: str) -> dict:
        lowered = text.lower()
        return {fact: True for fact, phrase in phrases if phrase in lowered}

    for warm in mix[:200]:  # import-time and first-call costs are not per-question costs
        uncached.advise(warm)
    gc.collect()
    rows = [
        ("baseline: keyword lookup", timed(keyword_lookup, mix)),
        ("baseline: engine only", timed(engine.run, fact_sets)),
        ("understand", timed(uncached.understand, mix)),
        ("advise, no cache", timed(uncached.advise, mix)),
        ("advise (shipped, cold cache)", timed(shipped.advise, mix)),
        ("advise (shipped, warm cache)", timed(shipped.advise, mix)),
    ]
    base_keyword = summary(rows[0][1])[0]
    base_engine = summary(rows[1][1])[0]
    print(f"\n{'per question':32} {'median ms':>10} {'p99 ms':>9} {'x keyword':>10} {'x engine':>9}")
    for name, samples in rows:
        median, p99 = summary(samples)
        print(f"{name:32} {median:10.3f} {p99:9.3f} {median / base_keyword:10.1f} {median / base_engine:9.2f}")

    print(f"\nmemory over {args.memory_questions:,} questions (RSS, MB)")
    gc.collect()
    before = rss_mb()
    for index in range(args.memory_questions):
        shipped.advise(mix[index % len(mix)] + (" again" if index % 3 else ""))
        if index == 9_999:
            gc.collect()
            after_warm_up = rss_mb()
    gc.collect()
    after = rss_mb()
    print(f"  shipped advisor: before {before:.1f}, after 10,000 {after_warm_up:.1f}, after {args.memory_questions:,} {after:.1f}"
          f"  -> growth {after - before:+.1f} MB ({after - after_warm_up:+.1f} MB after the caches filled)")
    before = rss_mb()
    for index in range(args.memory_questions):
        engine.run(fact_sets[index % len(fact_sets)])
    gc.collect()
    after = rss_mb()
    print(f"  engine sessions: before {before:.1f}, after {args.memory_questions:,} runs {after:.1f}  -> growth {after - before:+.1f} MB")


if __name__ == "__main__":
    main()
