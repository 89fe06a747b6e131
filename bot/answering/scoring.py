"""From fired rules to a verdict and a confidence.

Every weight a fired rule adds counts once. The verdict is the option with the
most weight; a tie goes to hybrid, then to vm (the safer way to be wrong).

Confidence is not read off the size of the weights: it says whether the criteria
the user stated agree.
- high: nothing stated leans the other way, and the verdict rests on a requirement
  (untrusted code, another OS, ...) or on two or more things the user said;
- medium: a requirement outweighs stated preferences the other way, a single clear
  preference with nothing against it, or a hybrid built of preferences alone;
- low: preferences on both sides with little between them, or no verdict at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..knowledge.model import VERDICTS, Rule
from ..reasoning.trace import Trace

TIE_ORDER = ("hybrid", "vm", "container")
HIGH_MARGIN = 4  # between preferences only
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


def confidence_of(totals: Mapping[str, int], verdict: str, evidence: "Evidence") -> str:
    if verdict == "unknown":
        return "low"
    if verdict == "hybrid":
        return "high" if evidence.requirement else "medium"
    if evidence.requirement:
        return "medium" if evidence.opposed else "high"
    margin = totals[verdict] - max(score for v, score in totals.items() if v != verdict)
    if evidence.opposed:
        return "medium" if margin >= HIGH_MARGIN else "low"
    if evidence.facts_behind >= 2:
        return "high"
    return "medium" if margin >= MEDIUM_MARGIN else "low"


@dataclass(frozen=True)
class Evidence:
    """What the verdict rests on, as the answer walked it back to the user's words."""

    facts_behind: int  # things the user said behind the verdict's reasons
    requirement: bool  # a requirement rule weighed for the verdict
    opposed: bool  # something the user said leans the other way
