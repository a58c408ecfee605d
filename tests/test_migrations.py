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



def test_upgrade_keeps_a_database_that_holds_data(tmp_path, loaded_home, manifest):
    """A county office's database has rows that other rows reference. The demo fleet, imported and scored, taken
    back one revision and opened by this version again: the upgrade must keep every row. Revision 0010 first
    rebuilt score_runs by copy, drop and rename, which SQLite refused under the scores referencing it ("FOREIGN
    KEY constraint failed"): the app did not start on any database that had been scored."""
    import shutil
    from datetime import date

    from alembic import command
    from sqlalchemy import text

    from dieselwatch.services.scoring import score_period
    from dieselwatch.storage.db import alembic_config, current_revision, head_revision, make_engine, migrate
    from dieselwatch.workspace import Workspace

    shutil.copytree(loaded_home, tmp_path / "home")
    ws = Workspace.open(home=str(tmp_path / "home"), user="tester")
    score_period(ws, date.fromisoformat(manifest["start"]), date.fromisoformat(manifest["end"]))
    ws.close()
    db = tmp_path / "home" / "dieselwatch.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    counts = "SELECT (SELECT count(*) FROM score_runs), (SELECT count(*) FROM scores), (SELECT count(*) FROM vehicles)"
    with engine.connect() as conn:
        before = conn.execute(text(counts)).one()
        assert before[0] > 0 and before[1] > 0
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # the test's own way back to the previous revision
        conn.commit()
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        with conn.begin():
            command.downgrade(cfg, "-1")
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.commit()
    assert current_revision(engine) != head_revision()
    migrate(engine, tmp_path / "backups")  # what Workspace.open does on the next start
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(text(counts)).one() == before
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # enforced again afterwards
    engine.dispose()
