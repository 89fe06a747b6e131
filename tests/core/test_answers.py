"""Answers: verdict, confidence, reasons with citations, trade-off, what would
change the verdict, the clarifying question, table rows, follow-ups."""

import pytest

from bot.understanding.question import FactFinding


def test_container_case_cites_the_article(advisor):
    answer = advisor.advise("should our CI build agents be containers? they must start fast")
    assert answer.verdict == "container"
    sources = {r.source for r in answer.reasons}
    assert "containers.devops-pipelines" in sources
    assert all(r.leans == "container" for r in answer.reasons)
    assert 1 <= len(answer.reasons) <= 3
    assert answer.trade_off and answer.trade_off_source == "diff.isolation"


def test_vm_case_names_the_users_words(advisor):
    answer = advisor.advise("we need CentOS 6 and a custom kernel module")
    assert answer.verdict == "vm"
    assert answer.confidence == "high"
    evidence = {words for r in answer.reasons for words in r.evidence}
    assert any("CentOS 6" in words for words in evidence) and "custom kernel" in evidence
    assert {r.source for r in answer.reasons} >= {"vms.legacy-applications", "diff.architecture"}


def test_container_and_vm_signals_give_hybrid_not_a_coin_toss(advisor):
    answer = advisor.advise("CI build agents that run untrusted pull requests from forks")
    assert answer.verdict == "hybrid"
    assert {r.leans for r in answer.reasons} == {"container", "vm", "hybrid"}
    assert answer.reasons[-1].source == "hybrid"


def test_unknown_verdict_asks_the_one_question_that_decides_it(advisor):
    answer = advisor.advise("should our thing be a container?")
    assert answer.verdict == "unknown"
    assert answer.confidence == "low"
    assert len(answer.clarify) == 1
    assert answer.reasons == ()


def test_clarifying_question_is_one_that_would_change_the_verdict(advisor):
    answer = advisor.advise("our CI runners")
    assert answer.confidence != "high"
    [question] = answer.clarify
    after = advisor.advise("yes", earlier=answer.question.facts + (FactFinding(question.fact, True, "yes"),))
    assert after.verdict != answer.verdict


def test_no_clarifying_question_when_confident(advisor):
    answer = advisor.advise("multi-tenant sandbox for untrusted customer code on CentOS 6")
    assert answer.verdict == "vm" and answer.confidence == "high"
    assert answer.clarify == ()


def test_every_would_change_entry_is_true_when_rerun(advisor):
    """would_change_if is computed by re-running the rules, so asking again with
    that fact changed must give exactly that verdict."""
    for text in ("CI build agents that run untrusted pull requests", "a legacy app", "stateless microservices on k8s"):
        answer = advisor.advise(text)
        assert answer.would_change_if, text
        for change in answer.would_change_if:
            kept = tuple(f for f in answer.question.facts if f.fact != change.fact)
            rerun = advisor.advise("", earlier=kept + (FactFinding(change.fact, change.value, "what if"),))
            assert rerun.verdict == change.verdict, (text, change)
            assert change.verdict != answer.verdict


def test_negated_fact_changes_the_verdict(advisor):
    assert advisor.advise("ML training that needs GPUs").verdict == "vm"
    assert advisor.advise("ML training, no GPU needed, stateless microservices").verdict == "container"


def test_compare_questions_answer_with_table_rows(advisor):
    answer = advisor.advise("startup time?")
    assert answer.verdict is None and answer.confidence is None
    assert [(r.dimension, r.containers, r.vms) for r in answer.rows] == [("Startup Time", "Seconds", "Minutes")]
    both = advisor.advise("isolation and footprint: containers vs VMs?")
    assert [r.dimension for r in both.rows] == ["Isolation", "Storage Footprint"]
    everything = advisor.advise("containers vs VMs")
    assert len(everything.rows) == 6


def test_help(advisor):
    answer = advisor.advise("help")
    assert answer.question.intent == "help"
    assert "containers or virtual machines" in answer.headline


def test_follow_up_adds_facts_to_the_conversation(advisor):
    first = advisor.advise("should our billing API be microservices in containers?")
    assert first.verdict == "container"
    second = advisor.advise("it will also run untrusted code", earlier=first.question.facts, earlier_subject=first.question.subject)
    assert second.verdict == "hybrid"
    assert second.question.subject == first.question.subject
    third = advisor.advise("actually, no untrusted code after all", earlier=second.question.facts)
    assert third.verdict == "container"


def test_rows_shown_are_the_ones_the_reasoning_used(advisor):
    answer = advisor.advise("multi-tenant sandbox for customer code")
    assert "Isolation" in [r.dimension for r in answer.rows]


@pytest.mark.parametrize("text", ["", "x" * 40_000, "🚀" * 1000, "<!channel>", "```rm -rf /```"])
def test_bad_input_gets_a_clear_answer(advisor, text):
    answer = advisor.advise(text)
    assert answer.headline


def test_warm_up_works_out_every_small_combination_without_changing_answers(advisor):
    from bench.question_mix import questions
    from bot.advisor import Advisor

    cold = Advisor.from_directory(cache=False)
    said = [f for f in cold.knowledge.facts.values() if not f.derived]
    assert advisor.warm_up(max_facts=2) == len(said) + len(said) * (len(said) - 1) // 2
    mix = ["CI build agents that run untrusted pull requests", "a legacy app", "stateless microservices on k8s"]
    mix += questions(cold.knowledge, 300, seed=3)  # negation, typos, up to five facts
    for text in mix:
        warm, fresh = advisor.advise(text), cold.advise(text)
        assert (warm.verdict, warm.would_change_if, warm.clarify, warm.reasons) == (
            fresh.verdict, fresh.would_change_if, fresh.clarify, fresh.reasons
        ), text
    # with no cache to keep them in, working them out would be wasted start-up time
    assert cold.warm_up() == 0
