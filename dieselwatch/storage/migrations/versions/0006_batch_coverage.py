"""batch_coverage (which vehicles and times each import batch delivered) and import_batches.span_start/span_end,
back-filled from the coverage list stored in each batch's report.

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-25
"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _ts(text):
    try:
        return datetime.fromisoformat(str(text))
    except (TypeError, ValueError):
        return None


def upgrade() -> None:
    with op.batch_alter_table("import_batches") as batch:
        batch.add_column(sa.Column("span_start", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("span_end", sa.DateTime(), nullable=True))
    op.create_table(
        "batch_coverage",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("first_ts", sa.DateTime(), nullable=False),
        sa.Column("last_ts", sa.DateTime(), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("incomplete", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"],
                                name=op.f("fk_batch_coverage_batch_id_import_batches")),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"], name=op.f("fk_batch_coverage_vehicle_id_vehicles")),
        sa.PrimaryKeyConstraint("batch_id", "vehicle_id", name=op.f("pk_batch_coverage")),
    )
    op.create_index(op.f("ix_batch_coverage_vehicle_id"), "batch_coverage", ["vehicle_id"])
    _backfill(op.get_bind())


def _backfill(bind) -> None:
    """Earlier imports kept per vehicle (vin, rows stored, first, last) in their report: that is the coverage
    they are known to have. Their span is their first to last sample (the stated one was not kept)."""
    batches = sa.table("import_batches", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                       sa.column("report", sa.JSON), sa.column("span_start", sa.DateTime),
                       sa.column("span_end", sa.DateTime))
    vehicles = sa.table("vehicles", sa.column("id", sa.Integer), sa.column("vin", sa.String))
    coverage = sa.table("batch_coverage", sa.column("batch_id", sa.Integer), sa.column("vehicle_id", sa.Integer),
                        sa.column("first_ts", sa.DateTime), sa.column("last_ts", sa.DateTime),
                        sa.column("rows", sa.BigInteger), sa.column("incomplete", sa.Boolean))
    ids = dict(bind.execute(sa.select(vehicles.c.vin, vehicles.c.id)).fetchall())
    for batch_id, report in bind.execute(sa.select(batches.c.id, batches.c.report)
                                         .where(batches.c.kind == "records")).fetchall():
        rows = []
        for c in (report or {}).get("coverage") or []:
            first, last, vid = _ts(c.get("first")), _ts(c.get("last")), ids.get(c.get("vin"))
            if first and last and vid:
                rows.append({"batch_id": batch_id, "vehicle_id": vid, "first_ts": first, "last_ts": last,
                             "rows": int(c.get("rows") or 0), "incomplete": False})
        if rows:
            bind.execute(coverage.insert(), rows)
            bind.execute(batches.update().where(batches.c.id == batch_id).values(
                span_start=min(r["first_ts"] for r in rows), span_end=max(r["last_ts"] for r in rows)))


def downgrade() -> None:
    op.drop_index(op.f("ix_batch_coverage_vehicle_id"), table_name="batch_coverage")
    op.drop_table("batch_coverage")
    with op.batch_alter_table("import_batches") as batch:
        batch.drop_column("span_end")
        batch.drop_column("span_start")
