"""Mentions and direct messages, sent as Slack sends them, answered through the fake Web API."""

from __future__ import annotations

import json
import time

from bot_harness import CHANNEL, DM_CHANNEL, SIGNING_SECRET, all_text, direct_message, mention
from fake_slack_api import BOT_ID, BOT_USER_ID

from bot.slack.web_client import SERVER_ERROR_RETRIES


def test_url_verification_echoes_the_challenge(bot):
    reply = bot.post(json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"}), "application/json")
    assert reply.status == 200
    assert "c-123" in reply.body


def test_a_mention_is_answered_in_its_thread_verdict_first(bot, fake_slack):
    reply = bot.send_event(mention("should our billing API be a container?", ts="1700000100.000200"))
    assert reply.status == 200
    [posted] = fake_slack.wait_for("chat.postMessage")
    assert posted["channel"] == CHANNEL
    assert posted["thread_ts"] == "1700000100.000200"
    assert posted["blocks"][0]["type"] == "header"
    assert posted["blocks"][0]["text"]["text"].startswith("Containers")
    assert "diff.networking" in all_text(posted)
    assert posted["text"].startswith("Containers")


def test_a_mention_inside_a_thread_is_answered_in_that_thread(bot, fake_slack):
    bot.send_event(mention("should our billing API be a container?", ts="1700000300.000400", thread_ts="1700000299.000100"))
    [posted] = fake_slack.wait_for("chat.postMessage")
    assert posted["thread_ts"] == "1700000299.000100"


def test_an_empty_mention_gets_help(bot, fake_slack):
    bot.send_event({**mention(""), "text": f"<@{BOT_USER_ID}>"})
    [posted] = fake_slack.wait_for("chat.postMessage")
    assert "Ask me things like" in all_text(posted)


def test_a_direct_message_is_answered_in_a_thread(bot, fake_slack):
    bot.send_event(direct_message("CI build agents that run untrusted pull requests: containers or VMs?", ts="1700000200.000300"))
    [posted] = fake_slack.wait_for("chat.postMessage")
    assert posted["channel"] == DM_CHANNEL
    assert posted["thread_ts"] == "1700000200.000300"
    assert posted["text"].split(" ")[0] in ("Hybrid:", "Virtual")


def test_a_look_up_in_a_direct_message_is_answered_compactly(bot, fake_slack):
    bot.send_event(direct_message("startup time?"))
    [posted] = fake_slack.wait_for("chat.postMessage")
    text = all_text(posted)
    assert "Startup Time" in text and "Seconds" in text and "Minutes" in text
    assert len(posted["blocks"]) <= 4
    # no clarifying or Why? buttons: only the votes every answer has
    assert [block.get("block_id") for block in posted["blocks"] if block["type"] == "actions"] == ["feedback"]


def test_the_bots_own_message_other_bots_and_edits_are_acknowledged_but_not_answered(bot, fake_slack):
    own = direct_message("should our billing API be a container?", user=BOT_USER_ID, bot_id=BOT_ID)
    other_bot = {**direct_message("should our billing API be a container?", subtype="bot_message", bot_id="BOTHER"), "user": None}
    edit = direct_message("", subtype="message_changed", message={"text": "should our billing API be a container?", "user": "U0PERSON"})
    deleted = direct_message("", subtype="message_deleted")
    replies = [bot.send_event(event) for event in (own, other_bot, edit, deleted)]
    bot.settle()
    assert [reply.status for reply in replies] == [200, 200, 200, 200]
    assert fake_slack.attempts("chat.postMessage") == 0


def test_a_retry_of_an_event_already_answered_is_not_answered_again(bot, fake_slack):
    event = mention("should our billing API be a container?")
    first = bot.send_event(event, event_id="Ev0RETRIED")
    fake_slack.wait_for("chat.postMessage")
    retry = bot.send_event(event, event_id="Ev0RETRIED", retry_num=1)
    bot.settle()
    assert (first.status, retry.status) == (200, 200)
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_a_retry_of_an_event_whose_first_delivery_never_arrived_is_answered(bot, fake_slack):
    retry = bot.send_event(mention("should our billing API be a container?"), event_id="Ev0LOSTFIRST", retry_num=1)
    [answer] = fake_slack.wait_for("chat.postMessage")
    assert retry.status == 200 and answer["text"].strip()


def test_a_bad_signature_is_refused(bot, fake_slack):
    reply = bot.send_event(mention("should our billing API be a container?"), secret="not-the-signing-secret")
    bot.settle()
    assert reply.status == 401
    assert fake_slack.attempts("chat.postMessage") == 0


def test_a_stale_timestamp_is_refused_even_when_correctly_signed(bot, fake_slack):
    reply = bot.send_event(mention("should our billing API be a container?"), secret=SIGNING_SECRET, timestamp=int(time.time()) - 10 * 60)
    bot.settle()
    assert reply.status == 401
    assert fake_slack.attempts("chat.postMessage") == 0


def test_a_rate_limited_answer_is_retried_after_retry_after(bot, fake_slack):
    fake_slack.fail_next("chat.postMessage", count=1, status=429, retry_after=1)
    bot.send_event(mention("should our billing API be a container?"))
    [posted] = fake_slack.wait_for("chat.postMessage", timeout=15)
    assert posted["text"].startswith("Containers")
    assert fake_slack.attempts("chat.postMessage") == 2


def test_a_failure_while_answering_gives_an_apology_in_the_thread(bot, fake_slack, caplog):
    fake_slack.fail_next("chat.postMessage", count=1 + SERVER_ERROR_RETRIES, status=500)  # past the client's retries
    bot.send_event(mention("should our billing API be a container?", ts="1700000500.000100"), event_id="Ev0FAILING")
    [apology] = fake_slack.wait_for("chat.postMessage")
    assert apology["thread_ts"] == "1700000500.000100"
    assert apology["text"].startswith("Sorry")
    assert any("Ev0FAILING" in record.getMessage() for record in caplog.records)


def test_forty_thousand_characters_are_answered_within_slack_limits(bot, fake_slack):
    text = ("our billing API runs untrusted plugins <!channel> & microservices " * 700)[:40_000]
    reply = bot.send_event(mention(text))
    [posted] = fake_slack.wait_for("chat.postMessage", timeout=20)
    assert reply.status == 200
    assert len(posted["blocks"]) <= 50
    for block in posted["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
    assert "<!channel>" not in all_text(posted)


def test_a_broadcast_mention_in_the_question_does_not_ping_anyone(bot, fake_slack):
    bot.send_event(mention("should <!channel> <!here> <@U0OTHER> our billing API & <b> be a container?"))
    [posted] = fake_slack.wait_for("chat.postMessage")
    text = all_text(posted)
    for ping in ("<!channel>", "<!here>", "<@U0OTHER>", "<b>"):
        assert ping not in text
    assert "billing API &amp; &lt;b&gt;" in text  # shown as typed, not as markup
