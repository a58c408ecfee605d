"""day_stats: n_down_repeat and n_down_valid (stuck downstream NOx sensor as a share, not only a long run)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("day_stats") as batch:
        batch.add_column(sa.Column("n_down_repeat", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("n_down_valid", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("day_stats") as batch:
        batch.drop_column("n_down_valid")
        batch.drop_column("n_down_repeat")
