"""Where DieselWatch keeps its data: the home folder (database, raw store, logs, exports), the database URL and
the raw sample store (by default inside the home; an office sharing one database points every workstation at
one shared folder)."""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def raw_dir(self) -> Path:
        return self.root / "raw"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    @property
    def default_db_url(self) -> str:
        return f"sqlite:///{(self.root / 'dieselwatch.sqlite3').as_posix()}"

    def ensure(self) -> Home:
        for d in (self.root, self.raw_dir, self.logs_dir, self.exports_dir, self.backups_dir):
            d.mkdir(parents=True, exist_ok=True)
        private(self.root, 0o700)  # the database in it holds the password hashes and the owners' details
        return self


def private(path: Path, mode: int) -> None:
    """Owner-only permissions where the OS has them (POSIX) and the path is ours. Windows, and file systems
    that refuse (some network shares), keep the folder's own rules: logged, never fatal."""
    if os.name != "posix":
        return
    try:
        st = path.stat()
        if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) != mode:
            os.chmod(path, mode)
    except OSError as exc:
        log.info("could not restrict %s to mode %o: %s", path, mode, exc)


def private_sqlite_file(db_path: Path) -> None:
    """Create the SQLite file owner-only (0600) before the engine does, so it never exists world-readable
    (SQLite gives its -wal and -shm files the database file's mode); tighten an existing one."""
    if os.name == "posix" and not db_path.exists():
        db_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(db_path, os.O_CREAT | os.O_WRONLY, 0o600))  # an empty file is an empty database
        except OSError as exc:
            log.info("could not create %s owner-only: %s", db_path, exc)
    for p in (db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")):
        if p.exists():
            private(p, 0o600)


def resolve_home(cli_value: str | None = None) -> Home:
    """--home beats DIESELWATCH_HOME beats the platform's per-user data folder."""
    value = cli_value or os.environ.get("DIESELWATCH_HOME")
    root = Path(value).expanduser() if value else Path(platformdirs.user_data_dir("DieselWatch", appauthor=False))
    return Home(root.resolve())


def demo_home(cli_value: str | None = None) -> str | None:
    """--demo's home: a `demo` folder inside the default data folder, so demo trucks never mix with real data;
    an explicit --home or DIESELWATCH_HOME is kept."""
    if cli_value or os.environ.get("DIESELWATCH_HOME"):
        return cli_value
    return str(resolve_home(None).root / "demo")


def resolve_db_url(home: Home, cli_value: str | None = None) -> str:
    """--db beats DIESELWATCH_DB beats the embedded SQLite file in the home folder."""
    return cli_value or os.environ.get("DIESELWATCH_DB") or home.default_db_url


def resolve_raw_dir(home: Home, cli_value: str | None = None) -> Path:
    """--raw beats DIESELWATCH_RAW beats the raw folder inside the home."""
    value = cli_value or os.environ.get("DIESELWATCH_RAW")
    return Path(value).expanduser().resolve() if value else home.raw_dir
