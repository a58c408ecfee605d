"""Database identity (for the raw store's owner marker) and the list rules as database constraints: at most one
current entry (active or removal pending) per vehicle, at most one open proposal per vehicle and list.

A database written before this revision may already break the rules (two workstations approving at once):
such entries are resolved the way the lists service does it, each change with its audit event, before the
indexes are created.

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-25
"""
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CURRENT = "status IN ('active', 'removal_pending')"
PROPOSED = "status = 'proposed'"
ORDER = {"white": 0, "watch": 1, "black": 2}


def upgrade() -> None:
    op.create_table(
        "database_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_database_identity")),
        sa.UniqueConstraint("uuid", name=op.f("uq_database_identity_uuid")),
    )
    bind = op.get_bind()
    bind.execute(sa.text("INSERT INTO database_identity (id, uuid, created_at) VALUES (1, :u, :at)"),
                 {"u": uuid.uuid4().hex, "at": datetime.now()})
    _resolve_duplicates(bind)
    op.create_index("uq_list_entries_one_current", "list_entries", ["vehicle_id"], unique=True,
                    postgresql_where=sa.text(CURRENT), sqlite_where=sa.text(CURRENT))
    op.create_index("uq_list_entries_one_proposal", "list_entries", ["vehicle_id", "list_kind"], unique=True,
                    postgresql_where=sa.text(PROPOSED), sqlite_where=sa.text(PROPOSED))


def _resolve_duplicates(bind) -> None:
    """Stricter list wins (then the newer entry); a repeated proposal is rejected as a duplicate."""
    from dieselwatch.storage import audit

    rows = bind.execute(sa.text(f"SELECT id, vehicle_id, list_kind, status, version FROM list_entries WHERE {CURRENT} "
                                f"OR {PROPOSED} ORDER BY id")).fetchall()
    changes = []
    current: dict[int, list] = {}
    proposed: dict[tuple, list] = {}
    for r in rows:
        if r.status == "proposed":
            proposed.setdefault((r.vehicle_id, r.list_kind), []).append(r)
        else:
            current.setdefault(r.vehicle_id, []).append(r)
    for group in current.values():
        keep = max(group, key=lambda r: (ORDER.get(r.list_kind, 0), r.id))
        changes += [(r, "expired",
                     f"replaced by {keep.list_kind} entry {keep.id} (one list per vehicle, revision 0007)")
                    for r in group if r.id != keep.id]
    for group in proposed.values():
        changes += [(r, "rejected", f"duplicate of proposal {group[0].id} (revision 0007)") for r in group[1:]]
    if not changes:
        return
    s = Session(bind=bind)
    for r, status, reason in changes:
        ended = date.today() if status == "expired" else None
        bind.execute(sa.text("UPDATE list_entries SET status = :st, ended_on = COALESCE(:ended, ended_on), "
                             "version = version + 1 WHERE id = :id"), {"st": status, "ended": ended, "id": r.id})
        audit.append(s, "system", "list.supersede" if status == "expired" else "list.reject", "list_entry", r.id,
                     before={"id": r.id, "status": r.status, "version": r.version},
                     after={"id": r.id, "status": status, "version": r.version + 1}, reason=reason)
    s.flush()
    s.close()


def downgrade() -> None:
    op.drop_index("uq_list_entries_one_proposal", table_name="list_entries")
    op.drop_index("uq_list_entries_one_current", table_name="list_entries")
    op.drop_table("database_identity")
