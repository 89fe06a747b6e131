"""`placement kb score`: labelled questions through the bot, in-process; each miss, a score
line per file and a total."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..advisor import Advisor
from .labelled import LabelledQuestion


@dataclass(frozen=True)
class Miss:
    question: LabelledQuestion
    problems: tuple[str, ...]

    def __str__(self) -> str:
        text = self.question.text if len(self.question.text) <= 100 else self.question.text[:99] + "…"
        return f"{self.question.file}:{self.question.line}: MISS {text!r}: " + "; ".join(self.problems)


def misses(advisor: Advisor, questions: Sequence[LabelledQuestion]) -> list[Miss]:
    found = []
    for question in questions:
        problems = question.misses(advisor.advise(question.text))
        if problems:
            found.append(Miss(question, tuple(problems)))
    return found


def score_line(name: str, right: int, total: int) -> str:
    return f"{name}: {right}/{total} right ({right / max(total, 1):.0%})"
