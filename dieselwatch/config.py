"""Where DieselWatch keeps its data: the home folder (database, raw store, logs, exports), the database URL and
the raw sample store (by default inside the home; an office sharing one database points every workstation at
one shared folder)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs


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

    def ensure(self) -> "Home":
        for d in (self.root, self.raw_dir, self.logs_dir, self.exports_dir, self.backups_dir):
            d.mkdir(parents=True, exist_ok=True)
        return self


def resolve_home(cli_value: str | None = None) -> Home:
    """--home beats DIESELWATCH_HOME beats the platform's per-user data folder."""
    value = cli_value or os.environ.get("DIESELWATCH_HOME")
    root = Path(value).expanduser() if value else Path(platformdirs.user_data_dir("DieselWatch", appauthor=False))
    return Home(root.resolve())


def resolve_db_url(home: Home, cli_value: str | None = None) -> str:
    """--db beats DIESELWATCH_DB beats the embedded SQLite file in the home folder."""
    return cli_value or os.environ.get("DIESELWATCH_DB") or home.default_db_url


def resolve_raw_dir(home: Home, cli_value: str | None = None) -> Path:
    """--raw beats DIESELWATCH_RAW beats the raw folder inside the home."""
    value = cli_value or os.environ.get("DIESELWATCH_RAW")
    return Path(value).expanduser().resolve() if value else home.raw_dir
