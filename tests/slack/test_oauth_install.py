"""OAuth mode: workspaces install the bot from its install page through Bolt's OAuth flow
(against the fake Slack's approval page and oauth.v2.access), each is answered with its own
bot token, and an uninstall forgets the workspace."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from bot_harness import (
    CHANNEL,
    CLIENT_ID,
    CLIENT_SECRET,
    INSTALL_PATH,
    REDIRECT_PATH,
    RunningBot,
    SlackSender,
    add_to_slack_link,
    all_text,
    button,
    event_callback,
    http_get,
    install,
    mention,
    oauth_mode,
    state_cookie,
)
from fake_slack_api import FakeWorkspace
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.rendering.block_kit import CLARIFY_YES_ACTION
from bot.slack.event_answers import FORGOTTEN
from bot.slack.event_claims import event_payload
from bot.slack.front_door import INSTALL_PAGES_PER_WINDOW, REFUSALS_LOGGED_PER_WINDOW
from bot.slack.installations import InstallationStores, OAuthMode
from bot.storage.conversations import ConversationStore
from bot.storage.database import open_database
from bot.storage.interface import Workspace

TEAM_A = FakeWorkspace("T0AAA")
TEAM_B = FakeWorkspace("T0BBB")
ORG = FakeWorkspace(None, "E0ORG", is_enterprise_install=True)
QUESTION = "should our checkout microservices run in containers?"
MANIFEST_SCOPES = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text())["oauth_config"]["scopes"]["bot"]


class OAuthBot(RunningBot):
    """The bot in OAuth mode, its redirect URL registered with the fake Slack as an app's is."""

    def __init__(self, fake, advisor, database_path: str, oauth: OAuthMode | None = None, **options) -> None:
        self.oauth = oauth or oauth_mode(database_path)
        super().__init__(fake, advisor, database_path, oauth=self.oauth, **options)
        self.base_url = f"http://127.0.0.1:{self.port}"
        fake.register_oauth_app(CLIENT_ID, CLIENT_SECRET, self.base_url + REDIRECT_PATH)

    def install(self, workspace: FakeWorkspace) -> FakeWorkspace:
        """Installs it in `workspace`; returns the workspace as its new token's events carry it."""
        finished = install(self.base_url, self.fake, workspace)
        assert finished.status == 200 and "Thank you!" in finished.body, finished
        return self.fake.workspace_of(self.fake.token_of(workspace.team_id, workspace.enterprise_id))

    def installed(self, workspace: FakeWorkspace) -> bool:
        found = self.oauth.stores.installations.find_bot(enterprise_id=workspace.enterprise_id, team_id=workspace.team_id,
                                                         is_enterprise_install=workspace.is_enterprise_install)
        return found is not None


@pytest.fixture
def oauth_bot(fake_slack, advisor, database_path):
    running = OAuthBot(fake_slack, advisor, database_path)
    yield running
    running.stop()


def _tokens_by_thread(fake_slack) -> dict[str, list[str]]:
    posts: dict[str, list[str]] = {}
    for token, body in fake_slack.calls_with_tokens("chat.postMessage"):
        posts.setdefault(body["thread_ts"], []).append(token)
    return posts


def test_two_workspaces_installed_from_the_install_page_are_each_answered_with_their_own_token(oauth_bot, fake_slack):
    a, b = oauth_bot.install(TEAM_A), oauth_bot.install(TEAM_B)
    assert [set(asked.split(",")) for asked in fake_slack.scopes_asked] == [set(MANIFEST_SCOPES)] * 2
    token_a, token_b = fake_slack.token_of("T0AAA"), fake_slack.token_of("T0BBB")
    assert token_a != token_b
    assert oauth_bot.send_event(mention(QUESTION, ts="1700002000.000100"), workspace=a).status == 200
    assert oauth_bot.send_event(mention(QUESTION, ts="1700002000.000200"), workspace=b).status == 200
    fake_slack.wait_for("chat.postMessage", count=2)
    oauth_bot.settle()
    assert _tokens_by_thread(fake_slack) == {"1700002000.000100": [token_a], "1700002000.000200": [token_b]}
    assert all(body["text"].startswith("Containers") for body in fake_slack.calls("chat.postMessage"))


def test_a_thread_in_one_workspace_never_sees_the_facts_of_the_same_thread_ids_in_another(oauth_bot, fake_slack):
    a, b = oauth_bot.install(TEAM_A), oauth_bot.install(TEAM_B)
    oauth_bot.send_event(mention(QUESTION, ts="1700003000.000100", channel=CHANNEL), workspace=a)
    fake_slack.wait_for("chat.postMessage")
    # The same channel and thread ids in the other workspace: a new conversation there.
    oauth_bot.send_event(mention("it will also run untrusted code", ts="1700003001.000100", thread_ts="1700003000.000100",
                                 channel=CHANNEL), workspace=b)
    in_b = fake_slack.wait_for("chat.postMessage", count=2)[1]
    assert in_b["text"].startswith("Virtual machine")
    assert "checkout" not in all_text(in_b)  # the words said in the other workspace


