"""The event ledger on one SQLite file shared by several ledgers (as by several processes):
one claim wins per event, leases keep a living owner's events, an expired one is taken
over by exactly one other, and old data goes."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

from bot.storage.conversations import ConversationStore
from bot.storage.event_ledger import MAX_ATTEMPTS, SqliteEventLedger
from bot.storage.sqlite_database import SqliteDatabase

LEASE = 10.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _ledgers(path: str, count: int, clock: Clock) -> list[SqliteEventLedger]:
    return [SqliteEventLedger(SqliteDatabase(path), LEASE, clock) for _ in range(count)]


def test_each_event_is_claimed_once_across_processes_claiming_at_the_same_moment(tmp_path):
    ledgers = _ledgers(str(tmp_path / "db.sqlite3"), 4, Clock())
    wins: list[str] = []
    lock, start = threading.Lock(), threading.Barrier(4)

    def claim_all(ledger: SqliteEventLedger) -> None:
        start.wait()
        for index in range(100):
            if ledger.claim(f"Ev{index}", "{}"):
                with lock:
                    wins.append(f"Ev{index}")

    threads = [threading.Thread(target=claim_all, args=(ledger,)) for ledger in ledgers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == sorted(f"Ev{index}" for index in range(100))


def test_a_living_owners_event_is_never_taken_over_and_a_dead_ones_is_taken_over_once(tmp_path):
    clock = Clock()
    owner, first, second = _ledgers(str(tmp_path / "db.sqlite3"), 3, clock)
    assert owner.claim("Ev1", json.dumps({"event_id": "Ev1"}))
    clock.now += LEASE * 0.9
    owner.renew_leases().result()
    clock.now += LEASE * 0.9  # past the first lease, within the renewed one
    assert first.take_over_expired(10).taken == () and not first.claim("Ev1", "{}")
    clock.now += LEASE  # the owner stopped renewing: it died
    assert owner.take_over_expired(10).taken == ()  # never by its own owner
    taken = first.take_over_expired(10).taken
    assert [t.event_id for t in taken] == ["Ev1"] and json.loads(taken[0].payload) == {"event_id": "Ev1"}
    assert second.take_over_expired(10).taken == () and not second.claim("Ev1", "{}")


def test_a_retry_may_take_over_an_event_whose_owner_died(tmp_path):
    clock = Clock()
    owner, other = _ledgers(str(tmp_path / "db.sqlite3"), 2, clock)
    assert owner.claim("Ev1", "{}")
    assert not other.claim("Ev1", "{}")
    clock.now += LEASE * 2
    assert other.claim("Ev1", "{}")
    assert not owner.claim("Ev1", "{}")


def test_a_finished_event_is_never_answered_again_and_its_payload_is_gone(tmp_path):
    clock = Clock()
    path = str(tmp_path / "db.sqlite3")
    owner, other = _ledgers(path, 2, clock)
    owner.claim("Ev1", json.dumps({"event": {"text": "the user's words"}}))
    owner.finish("Ev1", "answered")
    clock.now += LEASE * 10
    assert not other.claim("Ev1", "{}") and other.take_over_expired(10).taken == ()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT payload, outcome FROM events").fetchall() == [(None, "answered")]


def test_handing_back_lets_another_process_take_over_at_once(tmp_path):
    owner, other = _ledgers(str(tmp_path / "db.sqlite3"), 2, Clock())
    owner.claim("Ev1", "{}")
    owner.hand_back()
    assert [t.event_id for t in other.take_over_expired(10).taken] == ["Ev1"]


def test_an_event_cut_off_too_many_times_is_given_up(tmp_path):
    clock = Clock()
    ledgers = _ledgers(str(tmp_path / "db.sqlite3"), MAX_ATTEMPTS + 1, clock)
    assert ledgers[0].claim("Ev1", "{}")
    for ledger in ledgers[1:MAX_ATTEMPTS]:
        clock.now += LEASE * 2
        assert len(ledger.take_over_expired(10).taken) == 1
    clock.now += LEASE * 2
    found = ledgers[MAX_ATTEMPTS].take_over_expired(10)
    assert (found.taken, found.abandoned) == ((), ("Ev1",))


def test_events_and_conversations_older_than_the_cutoff_are_deleted(tmp_path):
    database = SqliteDatabase(str(tmp_path / "db.sqlite3"))
    clock = Clock()
    ledger, conversations = SqliteEventLedger(database, LEASE, clock), ConversationStore(database)
    for index in range(10_000):
        conversations.merge("C1", f"{index}.0", "billing", ())
    clock.now = time.time() - 31 * 86400
    ledger.claim("Ev-old", "{}")
    clock.now = time.time()
    ledger.claim("Ev-new", "{}")
    database.write(lambda connection: connection.execute("UPDATE conversations SET updated_at = updated_at - 31 * 86400"))
    conversations.merge("C1", "new.0", "billing", ())
    cutoff = time.time() - 30 * 86400
    ledger.forget_older_than(cutoff).result()
    conversations.forget_older_than(cutoff).result()
    with database.connect() as connection:
        assert connection.execute("SELECT event_id FROM events").fetchall() == [("Ev-new",)]
        assert connection.execute("SELECT thread FROM conversations").fetchall() == [("new.0",)]


def test_a_database_of_the_previous_version_is_upgraded_without_losing_anything(tmp_path):
    path = str(tmp_path / "db.sqlite3")
    with sqlite3.connect(path) as old:
        old.executescript("""
            CREATE TABLE conversations (channel TEXT NOT NULL, thread TEXT NOT NULL, subject TEXT, facts TEXT NOT NULL,
                                        updated_at REAL NOT NULL, PRIMARY KEY (channel, thread));
            CREATE TABLE handled_events (event_id TEXT PRIMARY KEY, handled_at REAL NOT NULL);
            INSERT INTO handled_events VALUES ('Ev-handled', 1800000000);
        """)
        old.execute("INSERT INTO conversations VALUES ('C1', '1.0', 'billing', ?, 1800000000)",
                    (json.dumps([{"fact": "gpu", "value": True, "evidence": "a GPU"},
                                 {"fact": "untrusted_code", "value": False, "evidence": "no untrusted code"}]),))
    database = SqliteDatabase(path)
    conversation = ConversationStore(database).find("C1", "1.0")
    assert conversation.subject == "billing"
    assert [(f.fact, f.value, f.evidence) for f in conversation.facts] == [
        ("gpu", True, "a GPU"), ("untrusted_code", False, "no untrusted code")]
    assert not SqliteEventLedger(database, LEASE).claim("Ev-handled", "{}")
    SqliteDatabase(path)  # opening it again changes nothing
    assert ConversationStore(SqliteDatabase(path)).find("C1", "1.0") == conversation
