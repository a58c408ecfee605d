"""Engine set-up and start-up migration. SQLite is the embedded default; PostgreSQL serves a shared office."""

from __future__ import annotations

import logging
import shutil
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from dieselwatch.errors import ConfigError
from dieselwatch.messages import Msg

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the importer
    cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses at most the last commit, never corrupts
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as exc:  # any parse failure is a settings problem for the user
        raise ConfigError(Msg("not a database URL: “{url}” ({error})", url=url, error=exc)) from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # a bundle that lost its migration scripts
        raise RuntimeError("no Alembic migration scripts found")
    return head


def migrate(engine: Engine, backups_dir: Path | None = None) -> str | None:
    """Bring the schema to head. A SQLite file that already has tables is copied aside first, so a failed
    migration can be undone by hand. Returns the backup's path, if one was taken."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return None
    backup = backup_sqlite(engine, backups_dir, current) if current is not None else None
    upgrade(engine, "head")
    return str(backup) if backup else None


def upgrade(engine: Engine, target: str) -> None:
    cfg = alembic_config(engine)
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table by copy, drop and rename; with foreign keys enforced, dropping a table
            # that other rows reference (score_runs under scores) fails on any database holding data. SQLite's
            # own procedure: keys off outside the transaction, checked before commit, back on after.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()  # ends SQLAlchemy's autobegun block; pysqlite sent no BEGIN for a PRAGMA
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    # Workstations starting together on a new shared database: one migrates, the others wait
                    # and then find the schema at head (alembic reads the version after the lock is granted).
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7410007)")
                if sqlite:
                    # pysqlite opens a transaction only before DML, so the first revision's CREATE TABLEs
                    # committed one by one: a start-up killed or failing mid-migration left tables without a
                    # version, and the database never opened again. An explicit BEGIN makes it all or nothing.
                    conn.exec_driver_sql("BEGIN")
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, target)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration to {target} left rows without their parent: {broken[:5]}")
        finally:
            if sqlite:
                conn.rollback()  # nothing pending after a failure; a no-op after the commit
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def backup_sqlite(engine: Engine, backups_dir: Path | None, revision: str) -> Path | None:
    """Copy an embedded database file aside (WAL checkpointed first, so the copy is complete)."""
    db_path = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not db_path or db_path == ":memory:" or not Path(db_path).exists():
        return None
    target = Path(backups_dir or Path(db_path).parent)
    target.mkdir(parents=True, exist_ok=True)
    backup = target / f"{Path(db_path).stem}-{revision}-{datetime.now():%Y%m%d-%H%M%S-%f}.sqlite3"
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy2(db_path, backup)
    log.info("copied %s to %s before migrating from %s", db_path, backup, revision)
    return backup


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def check_connection(url: str) -> str:
    """Connect once and describe what is there (for the settings page's connection test)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            version = conn.exec_driver_sql("select version()").scalar() if engine.dialect.name == "postgresql" \
                else f"SQLite {conn.exec_driver_sql('select sqlite_version()').scalar()}"
            rev = MigrationContext.configure(conn).get_current_revision()
    except ConfigError:
        raise
    except Exception as exc:  # any driver error is the user's connection problem to read
        raise ConfigError(Msg("cannot connect: {error}", error=exc)) from exc
    finally:
        engine.dispose()
    state = Msg("schema revision {rev}", rev=rev) if rev else Msg("empty database (it is set up at the first start)")
    return Msg("{version}; {state}", version=str(version).split(",")[0], state=state)
