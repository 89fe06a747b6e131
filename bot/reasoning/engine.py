"""The knowledge base's rules compiled into one durable_rules ruleset, run forward
for each question in a session of its own.

durable_rules is C code that is not thread-safe and keeps every session until it
is deleted (about 1,024 live sessions and it fails), so every call goes through
one lock and every session is deleted in a `finally`. See DESIGN.md section 3.

The engine's C module is driven directly: assert the facts, then take the fired
rules one by one (`start_action_for_state`, `complete_and_start_action`). Its
Python `Host` wraps every firing in closures, lease timers and a JSON round trip
of the session's state, and starts a background timer thread; profiled, that
was three quarters of a run, and the bot uses none of it.

One more trap, found here: asserting a fact that no rule can match is refused
("not handled"), and through durable's Host, deleting that session afterwards
crashed the process (double free). So only (fact, value) pairs some condition
waits for are ever asserted, a question with none never reaches the engine, and
a refused session is never deleted.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass
from typing import Any, Mapping

import durable_rules_engine

from ..knowledge.model import KnowledgeBase, Rule
from .trace import Firing, Trace

RULESET = "placement"
ASSERTED = 0  # durable's result code for facts it took in


class RuleError(RuntimeError):
    """A rule's action failed, or the engine refused the facts."""


@dataclass(frozen=True)
class _CompiledRule:
    rule: Rule
    slots: tuple[str, ...]  # the name of each condition's match in a firing
    asserts: tuple[str, ...]  # the derived facts some other rule waits for


class RuleEngine:
    def __init__(self, knowledge: KnowledgeBase) -> None:
        self._lock = threading.Lock()
        self._sessions = itertools.count(1)
        self._observed = frozenset((c.fact, c.value) for rule in knowledge.rules for c in rule.conditions)
        self._rules = {rule.id: self._compile(rule) for rule in knowledge.rules}
        definition = {rule_id: self._patterns(compiled) for rule_id, compiled in self._rules.items()}
        self._handle = durable_rules_engine.create_ruleset(RULESET, json.dumps(definition))

    def _compile(self, rule: Rule) -> _CompiledRule:
        slots = tuple(f"m_{index}" for index in range(len(rule.conditions)))
        return _CompiledRule(rule, slots, tuple(fact for fact in rule.derives if (fact, True) in self._observed))

    @staticmethod
    def _patterns(compiled: _CompiledRule) -> dict[str, Any]:
        conditions = compiled.rule.conditions
        return {compiled.rule.mode: [
            {slot: {"$and": [{"name": condition.fact}, {"value": condition.value}]}}
            for slot, condition in zip(compiled.slots, conditions)
        ]}

    @property
    def observed(self) -> frozenset[tuple[str, bool]]:
        """The (fact, value) pairs some rule waits for: no other pair changes a run."""
        return self._observed

    def run(self, facts: Mapping[str, bool]) -> Trace:
        """Run the rules forward from the user's facts. Safe to call from any thread."""
        observed = sorted(pair for pair in facts.items() if pair in self._observed)
        if not observed:
            return Trace(())
        with self._lock:
            return _Session(self._handle, str(next(self._sessions)), self._rules).run(observed)


class _Session:
    """One run of the rules; used only while the engine's lock is held."""

    def __init__(self, handle: int, sid: str, rules: Mapping[str, _CompiledRule]) -> None:
        self._handle = handle
        self._sid = sid
        self._rules = rules
        self._firings: dict[str, Firing] = {}
        self._asserted: set[str] = set()

    def run(self, observed: list[tuple[str, bool]]) -> Trace:
        state = self._assert([{"id": f"in>{name}", "name": name, "value": value} for name, value in observed])
        try:
            started = durable_rules_engine.start_action_for_state(self._handle, state)
            message = started[1] if started else None
            while message:
                try:
                    self._fire(json.loads(message))
                except Exception as error:
                    durable_rules_engine.abandon_action(self._handle, state)
                    raise RuleError(f"a rule failed while reasoning: {error}") from error
                message = durable_rules_engine.complete_and_start_action(self._handle, state)
            return Trace(tuple(self._firings.values()))
        finally:
            durable_rules_engine.delete_state(self._handle, self._sid)

    def _assert(self, facts: list[dict[str, Any]]) -> int:
        code, state = durable_rules_engine.assert_facts(self._handle, json.dumps([{"sid": self._sid, **f} for f in facts]))
        if code != ASSERTED:
            raise RuleError(f"the rule engine refused the facts {facts} (code {code})")
        return state

    def _fire(self, message: Mapping[str, Mapping[str, Any]]) -> None:
        (rule_id, matches), = message.items()
        compiled = self._rules[rule_id]
        matched = tuple((m["name"], m["value"]) for m in (matches.get(slot) for slot in compiled.slots) if m is not None)
        earlier = self._firings.get(rule_id)
        # an `any` rule fires once per matching combination, and counts once
        merged = matched if earlier is None else tuple(dict.fromkeys(earlier.matched + matched))
        self._firings[rule_id] = Firing(rule_id, merged, compiled.rule.derives)
        # a fact derived twice would only make its rules fire again
        new = [fact for fact in compiled.asserts if fact not in self._asserted]
        if new:
            self._asserted.update(new)
            self._assert([{"id": f"{rule_id}>{fact}", "name": fact, "value": True} for fact in new])
