"""INSERT ... ON CONFLICT for the two supported databases: writes that two workstations may make at the same
moment (day statistics, the shipped rule set, vehicles first seen in monitoring data) are settled by the
database in one statement, never by a read followed by a write."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def table_of(model: Any) -> Table:
    """A mapped class's Table (declared as a FromClause by SQLAlchemy, a Table for every model here)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model!r} is not mapped to a table")
    return table


def dialect_insert(s: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    if s.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def upsert(s: Session, table: Table, rows: list[dict], keys: list[str]) -> None:
    """Insert rows; a row whose key exists replaces the stored values."""
    if not rows:
        return
    stmt = dialect_insert(s, table)
    cols = [c for c in rows[0] if c not in keys]
    s.execute(stmt.on_conflict_do_update(index_elements=keys, set_={c: stmt.excluded[c] for c in cols}), rows)


def insert_missing(s: Session, table: Table, rows: list[dict], keys: list[str]) -> None:
    """Insert rows whose key is not stored yet; rows another transaction stored first are left as they are."""
    if rows:
        s.execute(dialect_insert(s, table).on_conflict_do_nothing(index_elements=keys), rows)
