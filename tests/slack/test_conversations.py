"""Follow-ups, clarifying buttons and "why?", remembered in SQLite across a restart."""

from __future__ import annotations

from bot_harness import CHANNEL, DM_CHANNEL, WORKSPACE, RunningBot, all_text, button, direct_message, mention

from bot.rendering.block_kit import CLARIFY_NO_ACTION, CLARIFY_YES_ACTION, WHY_ACTION
from bot.storage.conversations import ConversationStore
from bot.storage.database import open_database

QUESTION_TS = "1700001000.000100"


def test_a_follow_up_mention_in_the_thread_adds_to_what_was_said(bot, fake_slack):
    bot.send_event(mention("should our checkout microservices run in containers?", ts=QUESTION_TS))
    [first] = fake_slack.wait_for("chat.postMessage")
    assert first["text"].startswith("Containers")
    bot.send_event(mention("it will also run untrusted code", ts="1700001001.000100", thread_ts=QUESTION_TS))
    second = fake_slack.wait_for("chat.postMessage", count=2)[1]
    assert second["thread_ts"] == QUESTION_TS
    assert second["text"].startswith("Hybrid")
    assert "microservices" in all_text(second) and "untrusted" in all_text(second)


def test_any_reply_in_a_direct_message_thread_is_a_follow_up(bot, fake_slack):
    bot.send_event(direct_message("should our checkout microservices run in containers?", ts=QUESTION_TS))
    fake_slack.wait_for("chat.postMessage")
    bot.send_event(direct_message("it will also run untrusted code", ts="1700001002.000100", thread_ts=QUESTION_TS))
    second = fake_slack.wait_for("chat.postMessage", count=2)[1]
    assert (second["channel"], second["thread_ts"]) == (DM_CHANNEL, QUESTION_TS)
    assert second["text"].startswith("Hybrid")


def test_the_same_words_in_another_thread_start_afresh(bot, fake_slack):
    bot.send_event(mention("should our checkout microservices run in containers?", ts=QUESTION_TS))
    fake_slack.wait_for("chat.postMessage")
    bot.send_event(mention("it will also run untrusted code", ts="1700001003.000100"))
    second = fake_slack.wait_for("chat.postMessage", count=2)[1]
    assert second["text"].startswith("Virtual machine")


def test_a_clarifying_button_adds_the_fact_and_updates_the_answer(bot, fake_slack):
    bot.send_event(mention("should our billing API be a container?", ts=QUESTION_TS))
    [answer] = fake_slack.wait_for("chat.postMessage")
    assert "Will it run code you don't fully trust" in all_text(answer)
    reply = bot.click(button(answer, CLARIFY_YES_ACTION), answer, CHANNEL, "1700009999.000100")
    assert reply.status == 200
    [updated] = fake_slack.wait_for("chat.update")
    assert (updated["channel"], updated["ts"]) == (CHANNEL, "1700009999.000100")
    assert updated["text"].startswith("Virtual machine")
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_answering_no_to_the_clarifying_question_is_remembered(bot, fake_slack):
    bot.send_event(mention("should our billing API be a container?", ts=QUESTION_TS))
    [answer] = fake_slack.wait_for("chat.postMessage")
    bot.click(button(answer, CLARIFY_NO_ACTION), answer, CHANNEL, "1700009999.000100")
    [updated] = fake_slack.wait_for("chat.update")
    assert updated["text"].startswith("Containers")
    assert "untrusted_code = no" in _why_in_thread(bot, fake_slack)


def _why_in_thread(bot, fake_slack) -> str:
    before = len(fake_slack.calls("chat.postMessage"))
    bot.send_event(mention("why?", ts="1700001010.000100", thread_ts=QUESTION_TS))
    return all_text(fake_slack.wait_for("chat.postMessage", count=before + 1)[-1])


def test_the_why_button_shows_every_fired_rule_in_the_thread(bot, fake_slack):
    bot.send_event(mention("our checkout microservices will run untrusted code: container or VM?", ts=QUESTION_TS))
    [answer] = fake_slack.wait_for("chat.postMessage")
    bot.click(button(answer, WHY_ACTION), answer, CHANNEL, "1700009999.000100")
    why = fake_slack.wait_for("chat.postMessage", count=2)[1]
    assert why["thread_ts"] == QUESTION_TS
    text = all_text(why)
    for rule in ("untrusted-code-needs-isolation", "strong-isolation-means-vm", "parts-on-both-sides-mean-hybrid"):
        assert rule in text
    assert "vms.security-isolation" in text


def test_why_typed_in_the_thread_shows_the_chain(bot, fake_slack):
    bot.send_event(mention("should our checkout microservices run in containers?", ts=QUESTION_TS))
    fake_slack.wait_for("chat.postMessage")
    text = _why_in_thread(bot, fake_slack)
    assert "microservices-need-density" in text
    assert "microservices = yes" in text


def test_a_restart_between_question_and_follow_up_keeps_the_conversation(fake_slack, advisor, database_path):
    first_run = RunningBot(fake_slack, advisor, database_path)
    try:
        first_run.send_event(mention("should our checkout microservices run in containers?", ts=QUESTION_TS))
        fake_slack.wait_for("chat.postMessage")
    finally:
        first_run.stop()
    second_run = RunningBot(fake_slack, advisor, database_path)
    try:
        second_run.send_event(mention("it will also run untrusted code", ts="1700001020.000100", thread_ts=QUESTION_TS))
        follow_up = fake_slack.wait_for("chat.postMessage", count=2)[1]
    finally:
        second_run.stop()
    assert follow_up["text"].startswith("Hybrid")


def test_an_uninstall_in_single_token_mode_deletes_what_the_workspace_said(bot, fake_slack, database_path):
    bot.send_event(mention("should our billing API be a container? it runs plugins we don't trust", ts="1700007000.000100"))
    fake_slack.wait_for("chat.postMessage")
    bot.settle()
    bot.database.write(lambda connection: None)  # writes land in order: the thread is saved
    stored = ConversationStore(open_database(database_path))
    assert stored.find(WORKSPACE, CHANNEL, "1700007000.000100") is not None
    assert bot.send_event({"type": "app_uninstalled"}).status == 200
    bot.settle()
    assert stored.find(WORKSPACE, CHANNEL, "1700007000.000100") is None
    assert bot.get("/healthz").status == 200
