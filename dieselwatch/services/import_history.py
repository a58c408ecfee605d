"""The import batches as the imports page lists them, newest first, with each batch's stored report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from dieselwatch.storage.models import ImportBatch
from dieselwatch.workspace import Workspace


@dataclass(frozen=True)
class BatchInfo:
    id: int
    kind: str  # records | registry
    file_name: str
    sheet: str
    imported_at: datetime
    imported_by: str
    rows_read: int
    rows_imported: int
    duplicates: int
    rejected: int
    report: dict[str, Any] = field(default_factory=dict, compare=False)


def list_batches(ws: Workspace) -> list[BatchInfo]:
    with ws.Session() as s:
        return [BatchInfo(b.id, b.kind, b.file_name, b.sheet or "", b.imported_at, b.imported_by, b.rows_read or 0,
                          b.rows_imported or 0, b.duplicates or 0, b.rejected or 0, dict(b.report or {}))
                for b in s.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()))]
