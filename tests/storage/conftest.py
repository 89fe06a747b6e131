import pytest


@pytest.fixture(params=["sqlite", "postgres"])
def database_location(request, tmp_path) -> str:
    """Each storage test runs on a SQLite file and on a fresh database of a real Postgres server."""
    if request.param == "sqlite":
        return str(tmp_path / "db.sqlite3")
    return request.getfixturevalue("fresh_postgres_url")


# TEMPORARY until the Postgres fixture of the tests' own server lands (issue 11 branch).
@pytest.fixture
def fresh_postgres_url():
    import os
    import uuid

    import psycopg

    server = os.environ.get("PLACEMENT_TEST_DATABASE_URL")
    if not server:
        pytest.skip("no Postgres: PLACEMENT_TEST_DATABASE_URL is not set")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield server.rsplit("/", 1)[0] + "/" + name
