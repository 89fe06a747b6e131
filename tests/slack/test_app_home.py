"""App Home: opening the Home tab publishes it, with what the bot does and knows, "Guide me",
and this workspace's answers of the week; the event is finished in the ledger like any other."""

from __future__ import annotations

import time

from bot_harness import USER, acked_answer, all_events_finished, all_text, button, home_opened
from fake_slack_api import TEAM_ID
from slack_limits import assert_view_within_limits

from bot.answering.compose import HELP_EXAMPLES
from bot.rendering.block_kit import CLARIFY_YES_ACTION, GUIDE_ACTION, escape
from bot.storage.feedback import AnswerRecord, FeedbackStore
from bot.storage.interface import Workspace

UNDECIDED = "where should the thing run?"


def test_opening_the_home_tab_publishes_it_once_with_this_weeks_figures(bot, fake_slack, advisor, database_path):
    for question in ("we need CentOS 6 and a custom kernel module", UNDECIDED, "startup time?"):
        acked_answer(bot.send_command(question))
    bot.send_event(home_opened())
    [published] = fake_slack.wait_for("views.publish")
    bot.settle()
    assert len(fake_slack.calls("views.publish")) == 1
    assert published["user_id"] == USER
    view = published["view"]
    assert view["type"] == "home"
    assert_view_within_limits(view)
    text = all_text(view)
    assert all(escape(example) in text for example in HELP_EXAMPLES[:3])
    assert all(row.dimension in text and escape(row.vms) in text for row in advisor.knowledge.rows)
    assert "The Evolution of Virtualization" in text and "Mike Johnson" in text and "2025-04-10" in text
    assert button(view, GUIDE_ACTION)["text"]["text"] == "Guide me"
    assert "3 question(s) answered; I could decide 1 of the 2 about where a workload belongs (50%)" in text
    assert all_events_finished(database_path)


def test_only_this_workspaces_answers_of_the_last_seven_days_are_counted(bot, fake_slack, database_path):
    store = FeedbackStore(bot.database, b"key")
    eight_days_ago = time.time() - 8 * 86400
    store.record(Workspace("", "T0OTHER"), AnswerRecord("a" * 32, "recommend", "vm", "high", ""), time.time()).result()
    store.record(Workspace("", TEAM_ID), AnswerRecord("b" * 32, "recommend", "vm", "high", ""), eight_days_ago).result()
    bot.send_event(home_opened())
    [published] = fake_slack.wait_for("views.publish")
    assert "No questions answered in this workspace in the last 7 days yet." in all_text(published["view"])


def test_guide_me_on_the_home_tab_opens_the_form(bot, fake_slack):
    bot.send_event(home_opened())
    [published] = fake_slack.wait_for("views.publish")
    view = published["view"]
    payload = {"type": "block_actions", "team": {"id": TEAM_ID}, "user": {"id": USER}, "api_app_id": "A0APP",
               "container": {"type": "view", "view_id": "V0HOME"}, "view": {**view, "id": "V0HOME"}, "trigger_id": "trig-home",
               "actions": [{**button(view, GUIDE_ACTION), "block_id": "guide", "action_ts": str(time.time())}]}
    assert bot.interact(payload).status == 200
    [opened] = fake_slack.wait_for("views.open")
    assert opened["trigger_id"] == "trig-home"


def test_the_messages_tab_publishes_nothing_and_is_finished(bot, fake_slack, database_path):
    bot.send_event(home_opened(tab="messages"))
    bot.settle()
    assert fake_slack.calls("views.publish") == []
    deadline = time.monotonic() + 10
    while not all_events_finished(database_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all_events_finished(database_path)


def test_a_click_on_an_answer_is_not_counted_as_another_question(bot, fake_slack):
    answer = acked_answer(bot.send_command("should our billing API be a container?"))
    bot.click(button(answer, CLARIFY_YES_ACTION), answer, "C0CHANNEL", "1700009000.000100", ephemeral=True)
    fake_slack.wait_for("response")
    bot.settle()
    bot.send_event(home_opened())
    [published] = fake_slack.wait_for("views.publish")
    assert "1 question(s) answered; I could decide 1 of the 1" in all_text(published["view"])
