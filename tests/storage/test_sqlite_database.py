"""The shared SQLite file: kept connections per thread must not hide a vanished file."""

import glob
import os
import sqlite3
import threading

import pytest

from bot.storage.conversations import Conversation, ConversationStore
from bot.storage.sqlite_database import SqliteDatabase
from bot.understanding.question import FactFinding

FACTS = (FactFinding("gpu", True, "a GPU"),)


def test_a_file_replaced_under_a_kept_connection_fails_loudly(tmp_path):
    path = str(tmp_path / "placement.sqlite3")
    store = ConversationStore(SqliteDatabase(path))
    store.save(Conversation("C1", "1.0", None, FACTS))  # this thread now keeps a connection
    for name in glob.glob(path + "*"):
        os.remove(name)
    os.mkdir(path)
    with pytest.raises(sqlite3.Error):
        store.save(Conversation("C1", "2.0", None, FACTS))


def test_every_thread_sees_what_the_others_wrote(tmp_path):
    store = ConversationStore(SqliteDatabase(str(tmp_path / "placement.sqlite3")))
    errors = []

    def write(index):
        try:
            for turn in range(50):
                store.save(Conversation("C1", f"{index}.{turn}", f"subject {index}", FACTS))
        except sqlite3.Error as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(store.find("C1", f"{n}.{t}").subject == f"subject {n}" for n in range(8) for t in range(50))
