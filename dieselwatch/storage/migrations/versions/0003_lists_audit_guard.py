"""Lists workflow columns, user versioning, notice number counters, the audit head row and the triggers that
make the audit history append-only.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

from dieselwatch.storage.guard import install_guards

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("list_entries") as batch:
        batch.alter_column("status", type_=sa.String(16), existing_type=sa.String(12))
        batch.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("removal_proposed_by", sa.String(100), nullable=True))
        batch.add_column(sa.Column("removal_proposed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("removal_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("rectification", sa.JSON(), nullable=True))
        batch.create_index("ix_list_entries_status", ["status"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "notice_counters",
        sa.Column("bureau_code", sa.String(40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bureau_code", "year", name=op.f("pk_notice_counters")),
    )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    bind = op.get_bind()
    last = bind.execute(sa.text("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")).first()
    bind.execute(sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, :seq, :hash)"),
                 {"seq": last[0] if last else 0, "hash": last[1] if last else "0" * 64})
    install_guards(bind)


def downgrade() -> None:
    from dieselwatch.storage.guard import drop_guards

    drop_guards(op.get_bind())
    op.drop_table("audit_head")
    op.drop_table("notice_counters")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("version")
    with op.batch_alter_table("list_entries") as batch:
        batch.drop_index("ix_list_entries_status")
        for c in ("rectification", "removal_reason", "removal_proposed_at", "removal_proposed_by", "ended_on",
                  "decision_reason", "decided_at"):
            batch.drop_column(c)
