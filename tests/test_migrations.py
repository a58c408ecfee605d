"""The migrations build exactly the schema the models declare: Alembic's autogenerate, run against a database
migrated to head, finds nothing to do. Without this a model change without its migration (or a migration the
models do not know of) only shows on a user's database."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dieselwatch.storage.models import Base


def _differences(engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(ctx, Base.metadata)


def test_sqlite_schema_matches_the_models(ws):
    assert _differences(ws.engine) == []


@pytest.mark.postgres
def test_postgres_schema_matches_the_models(pg_ws):
    assert _differences(pg_ws.engine) == []
