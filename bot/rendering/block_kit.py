"""Answer -> a Slack message: Block Kit blocks plus the fallback `text` for notifications.

Pure: no Slack import, no I/O. Every message stays within Slack's limits whatever the
input, and every piece of text (the user's words above all) is escaped so that it can
neither ping (`<!channel>`, `<@U…>`) nor break the formatting.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from ..answering.answer import Answer, ChainStep
from ..answering.compose import HELP_EXAMPLES
from ..short_text_cache import cached_when_short

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_TEXT = 75
MAX_FALLBACK_TEXT = 3000

CLARIFY_YES_ACTION = "placement_clarify_yes"
CLARIFY_NO_ACTION = "placement_clarify_no"
WHY_ACTION = "placement_why"
HELPFUL_ACTION = "placement_vote_helpful"
NOT_HELPFUL_ACTION = "placement_vote_not_helpful"
GUIDE_ACTION = "placement_guide"  # opens the guided form (bot/rendering/views.py)
MAX_BUTTON_VALUE = 2000

VERDICT_NAMES = {"container": "Containers", "vm": "Virtual machine", "hybrid": "Hybrid: both", "unknown": "Not sure yet"}
ARTICLE = "_The Evolution of Virtualization_, Mike Johnson, 2025-04-10"
ELLIPSIS = "\u2026"

Block = dict[str, Any]

_ENTITY = re.compile(r"&(amp|lt|gt);")
_DECODED = {"amp": "&", "lt": "<", "gt": ">"}
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.I)
_CUT_ENTITY = re.compile(r"&[a-z]{0,3}$")
WORD_JOINER = "\u2060"


@dataclass(frozen=True)
class SlackMessage:
    blocks: tuple[Block, ...]
    text: str  # fallback for notifications and clients without Block Kit


@dataclass(frozen=True)
class ButtonValue:
    """What a button carries back when clicked: the conversation it belongs to."""

    thread: str
    fact: str | None = None

    def encode(self) -> str:
        return json.dumps({"thread": self.thread, "fact": self.fact})

    @staticmethod
    def decode(value: str) -> "ButtonValue":
        data = json.loads(value)
        return ButtonValue(str(data["thread"]), data.get("fact"))


@dataclass(frozen=True)
class VoteValue:
    """What a Helpful / Not helpful button carries back: the answer it votes on, and what
    a vote needs to list it for the knowledge's authors (`placement kb misses`)."""

    answer: str  # the answer's id
    verdict: str | None
    confidence: str | None
    question: str  # as the person asked it (plain text), or the facts a form or a click gave

    def encode(self) -> str:
        """Within a button value's 2,000 characters, however long the question: it is cut."""
        fields = {"answer": self.answer, "verdict": self.verdict, "confidence": self.confidence}
        whole = _markup_free_json({**fields, "question": self.question})
        if len(whole) <= MAX_BUTTON_VALUE:
            return whole
        room = MAX_BUTTON_VALUE - len(_markup_free_json({**fields, "question": ""}))
        kept = 0
        for kept, character in enumerate(self.question):
            room -= len(_markup_free_json(character)) - 2  # its escape, without the quotes
            if room < 0:
                break
        return _markup_free_json({**fields, "question": self.question[:kept]})

    @staticmethod
    def decode(value: str) -> "VoteValue":
        data = json.loads(value)
        return VoteValue(data["answer"], data.get("verdict"), data.get("confidence"), data["question"])


def _markup_free_json(data: object) -> str:
    """JSON with & < > written as escapes, so that no markup of the user's can be in a
    message's blocks, even in a value nobody sees."""
    return json.dumps(data, ensure_ascii=False).replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


@cached_when_short(max_length=300, size=4096)  # most of an answer is the knowledge base's own, unchanging text
def escape(text: str) -> str:
    """Slack wire text or plain text -> mrkdwn that shows the same characters and pings nobody.

    The three entities Slack encodes are decoded first so that already-escaped text
    is not escaped twice; then & < > are encoded, which turns `<!channel>` and
    `<@U123>` into visible text.
    """
    decoded = _ENTITY.sub(lambda m: _DECODED[m.group(1)], text)
    encoded = decoded.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + WORD_JOINER + m.group(1), encoded)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return _CUT_ENTITY.sub("", text[: limit - 1]) + ELLIPSIS


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": _cut(text, MAX_HEADER_TEXT)}}


