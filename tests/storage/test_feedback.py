"""Answer records and votes on both databases (a SQLite file, a real Postgres): one changeable
vote per person per answer, the week's figures of one workspace only, the misses most frequent
first, and a workspace's rows gone with it."""

from __future__ import annotations

import time

from bot.cli import main
from bot.storage.database import open_database
from bot.storage.feedback import AnswerRecord, FeedbackStore
from bot.storage.interface import Workspace

TEAM, OTHER = Workspace("", "T0TEAM"), Workspace("", "T1OTHER")
UNDECIDED = "should our thing be somewhere?"


def test_votes_records_and_the_figures_they_give(database_location):
    store = FeedbackStore(open_database(database_location), b"key")
    now = time.time()
    for index, workspace in enumerate((TEAM, TEAM, OTHER)):
        store.record(workspace, AnswerRecord(f"{index:032d}", "recommend", "unknown", "low", UNDECIDED), now).result()
    store.record(TEAM, AnswerRecord("9" * 32, "recommend", "vm", "high", "legacy COBOL on RHEL 5"), now).result()
    decided = AnswerRecord("9" * 32, "", "vm", "high", "legacy COBOL on RHEL 5")
    store.vote(TEAM, "U1", decided, False, now)
    store.vote(TEAM, "U1", decided, True, now)  # changed: still one vote, and helpful
    store.vote(TEAM, "U2", decided, False, now)
    week = store.week(TEAM, now - 7 * 86400)
    assert (week.answered, week.placements, week.decided) == (3, 3, 1)
    misses = store.misses(now - 86400)
    assert [(m.question, m.count, m.down_votes) for m in misses] == [(UNDECIDED, 3, 0), ("legacy COBOL on RHEL 5", 1, 1)]
    store.forget_workspace(TEAM)
    assert [(m.question, m.count) for m in store.misses(now - 86400)] == [(UNDECIDED, 1)]
    assert store.week(TEAM, now - 7 * 86400).answered == 0


def test_kb_misses_reads_a_postgres_given_by_url_without_printing_it(postgres_url, capsys):
    store = FeedbackStore(open_database(postgres_url), b"key")
    store.record(TEAM, AnswerRecord("1" * 32, "recommend", "unknown", "low", UNDECIDED), time.time()).result()
    assert main(["kb", "misses", "--db", postgres_url]) == 0
    out = capsys.readouterr().out
    assert UNDECIDED in out and postgres_url not in out
