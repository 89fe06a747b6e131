"""Helpful / Not helpful: one vote per person per answer, changeable, stored without the user
id; what the bot could not decide, or was voted down for, is what `placement kb misses` lists."""

from __future__ import annotations

import logging
import sqlite3
import time

import yaml
from bot_harness import TEAM_ID, USER, RunningBot, acked_answer, button, mention

from bot.cli import main
from bot.rendering.block_kit import HELPFUL_ACTION, NOT_HELPFUL_ACTION
from bot.slack.listeners.votes import THANKS_HELPFUL, THANKS_NOT_HELPFUL
from bot.storage.feedback import AnswerRecord, FeedbackStore
from bot.storage.interface import Workspace
from bot.storage.database import open_database

DECIDED = "we need CentOS 6 and a custom kernel module"  # vm, high confidence
UNDECIDED = "where should the thing run?"
CHANNEL = "C0CHANNEL"


def _votes(database_path: str) -> list[tuple]:
    with sqlite3.connect(database_path) as connection:
        return connection.execute("SELECT voter, team_id, helpful, verdict, question FROM answer_votes").fetchall()


def _vote(bot, fake_slack, answer: dict, action: str, user: str = USER) -> dict:
    before = len(fake_slack.calls("response"))
    bot.click(button(answer, action), answer, CHANNEL, "1700005000.000100", ephemeral=True, response_name=f"vote-{user}")
    return fake_slack.wait_for("response", count=before + 1)[before]


def _kb_misses(database_path: str, capsys) -> tuple[int, str]:
    code = main(["kb", "misses", "--db", database_path])
    return code, capsys.readouterr().out


def test_a_vote_is_stored_once_per_person_and_can_be_changed(bot, fake_slack, database_path):
    answer = acked_answer(bot.send_command(DECIDED))
    told = _vote(bot, fake_slack, answer, NOT_HELPFUL_ACTION)
    assert told["text"] == THANKS_NOT_HELPFUL and told["response_type"] == "ephemeral"
    [(voter, team, helpful, verdict, question)] = _votes(database_path)
    assert (team, helpful, verdict, question) == (TEAM_ID, 0, "vm", DECIDED)
    assert USER not in voter and len(voter) == 64  # a keyed hash, not the user id
    assert _vote(bot, fake_slack, answer, HELPFUL_ACTION)["text"] == THANKS_HELPFUL
    assert _votes(database_path) == [(voter, TEAM_ID, 1, "vm", None)]  # changed, and the question dropped


def test_votes_of_one_person_on_two_answers_cannot_be_linked(bot, fake_slack, database_path):
    first = acked_answer(bot.send_command(DECIDED))
    second = acked_answer(bot.send_command(DECIDED))
    _vote(bot, fake_slack, first, HELPFUL_ACTION)
    _vote(bot, fake_slack, second, HELPFUL_ACTION)
    voters = {row[0] for row in _votes(database_path)}
    assert len(voters) == 2


def test_a_vote_value_the_bot_did_not_make_is_refused_and_stores_nothing(bot, fake_slack, database_path, caplog):
    answer = acked_answer(bot.send_command(DECIDED))
    forged = {**button(answer, NOT_HELPFUL_ACTION), "value": '{"answer": "../../etc", "question": "x"}'}
    with caplog.at_level(logging.WARNING):
        bot.click(forged, answer, CHANNEL, "1700005000.000100", ephemeral=True)
        bot.settle()
    assert _votes(database_path) == [] and fake_slack.calls("response") == []
    assert [r.getMessage() for r in caplog.records if "refused a vote" in r.getMessage()] == [
        "refused a vote: a vote value of a shape the bot does not make"]


def test_kb_misses_lists_unknown_and_voted_down_answers_most_frequent_first(bot, fake_slack, database_path, capsys):
    assert "nothing to list" in _kb_misses(database_path, capsys)[1]
    for ts in ("1700006000.000100", "1700006001.000100"):  # the same undecided question, asked twice
        bot.send_event(mention(UNDECIDED, ts=ts))
    fake_slack.wait_for("chat.postMessage", count=2)
    decided = acked_answer(bot.send_command(DECIDED))
    acked_answer(bot.send_command("should CI build agents be containers?"))  # decided, never voted down: not listed
    _vote(bot, fake_slack, decided, NOT_HELPFUL_ACTION)
    bot.settle()
    bot.database.write(lambda connection: None)  # every record written
    code, out = _kb_misses(database_path, capsys)
    assert code == 0
    listed = yaml.safe_load(out)["misses"]
    assert listed == [
        {"ask": UNDECIDED, "answered": {"verdict": "unknown", "confidence": "low"}, "listed_because": ["unknown", "low confidence"],
         "count": 2},
        {"ask": DECIDED, "answered": {"verdict": "vm", "confidence": "high"}, "listed_because": ["1 down-vote"], "count": 1},
    ]


def test_kb_misses_and_the_sweep_respect_the_retention_time(tmp_path, capsys, monkeypatch, fake_slack, advisor):
    path = str(tmp_path / "placement.sqlite3")
    database = open_database(path)
    store = FeedbackStore(database, b"key")

    old, recent = time.time() - 40 * 86400, time.time()
    store.record(Workspace("", "T1"), AnswerRecord("a" * 32, "recommend", "unknown", "low", "a month-old question"), old).result()
    store.record(Workspace("", "T1"), AnswerRecord("b" * 32, "recommend", "unknown", "low", "a question of today"), recent).result()
    store.vote(Workspace("", "T1"), "U1", AnswerRecord("c" * 32, "", "vm", "high", "an old down-vote"), False, old)
    monkeypatch.setenv("PLACEMENT_RETENTION_DAYS", "30")
    assert [m["ask"] for m in yaml.safe_load(_kb_misses(path, capsys)[1])["misses"]] == ["a question of today"]
    database.close()
    bot = RunningBot(fake_slack, advisor, path)  # it sweeps as it starts, with the default 30 days
    try:
        deadline = time.monotonic() + 10
        while _counts(path) != (1, 0) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _counts(path) == (1, 0)
    finally:
        bot.stop()


def _counts(path: str) -> tuple[int, int]:
    with sqlite3.connect(path) as connection:
        return tuple(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("answer_records", "answer_votes"))


def test_kb_misses_without_a_database_says_so(tmp_path, capsys):
    code = main(["kb", "misses", "--db", str(tmp_path / "none.sqlite3")])
    assert code == 2 and "no database" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite3").exists()


def test_kb_misses_on_a_file_that_is_not_a_database_says_so(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("not a database")
    assert main(["kb", "misses", "--db", str(path)]) == 2
    assert "could not read the database" in capsys.readouterr().err
