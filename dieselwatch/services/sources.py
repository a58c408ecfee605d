"""Import sources: which vehicles each records batch (one platform's export file) holds, and over which days.
Scoring compares the vehicles of one source (a platform bug shows in all of them) and derives coverage."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dieselwatch.storage.models import ImportBatch


def _day(text: str) -> date:
    return datetime.fromisoformat(str(text)).date()


def batch_vehicles(session: Session) -> list[tuple[str, tuple[date, date], list[str]]]:
    """Per records batch: (file name, export span, VINs in it), from the batch reports."""
    out = []
    for name, report in session.execute(select(ImportBatch.file_name, ImportBatch.report)
                                        .where(ImportBatch.kind == "records").order_by(ImportBatch.id)):
        cov = (report or {}).get("coverage") or []
        if not cov:
            continue
        span = (min(_day(c["first"]) for c in cov), max(_day(c["last"]) for c in cov))
        out.append((name, span, [c["vin"] for c in cov]))
    return out
