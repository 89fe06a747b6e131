"""Labelled question files: a YAML list of items, each with `q` (the question) and either
`verdict` (container | vm | hybrid | unknown, asked as a recommendation) or `intent: compare`.
Other keys (`why`, `source`) are notes for people and are ignored.

An answer is right when its intent matches and, for a recommendation, its verdict matches;
a container, vm or hybrid verdict must also give at least one reason, and every reason must
cite a section."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from ..answering.answer import Answer
from ..knowledge.model import VERDICTS
from ..knowledge.problems import KnowledgeError, Problem
from ..knowledge.yaml_advice import explain
from ..knowledge.yaml_lines import LineDict, LineList, parse_yaml

LABELS = (*VERDICTS, "unknown")


@dataclass(frozen=True)
class LabelledQuestion:
    text: str
    file: str
    line: int
    intent: str = "recommend"
    verdict: str | None = None

    def misses(self, answer: Answer) -> list[str]:
        """What is wrong with `answer`; empty when it is right."""
        found = []
        if answer.question.intent != self.intent:
            found.append(f"intent {answer.question.intent}, expected {self.intent}")
        if self.verdict is not None and answer.verdict != self.verdict:
            found.append(f"verdict {answer.verdict}, expected {self.verdict}")
        if self.verdict in VERDICTS and not answer.reasons:
            found.append("a verdict with no reasons")
        if any(not reason.source for reason in answer.reasons):
            found.append("a reason without a source")
        return found


def read_labelled(path: str) -> list[LabelledQuestion]:
    """Every item of one file, or KnowledgeError with `file:line` for each item that is not usable."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise KnowledgeError([Problem(path, 1, f"cannot read it: {error}")]) from None
    try:
        items = parse_yaml(text)
    except yaml.YAMLError as error:
        raise KnowledgeError([Problem(path, *explain(error, text))]) from None
    if not isinstance(items, LineList):
        raise KnowledgeError([Problem(path, 1, "expected a list of items, each with 'q' and 'verdict' or 'intent: compare'")])
    questions, problems = [], []
    for index, item in enumerate(items):
        line = items.line_of(index)
        if not isinstance(item, LineDict) or not str(item.get("q") or "").strip():
            problems.append(Problem(path, line, "an item needs a non-empty 'q'"))
            continue
        verdict, intent = item.get("verdict"), item.get("intent", "recommend")
        if verdict is not None and verdict not in LABELS:
            problems.append(Problem(path, line, f"unknown verdict '{verdict}' (expected {', '.join(LABELS)})"))
        elif verdict is None and intent != "compare":
            problems.append(Problem(path, line, "an item needs 'verdict' or 'intent: compare'"))
        else:
            questions.append(LabelledQuestion(" ".join(str(item["q"]).split()), path, line, str(intent), verdict))
    if problems:
        raise KnowledgeError(problems)
    return questions
