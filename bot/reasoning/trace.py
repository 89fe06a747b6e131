"""What the rule engine did for one question."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Firing:
    rule: str
    matched: tuple[tuple[str, bool], ...]  # the facts (id, value) the rule matched
    derived: tuple[str, ...]  # the facts it concluded


@dataclass(frozen=True)
class Trace:
    firings: tuple[Firing, ...]  # each rule once, in the order it first fired

    def fired(self, rule_id: str) -> Firing | None:
        return next((f for f in self.firings if f.rule == rule_id), None)

    @property
    def derived(self) -> frozenset[str]:
        return frozenset(fact for firing in self.firings for fact in firing.derived)
