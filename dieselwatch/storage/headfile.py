"""The audit chain head as this workstation last saw it, kept in the user's settings folder, outside the
database folder: whoever can replace the database (and the home folder beside it) does not thereby replace
this file, so a history cut short or rewritten wholesale shows against it.

One small JSON file for all databases this user opens, keyed by the database URL (password hidden). The
head only moves forward: a process that committed earlier never overwrites a later head."""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)
KEEP = 200  # databases remembered; the oldest are forgotten (tests and demos open many)


def config_dir() -> Path:
    """DIESELWATCH_CONFIG_DIR beats the platform's per-user settings folder."""
    value = os.environ.get("DIESELWATCH_CONFIG_DIR")
    return Path(value).expanduser() if value else Path(platformdirs.user_config_dir("DieselWatch", appauthor=False))


def path() -> Path:
    return config_dir() / "audit_heads.json"


def _load() -> dict:
    try:
        data = json.loads(path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def recorded(db_key: str) -> tuple[int, str] | None:
    """The head recorded for this database, or None."""
    entry = _load().get(db_key)
    try:
        return (int(entry["seq"]), str(entry["hash"])) if entry else None
    except (KeyError, TypeError, ValueError):
        return None


def record(db_key: str, seq: int, hash_: str) -> None:
    """Remember a head after its transaction committed. Failing to write (read-only profile) is logged, never
    raised: the change it follows is already committed."""
    try:
        data = _load()
        old = data.get(db_key)
        if isinstance(old, dict) and int(old.get("seq", 0)) >= seq:
            return
        data[db_key] = {"seq": seq, "hash": hash_, "at": datetime.now().isoformat(timespec="seconds")}
        if len(data) > KEEP:
            for k in sorted(data, key=lambda k: str(data[k].get("at", "")))[:len(data) - KEEP]:
                del data[k]
        target = path()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        tmp.replace(target)
    except (OSError, ValueError, TypeError) as exc:
        log.warning("could not record the audit head in %s: %s", path(), exc)


def forget(db_key: str) -> bool:
    """Drop the head recorded for this database (a deliberate restore from a backup, or a new database created
    where an old one was: both look exactly like a history cut short). Returns whether there was one."""
    data = _load()
    if data.pop(db_key, None) is None:
        return False
    target = path()
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(target)
    log.warning("forgot the audit head recorded for %s", db_key)
    return True
