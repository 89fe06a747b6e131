"""Checks across the knowledge files: every name a rule, row, question or example
uses must be declared, ids must be unique, and the rule set must stay within what
the engine handles (durable_rules hangs or fails past a few thousand rules or a few
hundred alternatives under one condition)."""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from typing import Any, Iterable, Mapping

from .invariants import check_invariants
from .model import VERDICTS
from .problems import Problem

MAX_RULES = 1000
MAX_ALTERNATIVES = 64
FACT_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
PLACEHOLDER = re.compile(r"<[^<>\s]*>")
INTENTS = ("recommend", "compare", "help")
NEAR_NAME = 0.8  # difflib similarity; one or two letters off in a name of ten


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """"; did you mean 'x'?" for the nearest declared name, or nothing when none is near. A name
    cut short ('vms.heterogenous' for 'vms.heterogeneous-environments') counts as near."""

    def nearness(candidate: str) -> float:
        whole = SequenceMatcher(None, name, candidate).ratio()
        start = SequenceMatcher(None, name, candidate[: len(name)]).ratio() if len(candidate) > len(name) >= 4 else 0.0
        return max(whole, start)

    best = max(known, key=nearness, default=None)
    return f"; did you mean '{best}'?" if best is not None and nearness(best) >= NEAR_NAME else ""


def validate(paths: Mapping[str, str], content: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []

    def error(file: str, line: int, message: str) -> None:
        problems.append(Problem(paths[file], line, message))

    def warn(file: str, line: int, message: str) -> None:
        problems.append(Problem(paths[file], line, message, warning=True))

    sections = content["article"]
    facts = content["facts"]
    rules = content["rules"]
    cited: set[str] = set()

    phrase_owner: dict[str, str] = {}
    for fact_id, (fact, line) in facts.items():
        if not FACT_ID.match(fact_id):
            error("facts", line, f"fact id '{fact_id}' must be lower case letters, digits and '_', starting with a letter")
        for phrase in (p for family in fact.families if family.at_least == 1 for p in family.phrases):
            for placeholder in PLACEHOLDER.findall(phrase):
                if placeholder not in ("<version>", "<word>"):
                    error("facts", line, f"phrase '{phrase}' holds {placeholder}; the placeholders are <version> and <word>")
            if phrase.startswith("<word>"):
                error("facts", line, f"phrase '{phrase}' starts with <word>, which would match at every word; start it with a word")
            owner = phrase_owner.setdefault(phrase, fact_id)
            if owner != fact_id:
                warn("facts", line, f"phrase '{phrase}' signals both '{owner}' and '{fact_id}'")

    if len(rules) > MAX_RULES:
        error("rules", rules[MAX_RULES][1].rule, f"more than {MAX_RULES} rules; the engine is not meant for that many")
    derived_by_rules = {fact for rule, _ in rules for fact in rule.derives}
    for rule_id, count in Counter(rule.id for rule, _ in rules).items():
        if count > 1:
            error("rules", next(lines.rule for rule, lines in rules if rule.id == rule_id), f"duplicate rule id '{rule_id}'")
    for rule, lines in rules:
        line = lines.rule
        label = f"rule '{rule.id}'"
        if not rule.id:
            error("rules", line, "a rule needs an 'id'")
        if len(rule.conditions) > MAX_ALTERNATIVES:
            error("rules", line, f"{label} has {len(rule.conditions)} conditions; at most {MAX_ALTERNATIVES}")
        for condition, condition_line in zip(rule.conditions, lines.conditions):
            if condition.fact not in facts:
                error("rules", condition_line, f"{label} names undeclared fact '{condition.fact}'{did_you_mean(condition.fact, facts)}")
                continue
            fact = facts[condition.fact][0]
            if fact.derived and condition.fact not in derived_by_rules:
                error("rules", condition_line, f"{label} waits for '{condition.fact}', which has no phrases and no rule derives")
            if fact.derived and not condition.value:
                error("rules", condition_line, f"{label} waits for '{condition.fact}' to be false, but derived facts are only ever true")
        for fact_id, derive_line in zip(rule.derives, lines.derives):
            if fact_id not in facts:
                error("rules", derive_line, f"{label} derives undeclared fact '{fact_id}'{did_you_mean(fact_id, facts)}")
        if not rule.derives and not rule.weights:
            error("rules", line, f"{label} neither derives a fact nor adds weight")
        if rule.source not in sections:
            error("rules", lines.source, f"{label} cites missing section '{rule.source}'{did_you_mean(rule.source, sections)}")
        cited.add(rule.source)
    check_invariants([(rule, lines.rule) for rule, lines in rules], lambda line, message: error("rules", line, message))

    rows = content["differences"]
    for section_id, count in Counter(row.section for row, _ in rows).items():
        if count > 1:
            error("differences", next(line for row, line in rows if row.section == section_id), f"duplicate row for section '{section_id}'")
    for row, line in rows:
        if row.section not in sections:
            error("differences", line, f"row '{row.dimension}' is missing section '{row.section}'{did_you_mean(row.section, sections)}")

    asked: set[str] = set()
    for question, line in content["clarify"]:
        if question.fact not in facts:
            error("clarify", line, f"question about undeclared fact '{question.fact}'{did_you_mean(question.fact, facts)}")
        elif facts[question.fact][0].derived:
            error("clarify", line, f"question about derived fact '{question.fact}'; ask about what the user can say instead")
        if question.fact in asked:
            error("clarify", line, f"a second question about '{question.fact}'")
        asked.add(question.fact)

    for verdict, (text, line) in content["verdicts"].items():
        if text.source not in sections:
            error("verdicts", line, f"verdict '{verdict}' cites missing section '{text.source}'{did_you_mean(text.source, sections)}")
        cited.add(text.source)

    for example in content["examples"]:
        if not example.ask.strip() and example.intent != "help":
            error("examples", example.line, "an example needs a non-empty 'ask' (or intent: help)")
        if example.intent and example.intent not in INTENTS:
            error("examples", example.line, f"unknown intent '{example.intent}' (expected {', '.join(INTENTS)})")
        if example.verdict and example.verdict not in (*VERDICTS, "unknown"):
            error("examples", example.line, f"unknown verdict '{example.verdict}'")
        named = [(fact_id, example.facts_line) for fact_id in example.facts] + [(fact_id, example.absent_line) for fact_id in example.absent]
        for fact_id, line in named:
            if fact_id not in facts:
                error("examples", line or example.line, f"example names undeclared fact '{fact_id}'{did_you_mean(fact_id, facts)}")
        if example.confidence and example.confidence not in ("high", "medium", "low"):
            error("examples", example.line, f"unknown confidence '{example.confidence}' (expected high, medium or low)")
        for section_id in example.cites:
            if section_id not in sections:
                error("examples", example.cites_line or example.line, f"example cites missing section '{section_id}'{did_you_mean(section_id, sections)}")

    for section_id, (_, line, context_only) in sections.items():
        if section_id not in cited and not context_only:
            warn("article", line, f"no rule or verdict cites section '{section_id}'")
    return problems
