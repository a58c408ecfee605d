"""Database triggers that refuse to rewrite the audit history: UPDATE and DELETE (and TRUNCATE on
PostgreSQL) on audit_events fail, and the head row may only move forward. They stop mistakes and casual
edits; someone who drops them can still write, which is why audit.verify() also checks they are in place and
the hash chain catches what was changed while they were gone.
Alembic's batch mode on SQLite rebuilds a table without its triggers: a later migration that batch-alters
audit_events or audit_head must call install_guards() again."""

from __future__ import annotations

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


def missing_guards(conn: Connection) -> list[str]:
    """Names of the triggers that should be there and are not."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"))
    else:
        rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    present = {r[0] for r in rows}
    return [t for t in TRIGGERS if t not in present]
