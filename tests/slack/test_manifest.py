"""The manifest a newcomer creates the app from: exactly the scopes and events the bot uses."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.slack.app_factory import BOT_SCOPES
from bot.slack.http_server import EVENTS_PATH
from bot.slack.listeners.slash_command import COMMAND

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text())


def test_the_manifest_asks_for_exactly_the_scopes_needed():
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == ["app_mentions:read", "chat:write", "commands", "im:history"]
    assert sorted(BOT_SCOPES) == sorted(MANIFEST["oauth_config"]["scopes"]["bot"])  # what an OAuth install asks for


def test_the_manifest_sends_installers_back_to_the_redirect_path():
    [redirect] = MANIFEST["oauth_config"]["redirect_urls"]
    assert redirect.endswith("/slack/oauth_redirect")


def test_the_manifest_subscribes_to_mentions_direct_messages_and_uninstalls_at_the_events_path():
    events = MANIFEST["settings"]["event_subscriptions"]
    assert sorted(events["bot_events"]) == ["app_mention", "app_uninstalled", "message.im", "tokens_revoked"]
    assert events["request_url"].endswith(EVENTS_PATH)
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["settings"]["interactivity"]["request_url"].endswith(EVENTS_PATH)


def test_the_manifest_declares_the_command_and_a_writable_messages_tab():
    [command] = MANIFEST["features"]["slash_commands"]
    assert command["command"] == COMMAND and command["url"].endswith(EVENTS_PATH)
    home = MANIFEST["features"]["app_home"]
    assert home["messages_tab_enabled"] is True and home["messages_tab_read_only_enabled"] is False