def _section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(mrkdwn, MAX_SECTION_TEXT)}}


def _context(mrkdwn_elements: Sequence[str]) -> Block:
    elements = [{"type": "mrkdwn", "text": _cut(e, MAX_SECTION_TEXT)} for e in mrkdwn_elements[:MAX_CONTEXT_ELEMENTS]]
    return {"type": "context", "elements": elements}


def _button(label: str, action_id: str, value: ButtonValue, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": _cut(label, MAX_BUTTON_TEXT)},
        "action_id": action_id,
        "value": value.encode(),
    }
    if style:
        button["style"] = style
    return button


def _message(blocks: Iterable[Block], fallback: str) -> SlackMessage:
    blocks = list(blocks)
    if len(blocks) > MAX_BLOCKS:
        blocks = blocks[: MAX_BLOCKS - 1] + [_context([f"{len(blocks) - MAX_BLOCKS + 1} more part(s) left out"])]
    return SlackMessage(tuple(blocks), _cut(fallback, MAX_FALLBACK_TEXT))


def _cite(source: str, title: str | None = None) -> str:
    return f"_[{escape(source)}{': ' + escape(title) if title else ''}]_"


def render_answer(answer: Answer, thread: str, vote: VoteValue | None = None) -> SlackMessage:
    """The reply to a question; `thread` names the conversation the buttons belong to, and
    `vote` the answer the Helpful / Not helpful buttons vote on (none without it)."""
    intent = answer.question.intent
    if intent == "help":
        return render_help(answer.headline)
    if intent == "compare":
        return _render_comparison(answer, vote)
    return _render_recommendation(answer, thread, vote)


def _vote_buttons(vote: VoteValue | None) -> list[Block]:
    if vote is None:
        return []
    value = vote.encode()
    return [{"type": "actions", "block_id": "feedback", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": "Helpful"}, "action_id": HELPFUL_ACTION, "value": value},
        {"type": "button", "text": {"type": "plain_text", "text": "Not helpful"}, "action_id": NOT_HELPFUL_ACTION,
         "value": value},
    ]}]


def guide_button() -> Block:
    return {"type": "button", "text": {"type": "plain_text", "text": "Guide me"}, "action_id": GUIDE_ACTION, "style": "primary",
            "value": "guide"}


def with_note(message: SlackMessage, note: str) -> SlackMessage:
    """`message` under a one-line note (plain text, escaped here)."""
    return _message([_context([escape(note)]), *message.blocks], f"{note} {message.text}")


def render_help(headline: str) -> SlackMessage:
    examples = "\n".join(f"\u2022 {escape(example)}" for example in HELP_EXAMPLES)
    blocks = [
        _section(f"*{escape(headline)}*"),
        _section(f"*Ask me things like:*\n{examples}"),
        _context([
            "Mention me in a channel, send me a direct message, or use `/placement your question` "
            "(`/placement public your question` posts the answer for everyone). Reply in my thread to add details.",
            f"Every answer cites {ARTICLE}.",
        ]),
        _section("Not sure what to say? Answer a few yes/no questions instead."),
        {"type": "actions", "block_id": "guide", "elements": [guide_button()]},
    ]
    return _message(blocks, headline)


def _render_comparison(answer: Answer, vote: VoteValue | None) -> SlackMessage:
    lines = [
        f"*{escape(row.dimension)}*: containers {escape(row.containers)} \u00b7 VMs {escape(row.vms)}  {_cite(row.section)}"
        for row in answer.rows
    ]
    blocks = [_header(answer.headline), *_sections_of(lines, MAX_BLOCKS - 3), _context([f"From {ARTICLE}, Key Differences."]),
              *_vote_buttons(vote)]
    return _message(blocks, answer.headline)


