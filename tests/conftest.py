import os
import shutil
from typing import Iterator

import pytest
from postgres_server import PostgresServer, PostgresUnavailable, postgres_server

from bot.advisor import Advisor
from bot.knowledge import DEFAULT_DIRECTORY

# Calls to the local fake Slack API must not go through a proxy.
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session")
def advisor() -> Advisor:
    return Advisor.from_directory()


@pytest.fixture
def knowledge_copy(tmp_path):
    """A writable copy of the bundled knowledge base, to break on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real Postgres (tests/postgres_server.py), once per session. Where there is none the
    Postgres tests are skipped, saying why; in CI (CI=true) that is a failure instead."""
    server = _postgres_or_skip()
    yield server
    server.stop()


def _postgres_or_skip() -> PostgresServer:
    try:
        return postgres_server()
    except PostgresUnavailable as missing:
        reason = str(missing)
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database on it, dropped after the test."""
    url = postgres.create_database()
    yield url
    postgres.drop_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
def database_location(request, tmp_path) -> str:
    """For a test that runs on both databases: a SQLite file, then a new database on a real Postgres."""
    if request.param == "sqlite":
        return str(tmp_path / "db.sqlite3")
    return request.getfixturevalue("postgres_url")
