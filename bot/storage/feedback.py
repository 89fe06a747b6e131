"""What the bot learns from use: one row per answer (for App Home's weekly figures, and the
question's text when the bot could not decide), and one row per person's vote on an answer.

Privacy: a vote names its voter only by a keyed hash (HMAC-SHA256 of workspace, user and
answer, with a secret key), enough to keep one changeable vote per person per answer, but
the same person's votes on two answers share nothing. A question's text is kept only when
the answer was unknown or of low confidence, or while a vote says it was not helpful.
Every row is deleted after the retention time (bot/slack/upkeep.py), and with its workspace
when that uninstalls the bot. The tables are in bot/storage/schema.py.

Every statement is portable SQL, run unchanged on SQLite and Postgres: named parameters,
`ON CONFLICT .. DO UPDATE`, no engine-specific function."""

from __future__ import annotations

import hashlib
import hmac
from concurrent.futures import Future
from dataclasses import dataclass

from sqlalchemy import text

from .database import Database
from .interface import Workspace

_RECORD = text("""
INSERT INTO answer_records (answer_id, team_id, enterprise_id, answered_at, intent, verdict, confidence, question)
VALUES (:answer_id, :team_id, :enterprise_id, :now, :intent, :verdict, :confidence, :question)
ON CONFLICT (answer_id) DO NOTHING
""")
_VOTE = text("""
INSERT INTO answer_votes (answer_id, voter, team_id, enterprise_id, helpful, verdict, confidence, question, voted_at)
VALUES (:answer_id, :voter, :team_id, :enterprise_id, :helpful, :verdict, :confidence, :question, :now)
ON CONFLICT (answer_id, voter) DO UPDATE SET helpful = excluded.helpful, question = excluded.question,
    voted_at = excluded.voted_at
""")
_WEEK = text("""
SELECT count(*),
       COALESCE(SUM(CASE WHEN intent = 'recommend' THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN intent = 'recommend' AND verdict <> 'unknown' THEN 1 ELSE 0 END), 0)
FROM answer_records WHERE team_id = :team_id AND enterprise_id = :enterprise_id AND answered_at >= :since
""")
_UNDECIDED = text("""
SELECT answer_id, question, verdict, confidence FROM answer_records
WHERE question IS NOT NULL AND answered_at >= :since
""")
_VOTED_DOWN = text("""
SELECT answer_id, question, verdict, confidence FROM answer_votes
WHERE helpful = 0 AND question IS NOT NULL AND voted_at >= :since
""")
_FORGET = (
    text("DELETE FROM answer_records WHERE answered_at < :cutoff"),
    text("DELETE FROM answer_votes WHERE voted_at < :cutoff"),
)
_FORGET_WORKSPACE = (
    text("DELETE FROM answer_records WHERE enterprise_id = :enterprise_id AND team_id = :team_id"),
    text("DELETE FROM answer_votes WHERE enterprise_id = :enterprise_id AND team_id = :team_id"),
)

UNKNOWN = "unknown"
LOW = "low"


@dataclass(frozen=True)
class AnswerRecord:
    answer_id: str
    intent: str
    verdict: str | None
    confidence: str | None
    question: str  # kept only if the answer was not decided

    @property
    def undecided(self) -> bool:
        return self.verdict == UNKNOWN or self.confidence == LOW


@dataclass(frozen=True)
class WeekSummary:
    answered: int  # every question answered (comparisons too)
    placements: int  # of them, the ones asking where a workload belongs
    decided: int  # of those, the ones given a verdict


@dataclass(frozen=True)
class Miss:
    """One question the bot failed on or was voted down for, however often."""

    question: str
    verdict: str | None
    confidence: str | None
    unknown: bool
    low_confidence: bool
    down_votes: int
    count: int  # how many answers (asked again, in any thread) it stands for


class FeedbackStore:
    def __init__(self, database: Database, key: bytes) -> None:
        self._database = database
        self._key = key

    def voter(self, workspace: Workspace, user: str, answer_id: str) -> str:
        message = "\x1f".join((workspace.enterprise_id, workspace.team_id, user, answer_id)).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def record(self, workspace: Workspace, answer: AnswerRecord, now: float) -> "Future[object]":
        values = {"answer_id": answer.answer_id, "team_id": workspace.team_id, "enterprise_id": workspace.enterprise_id,
                  "now": now, "intent": answer.intent, "verdict": answer.verdict, "confidence": answer.confidence,
                  "question": answer.question if answer.undecided else None}
        return self._database.submit(lambda connection: connection.execute(_RECORD, values))

    def vote(self, workspace: Workspace, user: str, answer: AnswerRecord, helpful: bool, now: float) -> None:
        """One vote per person per answer: a second vote replaces the first. Waits for the
        database, and raises its error, so that the voter can be told."""
        values = {"answer_id": answer.answer_id, "voter": self.voter(workspace, user, answer.answer_id),
                  "team_id": workspace.team_id, "enterprise_id": workspace.enterprise_id, "helpful": int(helpful),
                  "verdict": answer.verdict, "confidence": answer.confidence,
                  "question": None if helpful else answer.question, "now": now}
        self._database.write(lambda connection: connection.execute(_VOTE, values))

    def week(self, workspace: Workspace, since: float) -> WeekSummary:
        values = {"team_id": workspace.team_id, "enterprise_id": workspace.enterprise_id, "since": since}
        with self._database.connect() as connection:
            answered, placements, decided = connection.execute(_WEEK, values).one()
        return WeekSummary(int(answered), int(placements), int(decided))

    def misses(self, since: float) -> list[Miss]:
        """Every workspace's, most frequent first (then most down-votes, then by text)."""
        with self._database.connect() as connection:
            undecided = connection.execute(_UNDECIDED, {"since": since}).all()
            voted_down = connection.execute(_VOTED_DOWN, {"since": since}).all()
        groups: dict[str, dict] = {}
        for source, rows in (("record", undecided), ("vote", voted_down)):
            for answer_id, question, verdict, confidence in rows:
                group = groups.setdefault(" ".join(question.split()).lower(), {
                    "question": question, "verdict": verdict, "confidence": confidence, "answers": set(), "down": 0,
                    "unknown": False, "low": False})
                group["answers"].add(answer_id)
                group["down"] += source == "vote"
                group["unknown"] |= verdict == UNKNOWN
                group["low"] |= confidence == LOW
        misses = [Miss(g["question"], g["verdict"], g["confidence"], g["unknown"], g["low"], g["down"], len(g["answers"]))
                  for g in groups.values()]
        return sorted(misses, key=lambda miss: (-miss.count, -miss.down_votes, miss.question))

    def forget_older_than(self, cutoff: float) -> "Future[object]":
        def forget(connection) -> None:
            for statement in _FORGET:
                connection.execute(statement, {"cutoff": cutoff})

        return self._database.submit(forget)

    def forget_workspace(self, workspace: Workspace) -> None:
        """Its answers and votes, after it uninstalled the bot."""
        values = {"enterprise_id": workspace.enterprise_id, "team_id": workspace.team_id}

        def forget(connection) -> None:
            for statement in _FORGET_WORKSPACE:
                connection.execute(statement, values)

        self._database.write(forget)
