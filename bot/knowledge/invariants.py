"""The reasoning model's invariants (described at the top of knowledge/rules.yaml), checked
so that an author's edit cannot silently break them:

- a requirement weighs more than every preference of the other side together, so no
  pile of preferences outvotes it;
- a hybrid rule waits for a fact of each side (two different conditions, all of them),
  and weighs more than everything either side can add, so when it holds it decides;
- only hybrid rules weigh towards hybrid, and a rule with weight says what kind it is.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from .model import Rule

SIDES = ("container", "vm")
Report = Callable[[int, str], None]


def check_invariants(rules: Sequence[tuple[Rule, int]], error: Report) -> None:
    plain = [(rule, line) for rule, line in rules if rule.kind != "hybrid"]
    totals = {side: sum(rule.weights.get(side, 0) for rule, _ in plain) for side in SIDES}
    sides_of = FactSides([rule for rule, _ in rules])
    for rule, line in rules:
        label = f"rule '{rule.id}'"
        if rule.kind == "derivation" and rule.weights:
            error(line, f"{label} adds weight, so it needs 'kind: preference', 'requirement' or 'hybrid'")
        if rule.kind != "derivation" and not rule.weights:
            error(line, f"{label} is a {rule.kind} but adds no weight; leave 'kind' out for a rule that only derives")
        if rule.kind == "hybrid":
            _check_hybrid(rule, line, totals, sides_of, error)
        elif "hybrid" in rule.weights:
            error(line, f"{label} weighs towards hybrid, which only a rule of 'kind: hybrid' may do")
        if rule.kind == "requirement":
            _check_requirement(rule, line, totals, error)


def _check_requirement(rule: Rule, line: int, totals: dict[str, int], error: Report) -> None:
    label = f"rule '{rule.id}'"
    sides = [side for side in SIDES if side in rule.weights]
    if len(sides) != 1:
        error(line, f"{label} is a requirement, so it must weigh towards exactly one of container or vm")
        return
    other = "vm" if sides[0] == "container" else "container"
    if rule.weights[sides[0]] <= totals[other]:
        error(
            line,
            f"{label} is a requirement but weighs {rule.weights[sides[0]]}, not more than all {other} weights together "
            f"({totals[other]}): preferences could outvote it; raise it above {totals[other]}",
        )


def _check_hybrid(rule: Rule, line: int, totals: dict[str, int], sides_of: "FactSides", error: Report) -> None:
    label = f"rule '{rule.id}'"
    if set(rule.weights) != {"hybrid"}:
        error(line, f"{label} is a hybrid rule, so it weighs towards hybrid only")
    if rule.mode != "all":
        error(line, f"{label} is a hybrid rule, so it must wait for 'all' of its conditions, one from each side")
    sides = [sides_of.of(condition.fact) if condition.value else set() for condition in rule.conditions]
    if not _one_of_each(sides):
        error(line, f"{label} is a hybrid rule but does not wait for a container-side fact and a different VM-side fact")
    weight = rule.weights.get("hybrid", 0)
    most = max(totals.values())
    if weight and weight <= most:
        error(
            line,
            f"{label} weighs {weight} for hybrid, not more than one side can add ({most}): "
            f"a pile of one side's signals could outvote it; raise it above {most}",
        )


def _one_of_each(sides: list[set[str]]) -> bool:
    return any(
        "container" in first and "vm" in second
        for i, first in enumerate(sides)
        for j, second in enumerate(sides)
        if i != j
    )


class FactSides:
    """Which side (container, vm) each fact leads to, by the rules it feeds, or, for a
    derived fact, by the rules that conclude it. The answers use it too: rules only add,
    so a fact that leads to one side alone cannot move a verdict to the other."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules = [rule for rule in rules if rule.kind != "hybrid"]
        self._known: dict[str, frozenset[str]] = {}

    def of(self, fact: str) -> frozenset[str]:
        if fact not in self._known:
            self._known[fact] = frozenset(self._of(fact, frozenset()))
        return self._known[fact]

    def _of(self, fact: str, seen: frozenset[str]) -> set[str]:
        if fact in seen:
            return set()
        seen = seen | {fact}
        found = self._forward(fact, seen)
        for rule in self._rules:
            if fact in rule.derives:
                found |= {side for side in SIDES if side in rule.weights}
                for condition in rule.conditions:
                    if condition.value:
                        found |= self._of(condition.fact, seen)
        return found

    def _forward(self, fact: str, seen: frozenset[str]) -> set[str]:
        found: set[str] = set()
        for rule in self._rules:
            if any(c.fact == fact and c.value for c in rule.conditions):
                found |= {side for side in SIDES if side in rule.weights}
                for derived in rule.derives:
                    if derived not in seen:
                        found |= self._forward(derived, seen | {derived})
        return found
