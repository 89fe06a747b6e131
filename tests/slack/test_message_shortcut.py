""""Ask placement" on any message: answered once in that message's thread, or, where the bot
cannot post, to the person only with a note saying why."""

from __future__ import annotations

from bot_harness import CHANNEL, all_text, button, mention
from slack_limits import assert_blocks_within_limits

from bot.rendering.block_kit import CLARIFY_YES_ACTION

QUESTION = "should our billing API be a container?"


def _message(text: str, ts: str = "1700007000.000100", **extra) -> dict:
    return {"type": "message", "user": "U0SOMEONE", "text": text, "ts": ts, **extra}


def test_the_shortcut_answers_the_message_in_its_thread_once(bot, fake_slack):
    reply = bot.shortcut(_message(QUESTION))
    assert (reply.status, reply.body) == (200, "")
    [posted] = fake_slack.wait_for("chat.postMessage")
    bot.settle()
    assert len(fake_slack.calls("chat.postMessage")) == 1 and fake_slack.calls("response") == []
    assert (posted["channel"], posted["thread_ts"]) == (CHANNEL, "1700007000.000100")
    assert posted["text"].startswith("Containers")
    assert_blocks_within_limits(posted["blocks"])


def test_the_thread_it_answered_in_remembers_the_message(bot, fake_slack):
    bot.shortcut(_message(QUESTION))
    fake_slack.wait_for("chat.postMessage")
    bot.send_event(mention("it will also run untrusted code", ts="1700007001.000100", thread_ts="1700007000.000100"))
    follow_up = fake_slack.wait_for("chat.postMessage", count=2)[1]
    assert follow_up["text"].startswith("Virtual machine") and "billing API" in all_text(follow_up)


def test_a_message_inside_a_thread_is_answered_in_that_thread(bot, fake_slack):
    bot.shortcut(_message(QUESTION, ts="1700007002.000100", thread_ts="1700007000.000900"))
    [posted] = fake_slack.wait_for("chat.postMessage")
    assert posted["thread_ts"] == "1700007000.000900"


def test_where_the_bot_cannot_post_only_the_person_gets_the_answer_with_the_reason(bot, fake_slack):
    fake_slack.not_a_member_of(CHANNEL)
    bot.shortcut(_message(QUESTION))
    [private] = fake_slack.wait_for("response")
    bot.settle()
    assert fake_slack.calls("chat.postMessage") == []
    assert private["response_type"] == "ephemeral"
    assert "I can't post in this conversation (I'm not a member of it), so only you can see this answer" in all_text(private)
    assert "/invite @placement" in all_text(private) and "Containers" in all_text(private)
    # its buttons answer through the response_url, as a slash command's do
    bot.click(button(private, CLARIFY_YES_ACTION), private, CHANNEL, "1700007000.000200", ephemeral=True)
    updated = fake_slack.wait_for("response", count=2)[1]
    assert updated["text"].startswith("Virtual machine")


def test_a_message_without_text_gets_a_note_and_nothing_posted(bot, fake_slack):
    bot.shortcut(_message("", blocks=[{"type": "divider"}]))
    [note] = fake_slack.wait_for("response")
    bot.settle()
    assert "no text I can read" in note["text"] and note["response_type"] == "ephemeral"
    assert fake_slack.calls("chat.postMessage") == []
