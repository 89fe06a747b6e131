"""Reloading the knowledge while other threads answer: every answer comes whole from one
knowledge base or the other, and a broken edit changes nothing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from bot.reloadable_advisor import ReloadableAdvisor

QUESTIONS = ("should our billing API be a container?", "legacy COBOL on RHEL 5", "ML training on GPUs", "startup time?")


def test_answers_go_on_while_the_knowledge_is_reloaded(knowledge_copy):
    advisor = ReloadableAdvisor(str(knowledge_copy))
    expected = {q: advisor.advise(q).headline for q in QUESTIONS}
    verdicts = knowledge_copy / "verdicts.yaml"
    verdicts.write_text(verdicts.read_text().replace("headline: Run it in a virtual machine.", "headline: A VM, as edited."))
    edited = {q: h.replace("Run it in a virtual machine.", "A VM, as edited.") for q, h in expected.items()}
    stop = threading.Event()

    def ask_until_stopped() -> set[tuple[str, bool]]:
        seen = set()
        while not stop.is_set():
            for question in QUESTIONS:
                headline = advisor.advise(question).headline
                assert headline in (expected[question], edited[question])
                seen.add((question, headline == edited[question]))
        return seen

    with ThreadPoolExecutor(4) as pool:
        askers = [pool.submit(ask_until_stopped) for _ in range(4)]
        for _ in range(5):
            assert advisor.reload() == (True, ())
        stop.set()
        seen = set().union(*(asker.result(timeout=60) for asker in askers))
    assert {question for question, _ in seen} == set(QUESTIONS)
    assert {advisor.advise(q).headline for q in QUESTIONS} == set(edited.values())


def test_a_broken_edit_is_refused_and_the_old_knowledge_answers(knowledge_copy):
    advisor = ReloadableAdvisor(str(knowledge_copy))
    before = advisor.advise("legacy COBOL on RHEL 5")
    (knowledge_copy / "facts.yaml").write_text("facts:\n  - id: Bad Id\n")
    reloaded, problems = advisor.reload()
    assert not reloaded
    assert any(str(p).startswith(f"{knowledge_copy / 'facts.yaml'}:") for p in problems)
    assert advisor.advise("legacy COBOL on RHEL 5") == before