def _redirect_of_a_fresh_install(oauth_bot, fake_slack, workspace: FakeWorkspace) -> tuple[str, str]:
    """Opens the install page and has Slack approve it; returns (the redirect URL back to the
    bot, the state cookie), not yet followed."""
    fake_slack.approve_next_install(workspace.team_id)
    page = http_get(oauth_bot.base_url + INSTALL_PATH)
    return http_get(add_to_slack_link(page)).headers["Location"], state_cookie(page)


def _refusal_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "placement.front_door"]


@pytest.mark.parametrize("case", ["no state", "a state the bot never issued", "another browser's state", "no cookie"])
def test_a_redirect_with_a_bad_or_missing_state_is_refused_with_a_page_and_one_log_line(oauth_bot, fake_slack, caplog, case):
    redirect, cookie = _redirect_of_a_fresh_install(oauth_bot, fake_slack, TEAM_A)
    query = parse_qs(urlsplit(redirect).query)
    code, state = query["code"][0], query["state"][0]
    url = f"{oauth_bot.base_url}{REDIRECT_PATH}?code={code}"
    if case == "no state":
        reply = http_get(url, {"Cookie": cookie})
    elif case == "a state the bot never issued":
        reply = http_get(f"{url}&state=forged-state", {"Cookie": "slack-app-oauth-state=forged-state"})
    elif case == "another browser's state":
        reply = http_get(f"{url}&state={state}", {"Cookie": "slack-app-oauth-state=someone-elses"})
    else:
        reply = http_get(f"{url}&state={state}")
    assert reply.status in (400, 401)
    assert "Something Went Wrong" in reply.body
    assert ("invalid_state" if case == "a state the bot never issued" else "invalid_browser") in reply.body
    assert INSTALL_PATH in reply.body  # a way to start again
    [line] = _refusal_lines(caplog)
    assert "install redirect" in line and code not in line and state not in line
    assert fake_slack.attempts("oauth.v2.access") == 0
    assert not oauth_bot.installed(TEAM_A)


def test_a_redirect_replayed_after_its_install_finished_is_refused(oauth_bot, fake_slack, caplog):
    redirect, cookie = _redirect_of_a_fresh_install(oauth_bot, fake_slack, TEAM_A)
    assert http_get(redirect, {"Cookie": cookie}).status == 200
    replay = http_get(redirect, {"Cookie": cookie})
    assert replay.status == 401 and "invalid_state" in replay.body
    assert len(_refusal_lines(caplog)) == 1
    assert fake_slack.attempts("oauth.v2.access") == 1


def test_a_denied_install_shows_why_and_stores_nothing(oauth_bot, fake_slack, caplog):
    page = http_get(oauth_bot.base_url + INSTALL_PATH)  # no approval: the person clicks Cancel
    denied = http_get(http_get(add_to_slack_link(page)).headers["Location"], {"Cookie": state_cookie(page)})
    assert "access_denied" in denied.body
    assert len(_refusal_lines(caplog)) == 1
    assert not oauth_bot.installed(TEAM_A)


def test_the_install_pages_answer_only_get_and_other_paths_are_unchanged(oauth_bot):
    challenge = oauth_bot.post(json.dumps({"type": "url_verification", "challenge": "c-oauth", "token": "x"}), "application/json")
    assert (challenge.status, "c-oauth" in challenge.body) == (200, True)  # /slack/events, as in single-token mode
    install_url = oauth_bot.base_url + INSTALL_PATH
    signed_post = SlackSender(install_url, oauth_bot.fake).post("x=1", "application/x-www-form-urlencoded")
    assert (signed_post.status, signed_post.body) == (405, "GET only\n")
    assert http_get(oauth_bot.base_url + "/slack/elsewhere").status == 404
    assert http_get(oauth_bot.base_url + "/slack/events").status == 405


