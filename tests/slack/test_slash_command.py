"""/placement: acknowledged at once, answered through the response_url."""

from __future__ import annotations

from bot_harness import all_text, button

from bot.rendering.block_kit import CLARIFY_YES_ACTION, WHY_ACTION


def test_the_command_is_answered_only_to_the_asker_by_default(bot, fake_slack):
    reply = bot.send_command("should our billing API be a container?")
    assert reply.status == 200
    [answer] = fake_slack.wait_for("response")
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Containers")


def test_public_posts_the_answer_for_everyone(bot, fake_slack):
    bot.send_command("public should our billing API be a container?")
    [answer] = fake_slack.wait_for("response")
    assert answer["response_type"] == "in_channel"
    assert answer["text"].startswith("Containers")
    assert "For: billing API" in all_text(answer)  # the word `public` is not part of the question


def test_help_lists_examples(bot, fake_slack):
    bot.send_command("help")
    [answer] = fake_slack.wait_for("response")
    assert "Ask me things like" in all_text(answer)
    assert "/placement public" in all_text(answer)


def test_buttons_on_an_ephemeral_answer_answer_through_the_response_url(bot, fake_slack):
    bot.send_command("should our billing API be a container?")
    [answer] = fake_slack.wait_for("response")
    bot.click(button(answer, CLARIFY_YES_ACTION), answer, "C0CHANNEL", "1700002000.000100", ephemeral=True)
    updated = fake_slack.wait_for("response", count=2)[1]
    assert updated["replace_original"] in (True, "true")
    assert updated["text"].startswith("Virtual machine")
    bot.click(button(updated, WHY_ACTION), updated, "C0CHANNEL", "1700002000.000100", ephemeral=True)
    why = fake_slack.wait_for("response", count=3)[2]
    assert "untrusted-code-needs-isolation" in all_text(why)
    assert fake_slack.attempts("chat.update") == 0