def _render_recommendation(answer: Answer, thread: str, vote: VoteValue | None) -> SlackMessage:
    verdict = VERDICT_NAMES.get(answer.verdict or "unknown", VERDICT_NAMES["unknown"])
    subject = answer.question.subject
    blocks: list[Block] = [_header(f"{verdict} \u00b7 confidence {answer.confidence}")]
    blocks.append(_section(f"*{escape(answer.headline)}*" + (f"\nFor: {escape(subject)}" if subject else "")))
    if answer.reasons:
        lines = ["*Why*"]
        for number, reason in enumerate(answer.reasons, 1):
            lines.append(f"{number}. {escape(reason.text)}  {_cite(reason.source, reason.source_title)}")
            if reason.evidence:
                lines.append("      you said: " + "; ".join(f"\u201c{escape(words)}\u201d" for words in reason.evidence))
        blocks.append(_section("\n".join(lines)))
        if answer.beyond_article_note:
            blocks.append(_context([escape(answer.beyond_article_note)]))
    if answer.trade_off:
        cited = f"  {_cite(answer.trade_off_source)}" if answer.trade_off_source else ""
        blocks.append(_section(f"*Trade-off*\n{escape(answer.trade_off)}{cited}"))
    if answer.would_change_if:
        changes = "\n".join(f"\u2022 {escape(change.text)}" for change in answer.would_change_if)
        blocks.append(_section(f"*What would change it*\n{changes}"))
    if answer.rows:
        rows = "\n".join(
            f"\u2022 {escape(row.dimension)}: containers {escape(row.containers)}; VMs {escape(row.vms)}  {_cite(row.section)}"
            for row in answer.rows
        )
        blocks.append(_section(f"*Key differences*\n{rows}"))
    if answer.clarify:
        question = answer.clarify[0]
        blocks.append(_section(f"*To decide, tell me:* {escape(question.ask)}"))
        blocks.append({
            "type": "actions",
            "block_id": "clarify",
            "elements": [
                _button("Yes", CLARIFY_YES_ACTION, ButtonValue(thread, question.fact), "primary"),
                _button("No", CLARIFY_NO_ACTION, ButtonValue(thread, question.fact)),
            ],
        })
    if answer.chain:
        blocks.append({"type": "actions", "block_id": "why", "elements": [_button("Why?", WHY_ACTION, ButtonValue(thread))]})
    blocks.append(_context([f"Reasons cite sections of {ARTICLE}. Reply in this thread to add details."]))
    blocks += _vote_buttons(vote)
    return _message(blocks, f"{verdict} (confidence {answer.confidence}): {answer.headline}")


def render_chain(answer: Answer) -> SlackMessage:
    """The full "why?": the user's facts, every rule that fired in order, and the scores."""
    if not answer.chain:
        text = "There is no verdict to explain yet: tell me about the workload first."
        return _message([_section(escape(text))], text)
    facts = "; ".join(
        f"{escape(f.fact)} = {'yes' if f.value else 'no'} (\u201c{escape(f.evidence)}\u201d)" for f in answer.question.facts
    )
    lines = [f"*What you told me:* {facts or 'nothing yet'}"]
    lines += [_chain_line(number, step) for number, step in enumerate(answer.chain, 1)]
    scores = " \u00b7 ".join(f"{escape(verdict)} {score}" for verdict, score in answer.scores.items())
    lines.append(f"*Scores:* {scores} \u2192 *{VERDICT_NAMES.get(answer.verdict or 'unknown', 'Not sure yet')}*")
    blocks = [_header(f"Why: {len(answer.chain)} rule(s) fired"), *_sections_of(lines, MAX_BLOCKS - 1)]
    return _message(blocks, f"Why: {len(answer.chain)} rule(s) fired, giving {answer.verdict}.")


def _chain_line(number: int, step: ChainStep) -> str:
    matched = ", ".join(f"{escape(fact)} = {'yes' if value else 'no'}" for fact, value in step.matched)
    parts = [f"when {matched}"] if matched else []
    if step.derived:
        parts.append("concludes " + ", ".join(escape(fact) for fact in step.derived))
    if step.weights:
        parts.append("adds " + ", ".join(f"{escape(v)} +{w}" for v, w in step.weights.items()))
    return f"{number}. `{escape(step.rule)}`: {escape(step.because)}  {_cite(step.source)}\n      " + "; ".join(parts)


def _sections_of(lines: Sequence[str], max_sections: int) -> list[Block]:
    """Packs lines into as few sections as fit the per-section limit."""
    sections: list[str] = []
    for line in lines:
        line = _cut(line, MAX_SECTION_TEXT)
        if sections and len(sections[-1]) + 1 + len(line) <= MAX_SECTION_TEXT:
            sections[-1] += "\n" + line
        else:
            sections.append(line)
    if len(sections) > max_sections:
        left_out = len(sections) - max_sections + 1
        sections = sections[: max_sections - 1] + [f"_\u2026and {left_out} more part(s) left out_"]
    return [_section(text) for text in sections]
