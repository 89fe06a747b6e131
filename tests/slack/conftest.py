"""Fixtures: a fake Slack Web API, a fresh SQLite file, and the bot served over HTTP."""

from __future__ import annotations

from typing import Iterator

import pytest
from bot_harness import BOT_TOKEN, RunningBot
from fake_slack_api import FakeSlackApi


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Calls to 127.0.0.1 must not go to a proxy."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackApi]:
    with FakeSlackApi(BOT_TOKEN) as fake:
        yield fake


@pytest.fixture
def database_path(tmp_path) -> str:
    return str(tmp_path / "placement.sqlite3")


@pytest.fixture
def bot(fake_slack, advisor, database_path) -> Iterator[RunningBot]:
    running = RunningBot(fake_slack, advisor, database_path)
    yield running
    running.stop()
