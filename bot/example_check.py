"""Run the knowledge base's example questions and report every miss."""

from __future__ import annotations

import os
from dataclasses import dataclass

from .advisor import Advisor
from .knowledge.model import Example


@dataclass(frozen=True)
class Miss:
    example: Example
    problems: tuple[str, ...]
    file: str = "examples.yaml"

    def __str__(self) -> str:
        return f"{self.file}:{self.example.line}: {self.example.ask!r}: " + "; ".join(self.problems)


def check_example(advisor: Advisor, example: Example) -> Miss | None:
    answer = advisor.advise(example.ask)
    question = answer.question
    problems = []
    expected_intent = example.intent or ("recommend" if example.verdict else None)
    if expected_intent and question.intent != expected_intent:
        problems.append(f"intent {question.intent}, expected {expected_intent}")
    if example.verdict and answer.verdict != example.verdict:
        problems.append(f"verdict {answer.verdict}, expected {example.verdict}")
    found = question.fact_values()
    for fact, value in example.facts.items():
        if found.get(fact) != value:
            seen = "not found" if fact not in found else f"found {str(found[fact]).lower()}"
            problems.append(f"fact {fact} {seen}, expected {str(value).lower()}")
    for fact in example.absent:
        if fact in found:
            problems.append(f"fact {fact} found in {question.facts[[f.fact for f in question.facts].index(fact)].evidence!r}, expected none")
    if example.confidence and answer.confidence != example.confidence:
        problems.append(f"confidence {answer.confidence}, expected {example.confidence}")
    cited = {reason.source for reason in answer.reasons} | {row.section for row in answer.rows}
    for section in example.cites:
        if section not in cited:
            problems.append(f"does not cite {section} (cites {', '.join(sorted(cited)) or 'nothing'})")
    return Miss(example, tuple(problems), os.path.join(advisor.knowledge.directory, "examples.yaml")) if problems else None


def check_examples(advisor: Advisor) -> list[Miss]:
    return [miss for example in advisor.knowledge.examples if (miss := check_example(advisor, example))]
