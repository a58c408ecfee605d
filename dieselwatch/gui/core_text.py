"""Show the core's messages (dieselwatch.messages.Msg, errors, stored report reasons) in the officer's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from dieselwatch.errors import InputError
from dieselwatch.messages import Msg


def core_text(x) -> str:
    """The translated text of a Msg, an exception carrying one, or a plain reason string stored earlier (a report
    in the database keeps English text; a template without arguments is its own lookup key)."""
    if isinstance(x, InputError):
        return _where(x) + core_text(x.reason)
    if isinstance(x, BaseException):
        return core_text(x.args[0]) if len(x.args) == 1 and isinstance(x.args[0], str) else str(x)
    if isinstance(x, Msg):
        text = QCoreApplication.translate("", x.template)
        if not x.args:
            return text
        try:
            return text.format(**{k: core_text(v) if isinstance(v, Msg) else v for k, v in x.args.items()})
        except (KeyError, IndexError, ValueError):  # a broken translation must not hide the message
            return str(x)
    return QCoreApplication.translate("", str(x)) if x else ""


def _where(exc: InputError) -> str:
    # QCoreApplication.translate spelled out: lupdate reads only the full name.
    parts = [exc.file] if exc.file else []
    if exc.row is not None:
        parts.append(QCoreApplication.translate("CoreText", "row {0}").format(exc.row))
    if exc.column:
        parts.append(QCoreApplication.translate("CoreText", "column “{0}”").format(exc.column))
    if not parts:
        return ""
    return QCoreApplication.translate("CoreText", "{0}: ").format(QCoreApplication.translate("CoreText", ", ")
                                                                   .join(parts))
