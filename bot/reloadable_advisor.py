"""An Advisor whose knowledge can be reloaded while it answers (`placement serve` on SIGHUP).

    advisor = ReloadableAdvisor("knowledge")   # raises KnowledgeError, as Advisor does
    advisor.advise("...")                      # the current knowledge answers
    reloaded, problems = advisor.reload()      # a broken edit keeps the current knowledge

The new knowledge is loaded and checked first and swapped in only when it has no errors.
durable_rules is not thread-safe (DESIGN.md section 3) and each Advisor's engine has a lock of
its own, so the new engine is built, and swapped in, only while no answer is running on the
old one: answers share a lock that a reload takes alone. The old engine's ruleset stays in
memory: RuleEngine has no way to delete it yet."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

from .advisor import Advisor
from .answering.answer import Answer
from .knowledge import KnowledgeBase, KnowledgeError, Problem, load_knowledge
from .understanding.question import FactFinding, Question


class _SharedOrAlone:
    """Many holders share it, or one holds it alone. Sharers go first: a reload waits for a
    moment with no answer running (and for the start-up warm-up), answers never wait for it
    except while the new engine is being built."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._sharing = 0
        self._alone = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._alone)
            self._sharing += 1
        try:
            yield
        finally:
            with self._changed:
                self._sharing -= 1
                self._changed.notify_all()

    @contextmanager
    def alone(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._sharing and not self._alone)
            self._alone = True
        try:
            yield
        finally:
            with self._changed:
                self._alone = False
                self._changed.notify_all()


class ReloadableAdvisor:
    """Answers as an Advisor does, from whichever knowledge was loaded last without errors."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._current = Advisor.from_directory(directory)
        self._lock = _SharedOrAlone()
        self._one_reload_at_a_time = threading.Lock()

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._current.knowledge

    def advise(self, text: str, earlier: tuple[FactFinding, ...] = (), earlier_subject: str | None = None) -> Answer:
        with self._lock.shared():
            return self._current.advise(text, earlier, earlier_subject)

    def understand(self, text: str) -> Question:
        with self._lock.shared():
            return self._current.understand(text)

    def warm_up(self) -> int:
        with self._lock.shared():
            return self._current.warm_up()

    def reload(self) -> tuple[bool, tuple[Problem, ...]]:
        """(True, ()) once the directory's knowledge answers; (False, problems) when it has
        errors, and the knowledge loaded before goes on answering."""
        with self._one_reload_at_a_time:
            try:
                knowledge = load_knowledge(self.directory)  # reading and checking touch no engine
            except KnowledgeError as error:
                return False, error.problems
            with self._lock.alone():
                self._current = Advisor(knowledge)
        return True, ()
