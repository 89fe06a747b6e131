"""`placement kb coverage`: for each article section, the rules, table rows and verdicts that
cite it, and the examples whose answers cite it (each example is run, so an example counts for
what its answer cites, plus the sections it declares in `cites`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..advisor import Advisor

ENOUGH_EXAMPLES = 2


@dataclass(frozen=True)
class SectionCoverage:
    section: str
    title: str
    rules: tuple[str, ...]
    rows: tuple[str, ...]
    verdicts: tuple[str, ...]
    examples: int

    @property
    def background(self) -> bool:
        """Nothing the bot says cites it: examples cannot reach it."""
        return not (self.rules or self.rows or self.verdicts)

    @property
    def thin(self) -> bool:
        return not self.background and self.examples < ENOUGH_EXAMPLES


def coverage(advisor: Advisor) -> list[SectionCoverage]:
    knowledge = advisor.knowledge
    cited_by_examples: Counter[str] = Counter()
    for example in knowledge.examples:
        answer = advisor.advise(example.ask)
        cited = {reason.source for reason in answer.reasons} | {row.section for row in answer.rows}
        cited_by_examples.update(cited | set(example.cites))
    return [
        SectionCoverage(
            section=section.id,
            title=section.title,
            rules=tuple(rule.id for rule in knowledge.rules if rule.source == section.id),
            rows=tuple(row.dimension for row in knowledge.rows if row.section == section.id),
            verdicts=tuple(v for v, text in knowledge.verdicts.items() if text.source == section.id),
            examples=cited_by_examples[section.id],
        )
        for section in knowledge.sections.values()
    ]


def describe(entry: SectionCoverage) -> list[str]:
    """A heading line for the section, then what cites it."""
    flag = f"  <- fewer than {ENOUGH_EXAMPLES} examples" if entry.thin else ""
    lines = [f"{entry.section} ({entry.title}): {entry.examples} example(s){flag}"]
    for name, names in (("rules", entry.rules), ("table rows", entry.rows), ("verdicts", entry.verdicts)):
        if names:
            lines.append(f"  {name}: {', '.join(names)}")
    if entry.background:
        lines.append("  background only: no rule, row or verdict cites it")
    return lines
