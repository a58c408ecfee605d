"""Errors the user can act on. The CLI maps them to exit code 3; the GUI shows their text."""

from __future__ import annotations


class DieselWatchError(Exception):
    """Base for expected, user-facing failures."""


class InputError(DieselWatchError):
    """Bad input file or value: names the file, and where known the row and column."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.reason = file, row, column, message
        where = [p for p in (file, f"row {row}" if row is not None else None, f"column {column!r}" if column else None)
                 if p]
        super().__init__(f"{': '.join([', '.join(where), message]) if where else message}")


class Cancelled(DieselWatchError):
    """The user cancelled a long operation; nothing was stored."""


class ConfigError(DieselWatchError):
    """Bad settings, database URL or rule set."""


class PermissionDenied(DieselWatchError):
    """The signed-in user's role does not allow the action, or nobody is signed in."""


class Conflict(DieselWatchError):
    """Someone else changed the same record first (shared office database): reload and decide again."""
