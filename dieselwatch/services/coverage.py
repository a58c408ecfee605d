"""What the imported exports cover: per batch the vehicles it delivered (first and last sample, samples) and the
export's own span; per vehicle the Beijing days some export covered. A day a vehicle is covered on but has no
data is a day it sent nothing; a day no export covered is unknown, never "offline"."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import feather
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dieselwatch.ingest.span import stated_span, title_rows
from dieselwatch.services.batches import awaits_restore
from dieselwatch.services.statuses import ImportStatus
from dieselwatch.storage.models import BatchCoverage, ImportBatch, RawPartition
from dieselwatch.storage.upsert import table_of

ONE_DAY = timedelta(days=1)


def delivered(pieces: dict[tuple[str, str], list[Path]]) -> dict[str, tuple[datetime, datetime, int]]:
    """Per VIN: first and last sample time and distinct sample times in the staged pieces of one import, stored
    or not (a sample already stored by an earlier batch was still delivered by this one)."""
    by_vin: dict[str, list] = {}
    for (vin, _month), files in pieces.items():
        for p in files:
            ts = feather.read_table(p, columns=["ts"], memory_map=True).column("ts")
            by_vin.setdefault(vin, []).extend(ts.chunks)
    out = {}
    for vin, chunks in by_vin.items():
        ts = pa.chunked_array(chunks)
        if len(ts):
            mm = pc.min_max(ts)  # hash-based distinct count and min/max: no sort of the times
            out[vin] = (mm["min"].as_py(), mm["max"].as_py(), pc.count_distinct(ts).as_py())
    return out


def record_coverage(s: Session, batch: ImportBatch, table, vehicle_ids: dict[str, int],
                    pieces: dict[tuple[str, str], list[Path]], report) -> None:
    """Inside the import transaction, once the batch row holds its counts and report: write the batch's
    coverage rows and span, and bring its counts up to what it stores in total (a batch imported again to
    restore samples keeps its earlier pieces; the report then says "restored")."""
    cov = delivered(pieces)
    restoring = awaits_restore(s, batch.id)
    s.execute(delete(BatchCoverage).where(BatchCoverage.batch_id == batch.id))
    if cov:
        s.execute(table_of(BatchCoverage).insert(), [
            {"batch_id": batch.id, "vehicle_id": vehicle_ids[vin], "first_ts": first, "last_ts": last, "rows": n,
             "incomplete": False} for vin, (first, last, n) in sorted(cov.items())])
    span = _stated(table)
    source = "stated"
    if span is None and cov:
        span, source = (min(c[0] for c in cov.values()), max(c[1] for c in cov.values())), "samples"
    batch.span_start, batch.span_end = span if span else (None, None)
    s.flush()
    stored = sum(s.scalars(select(RawPartition.rows).where(RawPartition.batch_id == batch.id)))
    stored_report = dict(batch.report or {})
    if span:
        stored_report["span"] = {"start": str(span[0]), "end": str(span[1]), "source": source}
    if restoring:  # earlier pieces of this batch plus the ones just written
        stored_report = dict(stored_report, status=ImportStatus.RESTORED)
        stored_report.setdefault("restored", []).append({"at": datetime.now().isoformat(timespec="seconds"),
                                                         "rows": batch.rows_imported})
        report.status = ImportStatus.RESTORED
        batch.rows_imported = stored
        batch.duplicates = max(batch.rows_read - batch.rejected - int(stored_report.get("blank_rows") or 0) - stored, 0)
        stored_report["rows_imported"], stored_report["duplicates"] = stored, batch.duplicates
    batch.report = stored_report


def _stated(table) -> tuple[datetime, datetime] | None:
    """The span the file states above its header; None for sources without title rows (e.g. raw captures)."""
    header_row = getattr(table, "header_row", None)
    if not header_row or getattr(table, "kind", None) not in ("csv", "excel"):
        return None
    return stated_span(title_rows(table.path, kind=table.kind, encoding=getattr(table, "encoding", None),
                                  delimiter=getattr(table, "delimiter", None), sheet=getattr(table, "sheet", None),
                                  header_row=header_row, loaded_sheet=getattr(table, "loaded_sheet", None)))


def last_covered_day(start: datetime, end: datetime) -> date:
    """An end at exactly midnight ("… 至 2026-11-01 00:00:00") closes the day before."""
    if end.time() == time(0) and end > start:
        return (end - ONE_DAY).date()
    return end.date()


def merge_spans(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Inclusive day spans merged where they overlap or touch (10-01..10-05 and 10-06..10-09 are one span)."""
    out: list[tuple[date, date]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + ONE_DAY:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def vehicle_coverage(session: Session, vehicle_ids: list[int] | None = None) -> dict[int, list[tuple[date, date]]]:
    """Per vehicle, the merged inclusive Beijing-day spans some import covered: a batch covers a vehicle on every
    day of the batch's export span if the vehicle appears in it (and at least on its own first to last sample).
    A batch that lost samples to the removal of another does not count for that vehicle until re-imported."""
    q = (select(BatchCoverage.vehicle_id, BatchCoverage.first_ts, BatchCoverage.last_ts, ImportBatch.span_start,
                ImportBatch.span_end)
         .join(ImportBatch, ImportBatch.id == BatchCoverage.batch_id)
         .where(BatchCoverage.incomplete.is_(False)))
    if vehicle_ids is not None:
        q = q.where(BatchCoverage.vehicle_id.in_(list(vehicle_ids)))
    spans: dict[int, list[tuple[date, date]]] = {}
    for vid, first, last, s0, s1 in session.execute(q):
        a, b = first.date(), last.date()
        if s0 is not None and s1 is not None:
            a, b = min(a, s0.date()), max(b, last_covered_day(s0, s1))
        spans.setdefault(vid, []).append((a, b))
    return {vid: merge_spans(v) for vid, v in spans.items()}



def source_members(session: Session) -> dict[str, list[int]]:
    """Import file (all its sheets) -> the vehicles it delivered: one platform's export, whose bugs (a NOx offset
    never applied) show in every vehicle of it."""
    out: dict[str, list[int]] = {}
    q = (select(ImportBatch.file_name, BatchCoverage.vehicle_id)
         .join(ImportBatch, ImportBatch.id == BatchCoverage.batch_id).where(ImportBatch.kind == "records")
         .order_by(ImportBatch.id, BatchCoverage.vehicle_id))
    for name, vid in session.execute(q):
        members = out.setdefault(name, [])
        if vid not in members:
            members.append(vid)
    return out
