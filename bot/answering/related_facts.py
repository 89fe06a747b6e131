"""Facts that say the same need in other words: "untrusted code" and "tenants" both
lead to needing strong isolation. Once a user has said one, asking about the other
asks them what they have just told us."""

from __future__ import annotations

from typing import Iterable, Mapping

from ..knowledge.model import Rule


class RelatedFacts:
    def __init__(self, rules: Iterable[Rule]) -> None:
        rules = tuple(rules)
        # Facts only hybrid rules wait for (vm_case, many_parts) join everything on a
        # side; they say nothing about which need a fact is.
        joined_by_hybrid = {c.fact for rule in rules if rule.kind == "hybrid" for c in rule.conditions}
        needs_of: dict[str, set[str]] = {}
        for rule in rules:
            for condition in rule.conditions:
                if condition.value:
                    needs_of.setdefault(condition.fact, set()).update(d for d in rule.derives if d not in joined_by_hybrid)
        self._related = {
            fact: frozenset(other for other, others in needs_of.items() if other != fact and needs & others)
            for fact, needs in needs_of.items()
        }

    def answered_by(self, facts: Mapping[str, bool]) -> frozenset[str]:
        """The facts whose question the stated ones have already answered."""
        found: set[str] = set()
        for fact, value in facts.items():
            if value:
                found |= self._related.get(fact, frozenset())
        return frozenset(found)
