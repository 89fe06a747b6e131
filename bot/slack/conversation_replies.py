"""The bot's side of a conversation: each message or click adds to what was said in that
thread, and the reply is the answer to everything said so far. No Slack calls here."""

from __future__ import annotations

import logging
import re

from ..advisor import Advisor
from ..answering.answer import Answer
from ..knowledge.model import KnowledgeBase
from ..rendering.block_kit import SlackMessage, render_answer, render_chain
from ..rendering.views import Choice, form_words
from ..storage.database import DatabaseError, describe, on_failure
from ..storage.interface import Conversation, ConversationMemory, Workspace
from ..understanding.question import FactFinding
from ..understanding.slack_markup import to_plain_text
from .answer_feedback import AnswerFeedback, described
from .metrics import BotMetrics

_WHY = re.compile(r"\W*why\W*", re.I)
# A form's workload text, when the reader finds no subject in it, is the subject itself.
MAX_FORM_SUBJECT = 80

logger = logging.getLogger(__name__)


def asks_why(wire_text: str) -> bool:
    """ "why?" alone (after any mention of the bot) asks for the full chain of rules."""
    # Checked before stripping the markup, which most questions need not pay twice.
    return "why" in wire_text.lower() and bool(_WHY.fullmatch(to_plain_text(wire_text)))


class ConversationReplies:
    def __init__(self, advisor: Advisor, conversations: ConversationMemory, metrics: BotMetrics, feedback: AnswerFeedback) -> None:
        self._advisor = advisor
        self._conversations = conversations
        self._metrics = metrics
        self._feedback = feedback

    @property
    def known_facts(self) -> frozenset[str]:
        return frozenset(self._advisor.knowledge.facts)

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._advisor.knowledge

    def reply_to_text(self, workspace: Workspace, channel: str, thread: str, wire_text: str, starts_thread: bool,
                      recorded: bool = True) -> SlackMessage:
        """`starts_thread`: the message is not in a thread yet, so nothing was said
        before in it and the database need not be asked. `recorded`: the answer counts in
        App Home's figures and kb misses (not when it is the same answer given again)."""
        if asks_why(wire_text):
            return self.explain(workspace, channel, thread)
        answer = self._answer(workspace, channel, thread, wire_text, (), starts_thread)
        return self._render(answer, thread, workspace if recorded else None)

    def reply_to_click(self, workspace: Workspace, channel: str, thread: str, fact: str, value: bool) -> SlackMessage:
        """Not recorded: the question clicked under was, when it was answered."""
        said = FactFinding(fact, value, "yes" if value else "no")
        return self._render(self._answer(workspace, channel, thread, "", (said,), starts_thread=False), thread, None)

    def reply_to_form(self, workspace: Workspace, channel: str, thread: str, workload: str,
                      choices: tuple[Choice, ...]) -> SlackMessage:
        """The guided form's answer, starting the thread `thread`: reasoned from the facts the
        workload's words say and those chosen (a choice wins over the words), exactly as
        the same facts typed in a question would be."""
        if not choices:
            return self._render(self._answer(workspace, channel, thread, workload, (), starts_thread=True), thread, workspace,
                                form_words(self.knowledge, workload, choices))
        read = self._advisor.understand(workload)
        chosen = tuple(FactFinding(c.fact, c.value, f"{self.knowledge.facts[c.fact].label}: {'yes' if c.value else 'no'}")
                       for c in choices)
        subject = read.subject or (workload[:MAX_FORM_SUBJECT] if workload else None)
        said = tuple(f for f in read.facts if f.fact not in {c.fact for c in choices}) + chosen
        answer = self._advisor.advise("", earlier=said, earlier_subject=subject)
        self._counted(workspace, channel, thread, answer, None)
        return self._render(answer, thread, workspace, form_words(self.knowledge, workload, choices))

    def _render(self, answer: Answer, thread: str, recorded_for: Workspace | None, asked: str | None = None) -> SlackMessage:
        """`recorded_for`: the workspace whose figures the answer counts in; None: not recorded."""
        labels = {fact.id: fact.label for fact in self.knowledge.facts.values()}
        vote = self._feedback.record(answer, asked or described(answer, labels), recorded_for)
        return render_answer(answer, thread, vote)

    def explain(self, workspace: Workspace, channel: str, thread: str) -> SlackMessage:
        earlier = self._recall(workspace, channel, thread)
        if earlier is None:
            return render_chain(self._advisor.advise(""))
        return render_chain(self._advisor.advise("", earlier=earlier.facts, earlier_subject=earlier.subject))

    def _answer(
        self, workspace: Workspace, channel: str, thread: str, wire_text: str, clicked: tuple[FactFinding, ...], starts_thread: bool
    ) -> Answer:
        earlier = None if starts_thread else self._recall(workspace, channel, thread)
        facts = earlier.facts if earlier else ()
        clicked_facts = {f.fact for f in clicked}
        facts = tuple(f for f in facts if f.fact not in clicked_facts) + clicked
        answer = self._advisor.advise(wire_text, earlier=facts, earlier_subject=earlier.subject if earlier else None)
        self._counted(workspace, channel, thread, answer, earlier)
        return answer

    def _counted(self, workspace: Workspace, channel: str, thread: str, answer: Answer, earlier: Conversation | None) -> None:
        self._metrics.answered(answer.verdict, answer.question.intent)
        if answer.question.intent == "recommend":
            self._remember(workspace, channel, thread, answer, earlier)

    # The database being locked or unwritable costs the thread its memory, never the answer.
    def _recall(self, workspace: Workspace, channel: str, thread: str) -> Conversation | None:
        try:
            return self._conversations.find(workspace, channel, thread)
        except DatabaseError as error:
            self._metrics.database_error("read_conversation")
            _warn_forgetting(channel, thread, f"could not read it: {describe(error)}")
            return None

    def _remember(self, workspace: Workspace, channel: str, thread: str, answer: Answer, earlier: Conversation | None) -> None:
        """Saves only what this message said, for the database to merge into what the thread
        holds by then (another follow-up may have added to it meanwhile). Does not wait for
        the database; a failed save is logged when it fails."""
        question = answer.question
        known = {(f.fact, f.value) for f in earlier.facts} if earlier else set()
        said = tuple(f for f in question.facts if (f.fact, f.value) not in known)
        subject = question.subject if earlier is None or question.subject != earlier.subject else None
        on_failure(
            self._conversations.merge(workspace, channel, thread, subject, said, earlier),
            lambda error: self._failed_to_save(channel, thread, error),
        )

    def _failed_to_save(self, channel: str, thread: str, error: BaseException) -> None:
        self._metrics.database_error("save_conversation")
        _warn_forgetting(channel, thread, f"could not save it: {describe(error)}")


def _warn_forgetting(channel: str, thread: str, trouble: str) -> None:
    logger.warning(
        "conversation memory unavailable for thread %s/%s (the database %s); answered without it, "
        "so this answer or a follow-up may not know what was said before",
        channel,
        thread,
        trouble,
    )
