"""import_batches: one batch per sheet of a workbook. The re-import key becomes (kind, file_hash, sheet), with
"" (never NULL, which a unique key would not compare) for a CSV, so the remaining sheets of a workbook can be
imported later while the same sheet or CSV twice still changes nothing.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE import_batches SET sheet = '' WHERE sheet IS NULL")
    with op.batch_alter_table("import_batches") as batch:
        batch.drop_constraint("uq_import_batches_kind", type_="unique")
        batch.alter_column("sheet", existing_type=sa.String(100), nullable=False, server_default="")
        batch.create_unique_constraint("uq_import_batches_kind_file_hash_sheet", ["kind", "file_hash", "sheet"])


def downgrade() -> None:
    # Fails when a workbook's sheets were imported as separate batches: the older key cannot hold them.
    with op.batch_alter_table("import_batches") as batch:
        batch.drop_constraint("uq_import_batches_kind_file_hash_sheet", type_="unique")
        batch.alter_column("sheet", existing_type=sa.String(100), nullable=True, server_default=None)
        batch.create_unique_constraint("uq_import_batches_kind", ["kind", "file_hash"])
