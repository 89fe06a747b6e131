"""The knowledge base as immutable values, once the YAML has been loaded and checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

VERDICTS = ("container", "vm", "hybrid")


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    quote: str


@dataclass(frozen=True)
class Fact:
    id: str
    label: str
    phrases: tuple[str, ...]

    @property
    def derived(self) -> bool:
        """A derived fact has no phrases: only rules can conclude it."""
        return not self.phrases


@dataclass(frozen=True)
class Condition:
    fact: str
    value: bool


@dataclass(frozen=True)
class Rule:
    id: str
    mode: str  # "all" or "any"
    conditions: tuple[Condition, ...]
    derives: tuple[str, ...]
    weights: Mapping[str, int]
    because: str
    source: str


@dataclass(frozen=True)
class DifferenceRow:
    section: str
    dimension: str
    containers: str
    vms: str
    asked_as: tuple[str, ...]


@dataclass(frozen=True)
class ClarifyingQuestion:
    fact: str
    ask: str


@dataclass(frozen=True)
class VerdictText:
    verdict: str
    headline: str
    trade_off: str
    source: str


@dataclass(frozen=True)
class Language:
    negation_before: tuple[str, ...]
    negation_after: tuple[str, ...]
    reach_before: int
    reach_after: int
    scope_ends: tuple[str, ...]
    list_joiners: tuple[str, ...]
    help_cues: tuple[str, ...]
    compare_cues: tuple[str, ...]
    recommend_cues: tuple[str, ...]
    platform_words: Mapping[str, tuple[str, ...]]
    common_words: frozenset[str]


@dataclass(frozen=True)
class Example:
    ask: str
    line: int
    intent: str | None = None
    verdict: str | None = None
    facts: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))
    cites: tuple[str, ...] = ()
    facts_line: int = 0  # where `facts` and `cites` are, for kb check
    cites_line: int = 0


@dataclass(frozen=True)
class KnowledgeBase:
    directory: str
    sections: Mapping[str, Section]
    facts: Mapping[str, Fact]
    rules: tuple[Rule, ...]
    rows: tuple[DifferenceRow, ...]
    clarify: tuple[ClarifyingQuestion, ...]
    verdicts: Mapping[str, VerdictText]
    language: Language
    examples: tuple[Example, ...]
