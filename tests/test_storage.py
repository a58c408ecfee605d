"""Storage: migrations on SQLite and PostgreSQL, the copy taken before a migration, the raw store's size."""

import sqlite3

import pytest
from sqlalchemy import func, inspect, select

from dieselwatch.storage.db import head_revision, make_engine, migrate, upgrade
from dieselwatch.storage.models import Base, RawPartition

TABLES = set(Base.metadata.tables)


def test_migrations_build_empty_sqlite(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert migrate(eng, tmp_path / "bk") is None  # a new file needs no copy
    assert set(inspect(eng).get_table_names()) >= TABLES
    with eng.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    eng.dispose()


def test_sqlite_copied_aside_before_a_migration(tmp_path):
    path = tmp_path / "x.sqlite3"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng, "0001")  # a database made by an older release
    with eng.begin() as c:
        c.exec_driver_sql("""INSERT INTO settings (key, value) VALUES ('bureau', '"济南市生态环境局"')""")
    backup = migrate(eng, tmp_path / "bk")
    assert backup is not None and "0001" in backup
    with sqlite3.connect(backup) as old:  # the copy is the database as it was, and complete
        assert old.execute("select version_num from alembic_version").fetchone()[0] == "0001"
        assert old.execute("select value from settings").fetchone()[0] == '"济南市生态环境局"'
        cols = [r[1] for r in old.execute("pragma table_info(day_stats)")]
        assert "n_down_repeat" not in cols
    cols = {c["name"] for c in inspect(eng).get_columns("day_stats")}
    assert "n_down_repeat" in cols
    eng.dispose()


@pytest.mark.postgres
def test_migrations_build_empty_postgres(pg_ws):
    names = set(inspect(pg_ws.engine).get_table_names())
    assert names >= TABLES
    from dieselwatch.storage.db import current_revision

    assert current_revision(pg_ws.engine) == head_revision()


@pytest.mark.postgres
def test_import_and_score_on_postgres(pg_ws, demo_dir, manifest):
    from datetime import date

    from dieselwatch.services.imports import import_records
    from dieselwatch.services.registry import import_registry
    from dieselwatch.services.scoring import score_period
    from dieselwatch.storage import audit

    import_registry(pg_ws, demo_dir / "registry.xlsx")
    rep = import_records(pg_ws, demo_dir / "records.csv")
    assert rep.rows_imported > 0 and import_records(pg_ws, demo_dir / "records.csv").status == "already_imported"
    res = score_period(pg_ws, date.fromisoformat(manifest["start"]), date.fromisoformat(manifest["end"]))
    beh = {v["vin"]: v["behaviour"] for v in manifest["vehicles"]}
    assert {v["proposal"] for v in res.vehicles if beh[v["vin"]] == "high_emitter"} == {"black"}
    with pg_ws.Session() as s:
        assert audit.verify(s)[0]


def test_raw_store_under_30_bytes_per_sample(loaded_ws):
    with loaded_ws.Session() as s:
        rows, size = s.execute(select(func.sum(RawPartition.rows), func.sum(RawPartition.bytes))).one()
    assert size / rows <= 30, f"{size / rows:.1f} bytes per sample"
    on_disk = sum((loaded_ws.raw.root / p).stat().st_size for p in loaded_ws.committed_paths())
    assert on_disk == size


def test_raw_store_round_trip_keeps_values(ws, tmp_path):
    import numpy as np
    import pandas as pd

    from dieselwatch.storage.rawstore import schema

    n = 1000
    df = pd.DataFrame({"ts": pd.date_range("2026-03-01", periods=n, freq="s").to_numpy(dtype="datetime64[s]"),
                       "nox_down": np.round(np.random.default_rng(1).uniform(-10, 900, n) / 0.05) * 0.05,
                       "lon": np.full(n, 117.123456), "calid": ["CAL1"] * n})
    df.loc[5, "nox_down"] = np.nan
    rel, _ = ws.raw.write("LFWADRJF0R1000001", "2026-03", 1, df)
    back = ws.raw.read([rel])
    assert list(back.columns) == [f.name for f in schema()]
    assert back["ts"].tolist() == df["ts"].tolist()
    np.testing.assert_allclose(back["nox_down"], df["nox_down"], rtol=1e-6)
    assert np.isnan(back["nox_down"][5]) and back["lon"][0] == 117.123456 and back["calid"][0] == "CAL1"


def test_a_first_start_that_fails_mid_migration_leaves_a_database_that_opens(tmp_path, monkeypatch):
    """SQLite DDL is transactional only inside an explicit BEGIN: without it a start-up killed during the
    migrations left tables without a schema version, and every later start failed with 'table already
    exists'."""
    import dieselwatch.storage.auditstate as auditstate
    from dieselwatch.workspace import Workspace

    def killed(_session):
        raise RuntimeError("killed during the last migration")

    monkeypatch.setattr(auditstate, "baseline", killed)
    home = tmp_path / "home"
    with pytest.raises(RuntimeError, match="killed"):
        Workspace.open(home=str(home))
    con = sqlite3.connect(home / "dieselwatch.sqlite3")
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
    con.close()
    monkeypatch.undo()
    Workspace.open(home=str(home)).close()
