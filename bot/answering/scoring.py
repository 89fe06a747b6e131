"""From fired rules to a verdict and a confidence.

Every weight a fired rule adds counts once. The verdict is the option with the
most weight; a tie goes to hybrid, then to vm (the safer way to be wrong).
Confidence is the margin over the runner-up, and it is never high when the
verdict rests on a single thing the user said.
"""

from __future__ import annotations

from typing import Mapping

from ..knowledge.model import VERDICTS, Rule
from ..reasoning.trace import Trace

TIE_ORDER = ("hybrid", "vm", "container")
HIGH_MARGIN = 4
MEDIUM_MARGIN = 2


def scores(trace: Trace, rules: Mapping[str, Rule]) -> dict[str, int]:
    totals = dict.fromkeys(VERDICTS, 0)
    for firing in trace.firings:
        for verdict, weight in rules[firing.rule].weights.items():
            totals[verdict] += weight
    return totals


def verdict_of(totals: Mapping[str, int]) -> str:
    if not any(totals.values()):
        return "unknown"
    return max(TIE_ORDER, key=lambda v: (totals[v], -TIE_ORDER.index(v)))


def confidence_of(totals: Mapping[str, int], verdict: str, facts_behind: int) -> str:
    if verdict == "unknown":
        return "low"
    runner_up = max(score for v, score in totals.items() if v != verdict)
    margin = totals[verdict] - runner_up
    if margin >= HIGH_MARGIN and facts_behind >= 2:
        return "high"
    if margin >= MEDIUM_MARGIN:
        return "medium"
    return "low"
