"""The manifest a newcomer creates the app from declares exactly what the code uses: the
events, scopes, shortcuts, slash commands and App Home tabs the listeners say they need
(bot/slack/listeners/__init__.py, listener_modules()), no more (least privilege), no less."""

from __future__ import annotations

from pathlib import Path

import yaml
from bot_harness import BOT_TOKEN, SIGNING_SECRET
from slack_bolt import App

from bot.slack.answer_threads import AnswerThreads
from bot.slack.app_factory import BOT_SCOPES, build_bot
from bot.slack.http_server import EVENTS_PATH
from bot.slack.listeners import all_needs
from bot.slack.web_client import build_web_client
from bot.storage.database import open_database

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text())
NEEDS = all_needs()


def _union(field: str) -> set:
    return {item for needs in NEEDS for item in getattr(needs, field)}


def test_the_manifest_asks_for_exactly_the_scopes_the_listeners_need():
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == _union("scopes")
    assert len(MANIFEST["oauth_config"]["scopes"]["bot"]) == len(_union("scopes"))  # none twice
    assert "user" not in MANIFEST["oauth_config"]["scopes"]
    assert sorted(BOT_SCOPES) == sorted(MANIFEST["oauth_config"]["scopes"]["bot"])  # what an OAuth install asks for


def test_the_manifest_sends_installers_back_to_the_redirect_path():
    [redirect] = MANIFEST["oauth_config"]["redirect_urls"]
    assert redirect.endswith("/slack/oauth_redirect")


def test_the_manifest_subscribes_to_exactly_the_events_listened_to_at_the_events_path():
    events = MANIFEST["settings"]["event_subscriptions"]
    assert sorted(events["bot_events"]) == sorted(_union("bot_events"))
    assert events["request_url"].endswith(EVENTS_PATH)
    interactivity = MANIFEST["settings"]["interactivity"]
    assert interactivity["is_enabled"] is any(needs.interactive for needs in NEEDS)
    assert interactivity["request_url"].endswith(EVENTS_PATH)


def test_the_manifest_declares_exactly_the_commands_and_shortcuts_listened_to():
    commands = MANIFEST["features"]["slash_commands"]
    assert {command["command"] for command in commands} == _union("slash_commands")
    assert all(command["url"].endswith(EVENTS_PATH) for command in commands)
    shortcuts = MANIFEST["features"].get("shortcuts") or []
    assert {(s["callback_id"], s["name"]) for s in shortcuts if s["type"] == "message"} == _union("message_shortcuts")
    assert all(s["type"] == "message" for s in shortcuts)  # no global shortcut is listened to


def test_the_manifest_enables_exactly_the_app_home_tabs_used():
    home = MANIFEST["features"]["app_home"]
    assert home["home_tab_enabled"] is any(needs.home_tab for needs in NEEDS)
    assert home["messages_tab_enabled"] is any(needs.messages_tab for needs in NEEDS)
    assert home["messages_tab_read_only_enabled"] is False  # DMs need a writable messages tab


def test_the_bolt_app_listens_to_exactly_what_the_table_declares(monkeypatch, fake_slack, advisor, database_path):
    """The table is not a second hand-written list: the production app, built from it, registers a
    Bolt listener for each declared event, command and shortcut, and for nothing else."""
    registered: dict[str, set] = {"event": set(), "command": set(), "shortcut": set()}
    for kind, found in registered.items():
        original = getattr(App, kind)

        def recording(self, name, *args, _original=original, _found=found, **kwargs):
            _found.add(name)
            return _original(self, name, *args, **kwargs)

        monkeypatch.setattr(App, kind, recording)
    answers = AnswerThreads(1)
    bot = build_bot(build_web_client(BOT_TOKEN, fake_slack.api_url), SIGNING_SECRET, advisor, open_database(database_path), answers)
    bot.wind_down(0)
    assert registered["event"] == {event.replace("message.im", "message") for event in _union("bot_events")}
    assert registered["command"] == _union("slash_commands")
    assert registered["shortcut"] == {callback_id for callback_id, _ in _union("message_shortcuts")}
