"""`placement kb diff`: the same questions through two knowledge bases, and every answer
whose intent, verdict or confidence differs, so a reviewer sees what an edit does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..advisor import Advisor
from ..answering.answer import Answer

COMPARED = ("intent", "verdict", "confidence")


@dataclass(frozen=True)
class Change:
    question: str
    where: str  # file:line of the question
    before: tuple[str | None, ...]  # intent, verdict, confidence
    after: tuple[str | None, ...]

    def __str__(self) -> str:
        changed = [f"{name} {old} -> {new}" for name, old, new in zip(COMPARED, self.before, self.after) if old != new]
        return f"{self.where}: {self.question!r}: " + ", ".join(changed)


def _outcome(answer: Answer) -> tuple[str | None, ...]:
    return answer.question.intent, answer.verdict, answer.confidence


def changes(old: Advisor, new: Advisor, questions: Iterable[tuple[str, str]]) -> tuple[list[Change], int]:
    """`questions` are (text, file:line) pairs; each text is asked once. Returns the changes
    and how many distinct questions were asked."""
    found, asked = [], set()
    for text, where in questions:
        if text in asked:
            continue
        asked.add(text)
        before, after = _outcome(old.advise(text)), _outcome(new.advise(text))
        if before != after:
            found.append(Change(text, where, before, after))
    return found, len(asked)
