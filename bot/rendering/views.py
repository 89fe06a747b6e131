"""The bot's two views, as Block Kit: the guided form (a modal) and the App Home tab.

Pure: no Slack import, no I/O. The form is built from the knowledge base's clarifying
questions (knowledge/clarify.yaml), one yes / no / not sure choice for each, so an author
who adds a question there adds it to the form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..answering.compose import HELP_EXAMPLES
from ..knowledge.model import DifferenceRow, KnowledgeBase
from ..storage.feedback import WeekSummary
from .block_kit import ARTICLE, Block, SlackMessage, _context, _cut, _header, _message, _section, escape, guide_button

FORM_CALLBACK = "placement_guided_form"
WORKLOAD_BLOCK = "workload"
WORKLOAD_ACTION = "workload"
FACT_BLOCK_PREFIX = "fact:"
CHOICE_ACTION = "choice"
YES, NO, NOT_SURE = "yes", "no", "not_sure"
CHOICES = ((YES, "Yes"), (NO, "No"), (NOT_SURE, "Not sure"))
MAX_WORKLOAD_LENGTH = 500
# Slack's view limits (DESIGN.md section 6).
MAX_VIEW_BLOCKS = 100
MAX_VIEW_TITLE = 24
MAX_LABEL = 2000
# The form's blocks other than one per question: the intro, the workload, the closing note.
_FORM_FRAME_BLOCKS = 3
HOME_EXAMPLES = 3


@dataclass(frozen=True)
class Choice:
    """One answer given in the form: a fact, and yes or no ("not sure" gives none)."""

    fact: str
    value: bool


def fact_block_id(fact: str) -> str:
    return FACT_BLOCK_PREFIX + fact


def _plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": _cut(text, limit)}


def _option(value: str, label: str) -> dict:
    return {"text": _plain(label, 75), "value": value}


def guided_form(knowledge: KnowledgeBase) -> dict:
    """The modal `views.open` shows; its submission comes back with FORM_CALLBACK."""
    questions = knowledge.clarify[: MAX_VIEW_BLOCKS - _FORM_FRAME_BLOCKS]
    blocks: list[Block] = [
        _section("Tell me what the workload is, then answer what you know. Leave the rest on *Not sure*: "
                 "I reason from the answers you give, exactly as from a typed question."),
        {"type": "input", "block_id": WORKLOAD_BLOCK, "optional": True, "label": _plain("What is the workload?", MAX_LABEL),
         "element": {"type": "plain_text_input", "action_id": WORKLOAD_ACTION, "max_length": MAX_WORKLOAD_LENGTH,
                     "placeholder": _plain("e.g. our billing API", 150)}},
    ]
    for question in questions:
        options = [_option(value, label) for value, label in CHOICES]
        blocks.append({"type": "input", "block_id": fact_block_id(question.fact), "optional": True,
                       "label": _plain(question.ask, MAX_LABEL),
                       "element": {"type": "radio_buttons", "action_id": CHOICE_ACTION, "options": options,
                                   "initial_option": options[-1]}})
    blocks.append(_context(["The answer arrives in your direct messages with me; reply in its thread to add details."]))
    return {"type": "modal", "callback_id": FORM_CALLBACK, "title": _plain("Containers or VMs?", MAX_VIEW_TITLE),
            "submit": _plain("Get the answer", MAX_VIEW_TITLE), "close": _plain("Cancel", MAX_VIEW_TITLE), "blocks": blocks}


def form_summary(knowledge: KnowledgeBase, workload: str, choices: Sequence[Choice]) -> SlackMessage:
    """The direct message that opens the answer's thread: what the person told the form."""
    said = [f"\u2022 {escape(knowledge.facts[c.fact].label)}: {'yes' if c.value else 'no'}"
            for c in choices if c.fact in knowledge.facts]
    lines = ["*You asked with the guided form*", f"Workload: {escape(workload)}" if workload else "Workload: not described",
             *said]
    return _message([_section("\n".join(lines))], f"You asked with the guided form: {workload or 'a workload'}")


def form_words(knowledge: KnowledgeBase, workload: str, choices: Sequence[Choice]) -> str:
    """The submission as one line of plain text, for the knowledge's authors (kb misses)."""
    said = "; ".join(f"{knowledge.facts[c.fact].label}: {'yes' if c.value else 'no'}" for c in choices if c.fact in knowledge.facts)
    return " \u2014 ".join(part for part in (workload, said) if part)


def home_view(knowledge: KnowledgeBase, week: WeekSummary | None) -> dict:
    """The App Home tab. `week`: this workspace's figures, None when the database could not say."""
    examples = "\n".join(f"\u2022 {escape(example)}" for example in HELP_EXAMPLES[:HOME_EXAMPLES])
    blocks: list[Block] = [
        _header("Containers or VMs? Ask placement"),
        _section("I tell platform teams whether a workload should run in a container or a virtual machine, and why: "
                 "every reason cites the article I know. No language model: rules read the question and a rule "
                 "engine reasons from what you said."),
        _section(f"*Ask me things like:*\n{examples}"),
        _section("*Not sure what to say?* Answer a few yes/no questions instead."),
        {"type": "actions", "block_id": "guide", "elements": [guide_button()]},
        _section(f"*Key Differences*\n{_table(knowledge.rows)}"),
        _context([f"What I know: {ARTICLE}."]),
        _section("*How to ask:* mention me in a channel (`/invite @placement` first), send me a direct message, use "
                 "`/placement your question` (or `/placement` alone for the form), or pick *Ask placement* in any "
                 "message's menu. Reply in my thread to add details; vote on each answer so my authors learn."),
        _context([_week_line(week)]),
    ]
    return {"type": "home", "blocks": blocks}


def _table(rows: Sequence[DifferenceRow]) -> str:
    return "\n".join(f"\u2022 *{escape(row.dimension)}*: containers {escape(row.containers)} \u00b7 VMs {escape(row.vms)}"
                     for row in rows)


def _week_line(week: WeekSummary | None) -> str:
    if week is None:
        return "This week's figures are not available right now."
    if week.answered == 0:
        return "No questions answered in this workspace in the last 7 days yet."
    line = f"In this workspace in the last 7 days: {week.answered} question(s) answered"
    if week.placements:
        line += f"; I could decide {week.decided} of the {week.placements} about where a workload belongs " \
                f"({round(100 * week.decided / week.placements)}%)"
    return line + "."
