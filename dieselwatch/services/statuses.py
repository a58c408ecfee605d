"""Statuses the services report, as StrEnums: they compare equal to the plain strings callers and stored JSON
reports already use ("imported" == ImportStatus.IMPORTED) and serialise as those strings."""

from __future__ import annotations

from enum import StrEnum


class ImportStatus(StrEnum):
    IMPORTED = "imported"
    ALREADY_IMPORTED = "already_imported"  # the same content (hash) was stored before: nothing changed
    RESTORED = "restored"  # imported again to bring back samples a removed batch took with it
    SKIPPED = "skipped"  # a sheet left out of a workbook's import, with the reason
