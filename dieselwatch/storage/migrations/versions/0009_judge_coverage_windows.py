"""vehicles: rated power and WHTC work (GB 17691 Annex K windows); day_stats: readings at the day's edges (parked
or driven across a silence), work-based window counts per power-threshold step, correlation moments of
downstream NOx, lowest hot downstream reading. Existing days get the new figures by re-scoring from raw.

Revision ID: 0009
Revises: 0003
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

EDGES = ["odo_first", "odo_last", "lat_first", "lon_first", "lat_last", "lon_last"]
COUNTS = ["kw_n", *[f"kw_v{i}" for i in range(6)], *[f"kw_o{i}" for i in range(6)], "cs_n"]
MOMENTS = ["cs_u", "cs_d", "cs_l", "cs_uu", "cs_dd", "cs_ll", "cs_ud", "cs_dl"]


def upgrade() -> None:
    with op.batch_alter_table("vehicles") as batch:
        batch.add_column(sa.Column("rated_power_kw", sa.Float(), nullable=True))
        batch.add_column(sa.Column("whtc_work_kwh", sa.Float(), nullable=True))
    with op.batch_alter_table("day_stats") as batch:
        for c in EDGES:
            batch.add_column(sa.Column(c, sa.Float(), nullable=True))
        for c in COUNTS:
            batch.add_column(sa.Column(c, sa.Integer(), nullable=False, server_default="0"))
        for c in MOMENTS:
            batch.add_column(sa.Column(c, sa.Float(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("down_min_hot", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("day_stats") as batch:
        for c in ["down_min_hot", *reversed(MOMENTS), *reversed(COUNTS), *reversed(EDGES)]:
            batch.drop_column(c)
    with op.batch_alter_table("vehicles") as batch:
        batch.drop_column("whtc_work_kwh")
        batch.drop_column("rated_power_kw")
