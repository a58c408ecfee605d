"""A workspace: one home folder, one database (migrated on open), one raw store that belongs to that database,
one acting user.
Every service takes a Workspace; the CLI and the GUI each open one."""

from __future__ import annotations

import getpass
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine, event, orm, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from dieselwatch.config import Home, private_sqlite_file, resolve_db_url, resolve_home, resolve_raw_dir
from dieselwatch.storage import headfile
from dieselwatch.storage.db import make_engine, migrate, session_factory
from dieselwatch.storage.models import DatabaseIdentity, RawPartition
from dieselwatch.storage.rawstore import RawStore
from dieselwatch.storage.upsert import insert_missing, table_of

log = logging.getLogger(__name__)


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some service contexts
        return "unknown"


@dataclass
class Workspace:
    home: Home
    engine: Engine
    Session: sessionmaker[Session]
    raw: RawStore
    user: str = field(default_factory=_default_user)
    migration_backup: str | None = None
    role: str | None = None  # set by services.users.login(); None until someone signs in

    @classmethod
    def open(cls, home: str | None = None, db: str | None = None, user: str | None = None,
             raw: str | None = None) -> Workspace:
        h = resolve_home(home).ensure()
        url = resolve_db_url(h, db)
        sqlite_file = _sqlite_file(url)
        if sqlite_file:
            private_sqlite_file(sqlite_file)
        engine = make_engine(url)
        backup = migrate(engine, h.backups_dir)
        if sqlite_file:
            private_sqlite_file(sqlite_file)  # the -wal and -shm files the first connection made
        ws = cls(h, engine, session_factory(engine), RawStore(resolve_raw_dir(h, raw)), user or _default_user(),
                 backup)
        event.listen(ws.Session, "after_commit", ws._record_head)
        event.listen(ws.Session, "after_rollback", lambda s: s.info.pop("audit_head", None))
        ws.raw.claim(ws.database_id, ws.db_url, ws._committed_sample())
        ws.sweep()
        return ws

    def _record_head(self, session: orm.Session) -> None:  # orm.: the field Session shadows the name here
        """After a commit that appended audit events, remember the new head outside the database."""
        head = session.info.pop("audit_head", None)
        if head:
            headfile.record(self.db_url, *head)

    @cached_property
    def database_id(self) -> str:
        """The id generated once for this database (revision 0007); copies of the database keep it."""
        with self.Session.begin() as s:
            found = s.scalar(select(DatabaseIdentity.uuid).where(DatabaseIdentity.id == 1))
            if found is None:  # the row was deleted by hand: a new id (a store marked with the old one refuses it)
                insert_missing(s, table_of(DatabaseIdentity), [{"id": 1, "uuid": uuid.uuid4().hex,
                                                                 "created_at": datetime.now()}], ["id"])
                found = s.scalar(select(DatabaseIdentity.uuid).where(DatabaseIdentity.id == 1))
            if found is None:
                raise RuntimeError("the database identity row cannot be created")
            return found

    def _committed_sample(self, n: int = 50) -> list[str]:
        with self.Session() as s:
            return list(s.scalars(select(RawPartition.path).order_by(RawPartition.id.desc()).limit(n)))

    @property
    def db_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @cached_property
    def backend(self) -> str:
        return self.engine.url.get_backend_name()

    def committed_paths(self) -> set[str]:
        with self.Session() as s:
            return set(s.scalars(select(RawPartition.path)))

    def sweep(self) -> None:
        """Remove what imports killed before committing left behind: their staging folders and the raw files they
        noted (as soon as the import is gone), and any raw file no row of this database names (after a day). Never
        in a store that belongs to another database."""
        if self.raw.refusal is not None:
            return
        staged = self.raw.sweep_staging(self.committed_paths)
        removed = self.raw.sweep_orphans(self.committed_paths())
        if removed or staged:
            log.info("removed %d orphaned raw files and %d staging folders of interrupted imports", len(removed),
                     len(staged))

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_file(url: str) -> Path | None:
    try:
        u = make_url(url)
    except Exception:  # noqa: BLE001 - make_engine reports a bad URL with a proper message
        return None
    return Path(u.database) if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:" else None
