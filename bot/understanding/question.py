"""What the bot understood from a question."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FactFinding:
    fact: str
    value: bool
    evidence: str  # the user's own words that said so
    added_because: str = ""  # set when the words are the authors' addition to the article: why they count


@dataclass(frozen=True)
class Question:
    text: str  # plain text, Slack markup removed
    intent: str  # recommend | compare | help
    subject: str | None
    facts: tuple[FactFinding, ...]
    dimensions: tuple[str, ...]  # Key Differences sections the question asks about
    corrections: tuple[tuple[str, str], ...] = ()  # (typed, understood as)
    scope: str = "on-topic"  # on-topic | off-topic | not-english (the last two are answered with help)

    def fact_values(self) -> dict[str, bool]:
        return {finding.fact: finding.value for finding in self.facts}
