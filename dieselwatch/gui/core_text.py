"""Show the core's messages (dieselwatch.messages.Msg, errors, stored report reasons) in the officer's language."""

from __future__ import annotations

import re

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
    return stored_text(str(x)) if x else ""


# Reasons the services wrote into the history as plain English, with figures in them. They are stored (and
# hashed) as written, so they are matched here by their template to be shown in the officer's language.
STORED = [Msg("scoring run {run} ({start} to {end}): {codes}"), Msg("scoring run {run}"),
          Msg("replaced by {kind} entry {entry}"), Msg("review date {date} passed"), Msg("registry import {file}"),
          Msg("first-run admin set-up"), Msg("shipped default rule set stored on first use"),
          Msg("scoring with an edited rule set"), Msg("state when the history began to cover it (revision 0008)"),
          Msg("the active rule set when the history began to cover it (revision 0008)")]
_FIELD = re.compile(r"\\\{(\w+)\\\}")  # a {name} after re.escape


def _pattern(template: str) -> re.Pattern:
    return re.compile("^" + _FIELD.sub(lambda m: f"(?P<{m.group(1)}>.+?)", re.escape(template)) + "$")


_PATTERNS = [(_pattern(m.template), m.template) for m in STORED if "{" in m.template]


def stored_text(text: str) -> str:
    """A plain text stored earlier, translated: as a whole (a template without figures is its own lookup key),
    or as one of the STORED templates with its figures filled back in."""
    translated = QCoreApplication.translate("", text)
    if translated != text:
        return translated
    for pattern, template in _PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                # a word inside (a list kind such as "black") in the officer's language too
                return QCoreApplication.translate("", template).format(
                    **{k: QCoreApplication.translate("", v) for k, v in m.groupdict().items()})
            except (KeyError, IndexError, ValueError):
                return text
    return text


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
