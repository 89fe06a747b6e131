"""The bot's answer to one question, before it is rendered for a terminal, JSON or Slack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..knowledge.model import ClarifyingQuestion, DifferenceRow
from ..understanding.question import Question

MAX_NOTE = 240


@dataclass(frozen=True)
class Reason:
    rule: str
    text: str  # the rule's `because`
    source: str  # article section id
    source_title: str
    evidence: tuple[str, ...]  # the user's words behind it
    leans: str  # container | vm | hybrid
    added_because: tuple[str, ...] = ()  # why the authors' additions to the article it rests on hold


@dataclass(frozen=True)
class VerdictChange:
    """Re-running the rules with one fact changed gives another verdict."""

    fact: str
    label: str  # the fact's label, "runs code you do not trust"
    value: bool  # the value that would change the verdict
    verdict: str

    @property
    def text(self) -> str:
        return f"{'with' if self.value else 'without'} \u201c{self.label}\u201d \u2192 {self.verdict}"


@dataclass(frozen=True)
class ChainStep:
    """One fired rule, for the full "why?"."""

    rule: str
    because: str
    source: str
    matched: tuple[tuple[str, bool], ...]
    derived: tuple[str, ...]
    weights: Mapping[str, int]


@dataclass(frozen=True)
class Answer:
    question: Question
    verdict: str | None  # container | vm | hybrid | unknown; None for compare and help
    confidence: str | None  # high | medium | low; None for compare and help
    headline: str
    scores: Mapping[str, int]
    reasons: tuple[Reason, ...]
    trade_off: str | None
    trade_off_source: str | None
    would_change_if: tuple[VerdictChange, ...]
    clarify: tuple[ClarifyingQuestion, ...]
    rows: tuple[DifferenceRow, ...]
    chain: tuple[ChainStep, ...]

    @property
    def beyond_article(self) -> tuple[str, ...]:
        """Why the authors' additions to the article that the reasons rest on hold."""
        return tuple(dict.fromkeys(why for reason in self.reasons for why in reason.added_because))

    @property
    def beyond_article_note(self) -> str | None:
        """The one short line that says so, or None when the article says it all."""
        if not self.beyond_article:
            return None
        note = "Beyond the article (our own knowledge): " + "; ".join(self.beyond_article)
        return note if len(note) <= MAX_NOTE else note[: MAX_NOTE - 1] + "\u2026"