def _wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.parametrize("removal", [{"type": "app_uninstalled"}, {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOTT0AAA"]}}])
def test_an_uninstall_forgets_the_workspace_and_its_events_go_unanswered(fake_slack, advisor, database_path, removal):
    forgotten: list[Workspace] = []
    stores = oauth_mode(database_path).stores

    def forget_workspace(workspace: Workspace) -> None:
        forgotten.append(workspace)
        stores.forget(workspace)

    bot = OAuthBot(fake_slack, advisor, database_path, OAuthMode(CLIENT_ID, CLIENT_SECRET, stores, forget_workspace))
    try:
        a, b = bot.install(TEAM_A), bot.install(TEAM_B)
        fake_slack.revoke(fake_slack.token_of("T0AAA"))  # Slack's side of the uninstall
        assert bot.send_event(removal, workspace=a).status == 200
        assert _wait_until(lambda: not bot.installed(TEAM_A))
        bot.settle()
        assert forgotten == [Workspace("", "T0AAA")]
        assert bot.installed(TEAM_B)
        assert bot.send_event(mention(QUESTION, ts="1700004000.000100"), workspace=a).status == 200
        assert bot.send_event(mention(QUESTION, ts="1700004000.000200"), workspace=b).status == 200
        fake_slack.wait_for("chat.postMessage")
        bot.settle()
        assert _tokens_by_thread(fake_slack) == {"1700004000.000200": [fake_slack.token_of("T0BBB")]}
        assert bot.get("/healthz").status == 200
    finally:
        bot.stop()


def test_an_uninstall_deletes_that_workspaces_conversations_and_keeps_the_others(oauth_bot, fake_slack, database_path):
    a, b = oauth_bot.install(TEAM_A), oauth_bot.install(TEAM_B)
    for workspace in (a, b):
        oauth_bot.send_event(mention(QUESTION, ts="1700005000.000100", channel=CHANNEL), workspace=workspace)
    fake_slack.wait_for("chat.postMessage", count=2)
    oauth_bot.settle()
    oauth_bot.database.write(lambda connection: None)  # writes land in order: both threads are saved
    stored = ConversationStore(open_database(database_path))
    assert stored.find(Workspace("", "T0AAA"), CHANNEL, "1700005000.000100") is not None
    fake_slack.revoke(fake_slack.token_of("T0AAA"))
    oauth_bot.send_event({"type": "app_uninstalled"}, workspace=a)
    assert _wait_until(lambda: not oauth_bot.installed(TEAM_A))
    oauth_bot.settle()
    assert stored.find(Workspace("", "T0AAA"), CHANNEL, "1700005000.000100") is None
    assert stored.find(Workspace("", "T0BBB"), CHANNEL, "1700005000.000100") is not None


def test_a_revoked_user_token_leaves_the_workspace_installed(oauth_bot, fake_slack):
    a = oauth_bot.install(TEAM_A)
    assert oauth_bot.send_event({"type": "tokens_revoked", "tokens": {"oauth": ["U0INSTALLER"], "bot": []}}, workspace=a).status == 200
    oauth_bot.settle()
    assert oauth_bot.installed(TEAM_A)
    oauth_bot.send_event(mention(QUESTION, ts="1700004500.000100"), workspace=a)
    assert fake_slack.wait_for("chat.postMessage")[0]["text"].startswith("Containers")


def test_an_org_wide_install_answers_every_workspace_of_the_org_with_the_orgs_token(oauth_bot, fake_slack):
    org = oauth_bot.install(ORG)
    assert oauth_bot.installed(ORG)
    oauth_bot.send_event(mention(QUESTION, ts="1700005000.000100"), workspace=org)
    fake_slack.wait_for("chat.postMessage")
    assert _tokens_by_thread(fake_slack) == {"1700005000.000100": [fake_slack.token_of(None, "E0ORG")]}
    oauth_bot.send_event({"type": "app_uninstalled"}, workspace=org)
    assert _wait_until(lambda: not oauth_bot.installed(ORG))


def test_an_event_taken_over_after_a_crash_is_answered_with_its_own_workspaces_token(fake_slack, advisor, database_path):
    event = mention(QUESTION, ts="1700006000.000100")
    first = OAuthBot(fake_slack, advisor, database_path)
    try:
        first.install(TEAM_A)
        b = first.install(TEAM_B)
        first.send_event(event, event_id="Ev0FROMB", workspace=b)
        fake_slack.wait_for("chat.postMessage")
        first.settle()
    finally:
        first.stop()
    with sqlite3.connect(database_path) as connection:  # as a kill after the post, before its finish, leaves it
        connection.execute("UPDATE events SET finished_at = NULL, outcome = NULL, payload = ?, owner = 'killed', lease_until = 0 "
                           "WHERE event_id = ?", (event_payload(event_callback(event, "Ev0FROMB", b)), "Ev0FROMB"))
    second = OAuthBot(fake_slack, advisor, database_path, lease_seconds=1.0)
    try:
        fake_slack.wait_for("chat.postMessage", count=2, timeout=20)
        second.settle()
    finally:
        second.stop()
    assert _tokens_by_thread(fake_slack) == {"1700006000.000100": [fake_slack.token_of("T0BBB")] * 2}


def test_a_code_slack_refuses_is_logged_in_one_short_line_without_the_code(oauth_bot, fake_slack, caplog):
    page = http_get(oauth_bot.base_url + INSTALL_PATH)
    state = parse_qs(urlsplit(add_to_slack_link(page)).query)["state"][0]
    forged_code = "forged-code-" + "x" * 5000
    reply = http_get(f"{oauth_bot.base_url}{REDIRECT_PATH}?code={forged_code}&state={state}", {"Cookie": state_cookie(page)})
    assert reply.status == 401 and "invalid_code" in reply.body
    assert fake_slack.attempts("oauth.v2.access") == 1
    lines = [record.getMessage() for record in caplog.records]
    assert not [line for line in lines if "forged-code" in line]
    assert "Slack refused an install's code (oauth.v2.access: invalid_code)" in lines
    assert len(_refusal_lines(caplog)) == 1


def test_install_states_never_used_are_deleted_once_expired(database_path):
    stores = oauth_mode(database_path).stores
    expired = InstallationStores(stores.installations, SQLAlchemyOAuthStateStore(expiration_seconds=-1, engine=stores.states.engine))
    left_unused = [expired.states.issue() for _ in range(3)]
    live = stores.states.issue()
    expired.forget_expired_states()
    with sqlite3.connect(database_path) as connection:
        assert [state for (state,) in connection.execute("SELECT state FROM slack_oauth_states")] == [live]
    assert not any(stores.states.consume(state) for state in left_unused)
    assert stores.states.consume(live)


def test_a_click_in_a_workspace_updates_the_answer_with_that_workspaces_token(oauth_bot, fake_slack):
    oauth_bot.install(TEAM_A)
    b = oauth_bot.install(TEAM_B)
    oauth_bot.send_event(mention("should our billing API be a container?", ts="1700008000.000100"), workspace=b)
    [answer] = fake_slack.wait_for("chat.postMessage")
    yes = button(answer, CLARIFY_YES_ACTION)
    assert oauth_bot.click(yes, answer, CHANNEL, "1700009999.000100", team_id="T0BBB").status == 200
    fake_slack.wait_for("chat.update")
    assert [token for token, _ in fake_slack.calls_with_tokens("chat.update")] == [fake_slack.token_of("T0BBB")]


def test_several_processes_creating_the_install_tables_at_once_all_start(tmp_path):
    database_path = str(tmp_path / "fresh.sqlite3")
    start = threading.Barrier(6)
    failures: list[BaseException] = []

    def start_one() -> None:
        start.wait()
        try:
            oauth_mode(database_path)  # its own engine, as each process has
        except BaseException as error:  # noqa: BLE001 (any failure fails the test)
            failures.append(error)

    threads = [threading.Thread(target=start_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    with sqlite3.connect(database_path) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"slack_installations", "slack_bots", "slack_oauth_states"} <= tables


def test_an_uninstall_whose_forgetting_failed_is_forgotten_by_the_next_process(fake_slack, advisor, database_path):
    stores = oauth_mode(database_path).stores

    def database_down(workspace: Workspace) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    first = OAuthBot(fake_slack, advisor, database_path, OAuthMode(CLIENT_ID, CLIENT_SECRET, stores, database_down))
    try:
        a = first.install(TEAM_A)
        first.send_event({"type": "app_uninstalled"}, event_id="Ev0UNINSTALL", workspace=a)
        first.settle()
        assert first.installed(TEAM_A)
    finally:
        first.stop()  # hands the unfinished event back
    second = OAuthBot(fake_slack, advisor, database_path, lease_seconds=1.0)
    try:
        assert _wait_until(lambda: not second.installed(TEAM_A), timeout=20)
    finally:
        second.stop()
    with sqlite3.connect(database_path) as connection:
        assert connection.execute("SELECT outcome FROM events WHERE event_id = 'Ev0UNINSTALL'").fetchone() == (FORGOTTEN,)


def test_a_flood_of_install_page_visits_is_refused_before_it_grows_the_database(oauth_bot, caplog, database_path):
    statuses = [http_get(oauth_bot.base_url + INSTALL_PATH).status for _ in range(INSTALL_PAGES_PER_WINDOW + 40)]
    assert statuses.count(200) == INSTALL_PAGES_PER_WINDOW and set(statuses[INSTALL_PAGES_PER_WINDOW:]) == {429}
    with sqlite3.connect(database_path) as connection:
        assert connection.execute("SELECT count(*) FROM slack_oauth_states").fetchone()[0] == INSTALL_PAGES_PER_WINDOW
    assert len(_refusal_lines(caplog)) <= REFUSALS_LOGGED_PER_WINDOW + 1
