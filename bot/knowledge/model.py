"""The knowledge base as immutable values, once the YAML has been loaded and checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

VERDICTS = ("container", "vm", "hybrid")
ORIGINS = ("article", "authors")  # where a piece of knowledge comes from
RULE_KINDS = ("derivation", "preference", "requirement", "hybrid")


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    quote: str


@dataclass(frozen=True)
class PhraseFamily:
    """Words that signal a fact: the article's own, or added by the knowledge's authors
    (who say why). `value` False marks words that rule the fact out ("trusted code")."""

    phrases: tuple[str, ...]
    origin: str = "article"
    why: str = ""
    value: bool = True
    at_least: int = 1  # how many different phrases of the family a question must hold for it to count


@dataclass(frozen=True)
class Fact:
    id: str
    label: str
    families: tuple[PhraseFamily, ...] = ()

    @property
    def phrases(self) -> tuple[str, ...]:
        return tuple(phrase for family in self.families for phrase in family.phrases)

    @property
    def derived(self) -> bool:
        """A derived fact has no phrases: only rules can conclude it."""
        return not self.families


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
    # requirement: a need the article says only a VM meets, which no preference outweighs;
    # preference: a lean one way; hybrid: both hold for different parts; derivation: no weight
    kind: str = "derivation"
    origin: str = "article"
    why: str = ""  # for knowledge the authors added: why it is sound


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
    placement_cues: tuple[str, ...]  # "is it possible to", "should": asking where a workload belongs
    measurement_cues: tuple[str, ...]  # "twice as slow", "benchmark": reporting how the two compare
    limitation_cues: tuple[str, ...]
    workload_words: tuple[str, ...]  # "app", "pipeline": the text speaks of something that runs  # "doesn't support": a platform's limit, not a negated need
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
    absent: tuple[str, ...] = ()  # facts the question must not be read as saying (negative examples)
    confidence: str | None = None
    facts_line: int = 0  # where `facts`, `absent` and `cites` are, for kb check
    absent_line: int = 0
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
