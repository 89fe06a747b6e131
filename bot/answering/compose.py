"""Question + the rules' trace -> Answer: verdict, reasons walked back to the
user's words, trade-off, what would change the verdict, the question to ask."""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType
from typing import Callable, Iterable, Mapping

from ..knowledge.invariants import FactSides
from ..knowledge.model import DifferenceRow, KnowledgeBase
from ..reasoning.fact_keys import FactKeys
from ..reasoning.trace import Firing, Trace
from ..understanding.question import Question
from .answer import Answer, ChainStep, Reason, VerdictChange
from .related_facts import RelatedFacts
from .scoring import Evidence, confidence_of, scores, verdict_of

FactSet = frozenset[tuple[str, bool]]
Reasoner = Callable[[FactSet], Trace]
RuleRun = Callable[[Mapping[str, bool]], Trace]

MAX_REASONS = 3
MAX_CHANGES = 4
MAX_ROWS = 3
HELP_HEADLINE = "I say whether a workload should run in containers or virtual machines, and why."
HEADLINES_OUT_OF_SCOPE = {
    "off-topic": "I only answer where a workload should run, in containers or virtual machines, and why; "
    "tell me about the workload.",
    "not-english": "I read questions in English only; please ask me in English where a workload should run, "
    "in containers or virtual machines.",
}
HELP_EXAMPLES = (
    "should our billing API be a container?",
    "CI build agents that run untrusted pull requests: containers or VMs?",
    "we need CentOS 6 and a custom kernel module",
    "startup time?",
    "isolation: containers vs VMs?",
)


