"""The rule engine: forward chaining, traces, errors that surface, sessions that
are cleaned up, and threads that get the same answers as one thread."""

import threading

import pytest

from bot.advisor import Advisor
from bot.knowledge import load_knowledge
from bot.reasoning import engine as engine_module
from bot.reasoning.engine import RuleEngine, RuleError


@pytest.fixture(scope="module")
def engine():
    return RuleEngine(load_knowledge())


def test_rules_chain_from_user_facts_to_verdict_weight(engine):
    trace = engine.run({"own_kernel": True})
    fired = [f.rule for f in trace.firings]
    assert fired == ["own-kernel-conflicts-with-shared-kernel", "own-kernel-means-vm"]
    assert trace.firings[0].matched == (("own_kernel", True),)
    assert trace.firings[1].matched == (("needs_own_kernel", True),)
    assert "vm_case" in trace.derived


def test_a_pipeline_with_a_vm_need_chains_three_levels_to_hybrid(engine):
    trace = engine.run({"untrusted_code": True, "ci_cd": True})
    hybrid = trace.fired("pipeline-jobs-inside-vms")
    assert hybrid is not None
    assert set(hybrid.matched) == {("ci_cd", True), ("vm_case", True)}


def test_one_container_word_and_one_vm_word_are_not_two_parts(engine):
    trace = engine.run({"serverless": True, "untrusted_code": True})
    assert not any("hybrid" in engine_rule_weights for engine_rule_weights in _weights_of(trace))


def _weights_of(trace):
    from bot.knowledge import load_knowledge

    rules = {rule.id: rule for rule in load_knowledge().rules}
    return [rules[f.rule].weights for f in trace.firings]


def test_each_rule_counts_once_even_when_two_facts_feed_it(engine):
    trace = engine.run({"untrusted_code": True, "multi_tenant": True, "strict_isolation": True})
    rules = [f.rule for f in trace.firings]
    assert rules.count("strong-isolation-means-vm") == 1


def test_false_facts_and_facts_no_rule_waits_for_do_not_crash(engine):
    assert engine.run({"gpu": False, "untrusted_code": False}).firings == ()
    assert engine.run({}).firings == ()


def test_sessions_are_deleted_so_the_engine_survives_thousands_of_questions(engine):
    # durable_rules fails every assert past ~1,024 live sessions if they leak
    for _ in range(3_000):
        assert engine.run({"gpu": True}).fired("gpu-is-hardware-acceleration")


def test_an_error_inside_a_rule_action_surfaces(monkeypatch):
    engine = RuleEngine(load_knowledge())

    def broken(session, message):
        raise ValueError("bug in an action")

    monkeypatch.setattr(engine_module._Session, "_fire", broken)
    with pytest.raises(RuleError, match="bug in an action"):
        engine.run({"gpu": True})
    monkeypatch.undo()
    # and the engine keeps working afterwards
    assert engine.run({"gpu": True}).fired("gpu-is-hardware-acceleration")


def test_eight_threads_get_exactly_the_single_thread_answers():
    advisor = Advisor.from_directory(cache=False)  # every question goes through the engine
    questions = [
        "CI build agents that run untrusted pull requests",
        "legacy COBOL app on Windows Server 2008",
        "stateless microservices on kubernetes",
        "ML training on GPUs for many tenants",
        "startup time?",
        "event-driven lambda functions with per-millisecond billing",
        "it needs a custom kernel module but no GPU",
        "polyglot services in python and go",
    ]
    expected = {q: _summary(advisor.advise(q)) for q in questions}
    results, errors = [], []

    def ask(offset):
        try:
            for index in range(100):
                question = questions[(index + offset) % len(questions)]
                results.append((question, _summary(advisor.advise(question + " " * (index % 7)))))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    _in_threads(ask, 8)
    assert errors == []
    assert len(results) == 800
    assert all(summary == expected[question] for question, summary in results)


def test_eight_threads_on_the_raw_engine_match_one_thread(engine):
    fact_sets = [{"gpu": True}, {"untrusted_code": True, "ci_cd": True}, {"polyglot": True}, {"legacy_app": True, "microservices": True}]
    expected = [engine.run(facts) for facts in fact_sets]
    mismatches = []

    def run(offset):
        for index in range(500):
            pick = (index + offset) % len(fact_sets)
            if engine.run(fact_sets[pick]) != expected[pick]:
                mismatches.append(pick)

    _in_threads(run, 8)
    assert mismatches == []


def _in_threads(target, count):
    """Runs target(0) .. target(count - 1) at once, each in its own thread."""
    threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _summary(answer):
    return (answer.verdict, answer.confidence, tuple(r.rule for r in answer.reasons), tuple(c.text for c in answer.would_change_if))
