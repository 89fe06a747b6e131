"""Answer -> the JSON object `placement ask --json` prints, one per line.

This is a contract other tools read (documented in the README): add fields
freely, but never rename or remove one.
"""

from __future__ import annotations

from typing import Any

from ..answering.answer import Answer


def to_json(answer: Answer) -> dict[str, Any]:
    question = answer.question
    return {
        "question": question.text,
        "intent": question.intent,
        "subject": question.subject,
        "verdict": answer.verdict,
        "confidence": answer.confidence,
        "headline": answer.headline,
        "facts": [{"fact": f.fact, "value": f.value, "evidence": f.evidence} for f in question.facts],
        "reasons": [
            {
                "rule": r.rule, "text": r.text, "source": r.source, "source_title": r.source_title,
                "evidence": list(r.evidence), "leans": r.leans, "beyond_article": list(r.added_because),
            }
            for r in answer.reasons
        ],
        "trade_off": {"text": answer.trade_off, "source": answer.trade_off_source} if answer.trade_off else None,
        "would_change_if": [
            {"fact": c.fact, "value": c.value, "verdict": c.verdict, "text": c.text} for c in answer.would_change_if
        ],
        "clarify": [{"fact": q.fact, "question": q.ask} for q in answer.clarify],
        "rows": [{"dimension": r.dimension, "containers": r.containers, "vms": r.vms, "source": r.section} for r in answer.rows],
        "scores": dict(answer.scores),
        "chain": [
            {"rule": s.rule, "matched": [{"fact": f, "value": v} for f, v in s.matched], "derived": list(s.derived), "weights": dict(s.weights), "source": s.source}
            for s in answer.chain
        ],
        "understood_typos": [{"typed": typed, "as": meant} for typed, meant in question.corrections],
        "scope": question.scope,
        "beyond_article": answer.beyond_article_note,
    }
