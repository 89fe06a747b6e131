"""Read knowledge/*.yaml into a KnowledgeBase, collecting every problem with its line.

Each file's shape is checked here; references between files (a rule naming an
undeclared fact, a missing section) are checked in `validation`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable

import yaml

from .bundled import bundled_directory
from .model import (
    ORIGINS,
    RULE_KINDS,
    VERDICTS,
    ClarifyingQuestion,
    Condition,
    DifferenceRow,
    Example,
    Fact,
    KnowledgeBase,
    Language,
    PhraseFamily,
    Rule,
    Section,
    VerdictText,
)
from .problems import KnowledgeError, Problem, errors_in
from .validation import validate
from .yaml_advice import explain
from .yaml_lines import LineDict, LineList, parse_yaml

FILES = ("article", "facts", "rules", "differences", "clarify", "verdicts", "language", "examples")
DEFAULT_DIRECTORY = bundled_directory()
MAX_FILE_BYTES = 2_000_000
DEFAULT_LIST_JOINERS = (",", "or", "nor", "and", "a", "an", "the", "any", "code", "app", "apps", "workloads", "support")


class _FileReader:
    """Typed access to one parsed file that records a Problem instead of raising."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def entries(self, document: Any, key: str) -> list[LineDict]:
        """The list of mappings under a top-level key."""
        if not isinstance(document, LineDict):
            self.error(getattr(document, "line", 1), f"expected a mapping with a '{key}' key at the top")
            return []
        if key not in document:
            self.error(document.line, f"missing top-level key '{key}'")
            return []
        items = document[key]
        if not isinstance(items, LineList):
            self.error(document.line_of(key), f"'{key}' must be a list")
            return []
        entries = []
        for index, item in enumerate(items):
            if isinstance(item, LineDict):
                entries.append(item)
            else:
                self.error(items.line_of(index), f"each item of '{key}' must be a mapping, got {_kind(item)}")
        return entries

    def check_keys(self, entry: LineDict, allowed: set[str], required: set[str]) -> None:
        for key, line in entry.duplicate_keys:
            self.error(line, f"duplicate key '{key}'")
        for key in entry:
            if key not in allowed:
                self.error(entry.line_of(key), f"unknown key '{key}' (expected one of: {', '.join(sorted(allowed))})")
        for key in sorted(required - set(entry)):
            self.error(entry.line, f"missing '{key}'")

    def text(self, entry: LineDict, key: str, default: str = "") -> str:
        value = entry.get(key, default)
        if value is None or (key in entry and not isinstance(value, (str, int, float))) or isinstance(value, bool):
            self.error(entry.line_of(key), f"'{key}' must be text, got {_kind(value)}")
            return default
        self.warn_if_number(entry, key, entry.line_of(key))
        return str(value).strip()

    def warn_if_number(self, container: LineDict | LineList, key: Any, line: int) -> None:
        """YAML reads an unquoted 3.10 as the number 3.1: where text is meant, say so."""
        written = container.number_texts.get(key)
        if written is None:
            return
        read = container[key]
        changed = f"reads {written} as the number {read}" if str(read) != written else f"reads {written} as a number"
        self.problems.append(Problem(self.path, line, f"YAML {changed}; put it in quotes if it is text: \"{written}\"", warning=True))

    def words(self, entry: LineDict, key: str) -> tuple[str, ...]:
        value = entry.get(key, [])
        if not isinstance(value, list):
            self.error(entry.line_of(key), f"'{key}' must be a list of words or phrases")
            return ()
        words = []
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
                line = value.line_of(index) if isinstance(value, LineList) else entry.line_of(key)
                self.error(line, f"'{key}' item must be non-empty text, got {_kind(item)}")
                continue
            if isinstance(value, LineList):
                self.warn_if_number(value, index, value.line_of(index))
            words.append(str(item).strip().lower())
        return tuple(words)

    def number(self, entry: LineDict, key: str, default: int, low: int, high: int) -> int:
        value = entry.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(entry.line_of(key), f"'{key}' must be a whole number from {low} to {high}")
            return default
        return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    for kind, name in ((bool, "true/false"), (dict, "a mapping"), (list, "a list"), (str, "text"), ((int, float), "a number")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _read_sections(reader: _FileReader, document: Any) -> dict[str, tuple[Section, int, bool]]:
    """Sections by id, with their line and whether they are context only (never cited)."""
    sections = {}
    for entry in reader.entries(document, "sections"):
        reader.check_keys(entry, {"id", "title", "quote", "context"}, {"id", "title", "quote"})
        section = Section(reader.text(entry, "id"), reader.text(entry, "title"), reader.text(entry, "quote"))
        if section.id in sections:
            reader.error(entry.line_of("id"), f"duplicate section id '{section.id}'")
        if section.id:
            sections[section.id] = (section, entry.line, bool(entry.get("context")))
    return sections


def _read_facts(reader: _FileReader, document: Any) -> dict[str, tuple[Fact, int]]:
    facts = {}
    for entry in reader.entries(document, "facts"):
        reader.check_keys(entry, {"id", "label", "phrases", "added"}, {"id", "label"})
        if "phrases" in entry and not entry.get("phrases"):
            reader.error(entry.line_of("phrases"), "'phrases' is empty; leave it out for a derived fact")
        families = []
        if entry.get("phrases"):
            families.append(PhraseFamily(reader.words(entry, "phrases"), "article"))
        families += _read_added_families(reader, entry)
        fact = Fact(reader.text(entry, "id"), reader.text(entry, "label"), tuple(families))
        if fact.id in facts:
            reader.error(entry.line_of("id"), f"duplicate fact id '{fact.id}'")
        if fact.id:
            facts[fact.id] = (fact, entry.line)
    return facts


def _read_added_families(reader: _FileReader, entry: LineDict) -> list[PhraseFamily]:
    """`added:` holds the phrase families the authors added beyond the article's words,
    each saying why; `rules_out: true` marks words that say the fact is not so."""
    if "added" not in entry:
        return []
    added = entry["added"]
    if not isinstance(added, LineList):
        reader.error(entry.line_of("added"), "'added' must be a list of phrase families (each with 'why' and 'phrases')")
        return []
    families = []
    for index, family in enumerate(added):
        if not isinstance(family, LineDict):
            reader.error(added.line_of(index), "each family under 'added' must be a mapping with 'why' and 'phrases'")
            continue
        reader.check_keys(family, {"why", "phrases", "rules_out", "at_least"}, {"why", "phrases"})
        rules_out = family.get("rules_out", False)
        if not isinstance(rules_out, bool):
            reader.error(family.line_of("rules_out"), "'rules_out' must be true or false")
            rules_out = False
        phrases = reader.words(family, "phrases")
        if not phrases:
            reader.error(family.line_of("phrases") if "phrases" in family else family.line, "a family needs at least one phrase")
            continue
        at_least = reader.number(family, "at_least", 1, 1, 10)
        families.append(PhraseFamily(phrases, "authors", reader.text(family, "why"), not rules_out, at_least))
    return families


def _read_origin(reader: _FileReader, entry: LineDict) -> tuple[str, str]:
    origin = reader.text(entry, "origin", "article")
    if origin not in ORIGINS:
        reader.error(entry.line_of("origin"), f"'origin' must be one of: {', '.join(ORIGINS)}")
        origin = "article"
    why = reader.text(entry, "why")
    if origin == "authors" and not why:
        reader.error(entry.line_of("origin"), "knowledge the authors added needs a one-line 'why'")
    return origin, why


def _read_conditions(reader: _FileReader, entry: LineDict) -> tuple[str, tuple[Condition, ...], tuple[int, ...]]:
    """The mode, the conditions, and the line of each condition."""
    when = entry.get("when")
    line = entry.line_of("when")
    if not isinstance(when, LineDict) or len(when) != 1 or next(iter(when)) not in ("all", "any"):
        reader.error(line, "'when' must be a mapping with exactly one of 'all' or 'any'")
        return "all", (), ()
    mode = next(iter(when))
    items = when[mode]
    if not isinstance(items, LineList) or not items:
        reader.error(when.line_of(mode), f"'{mode}' must be a non-empty list of facts")
        return mode, (), ()
    conditions, lines = [], []
    for index, item in enumerate(items):
        if isinstance(item, str) and item.strip():
            conditions.append(Condition(item.strip(), True))
        elif isinstance(item, LineDict) and len(item) == 1 and isinstance(next(iter(item.values())), bool):
            fact, value = next(iter(item.items()))
            conditions.append(Condition(str(fact), value))
        else:
            reader.error(items.line_of(index), "a condition is a fact id, or 'fact: true' / 'fact: false'")
            continue
        lines.append(items.line_of(index))
    return mode, tuple(conditions), tuple(lines)


@dataclass(frozen=True)
class RuleLines:
    """Where each part of a rule is, so a mistake is reported on its own line."""

    rule: int
    conditions: tuple[int, ...] = ()
    derives: tuple[int, ...] = ()
    source: int = 0


def _read_rules(reader: _FileReader, document: Any) -> list[tuple[Rule, RuleLines]]:
    rules = []
    for entry in reader.entries(document, "rules"):
        reader.check_keys(
            entry, {"id", "when", "then", "because", "source", "kind", "origin", "why"}, {"id", "when", "then", "because", "source"}
        )
        mode, conditions, condition_lines = _read_conditions(reader, entry)
        derive_lines: tuple[int, ...] = ()
        then = entry.get("then")
        derives: tuple[str, ...] = ()
        weights: dict[str, int] = {}
        if not isinstance(then, LineDict) or not then or set(then) - {"derive", "weight"}:
            reader.error(entry.line_of("then"), "'then' must be a mapping with 'derive' and/or 'weight'")
        else:
            derives = reader.words(then, "derive") if "derive" in then else ()
            derive_list = then.get("derive")
            if isinstance(derive_list, LineList) and len(derive_list) == len(derives):
                derive_lines = tuple(derive_list.item_lines)
            else:
                derive_lines = (then.line_of("derive"),) * len(derives)
            weight = then.get("weight", {})
            if not isinstance(weight, dict):
                reader.error(then.line_of("weight"), "'weight' must map container/vm/hybrid to a number")
            else:
                for verdict, amount in weight.items():
                    if verdict not in VERDICTS:
                        reader.error(weight.line_of(verdict), f"weight for unknown verdict '{verdict}' (expected container, vm or hybrid)")
                    elif isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= 100:
                        reader.error(weight.line_of(verdict), f"weight for '{verdict}' must be a whole number from 1 to 100")
                    else:
                        weights[verdict] = amount
        kind = reader.text(entry, "kind", "preference" if weights else "derivation")
        if kind not in RULE_KINDS:
            reader.error(entry.line_of("kind"), f"'kind' must be one of: {', '.join(RULE_KINDS)}")
        origin, why = _read_origin(reader, entry)
        rule = Rule(
            id=reader.text(entry, "id"),
            mode=mode,
            conditions=conditions,
            derives=derives,
            weights=MappingProxyType(weights),
            because=reader.text(entry, "because"),
            source=reader.text(entry, "source"),
            kind=kind,
            origin=origin,
            why=why,
        )
        rules.append((rule, RuleLines(entry.line, condition_lines, derive_lines, entry.line_of("source"))))
    return rules


def _read_rows(reader: _FileReader, document: Any) -> list[tuple[DifferenceRow, int]]:
    rows = []
    for entry in reader.entries(document, "rows"):
        reader.check_keys(entry, {"section", "dimension", "containers", "vms", "asked_as"}, {"section", "dimension", "containers", "vms"})
        row = DifferenceRow(
            section=reader.text(entry, "section"),
            dimension=reader.text(entry, "dimension"),
            containers=reader.text(entry, "containers"),
            vms=reader.text(entry, "vms"),
            asked_as=reader.words(entry, "asked_as"),
        )
        rows.append((row, entry.line))
    return rows


def _read_clarify(reader: _FileReader, document: Any) -> list[tuple[ClarifyingQuestion, int]]:
    questions = []
    for entry in reader.entries(document, "clarify"):
        reader.check_keys(entry, {"fact", "ask"}, {"fact", "ask"})
        questions.append((ClarifyingQuestion(reader.text(entry, "fact"), reader.text(entry, "ask")), entry.line))
    return questions


def _read_verdicts(reader: _FileReader, document: Any) -> dict[str, tuple[VerdictText, int]]:
    verdicts: dict[str, tuple[VerdictText, int]] = {}
    if not isinstance(document, LineDict) or not isinstance(document.get("verdicts"), LineDict):
        reader.error(getattr(document, "line", 1), "expected a top-level 'verdicts' mapping")
        return verdicts
    table = document["verdicts"]
    for verdict, entry in table.items():
        if verdict not in (*VERDICTS, "unknown"):
            reader.error(table.line_of(verdict), f"unknown verdict '{verdict}' (expected container, vm, hybrid or unknown)")
            continue
        if not isinstance(entry, LineDict):
            reader.error(table.line_of(verdict), f"'{verdict}' must be a mapping")
            continue
        reader.check_keys(entry, {"headline", "trade_off", "source"}, {"headline", "trade_off", "source"})
        text = VerdictText(verdict, reader.text(entry, "headline"), reader.text(entry, "trade_off"), reader.text(entry, "source"))
        verdicts[verdict] = (text, entry.line_of("source"))  # the line a missing section is reported on
    for verdict in (*VERDICTS, "unknown"):
        if verdict not in verdicts and verdict not in table:
            reader.error(table.line, f"missing verdict '{verdict}'")
    return verdicts


def _read_language(reader: _FileReader, document: Any) -> Language | None:
    if not isinstance(document, LineDict):
        reader.error(1, "expected a mapping with 'negation', 'intents', 'platforms' and 'common_words'")
        return None
    reader.check_keys(document, {"negation", "intents", "platforms", "common_words"}, {"negation", "intents", "platforms", "common_words"})
    negation, intents, platforms = (document.get(k) for k in ("negation", "intents", "platforms"))
    for key, value in (("negation", negation), ("intents", intents), ("platforms", platforms)):
        if not isinstance(value, LineDict):
            reader.error(document.line_of(key), f"'{key}' must be a mapping")
            return None
    reader.check_keys(
        negation, {"before", "after", "reach_before", "reach_after", "scope_ends", "list_joiners", "limits"}, {"before", "after", "scope_ends"}
    )
    reader.check_keys(
        intents,
        {"help", "compare", "recommend", "placement", "measurement", "workload"},
        {"help", "compare", "recommend", "placement", "measurement", "workload"},
    )
    reader.check_keys(platforms, {"container", "vm"}, {"container", "vm"})
    return Language(
        negation_before=reader.words(negation, "before"),
        negation_after=reader.words(negation, "after"),
        reach_before=reader.number(negation, "reach_before", 8, 1, 50),
        reach_after=reader.number(negation, "reach_after", 3, 0, 50),
        scope_ends=reader.words(negation, "scope_ends"),
        list_joiners=reader.words(negation, "list_joiners") if "list_joiners" in negation else DEFAULT_LIST_JOINERS,
        help_cues=reader.words(intents, "help"),
        compare_cues=reader.words(intents, "compare"),
        recommend_cues=reader.words(intents, "recommend"),
        placement_cues=reader.words(intents, "placement"),
        measurement_cues=reader.words(intents, "measurement"),
        limitation_cues=reader.words(negation, "limits"),
        workload_words=reader.words(intents, "workload"),
        platform_words=MappingProxyType({p: reader.words(platforms, p) for p in ("container", "vm")}),
        common_words=frozenset(reader.words(document, "common_words")),
    )


def _read_examples(reader: _FileReader, document: Any) -> list[Example]:
    examples = []
    for entry in reader.entries(document, "examples"):
        reader.check_keys(entry, {"ask", "intent", "verdict", "confidence", "facts", "absent", "cites"}, {"ask"})
        reader.warn_if_number(entry, "ask", entry.line_of("ask"))
        facts = entry.get("facts", {})
        if not isinstance(facts, dict) or not all(isinstance(v, bool) for v in facts.values()):
            reader.error(entry.line_of("facts"), "'facts' must map fact ids to true or false")
            facts = {}
        examples.append(
            Example(
                ask=str(entry.get("ask", "")),
                line=entry.line,
                facts_line=entry.line_of("facts"),
                absent_line=entry.line_of("absent"),
                cites_line=entry.line_of("cites"),
                intent=reader.text(entry, "intent") or None,
                verdict=reader.text(entry, "verdict") or None,
                facts=MappingProxyType({str(k): v for k, v in facts.items()}),
                absent=reader.words(entry, "absent"),
                confidence=reader.text(entry, "confidence") or None,
                cites=reader.words(entry, "cites"),
            )
        )
    return examples


def _parse_file(directory: str, name: str, problems: list[Problem]) -> tuple[str, Any]:
    path = os.path.join(directory, f"{name}.yaml")
    if not os.path.isfile(path):
        problems.append(Problem(path, 1, "file is missing"))
        return path, None
    if os.path.getsize(path) > MAX_FILE_BYTES:
        problems.append(Problem(path, 1, f"file is larger than {MAX_FILE_BYTES} bytes"))
        return path, None
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        problems.append(Problem(path, 1, f"not UTF-8 text: {error.reason}"))
        return path, None
    try:
        return path, parse_yaml(text)
    except yaml.YAMLError as error:
        problems.append(Problem(path, *explain(error, text)))
    return path, None


def read_knowledge(directory: str = DEFAULT_DIRECTORY) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Load and check a knowledge directory. Returns (None, problems) if any problem is an error."""
    problems: list[Problem] = []
    if not os.path.isdir(directory):
        return None, [Problem(directory, 1, "not a directory")]
    parsed = {name: _parse_file(directory, name, problems) for name in FILES}
    readers: dict[str, Callable[[_FileReader, Any], Any]] = {
        "article": _read_sections,
        "facts": _read_facts,
        "rules": _read_rules,
        "differences": _read_rows,
        "clarify": _read_clarify,
        "verdicts": _read_verdicts,
        "language": _read_language,
        "examples": _read_examples,
    }
    content = {}
    for name, (path, document) in parsed.items():
        if document is None:
            if not any(p.file == path for p in problems):
                problems.append(Problem(path, 1, "file is empty"))
            content[name] = None
        else:
            content[name] = readers[name](_FileReader(path, problems), document)
    if any(value is None for value in content.values()):
        return None, problems
    problems.extend(validate({name: path for name, (path, _) in parsed.items()}, content))
    if errors_in(problems):
        return None, problems
    knowledge = KnowledgeBase(
        directory=directory,
        sections=MappingProxyType({sid: section for sid, (section, _, _) in content["article"].items()}),
        facts=MappingProxyType({fid: fact for fid, (fact, _) in content["facts"].items()}),
        rules=tuple(rule for rule, _ in content["rules"]),
        rows=tuple(row for row, _ in content["differences"]),
        clarify=tuple(question for question, _ in content["clarify"]),
        verdicts=MappingProxyType({v: text for v, (text, _) in content["verdicts"].items()}),
        language=content["language"],
        examples=tuple(content["examples"]),
    )
    return knowledge, problems


def load_knowledge(directory: str = DEFAULT_DIRECTORY) -> KnowledgeBase:
    """Load a knowledge directory or raise KnowledgeError listing every error."""
    knowledge, problems = read_knowledge(directory)
    if knowledge is None:
        raise KnowledgeError(errors_in(problems) or problems)
    return knowledge
