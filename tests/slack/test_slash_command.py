"""/placement: answered in the acknowledgement itself (Slack never retries a command, so no
crash can fall between an ack and a later answer); clicks on that answer go through the
response_url."""

from __future__ import annotations

from bot_harness import acked_answer, all_text, button

from bot.rendering.block_kit import CLARIFY_YES_ACTION, WHY_ACTION


def test_the_command_is_answered_only_to_the_asker_by_default(bot, fake_slack):
    answer = acked_answer(bot.send_command("should our billing API be a container?"))
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Containers")
    bot.settle()
    assert fake_slack.calls("response") == []  # nothing more to send


def test_public_posts_the_answer_for_everyone(bot, fake_slack):
    answer = acked_answer(bot.send_command("public should our billing API be a container?"))
    assert answer["response_type"] == "in_channel"
    assert answer["text"].startswith("Containers")
    assert "For: billing API" in all_text(answer)  # the word `public` is not part of the question


def test_help_lists_examples(bot, fake_slack):
    answer = acked_answer(bot.send_command("help"))
    assert "Ask me things like" in all_text(answer)
    assert "/placement public" in all_text(answer)


def test_buttons_on_an_ephemeral_answer_answer_through_the_response_url(bot, fake_slack):
    answer = acked_answer(bot.send_command("should our billing API be a container?"))
    bot.click(button(answer, CLARIFY_YES_ACTION), answer, "C0CHANNEL", "1700002000.000100", ephemeral=True)
    [updated] = fake_slack.wait_for("response")
    assert updated["replace_original"] in (True, "true")
    assert updated["text"].startswith("Virtual machine")
    bot.click(button(updated, WHY_ACTION), updated, "C0CHANNEL", "1700002000.000100", ephemeral=True)
    why = fake_slack.wait_for("response", count=2)[1]
    assert "untrusted-code-needs-isolation" in all_text(why)
    assert fake_slack.attempts("chat.update") == 0
