"""The knowledge base's rules compiled into one durable_rules ruleset, run forward
for each question in a session of its own.

durable_rules is C code that is not thread-safe and keeps every session until it
is deleted (about 1,024 live sessions and it fails), so every call goes through
one lock and every session is deleted in a `finally`. Its Host normally starts a
background timer thread for features the bot does not use; the subclass below
does not start it. See DESIGN.md section 3.

One more trap, found here: asserting a fact that no rule can match raises
MessageNotHandledException, and deleting that session afterwards crashes the
process (double free). So only (fact, value) pairs some condition waits for are
ever asserted, and a question with none never reaches the engine.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any, Callable, Iterable, Mapping

from durable.engine import Host

from ..knowledge.model import KnowledgeBase, Rule
from .trace import Firing, Trace

RULESET = "placement"


class RuleError(RuntimeError):
    """A rule's action failed; durable_rules would otherwise swallow it."""


class _QuietHost(Host):
    def _run(self) -> None:  # no timers, no queued actions: no background thread
        pass


class RuleEngine:
    def __init__(self, knowledge: KnowledgeBase) -> None:
        self._lock = threading.Lock()
        self._sessions = itertools.count(1)
        self._observed = frozenset((c.fact, c.value) for rule in knowledge.rules for c in rule.conditions)
        self._firings: dict[str, Firing] = {}  # of the run in progress, guarded by the lock
        definition = {rule.id: self._compile(rule) for rule in knowledge.rules}
        self._host = _QuietHost({RULESET: definition})

    def _compile(self, rule: Rule) -> dict[str, Any]:
        slots = [f"m_{index}" for index in range(len(rule.conditions))]
        patterns = [
            {slot: {"$and": [{"name": condition.fact}, {"value": condition.value}]}}
            for slot, condition in zip(slots, rule.conditions)
        ]
        return {rule.mode: patterns, "run": self._action(rule, slots)}

    def _action(self, rule: Rule, slots: list[str]) -> Callable[[Any], None]:
        # One argument: durable_rules runs it synchronously. Rule data is bound
        # through this closure, not default arguments (which would change the arity).
        to_assert = [fact for fact in rule.derives if (fact, True) in self._observed]

        def action(c: Any) -> None:
            matched = tuple((m["name"], m["value"]) for m in (getattr(c, slot) for slot in slots) if m is not None)
            first_time = self._record(rule, matched)
            if first_time:
                for fact in to_assert:
                    c.assert_fact({"id": f"{rule.id}>{fact}", "name": fact, "value": True})

        return action

    def _record(self, rule: Rule, matched: tuple[tuple[str, bool], ...]) -> bool:
        """Note a firing; an `any` rule fires once per matching combination, and
        counts once. Returns whether this is the rule's first firing."""
        earlier = self._firings.get(rule.id)
        if earlier is None:
            self._firings[rule.id] = Firing(rule.id, matched, rule.derives)
            return True
        merged = tuple(dict.fromkeys(earlier.matched + matched))
        self._firings[rule.id] = Firing(rule.id, merged, rule.derives)
        return False

    def relevant(self, facts: Iterable[tuple[str, bool]]) -> frozenset[tuple[str, bool]]:
        """The (fact, value) pairs some rule waits for. Two fact sets with the same
        relevant pairs give the same trace ("no GPU, microservices" and
        "microservices" while no rule waits for a GPU to be absent)."""
        return frozenset(pair for pair in facts if pair in self._observed)

    def run(self, facts: Mapping[str, bool]) -> Trace:
        """Run the rules forward from the user's facts. Safe to call from any thread."""
        observed = sorted(self.relevant(facts.items()))
        if not observed:
            return Trace(())
        with self._lock:
            sid = str(next(self._sessions))
            self._firings = {}
            try:
                state = self._host.assert_facts(
                    RULESET,
                    [{"sid": sid, "id": f"in>{name}", "name": name, "value": value} for name, value in observed],
                )
                if isinstance(state, dict) and state.get("exception"):
                    raise RuleError(f"a rule failed while reasoning: {state['exception']}")
                return Trace(tuple(self._firings.values()))
            finally:
                self._firings = {}
                self._host.delete_state(RULESET, sid)
