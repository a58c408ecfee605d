"""The audit history covers the state: one audit.baseline event for each list entry, user, settings section,
rule set and notice the history does not yet describe as it is (databases from before this revision have no
event for the shipped rule set and no password or evidence fingerprints). From here on audit verify compares
the tables with the history. No schema change.

Revision ID: 0008
Revises: 0003
Create Date: 2026-11-25
"""
from alembic import op
from sqlalchemy.orm import Session

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from dieselwatch.storage.auditstate import baseline

    # The session joins alembic's transaction: the events commit with the migration or not at all.
    session = Session(bind=op.get_bind())
    baseline(session)
    session.flush()
    session.close()


def downgrade() -> None:
    pass  # events are history: an older release simply ignores them
