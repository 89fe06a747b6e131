"""The README's Block Kit Builder links show the bot's real blocks: each is rebuilt here from
the code and compared; when a view changes, the failure prints the link to paste instead."""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import replace
from pathlib import Path

import pytest

from bot.rendering.block_kit import VoteValue, render_answer
from bot.rendering.views import guided_form, home_view
from bot.storage.feedback import WeekSummary

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
BUILDER = "https://app.slack.com/block-kit-builder#"
EXAMPLE = "we need CentOS 6 and a custom kernel module"


def _link(payload: dict) -> str:
    return BUILDER + urllib.parse.quote(json.dumps(payload, separators=(",", ":")), safe="")


def _shown(advisor) -> dict[str, dict]:
    knowledge = advisor.knowledge
    answer = advisor.advise(EXAMPLE)
    vote = VoteValue("0" * 32, answer.verdict, answer.confidence, EXAMPLE)
    return {
        "form-builder": guided_form(replace(knowledge, clarify=knowledge.clarify[:3])),  # its first three questions
        "home-builder": home_view(knowledge, WeekSummary(42, 35, 31)),
        "answer-builder": {"blocks": list(render_answer(answer, "1700000000.000100", vote).blocks)},
    }


@pytest.mark.parametrize("name", ["form-builder", "home-builder", "answer-builder"])
def test_the_readme_links_to_the_blocks_the_bot_sends(advisor, name):
    found = re.search(rf"^\[{name}\]: {re.escape(BUILDER)}(\S+)$", README, re.M)
    assert found, f"no [{name}] link in README.md"
    expected = _shown(advisor)[name]
    assert json.loads(urllib.parse.unquote(found.group(1))) == json.loads(json.dumps(expected)), (
        f"README.md's [{name}] is out of date; paste:\n[{name}]: {_link(expected)}")
