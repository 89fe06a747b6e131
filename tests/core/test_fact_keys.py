"""Fact sets as cache keys: only what some rule waits for counts."""

from bot.reasoning.fact_keys import FactKeys

KEYS = FactKeys([("gpu", True), ("legacy_app", True), ("legacy_app", False)])


def test_facts_no_rule_waits_for_do_not_change_the_key():
    assert KEYS.key([("gpu", True), ("gpu", False), ("unheard_of", True)]) == KEYS.key([("gpu", True)])
    assert KEYS.key([]) == 0


def test_a_key_gives_back_the_facts_behind_it():
    key = KEYS.key([("legacy_app", False), ("gpu", True)])
    assert KEYS.facts(key) == {"gpu": True, "legacy_app": False}


def test_changing_one_fact_replaces_what_was_said_about_it():
    key = KEYS.key([("legacy_app", False), ("gpu", True)])
    assert KEYS.facts(KEYS.with_value(key, "legacy_app", True)) == {"gpu": True, "legacy_app": True}
    assert KEYS.facts(KEYS.with_value(key, "gpu", False)) == {"legacy_app": False}  # no rule waits for "no GPU"
    assert KEYS.with_value(key, "unheard_of", True) == key
