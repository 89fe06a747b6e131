"""The tests' Postgres (tests/postgres_server.py, fixtures in tests/conftest.py): each test gets
an empty database of its own on a real server; a server given by URL is used as it is; with no
server and no binaries the Postgres tests are skipped saying why, except in CI, where that fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg

from postgres_server import URL_VARIABLE

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
USES_POSTGRES = f"{Path(__file__).name}::test_a_test_gets_an_empty_database_of_its_own_on_a_real_server"
# Loaded by the inner pytest before the conftest: Debian's folder of binaries is not looked in.
_NOWHERE_ELSE = f"import sys; sys.path.insert(0, {str(TESTS)!r}); import postgres_server; postgres_server.DEBIAN_BINARIES = '/nonexistent'"


def test_a_test_gets_an_empty_database_of_its_own_on_a_real_server(postgres_url, postgres):
    with psycopg.connect(postgres_url) as connection:
        assert connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)
        connection.execute("CREATE TABLE notes (id serial PRIMARY KEY, text TEXT NOT NULL)")
        connection.execute("INSERT INTO notes (text) VALUES (%s)", ("kept",))
    with psycopg.connect(postgres_url) as connection:  # committed, as a second process would see it
        assert connection.execute("SELECT text FROM notes").fetchall() == [("kept",)]
    other = postgres.create_database()
    try:
        assert other != postgres_url
        with psycopg.connect(other) as connection:
            assert connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)
    finally:
        postgres.drop_database(other)


def _pytest_without_postgres_binaries(tmp_path, **environment: str) -> subprocess.CompletedProcess:
    """Runs the test above in a new pytest where PATH has no Postgres binaries on it."""
    (tmp_path / "no_debian_postgres.py").write_text(_NOWHERE_ELSE + "\n")
    path = [folder for folder in os.environ.get("PATH", "").split(os.pathsep) if not shutil.which("initdb", path=folder)]
    env = {k: v for k, v in os.environ.items() if k not in ("CI", URL_VARIABLE, "PYTHONPATH")}
    env.update(PATH=os.pathsep.join(path), PYTHONPATH=str(tmp_path), **environment)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no_debian_postgres", "-rs", "-p", "no:cacheprovider",
                           f"tests/{USES_POSTGRES}"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_with_no_server_and_no_binaries_the_postgres_tests_are_skipped_saying_why(tmp_path):
    run = _pytest_without_postgres_binaries(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout
    assert f"no Postgres: {URL_VARIABLE} is not set and no Postgres server binaries" in run.stdout


def test_in_ci_a_missing_postgres_is_an_error_not_a_skip(tmp_path):
    run = _pytest_without_postgres_binaries(tmp_path, CI="true")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 error" in run.stdout and "skipped" not in run.stdout
    assert "CI=true and no Postgres" in run.stdout


def test_a_server_given_by_url_is_used_without_any_binaries(tmp_path, postgres):
    run = _pytest_without_postgres_binaries(tmp_path, CI="true", **{URL_VARIABLE: postgres.url})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
