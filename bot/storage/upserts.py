"""`INSERT .. ON CONFLICT` in the dialect at hand: SQLAlchemy builds it per dialect, with the
same methods (`on_conflict_do_update`, `excluded`) on SQLite and Postgres."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def insert_or_update(dialect: str, table: Table):
    return _INSERTS[dialect](table)
