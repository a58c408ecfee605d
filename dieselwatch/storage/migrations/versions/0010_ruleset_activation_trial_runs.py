"""rule_sets.activation_seq: the audit event that last activated the version (the active rule set is the one with
the highest; before this the newest row was active, so that row is marked); score_runs.trial: runs with a rule
set the office has not activated, kept apart from the office's runs that proposals come from.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite and PostgreSQL both have it): no table rebuild, which on SQLite would drop
    # score_runs under the scores that reference it.
    op.add_column("rule_sets", sa.Column("activation_seq", sa.BigInteger(), nullable=True))
    op.add_column("score_runs", sa.Column("trial", sa.Boolean(), nullable=False, server_default="0"))
    # The set that was active under the old rule (the newest row) stays active: it gets the newest event's
    # number, or 0 on a database without history.
    conn = op.get_bind()
    newest = conn.execute(sa.text("SELECT max(id) FROM rule_sets")).scalar()
    if newest is not None:
        seq = conn.execute(sa.text("SELECT max(seq) FROM audit_events")).scalar() or 0
        conn.execute(sa.text("UPDATE rule_sets SET activation_seq = :seq WHERE id = :id"), {"seq": seq, "id": newest})


def downgrade() -> None:
    with op.batch_alter_table("score_runs") as batch:
        batch.drop_column("trial")
    with op.batch_alter_table("rule_sets") as batch:
        batch.drop_column("activation_seq")
