"""The bot's side of a conversation: each message or click adds to what was said in that
thread, and the reply is the answer to everything said so far. No Slack calls here."""

from __future__ import annotations

import re

from ..advisor import Advisor
from ..answering.answer import Answer
from ..rendering.block_kit import SlackMessage, render_answer, render_chain
from ..storage.conversations import Conversation, ConversationStore
from ..understanding.question import FactFinding
from ..understanding.slack_markup import to_plain_text

_WHY = re.compile(r"\W*why\W*", re.I)


def asks_why(wire_text: str) -> bool:
    """ "why?" alone (after any mention of the bot) asks for the full chain of rules."""
    return bool(_WHY.fullmatch(to_plain_text(wire_text)))


class ConversationReplies:
    def __init__(self, advisor: Advisor, conversations: ConversationStore) -> None:
        self._advisor = advisor
        self._conversations = conversations

    def reply_to_text(self, channel: str, thread: str, wire_text: str) -> SlackMessage:
        if asks_why(wire_text):
            return self.explain(channel, thread)
        return render_answer(self._answer(channel, thread, wire_text, ()), thread)

    def reply_to_click(self, channel: str, thread: str, fact: str, value: bool) -> SlackMessage:
        said = FactFinding(fact, value, "yes" if value else "no")
        return render_answer(self._answer(channel, thread, "", (said,)), thread)

    def explain(self, channel: str, thread: str) -> SlackMessage:
        earlier = self._conversations.find(channel, thread)
        if earlier is None:
            return render_chain(self._advisor.advise(""))
        return render_chain(self._advisor.advise("", earlier=earlier.facts, earlier_subject=earlier.subject))

    def _answer(self, channel: str, thread: str, wire_text: str, clicked: tuple[FactFinding, ...]) -> Answer:
        earlier = self._conversations.find(channel, thread)
        facts = earlier.facts if earlier else ()
        clicked_facts = {f.fact for f in clicked}
        facts = tuple(f for f in facts if f.fact not in clicked_facts) + clicked
        answer = self._advisor.advise(wire_text, earlier=facts, earlier_subject=earlier.subject if earlier else None)
        if answer.question.intent == "recommend":
            question = answer.question
            self._conversations.save(Conversation(channel, thread, question.subject, question.facts))
        return answer
