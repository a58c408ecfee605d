"""Database triggers that refuse to rewrite the audit history: UPDATE and DELETE (and TRUNCATE on
PostgreSQL) on audit_events fail, and the head row may only move forward. They stop mistakes and casual
edits; someone who drops them can still write, which is why audit.verify() also checks they are in place and
the hash chain catches what was changed while they were gone.
Alembic's batch mode on SQLite rebuilds a table without its triggers: a later migration that batch-alters
audit_events or audit_head must call install_guards() again."""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

MESSAGE = "audit history is append-only"
TRIGGERS = ("audit_events_no_update", "audit_events_no_delete", "audit_head_forward_only", "audit_head_no_delete")

_SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_head_forward_only BEFORE UPDATE ON audit_head
        WHEN NEW.seq <> OLD.seq + 1 OR NEW.id <> OLD.id BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_head
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]

_POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION dieselwatch_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$""",
    f"""CREATE OR REPLACE FUNCTION dieselwatch_audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.seq <> OLD.seq + 1 OR NEW.id <> OLD.id THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
          RETURN NEW;
        END $$""",
    "DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events",
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION dieselwatch_audit_refuse()""",
    "DROP TRIGGER IF EXISTS audit_events_no_delete ON audit_events",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION dieselwatch_audit_refuse()""",
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION dieselwatch_audit_refuse()""",
    "DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_head",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
        FOR EACH ROW EXECUTE FUNCTION dieselwatch_audit_head_forward()""",
    "DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_head",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
        FOR EACH ROW EXECUTE FUNCTION dieselwatch_audit_refuse()""",
]


def install_guards(conn: Connection) -> None:
    for stmt in _POSTGRES if conn.dialect.name == "postgresql" else _SQLITE:
        conn.execute(text(stmt))


def drop_guards(conn: Connection) -> None:
    for name in TRIGGERS:
        if conn.dialect.name == "postgresql":
            table = "audit_head" if name.startswith("audit_head") else "audit_events"
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
        else:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    if conn.dialect.name == "postgresql":
        conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events"))


def _normalised(sql: str) -> str:
    """SQL text compared for meaning, not layout: case, whitespace, IF NOT EXISTS (SQLite drops it when it
    stores a trigger) and the schema PostgreSQL prints before table names do not count."""
    sql = re.sub(r"\bif\s+not\s+exists\b", " ", sql.lower())
    sql = re.sub(r"\bpublic\.", "", sql)
    sql = re.sub(r"\s+", " ", sql)
    return re.sub(r"\s*([(),;=<>+])\s*", r"\1", sql).strip(" ;")


def _first_group(pattern: str, sql: str) -> str:
    m = re.search(pattern, sql)
    if m is None:  # the statements are this module's own constants
        raise ValueError(f"guard statement without /{pattern}/: {sql[:60]}")
    return m.group(1)


def _expected() -> dict[str, dict[str, str]]:
    """What each guard must say, by dialect: trigger name -> normalised definition (PostgreSQL: the trigger
    line and the body of the function it runs)."""
    sqlite: dict[str, str] = {}
    for stmt in _SQLITE:
        name = _first_group(r"EXISTS\s+(\w+)", stmt)
        sqlite[name] = _normalised(stmt)
    functions = {_first_group(r"FUNCTION\s+(\w+)\(", s): _normalised(s.split("$$")[1])
                 for s in _POSTGRES if s.startswith("CREATE OR REPLACE FUNCTION")}
    postgres: dict[str, str] = {}
    for stmt in _POSTGRES:
        if stmt.startswith("CREATE TRIGGER"):
            name = stmt.split()[2]
            fn = _first_group(r"EXECUTE FUNCTION\s+(\w+)\(", stmt)
            postgres[name] = _normalised(stmt) + " | " + functions[fn]
    return {"sqlite": sqlite, "postgresql": postgres}


def altered_guards(conn: Connection) -> list[str]:
    """Names of triggers that are there under the right name but do something else (a no-op with the right
    name passes a check of names alone). Missing ones are missing_guards()' business."""
    expected = _expected()["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    if conn.dialect.name == "postgresql":
        rows = conn.execute(text(
            "SELECT t.tgname, pg_get_triggerdef(t.oid), p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgrelid IN ('audit_events'::regclass, "
            "'audit_head'::regclass)"))
        found = {name: _normalised(definition) + " | " + _normalised(src) for name, definition, src in rows}
    else:
        found = {name: _normalised(sql or "") for name, sql in
                 conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))}
    return [name for name, want in expected.items() if name in found and found[name] != want]


def missing_guards(conn: Connection) -> list[str]:
    """Names of the triggers that should be there (on the audit tables, enabled) and are not."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D' AND "
                                 "tgrelid IN ('audit_events'::regclass, 'audit_head'::regclass)"))
        expected = _expected()["postgresql"]
    else:
        rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        expected = _expected()["sqlite"]
    present = {r[0] for r in rows}
    return [t for t in expected if t not in present]
