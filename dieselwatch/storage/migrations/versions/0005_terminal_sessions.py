"""terminal_sessions: login..logout spans of terminals, from raw GB 17691 / HJ 1239 captures

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "terminal_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("login_ts", sa.DateTime(), nullable=False),
        sa.Column("logout_ts", sa.DateTime(), nullable=True),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("iccid", sa.String(20), nullable=True),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"], name=op.f("fk_terminal_sessions_vehicle_id_vehicles")),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"],
                                name=op.f("fk_terminal_sessions_batch_id_import_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terminal_sessions")),
    )
    with op.batch_alter_table("terminal_sessions") as batch:
        batch.create_index(batch.f("ix_terminal_sessions_vehicle_id"), ["vehicle_id"], unique=False)
        batch.create_index(batch.f("ix_terminal_sessions_batch_id"), ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("terminal_sessions") as batch:
        batch.drop_index(batch.f("ix_terminal_sessions_batch_id"))
        batch.drop_index(batch.f("ix_terminal_sessions_vehicle_id"))
    op.drop_table("terminal_sessions")
