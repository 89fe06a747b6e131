"""`placement kb misses`: the questions the bot could not decide (unknown, low confidence)
or was voted down for, read from the database the bot writes, most frequent first, as
YAML an author turns into examples (knowledge/examples.yaml)."""

from __future__ import annotations

import time
from typing import Sequence

import yaml

from ..storage.feedback import FeedbackStore, Miss
from ..storage.database import open_database

DAY_SECONDS = 86400


def read_misses(database: str, retention_days: float, now: float | None = None) -> list[Miss]:
    """Within the retention time only, as the bot keeps them (it deletes older ones hourly).
    `database`: a SQLite file or a database URL, as the bot's."""
    database = open_database(database)
    try:
        # reading needs no key: no voter is looked up
        return FeedbackStore(database, b"").misses(since=(time.time() if now is None else now) - retention_days * DAY_SECONDS)
    finally:
        database.close()


def _why(miss: Miss) -> list[str]:
    reasons = ["unknown"] if miss.unknown else []
    reasons += ["low confidence"] if miss.low_confidence else []
    if miss.down_votes:
        reasons.append(f"{miss.down_votes} down-vote{'s' if miss.down_votes > 1 else ''}")
    return reasons


def misses_yaml(misses: Sequence[Miss], database_path: str, retention_days: float) -> str:
    where = f"{database_path} (the last {retention_days:g} days)"
    if not misses:
        return (f"# placement kb misses: nothing to list in {where}: no answer was unknown, of low confidence or voted "
                "down.\nmisses: []\n")
    entries = [{"ask": miss.question, "answered": {"verdict": miss.verdict, "confidence": miss.confidence},
                "listed_because": _why(miss), "count": miss.count} for miss in misses]
    header = (f"# placement kb misses: {len(misses)} question(s) from {where}, most frequent first.\n"
              "# For each, add `ask` to knowledge/examples.yaml with the verdict (and facts) the article's criteria give;\n"
              "# `answered` is what the bot said, `count` how many answers it stands for.\n")
    return header + yaml.safe_dump({"misses": entries}, sort_keys=False, allow_unicode=True, width=1000)
