"""The one entry point every edge (CLI, Slack) uses: text in, Answer out.

    advisor = Advisor.from_directory()
    answer = advisor.advise("should our billing API be a container?")

An Advisor is built once at start-up (knowledge loaded and checked, rules
compiled) and is safe to share between threads.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from itertools import combinations
from math import comb
from typing import Iterable

from .answering.answer import Answer
from .answering.compose import AnswerComposer, FactSet
from .knowledge import DEFAULT_DIRECTORY, KnowledgeBase, load_knowledge
from .reasoning.engine import RuleEngine
from .reasoning.fact_keys import FactKeys
from .reasoning.trace import Trace
from .understanding.question import FactFinding, Question
from .understanding.reader import QuestionReader

TRACE_CACHE_SIZE = 4096
VERDICT_CACHE_SIZE = 65536  # every set of up to five of the 24 things a user can say: 55,454
WARM_UP_FACTS = 5
WARM_UP_TRACE_FACTS = 3
ANSWER_CACHE_SIZE = 1024
CACHED_TEXT_LENGTH = 1000  # longer texts are rare; keeping them would cost memory, not time


class Advisor:
    def __init__(self, knowledge: KnowledgeBase, cache: bool = True) -> None:
        self.knowledge = knowledge
        self._reader = QuestionReader(knowledge)
        self._engine = RuleEngine(knowledge)
        self._keys = FactKeys(self._engine.observed)
        # Rules are deterministic: the same facts always give the same trace, and
        # one question re-runs the rules for every fact it could flip (of those
        # runs only the verdict is kept, a much smaller cache entry).
        # cache=False sends every run to the engine (tests and benchmarks use it).
        self._trace_cache_size = TRACE_CACHE_SIZE if cache else 0
        self._traces = lru_cache(maxsize=self._trace_cache_size)(self._run_rules)
        self._verdict_cache_size = VERDICT_CACHE_SIZE if cache else 0
        self._composer = AnswerComposer(knowledge, self._reason, self._engine.run, self._keys, self._verdict_cache_size)
        # A team asks the same things: an Answer is immutable, so a repeated question
        # (same words, same conversation so far) gets the same one back.
        self._answers = lru_cache(maxsize=ANSWER_CACHE_SIZE if cache else 0)(self._answer)

    @classmethod
    def from_directory(cls, directory: str = DEFAULT_DIRECTORY, cache: bool = True) -> "Advisor":
        return cls(load_knowledge(directory), cache)

    def _reason(self, facts: FactSet) -> Trace:
        return self._traces(self._keys.key(facts))

    def _run_rules(self, key: int) -> Trace:
        return self._engine.run(self._keys.facts(key))

    def warm_up(self, max_facts: int = WARM_UP_FACTS, max_trace_facts: int = WARM_UP_TRACE_FACTS) -> int:
        """Work out the verdict of every combination of up to `max_facts` things a user
        can say, so that the what-ifs of a new question come from the cache, and the
        full trace of every combination of up to `max_trace_facts`, for the question's
        own facts. For five and three facts: 55,454 sets, about 12 s on one core, and
        14 MB. Run it in the background once the server is up. Then a new question needs
        a rule run only when it says four things or more (9% of the benchmarks' mix).
        Each size is worked out only if all its sets fit the cache (half the trace
        cache, for traces), so a bigger knowledge base costs no more time or memory.
        Returns how many fact sets it worked out."""
        said = [fact.id for fact in self.knowledge.facts.values() if not fact.derived]
        count = traced = 0
        for size in range(1, max_facts + 1):
            sets = comb(len(said), size)
            if count + sets > self._verdict_cache_size:
                break
            keep_traces = size <= max_trace_facts and traced + sets <= self._trace_cache_size // 2
            for combination in combinations(said, size):
                facts = [(fact, True) for fact in combination]
                if keep_traces:
                    self._reason(frozenset(facts))
                self._composer.verdict_for(facts)
            count += sets
            traced += sets if keep_traces else 0
        return count

    def understand(self, text: str) -> Question:
        return self._reader.read(text)

    def advise(self, text: str, earlier: Iterable[FactFinding] = (), earlier_subject: str | None = None) -> Answer:
        """Answer `text`. `earlier` holds the facts said before in the same
        conversation; what `text` says about a fact replaces what was said before."""
        earlier = tuple(earlier)
        if len(text) <= CACHED_TEXT_LENGTH:
            return self._answers(text, earlier, earlier_subject)
        return self._answer(text, earlier, earlier_subject)

    def _answer(self, text: str, earlier: tuple[FactFinding, ...], earlier_subject: str | None) -> Answer:
        question = self._reader.read(text)
        if earlier and question.intent != "compare":
            said_now = {f.fact for f in question.facts}
            merged = tuple(f for f in earlier if f.fact not in said_now) + question.facts
            intent = "recommend" if merged else question.intent
            question = replace(question, facts=merged, intent=intent, subject=question.subject or earlier_subject)
        return self._composer.compose(question)
