"""The database every thread shares: kept connections must not hide a vanished SQLite file,
and writes the bot does not wait for are neither lost nor invisible meanwhile."""

import glob
import os
import sqlite3
import threading

import pytest

from bot.storage.conversations import ConversationStore
from bot.storage.database import DatabaseError, open_database
from bot.storage.interface import Workspace
from bot.understanding.question import FactFinding

FACTS = (FactFinding("gpu", True, "a GPU"),)
TEAM = Workspace("", "T0TEAM")


def test_a_file_replaced_under_a_kept_connection_fails_loudly(tmp_path):
    path = str(tmp_path / "placement.sqlite3")
    store = ConversationStore(open_database(path))
    store.merge(TEAM, "C1", "1.0", None, FACTS).result()
    assert store.find(TEAM, "C1", "1.0") is not None  # this thread now keeps a connection
    for name in glob.glob(path + "*"):
        os.remove(name)
    os.mkdir(path)
    with pytest.raises(DatabaseError):
        store.merge(TEAM, "C1", "2.0", None, FACTS).result(timeout=5)
    with pytest.raises(DatabaseError):
        store.find(TEAM, "C1", "1.0")


def test_every_thread_sees_what_the_others_wrote(database_location):
    path = database_location
    store = ConversationStore(open_database(path))
    saves, errors = [], []

    def write(index):
        for turn in range(50):
            saves.append(store.merge(TEAM, "C1", f"{index}.{turn}", f"subject {index}", FACTS))
            try:
                assert store.find(TEAM, "C1", f"{index}.{turn}").subject == f"subject {index}"
            except DatabaseError as error:  # reported below
                errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and [save.exception(timeout=5) for save in saves] == [None] * 400
    another_process = ConversationStore(open_database(path))
    assert all(another_process.find(TEAM, "C1", f"{n}.{t}").subject == f"subject {n}" for n in range(8) for t in range(50))


def test_a_conversation_is_answered_from_while_its_write_waits_for_a_locked_file(tmp_path):
    path = str(tmp_path / "placement.sqlite3")
    store = ConversationStore(open_database(path))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        saved = store.merge(TEAM, "C1", "1.0", "billing", FACTS)
        assert store.find(TEAM, "C1", "1.0").facts == FACTS
        assert not saved.done()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert saved.exception(timeout=5) is None
    assert ConversationStore(open_database(path)).find(TEAM, "C1", "1.0").subject == "billing"


def test_closing_lets_every_submitted_write_finish(tmp_path):
    path = str(tmp_path / "placement.sqlite3")
    database = open_database(path)
    store = ConversationStore(database)
    for turn in range(300):
        store.merge(TEAM, "C1", f"1.{turn}", None, FACTS)
    assert database.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM conversations").fetchone() == (300,)


def test_a_database_url_that_is_not_one_is_refused_in_one_line():
    from bot.storage.engines import BadDatabaseUrl

    for wrong in ("mysql://u@h/db", "redis://localhost:6379/0", "sqlite://"):
        with pytest.raises(BadDatabaseUrl) as refused:
            open_database(wrong)
        assert "\n" not in str(refused.value)