class AnswerComposer:
    """`reason` gives the trace of a question's own facts (the Advisor caches those);
    `run` runs the rules for a what-if, whose verdict alone this composer caches."""

    def __init__(self, knowledge: KnowledgeBase, reason: Reasoner, run: RuleRun, keys: FactKeys, verdict_cache_size: int = 0) -> None:
        self._knowledge = knowledge
        self._reason = reason
        self._run = run
        self._keys = keys
        self._rules = {rule.id: rule for rule in knowledge.rules}
        self._related = RelatedFacts(knowledge.rules)
        self._sides = FactSides(knowledge.rules)
        self._verdict_of_key = lru_cache(maxsize=verdict_cache_size)(self._run_for_verdict)

    def _run_for_verdict(self, key: int) -> str:
        return verdict_of(scores(self._run(self._keys.facts(key)), self._rules))

    def verdict_for(self, facts: Iterable[tuple[str, bool]]) -> str:
        """The verdict these facts alone give (cached when the composer caches)."""
        return self._verdict_of_key(self._keys.key(facts))

    def compose(self, question: Question) -> Answer:
        if question.intent == "help":
            return self._plain(question, HEADLINES_OUT_OF_SCOPE.get(question.scope, HELP_HEADLINE), ())
        if question.intent == "compare":
            rows = self._rows(question.dimensions) or self._knowledge.rows
            title = ", ".join(row.dimension for row in rows) if len(rows) < len(self._knowledge.rows) else "Key Differences"
            return self._plain(question, f"Containers vs VMs: {title}", rows)
        return self._recommend(question)

    def _plain(self, question: Question, headline: str, rows: Iterable[DifferenceRow]) -> Answer:
        return Answer(question, None, None, headline, MappingProxyType({}), (), None, None, (), (), tuple(rows), ())

    def _recommend(self, question: Question) -> Answer:
        facts = question.fact_values()
        trace = self._reason(frozenset(facts.items()))
        totals = scores(trace, self._rules)
        verdict = verdict_of(totals)
        walk = _ChainWalk(trace, self._rules, facts)
        leaning = self._leaning_reasons(walk, question)
        reasons = self._reasons(walk, verdict, leaning)
        behind = {fact for reason in reasons for fact in walk.input_facts_of(reason.rule)}
        evidence = self._evidence(trace, verdict, leaning, len(behind))
        confidence = confidence_of(totals, verdict, evidence)
        # By the model's invariants (kb check), nothing more the user says can take a
        # hybrid verdict, or a VM verdict a requirement carries, to a single other platform:
        # there is no question left that would decide it.
        settled = verdict == "hybrid" or (verdict == "vm" and evidence.requirement)
        wants_question = (verdict == "unknown" or confidence != "high") and not settled
        changes, deciding = self._changes(facts, verdict, wants_question)
        clarify = tuple(q for q in self._knowledge.clarify if q.fact == deciding)
        text = self._knowledge.verdicts[verdict]
        cited = [reason.source for reason in reasons] + walk.sources()
        return Answer(
            question=question,
            verdict=verdict,
            confidence=confidence,
            headline=text.headline,
            scores=MappingProxyType(totals),
            reasons=reasons,
            # "it depends" is no trade-off: an unknown verdict has none
            trade_off=text.trade_off if verdict != "unknown" else None,
            trade_off_source=text.source if verdict != "unknown" else None,
            would_change_if=changes,
            clarify=clarify,
            rows=self._rows([*question.dimensions, *cited])[:MAX_ROWS],
            chain=tuple(
                ChainStep(f.rule, self._rules[f.rule].because, self._rules[f.rule].source, f.matched, f.derived, self._rules[f.rule].weights)
                for f in trace.firings
            ),
        )

    def _evidence(self, trace: Trace, verdict: str, leaning: list[tuple[int, Reason]], facts_behind: int) -> Evidence:
        requirement = any(
            self._rules[f.rule].kind == "requirement" and (verdict == "hybrid" or verdict in self._rules[f.rule].weights)
            for f in trace.firings
        )
        opposed = verdict in ("container", "vm") and any(reason.leans != verdict for _, reason in leaning)
        return Evidence(facts_behind, requirement, opposed)

    def _leaning_reasons(self, walk: "_ChainWalk", question: Question) -> list[tuple[int, Reason]]:
        """The rules that read what the user said, each with the side it leans to and how
        much weight it leads to, strongest first."""
        findings = {(f.fact, f.value): f for f in question.facts}
        candidates = []
        for firing in walk.first_level():
            leans, strength = walk.lean(firing)
            if strength > 0:
                said = [findings[m] for m in firing.matched if m in findings]
                reason = self._reason_of(firing.rule, [f.evidence for f in said], [f.added_because for f in said], leans)
                candidates.append((strength, reason))
        candidates.sort(key=lambda pair: -pair[0])
        return candidates

    def _reason_of(self, rule_id: str, evidence: Iterable[str], words_added_because: Iterable[str], leans: str) -> Reason:
        """`words_added_because`: why the authors' phrases behind `evidence` hold ("" for the article's)."""
        rule = self._rules[rule_id]
        added = ([rule.why] if rule.origin == "authors" else []) + [why for why in words_added_because if why]
        return Reason(
            rule.id, rule.because, rule.source, self._knowledge.sections[rule.source].title,
            tuple(evidence), leans, tuple(dict.fromkeys(added)),
        )

    def _reasons(self, walk: "_ChainWalk", verdict: str, candidates: list[tuple[int, Reason]]) -> tuple[Reason, ...]:
        if verdict in ("container", "vm"):
            return tuple(reason for _, reason in candidates if reason.leans == verdict)[:MAX_REASONS]
        if verdict == "hybrid":
            picked = [next(r for _, r in candidates if r.leans == side) for side in ("vm", "container") if any(r.leans == side for _, r in candidates)]
            hybrid = walk.weighted_towards("hybrid")
            if hybrid is not None:
                picked.append(self._reason_of(hybrid.rule, [w for r in picked for w in r.evidence], (), "hybrid"))
            return tuple(picked)[:MAX_REASONS]
        return ()

    def _changes(self, facts: Mapping[str, bool], verdict: str, wants_question: bool) -> tuple[tuple[VerdictChange, ...], str | None]:
        """What would change the verdict, and the one open fact to ask about.

        Re-runs the rules with each fact the user stated flipped, then with each open
        fact set (in clarify.yaml's order), then with each fact they ruled out set
        after all, and keeps those that give another verdict, in that order. The
        question asked is about an open fact that could move the verdict, not one the
        user has just answered in other words (a fact that leads to the same need as
        one they stated), and one that decides something (see `_decides`). For an unknown verdict, the changes show both directions.
        Stops as soon as it has all that: each run costs a trip through the engine."""
        stated = [(fact, False) for fact, value in facts.items() if value and not self._knowledge.facts[fact].derived]
        ruled_out = [(fact, True) for fact, value in facts.items() if not value and not self._knowledge.facts[fact].derived]
        answered = self._related.answered_by(facts)
        open_facts = [(q.fact, True) for q in self._knowledge.clarify if q.fact not in facts and q.fact not in answered]
        said = self._keys.key(facts.items())
        changes: list[VerdictChange] = []
        deciding = None
        for fact, value in stated + open_facts + ruled_out:
            is_open = fact not in facts
            if self._shown_enough(changes, verdict):
                if deciding is not None or not wants_question or (not is_open and value):
                    break  # nothing more to show or ask (ruled-out facts come last)
                if not is_open or not self._could_decide(fact, verdict):
                    continue  # still looking for the question: only an open fact that can decide
            other = self._verdict_of_key(self._keys.with_value(said, fact, value))
            if other == verdict:
                continue
            changes.append(VerdictChange(fact, self._knowledge.facts[fact].label, value, other))
            if fact not in facts and wants_question and deciding is None and _decides(verdict, other):
                deciding = fact
        shown = _both_directions(changes) if verdict == "unknown" else changes
        return tuple(shown[:MAX_CHANGES]), deciding

    @staticmethod
    def _shown_enough(changes: list[VerdictChange], verdict: str) -> bool:
        if len(changes) < MAX_CHANGES:
            return False
        return verdict != "unknown" or {c.verdict for c in changes} >= {"container", "vm"}

    def _could_decide(self, fact: str, verdict: str) -> bool:
        """Rules only add: a fact that leads to the verdict's own side alone cannot move it."""
        if verdict not in ("container", "vm"):
            return True
        return bool(self._sides.of(fact) - {verdict})

    def _rows(self, sections: Iterable[str]) -> tuple[DifferenceRow, ...]:
        wanted = list(dict.fromkeys(sections))
        by_section = {row.section: row for row in self._knowledge.rows}
        return tuple(by_section[s] for s in wanted if s in by_section)


