"""The Block Kit rendering alone: Slack's limits hold and nobody is pinged, whatever the input."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answering.answer import ChainStep
from bot.rendering.block_kit import MAX_BLOCKS, VoteValue, escape, render_answer, render_chain

PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U0OTHER>", "<#C0OTHER>")


def _within_limits(blocks) -> None:
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        elif block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        elif block["type"] == "context":
            assert len(block["elements"]) <= 10
        elif block["type"] == "actions":
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= 75 and len(element["value"]) <= 2000


def test_escape_decodes_slacks_entities_once_and_encodes_them_again():
    assert escape("a &amp; b &lt;c&gt;") == "a &amp; b &lt;c&gt;"
    assert escape("a & b <c>") == "a &amp; b &lt;c&gt;"
    assert escape("&amp;lt;") == "&amp;lt;"


def test_escape_leaves_no_ping():
    for ping in PINGS:
        assert "<" not in escape(ping)
    assert "@here" not in escape("hey @here and @channel")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(list("ab &<>@!#*_~`\n") + list(PINGS) + ["untrusted ", "microservices ", "should our API be a VM? "]), max_size=60).map("".join))
def test_any_question_renders_within_limits_without_pings(advisor, text):
    answer = advisor.advise(text)
    vote = VoteValue("0" * 32, answer.verdict, answer.confidence, text * 40)  # the votes carry the question back
    for message in (render_answer(answer, "1700000000.000100", vote), render_chain(answer)):
        _within_limits(message.blocks)
        shown = json.dumps(message.blocks) + message.text
        for ping in PINGS:
            assert ping not in shown


def test_a_chain_of_thousands_of_rules_is_cut_to_fit(advisor):
    answer = advisor.advise("our checkout microservices will run untrusted code")
    step = ChainStep("r" * 200, "because " * 100, "hybrid", (("untrusted_code", True),), ("x",), {"vm": 1})
    long_answer = replace(answer, chain=(step,) * 3000)
    message = render_chain(long_answer)
    _within_limits(message.blocks)
    assert "left out" in json.dumps(message.blocks)


def test_a_huge_subject_is_cut_to_fit(advisor):
    answer = advisor.advise("should our billing API be a container?")
    huge = replace(answer, question=replace(answer.question, subject="<!channel> " * 2000))
    message = render_answer(huge, "1700000000.000100")
    _within_limits(message.blocks)
    assert "<!channel>" not in json.dumps(message.blocks)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=3000))
def test_a_vote_value_holds_the_question_or_its_start_within_slacks_limit(question):
    value = VoteValue("0" * 32, "vm", "high", question).encode()
    assert len(value) <= 2000 and "<" not in value and ">" not in value and "&" not in value
    carried = VoteValue.decode(value).question
    assert question.startswith(carried) and (carried == question or len(value) > 2000 - 6)  # cut only as much as needed
