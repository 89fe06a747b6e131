import pytest


@pytest.fixture(params=["sqlite", "postgres"])
def database_location(request, tmp_path) -> str:
    """Each storage test runs on a SQLite file and on a fresh database of a real Postgres server."""
    if request.param == "sqlite":
        return str(tmp_path / "db.sqlite3")
    return request.getfixturevalue("postgres_url")
