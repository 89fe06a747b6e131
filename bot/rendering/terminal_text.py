"""Answer -> readable terminal text, verdict first."""

from __future__ import annotations

from ..answering.answer import Answer
from ..answering.compose import HELP_EXAMPLES

VERDICT_NAMES = {"container": "CONTAINERS", "vm": "VIRTUAL MACHINE", "hybrid": "HYBRID (both)", "unknown": "NOT SURE YET"}


def to_text(answer: Answer) -> str:
    question = answer.question
    lines: list[str] = []
    if question.intent == "help":
        lines += [answer.headline, "", "Ask me things like:"]
        lines += [f'  placement ask "{example}"' for example in HELP_EXAMPLES]
        return "\n".join(lines)
    if question.intent == "compare":
        lines.append(answer.headline)
        width = max(len(row.dimension) for row in answer.rows)
        lines.append(f"  {'':{width}}  {'Containers':22}  VMs")
        lines += [f"  {row.dimension:{width}}  {row.containers:22}  {row.vms}   [{row.section}]" for row in answer.rows]
        return "\n".join(lines)

    about = f" for {question.subject}" if question.subject else ""
    lines.append(f"Verdict{about}: {VERDICT_NAMES[answer.verdict]} (confidence: {answer.confidence})")
    lines.append(answer.headline)
    if answer.reasons:
        lines += ["", "Why:"]
        for number, reason in enumerate(answer.reasons, 1):
            lines.append(f"  {number}. {reason.text}  [{reason.source}]")
            if reason.evidence:
                lines.append(f"     you said: {'; '.join(repr(words) for words in reason.evidence)}")
        if answer.beyond_article_note:
            lines.append(f"  {answer.beyond_article_note}")
    if answer.trade_off:
        lines += ["", f"Trade-off: {answer.trade_off}  [{answer.trade_off_source}]"]
    if answer.would_change_if:
        lines += ["", "Would change:"] + [f"  - {change.text}" for change in answer.would_change_if]
    if answer.rows:
        lines += ["", "Key differences:"]
        lines += [f"  {row.dimension}: containers {row.containers}; VMs {row.vms}  [{row.section}]" for row in answer.rows]
    if answer.clarify:
        lines += ["", f"To decide, tell me: {answer.clarify[0].ask}"]
    return "\n".join(lines)