def _decides(verdict: str, other: str) -> bool:
    """Whether learning a fact that turns `verdict` into `other` decides anything. Turning
    containers into hybrid does: a VM need puts that part in VMs. Turning a VM verdict
    into hybrid does not: the part that needs a VM still needs one, and asking whether
    the rest is microservices only reshapes the answer."""
    return other != "hybrid" or verdict == "container"


def _both_directions(changes: list[VerdictChange]) -> list[VerdictChange]:
    """Alternate the verdicts the changes lead to, so the first few show each direction."""
    by_verdict: dict[str, list[VerdictChange]] = {}
    for change in changes:
        by_verdict.setdefault(change.verdict, []).append(change)
    queues = list(by_verdict.values())
    mixed = []
    while any(queues):
        for queue in queues:
            if queue:
                mixed.append(queue.pop(0))
    return mixed


class _ChainWalk:
    """Walks the fired rules back to the user's facts and forward to the weights."""

    def __init__(self, trace: Trace, rules: Mapping, inputs: Mapping[str, bool]) -> None:
        self._firings = trace.firings
        self._rules = rules
        self._inputs = {(fact, value) for fact, value in inputs.items()}
        self._consumers: dict[str, list[Firing]] = {}
        self._derivers: dict[str, list[Firing]] = {}
        for firing in trace.firings:
            for fact, _ in firing.matched:
                self._consumers.setdefault(fact, []).append(firing)
            for fact in firing.derived:
                self._derivers.setdefault(fact, []).append(firing)

    def first_level(self) -> list[Firing]:
        return [f for f in self._firings if f.matched and all(m in self._inputs for m in f.matched)]

    def sources(self) -> list[str]:
        return [self._rules[f.rule].source for f in self._firings]

    def weighted_towards(self, verdict: str) -> Firing | None:
        return next((f for f in self._firings if verdict in self._rules[f.rule].weights), None)

    def lean(self, start: Firing) -> tuple[str, int]:
        """Which of container/vm a firing's consequences weigh towards, and how much."""
        totals = {"container": 0, "vm": 0}
        seen, stack = set(), [start]
        while stack:
            firing = stack.pop()
            if firing.rule in seen:
                continue
            seen.add(firing.rule)
            for verdict, weight in self._rules[firing.rule].weights.items():
                if verdict in totals:
                    totals[verdict] += weight
            for fact in firing.derived:
                stack.extend(self._consumers.get(fact, ()))
        leans = max(totals, key=lambda v: totals[v])
        return leans, totals[leans]

    def input_facts_of(self, rule_id: str) -> set[tuple[str, bool]]:
        found, seen = set(), set()
        stack = [f for f in self._firings if f.rule == rule_id]
        while stack:
            firing = stack.pop()
            if firing.rule in seen:
                continue
            seen.add(firing.rule)
            for matched in firing.matched:
                if matched in self._inputs:
                    found.add(matched)
                else:
                    stack.extend(self._derivers.get(matched[0], ()))
        return found
