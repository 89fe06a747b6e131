"""The event ledger on one database (a SQLite file, and a real Postgres server) shared by
several ledgers (as by several processes or replicas): one claim wins per event, leases keep
a living owner's events, an expired one is taken over by exactly one other, and old data goes."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

from bot.storage.conversations import ConversationStore
from sqlalchemy import text

from bot.storage.database import open_database
from bot.storage.event_ledger import MAX_ATTEMPTS, DatabaseEventLedger
from bot.storage.interface import Workspace
from bot.storage.schema import SCHEMA_VERSION
from bot.understanding.question import FactFinding

LEASE = 10.0
TEAM = Workspace("", "T0TEAM")


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _ledgers(location: str, count: int, clock: Clock) -> list[DatabaseEventLedger]:
    return [DatabaseEventLedger(open_database(location), LEASE, clock) for _ in range(count)]


def test_each_event_is_claimed_once_across_processes_claiming_at_the_same_moment(database_location):
    ledgers = _ledgers(database_location, 4, Clock())
    wins: list[str] = []
    lock, start = threading.Lock(), threading.Barrier(4)

    def claim_all(ledger: DatabaseEventLedger) -> None:
        start.wait()
        for index in range(100):
            if ledger.claim(f"Ev{index}", "{}", TEAM):
                with lock:
                    wins.append(f"Ev{index}")

    threads = [threading.Thread(target=claim_all, args=(ledger,)) for ledger in ledgers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == sorted(f"Ev{index}" for index in range(100))


def test_a_living_owners_event_is_never_taken_over_and_a_dead_ones_is_taken_over_once(database_location):
    clock = Clock()
    owner, first, second = _ledgers(database_location, 3, clock)
    assert owner.claim("Ev1", json.dumps({"event_id": "Ev1"}), TEAM)
    clock.now += LEASE * 0.9
    owner.renew_leases().result()
    clock.now += LEASE * 0.9  # past the first lease, within the renewed one
    assert first.take_over_expired(10).taken == () and not first.claim("Ev1", "{}", TEAM)
    clock.now += LEASE  # the owner stopped renewing: it died
    assert owner.take_over_expired(10).taken == ()  # never by its own owner
    taken = first.take_over_expired(10).taken
    assert [t.event_id for t in taken] == ["Ev1"] and json.loads(taken[0].payload) == {"event_id": "Ev1"}
    assert second.take_over_expired(10).taken == () and not second.claim("Ev1", "{}", TEAM)


def test_a_retry_may_take_over_an_event_whose_owner_died(database_location):
    clock = Clock()
    owner, other = _ledgers(database_location, 2, clock)
    assert owner.claim("Ev1", "{}", TEAM)
    assert not other.claim("Ev1", "{}", TEAM)
    clock.now += LEASE * 2
    assert other.claim("Ev1", "{}", TEAM)
    assert not owner.claim("Ev1", "{}", TEAM)


def test_a_finished_event_is_never_answered_again_and_its_payload_is_gone(database_location):
    clock = Clock()
    owner, other = _ledgers(database_location, 2, clock)
    owner.claim("Ev1", json.dumps({"event": {"text": "the user's words"}}), TEAM)
    owner.finish("Ev1", "answered")
    clock.now += LEASE * 10
    assert not other.claim("Ev1", "{}", TEAM) and other.take_over_expired(10).taken == ()
    with owner._database.connect() as connection:
        assert connection.execute(text("SELECT payload, outcome FROM events")).all() == [(None, "answered")]


def test_handing_back_lets_another_process_take_over_at_once(database_location):
    owner, other = _ledgers(database_location, 2, Clock())
    owner.claim("Ev1", "{}", TEAM)
    owner.hand_back()
    assert [t.event_id for t in other.take_over_expired(10).taken] == ["Ev1"]


def test_an_event_cut_off_too_many_times_is_given_up(database_location):
    clock = Clock()
    ledgers = _ledgers(database_location, MAX_ATTEMPTS + 1, clock)
    assert ledgers[0].claim("Ev1", "{}", TEAM)
    for ledger in ledgers[1:MAX_ATTEMPTS]:
        clock.now += LEASE * 2
        assert len(ledger.take_over_expired(10).taken) == 1
    clock.now += LEASE * 2
    found = ledgers[MAX_ATTEMPTS].take_over_expired(10)
    assert (found.taken, found.abandoned) == ((), ("Ev1",))


def test_events_and_conversations_older_than_the_cutoff_are_deleted(database_location):
    database = open_database(database_location)
    clock = Clock()
    ledger, conversations = DatabaseEventLedger(database, LEASE, clock), ConversationStore(database)
    saved = [conversations.merge(TEAM, "C1", f"{index}.0", "billing", ()) for index in range(10_000)]
    saved[-1].result(timeout=60)  # writes land in order
    clock.now = time.time() - 31 * 86400
    ledger.claim("Ev-old", "{}", TEAM)
    clock.now = time.time()
    ledger.claim("Ev-new", "{}", TEAM)
    database.write(lambda connection: connection.execute(text("UPDATE conversations SET updated_at = updated_at - 31 * 86400")))
    conversations.merge(TEAM, "C1", "new.0", "billing", ())
    cutoff = time.time() - 30 * 86400
    ledger.forget_older_than(cutoff).result()
    conversations.forget_older_than(cutoff).result()
    with database.connect() as connection:
        assert connection.execute(text("SELECT event_id FROM events")).all() == [("Ev-new",)]
        assert connection.execute(text("SELECT thread FROM conversations")).all() == [("new.0",)]


def test_a_file_of_version_1_is_upgraded_without_losing_anything(tmp_path):
    path = str(tmp_path / "db.sqlite3")
    with sqlite3.connect(path) as old:
        old.executescript("""
            CREATE TABLE conversations (channel TEXT NOT NULL, thread TEXT NOT NULL, subject TEXT, facts TEXT NOT NULL,
                                        updated_at REAL NOT NULL, PRIMARY KEY (channel, thread));
            CREATE TABLE handled_events (event_id TEXT PRIMARY KEY, handled_at REAL NOT NULL);
            INSERT INTO handled_events VALUES ('Ev-handled', 1800000000);
            PRAGMA user_version = 1;
        """)
        old.execute("INSERT INTO conversations VALUES ('C1', '1.0', 'billing', ?, 1800000000)",
                    (json.dumps([{"fact": "gpu", "value": True, "evidence": "a GPU"},
                                 {"fact": "untrusted_code", "value": False, "evidence": "no untrusted code"}]),))
    database = open_database(path)
    store = ConversationStore(database)
    store.adopt_rows_of_no_workspace(TEAM)  # as the single-token bot does at start
    conversation = store.find(TEAM, "C1", "1.0")
    assert conversation.subject == "billing"
    assert [(f.fact, f.value, f.evidence) for f in conversation.facts] == [
        ("gpu", True, "a GPU"), ("untrusted_code", False, "no untrusted code")]
    assert not DatabaseEventLedger(database, LEASE).claim("Ev-handled", "{}", TEAM)
    open_database(path)  # opening it again changes nothing
    assert ConversationStore(open_database(path)).find(TEAM, "C1", "1.0") == conversation


def test_a_file_of_version_2_gains_workspaces_and_keeps_its_threads_and_events(tmp_path):
    path = str(tmp_path / "db.sqlite3")
    with sqlite3.connect(path) as old:
        old.executescript("""
            CREATE TABLE conversations (channel TEXT NOT NULL, thread TEXT NOT NULL, subject TEXT, facts TEXT NOT NULL,
                                        updated_at REAL NOT NULL, PRIMARY KEY (channel, thread));
            CREATE INDEX conversations_by_age ON conversations (updated_at);
            CREATE TABLE events (event_id TEXT PRIMARY KEY, received_at REAL NOT NULL, payload TEXT, owner TEXT,
                                 lease_until REAL NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, finished_at REAL, outcome TEXT);
            INSERT INTO conversations VALUES ('C1', '1.0', 'billing', '{"gpu": {"value": true, "evidence": "a GPU"}}', 1800000000);
            INSERT INTO events (event_id, received_at, payload, owner, lease_until, attempts) VALUES ('Ev-open', 1800000000, '{}', 'gone', 0, 1);
            PRAGMA user_version = 2;
        """)
    clock = Clock()
    database = open_database(path)
    store = ConversationStore(database)
    assert store.find(TEAM, "C1", "1.0") is None  # not yet: kept for no workspace
    store.adopt_rows_of_no_workspace(TEAM)
    assert store.find(TEAM, "C1", "1.0").facts == (FactFinding("gpu", True, "a GPU"),)
    assert [t.event_id for t in DatabaseEventLedger(database, LEASE, clock).take_over_expired(10).taken] == ["Ev-open"]


def test_a_database_of_version_3_gains_the_feedback_tables_and_keeps_its_workspaces(database_location):
    store = ConversationStore(open_database(database_location))
    other = Workspace("", "T1OTHER")
    for workspace in (TEAM, other):
        store.merge(workspace, "C1", "1.0", f"billing in {workspace.team_id}", (FactFinding("gpu", True, "a GPU"),)).result()
    database = open_database(database_location)
    database.write(lambda connection: [connection.execute(text(statement)) for statement in (
        "UPDATE schema_version SET version = 3", "DROP TABLE answer_records", "DROP TABLE answer_votes")])
    upgraded = open_database(database_location)
    fresh = ConversationStore(upgraded)
    assert fresh.find(TEAM, "C1", "1.0").subject == "billing in T0TEAM"
    assert fresh.find(other, "C1", "1.0").subject == "billing in T1OTHER"
    with upgraded.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM answer_records")).scalar() == 0


def test_two_workspaces_with_the_same_channel_and_thread_never_mix(database_location):
    store = ConversationStore(open_database(database_location))
    other = Workspace("", "T1OTHER")
    store.merge(TEAM, "C1", "1.0", "billing API", (FactFinding("gpu", True, "a GPU"),)).result()
    store.merge(other, "C1", "1.0", "CI runners", (FactFinding("untrusted_code", True, "untrusted PRs"),)).result()
    fresh = ConversationStore(open_database(database_location))
    assert fresh.find(TEAM, "C1", "1.0").subject == "billing API"
    assert [f.fact for f in fresh.find(other, "C1", "1.0").facts] == ["untrusted_code"]
    assert fresh.find(Workspace("E0ORG", ""), "C1", "1.0") is None


def test_forgetting_a_workspace_deletes_its_conversations_and_nothing_else(database_location):
    store = ConversationStore(open_database(database_location))
    other = Workspace("", "T1OTHER")
    for workspace in (TEAM, other):
        store.merge(workspace, "C1", "1.0", "billing", (FactFinding("gpu", True, "a GPU"),)).result()
    store.forget_workspace(TEAM)
    fresh = ConversationStore(open_database(database_location))
    assert fresh.find(TEAM, "C1", "1.0") is None and fresh.find(other, "C1", "1.0") is not None


def test_follow_ups_saved_at_the_same_moment_by_two_processes_both_keep_their_facts(database_location):
    stores = [ConversationStore(open_database(database_location)) for _ in range(2)]
    start = threading.Barrier(2)
    facts = (FactFinding("gpu", True, "a GPU"), FactFinding("untrusted_code", True, "untrusted PRs"))

    def save(index: int) -> None:
        start.wait()
        for turn in range(30):
            stores[index].merge(TEAM, "C1", f"{turn}.0", None, (facts[index],)).result()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fresh = ConversationStore(open_database(database_location))
    assert all({f.fact for f in fresh.find(TEAM, "C1", f"{turn}.0").facts} == {"gpu", "untrusted_code"} for turn in range(30))


def test_processes_starting_together_on_an_empty_database_migrate_it_once(database_location):
    start, opened, errors = threading.Barrier(6), [], []

    def open_it() -> None:
        start.wait()
        try:
            opened.append(open_database(database_location))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(opened) == 6
    with opened[0].connect() as connection:
        assert connection.execute(text("SELECT version FROM schema_version")).all() == [(SCHEMA_VERSION,)]
    assert DatabaseEventLedger(opened[1], LEASE).claim("Ev1", "{}", TEAM)
