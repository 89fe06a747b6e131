"""The guided form: `/placement` alone (or "Guide me") opens a modal built from clarify.yaml;
its submission is answered once, in a DM whose thread then behaves like any other, and gives
the verdict and reasons the same facts typed as a question give."""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from bot_harness import USER, acked_answer, all_text, button, direct_message
from fake_slack_api import dm_channel_of
from slack_limits import assert_blocks_within_limits, assert_view_within_limits
from slack_sdk.errors import SlackObjectFormationError

from bot.knowledge import load_knowledge
from bot.rendering.block_kit import GUIDE_ACTION, render_answer
from bot.rendering.views import FACT_BLOCK_PREFIX, FORM_CALLBACK, guided_form
from bot.slack.listeners.guided_form import NOTHING_SAID

TYPED = "should our billing API be a container? it runs untrusted customer code and needs no GPU"
WORKLOAD = "our billing API"
CHOICES = {"untrusted_code": "yes", "gpu": "no"}


def _open_form(bot, fake_slack) -> dict:
    reply = bot.send_command("")
    assert (reply.status, reply.body) == (200, "")  # nothing to show in the channel: the modal opens
    [opened] = fake_slack.wait_for("views.open")
    return opened["view"]


def _why_lines(message: dict) -> list[str]:
    """The reasons a message gives, each with the section it cites, without the words quoted."""
    why = next(block["text"]["text"] for block in message["blocks"] if block["type"] == "section"
               and block["text"]["text"].startswith("*Why*"))
    return [line for line in why.splitlines() if not line.strip().startswith("you said")]


def test_the_command_alone_opens_a_form_with_a_choice_for_each_clarifying_question(bot, fake_slack, advisor):
    view = _open_form(bot, fake_slack)
    assert view["callback_id"] == FORM_CALLBACK
    assert_view_within_limits(view)
    asked = [block for block in view["blocks"] if block.get("block_id", "").startswith(FACT_BLOCK_PREFIX)]
    assert [block["block_id"][len(FACT_BLOCK_PREFIX):] for block in asked] == [q.fact for q in advisor.knowledge.clarify]
    assert [block["label"]["text"] for block in asked] == [q.ask for q in advisor.knowledge.clarify]
    assert {o["text"]["text"] for o in asked[0]["element"]["options"]} == {"Yes", "No", "Not sure"}
    bot.settle()
    assert fake_slack.calls("response") == [] and fake_slack.calls("chat.postMessage") == []


def test_guide_me_in_the_help_opens_the_form(bot, fake_slack):
    help_answer = acked_answer(bot.send_command("help"))
    assert_blocks_within_limits(help_answer["blocks"])
    bot.click(button(help_answer, GUIDE_ACTION), help_answer, "C0CHANNEL", "1700004000.000100", ephemeral=True)
    [opened] = fake_slack.wait_for("views.open")
    assert opened["view"]["callback_id"] == FORM_CALLBACK


def test_a_submission_is_answered_once_in_a_dm_as_the_same_facts_typed(bot, fake_slack, advisor):
    reply = bot.submit_form(_open_form(bot, fake_slack), WORKLOAD, CHOICES)
    assert (reply.status, reply.body) == (200, "")  # the modal closes
    summary, answer = fake_slack.wait_for("chat.postMessage", count=2)
    bot.settle()
    assert len(fake_slack.calls("chat.postMessage")) == 2
    assert summary["channel"] == USER and "thread_ts" not in summary
    assert WORKLOAD in all_text(summary) and "runs code you do not trust: yes" in all_text(summary)
    summary_ts = answer["thread_ts"]  # the answer is in the summary's thread
    assert answer["channel"] == dm_channel_of(USER)
    assert_blocks_within_limits(answer["blocks"])

    typed = advisor.advise(TYPED)
    assert {(f.fact, f.value) for f in typed.question.facts} == {("web_service", True), ("untrusted_code", True), ("gpu", False)}
    expected = json.loads(json.dumps(render_answer(typed, summary_ts).blocks))
    assert answer["text"] == render_answer(typed, summary_ts).text  # verdict, confidence and headline
    assert _why_lines(answer) == _why_lines({"blocks": expected})  # the same reasons, citing the same sections
    assert "runs code you do not trust: yes" in all_text(answer)  # the evidence is the form's answer


def test_the_forms_dm_thread_remembers_what_the_form_said(bot, fake_slack):
    bot.submit_form(_open_form(bot, fake_slack), WORKLOAD, CHOICES)
    _, answer = fake_slack.wait_for("chat.postMessage", count=2)
    thread = answer["thread_ts"]
    bot.send_event(direct_message("why?", ts="1700004100.000100", thread_ts=thread, channel=dm_channel_of(USER)))
    why = fake_slack.wait_for("chat.postMessage", count=3)[2]
    assert (why["channel"], why["thread_ts"]) == (dm_channel_of(USER), thread)
    assert "untrusted_code = yes" in all_text(why) and "gpu = no" in all_text(why)


def test_an_empty_submission_is_sent_back_with_an_error_and_nothing_is_posted(bot, fake_slack):
    reply = bot.submit_form(_open_form(bot, fake_slack))
    assert reply.status == 200
    assert json.loads(reply.body) == {"response_action": "errors", "errors": {"workload": NOTHING_SAID}}
    bot.settle()
    assert fake_slack.calls("chat.postMessage") == []


def test_a_submission_with_values_the_form_never_offered_keeps_only_what_it_knows(bot, fake_slack):
    view = _open_form(bot, fake_slack)
    forged = {**view, "blocks": view["blocks"] + [{"type": "input", "block_id": "fact:no_such_fact", "label": {"text": "x"},
                                                   "element": {"type": "radio_buttons", "action_id": "choice",
                                                               "options": [{"value": "yes"}]}}]}
    reply = bot.submit_form(forged, WORKLOAD, {"no_such_fact": "yes", "gpu": "maybe"})
    assert reply.status == 200 and reply.body == ""  # the workload alone is enough
    _, answer = fake_slack.wait_for("chat.postMessage", count=2)
    assert "no_such_fact" not in all_text(answer)


def test_an_authors_new_clarifying_question_is_a_new_field(knowledge_copy):
    path = knowledge_copy / "clarify.yaml"
    clarify = yaml.safe_load(path.read_text())
    clarify["clarify"].append({"fact": "mixed_os_fleet", "ask": "Do your hosts run a mix of operating systems?"})
    path.write_text(yaml.safe_dump(clarify))
    view = guided_form(load_knowledge(str(knowledge_copy)))
    assert_view_within_limits(view)
    [added] = [block for block in view["blocks"] if block.get("block_id") == "fact:mixed_os_fleet"]
    assert added["label"]["text"] == "Do your hosts run a mix of operating systems?"


@pytest.mark.parametrize("breach", [
    lambda view: view["title"].update(text="x" * 25),
    lambda view: view["blocks"][2]["element"]["options"][0]["text"].update(text="y" * 76),
    lambda view: view["blocks"][2]["label"].update(text="y" * 2001),
    lambda view: view["blocks"][3].update(block_id=view["blocks"][2]["block_id"]),
    lambda view: view.update(blocks=view["blocks"] * 5),
], ids=["title", "option", "label", "repeated block_id", "blocks"])
def test_the_limits_check_refuses_what_slack_would(advisor, breach):
    view = copy.deepcopy(guided_form(advisor.knowledge))
    breach(view)
    with pytest.raises((AssertionError, SlackObjectFormationError)):
        assert_view_within_limits(view)
