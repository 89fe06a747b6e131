"""The shared SQLite file: kept connections per thread must not hide a vanished file,
and writes the bot does not wait for are neither lost nor invisible meanwhile."""

import glob
import os
import sqlite3
import threading

import pytest

from bot.storage.conversations import ConversationStore
from bot.storage.sqlite_database import SqliteDatabase
from bot.understanding.question import FactFinding

FACTS = (FactFinding("gpu", True, "a GPU"),)


def test_a_file_replaced_under_a_kept_connection_fails_loudly(tmp_path):
    path = str(tmp_path / "placement.sqlite3")
    store = ConversationStore(SqliteDatabase(path))
    store.merge("C1", "1.0", None, FACTS).result()
    assert store.find("C1", "1.0") is not None  # this thread now keeps a connection
    for name in glob.glob(path + "*"):
        os.remove(name)
    os.mkdir(path)
    with pytest.raises(sqlite3.Error):
        store.merge("C1", "2.0", None, FACTS).result(timeout=5)
    with pytest.raises(sqlite3.Error):
        store.find("C1", "1.0")


def test_every_thread_sees_what_the_others_wrote(tmp_path):
    path = str(tmp_path / "placement.sqlite3")
    store = ConversationStore(SqliteDatabase(path))
    saves, errors = [], []

    def write(index):
        for turn in range(50):
            saves.append(store.merge("C1", f"{index}.{turn}", f"subject {index}", FACTS))
            try:
                assert store.find("C1", f"{index}.{turn}").subject == f"subject {index}"
            except sqlite3.Error as error:  # reported below
                errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and [save.exception(timeout=5) for save in saves] == [None] * 400
    another_process = ConversationStore(SqliteDatabase(path))
    assert all(another_process.find("C1", f"{n}.{t}").subject == f"subject {n}" for n in range(8) for t in range(50))


def test_a_conversation_is_answered_from_while_its_write_waits_for_a_locked_file(tmp_path):
    path = str(tmp_path / "placement.sqlite3")
    store = ConversationStore(SqliteDatabase(path))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        saved = store.merge("C1", "1.0", "billing", FACTS)
        assert store.find("C1", "1.0").facts == FACTS
        assert not saved.done()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert saved.exception(timeout=5) is None
    assert ConversationStore(SqliteDatabase(path)).find("C1", "1.0").subject == "billing"


def test_closing_lets_every_submitted_write_finish(tmp_path):
    path = str(tmp_path / "placement.sqlite3")
    database = SqliteDatabase(path)
    store = ConversationStore(database)
    for turn in range(300):
        store.merge("C1", f"1.{turn}", None, FACTS)
    assert database.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM conversations").fetchone() == (300,)
