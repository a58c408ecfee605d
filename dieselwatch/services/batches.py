"""Undoing an import: remove a batch's samples from the raw store, rebuild the day statistics of the vehicle-days
it touched from what remains, and forget the batch, so the corrected file can be imported again.

A sample is stored once, by the batch that brought it first; later batches that delivered the same sample
dropped it as a duplicate. Removing a batch therefore also removes samples other batches delivered. Those
batches are found by their coverage (same vehicle, overlapping time, imported later), named in the result and the audit
event, and marked: their file may be imported again (not refused as "already imported"), which stores only
what is missing, and until then they do not count as covering the vehicle.

All-or-nothing like an import: one transaction changes the database; the batch's raw files are deleted only
after it commits. If deleting them fails, they are orphans no committed row names, which readers never see
and the workspace sweep removes: the database never names a missing file."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import NotRequired, TypedDict

import numpy as np
import pandas as pd
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from dieselwatch.errors import InputError
from dieselwatch.messages import Msg
from dieselwatch.progress import CancelToken, ProgressFn, Throttled
from dieselwatch.scoring.daystats import compute_day_stats, to_rows
from dieselwatch.services.engines import engine_specs
from dieselwatch.services.rulesets import active_rules
from dieselwatch.services.users import require
from dieselwatch.storage import audit
from dieselwatch.storage.models import (
    BatchCoverage,
    DayStat,
    ImportBatch,
    RawPartition,
    TerminalSession,
    Vehicle,
)
from dieselwatch.storage.upsert import table_of
from dieselwatch.workspace import Workspace

log = logging.getLogger(__name__)


class BatchListing(TypedDict):
    """One import batch as `dieselwatch imports` lists it."""

    id: int
    kind: str
    file: str
    sheet: str | None
    sha256: str
    at: datetime
    by: str
    rows_read: int
    rows_imported: int
    duplicates: int
    rejected: int
    span: list[datetime | None]
    missing_key_fields: list[str]
    awaits_restore: bool  # lost samples with a removed batch: importing the file again restores them
    report: NotRequired[dict]  # the import's full report (ImportReport.as_dict()), with_reports=True only


def list_batches(ws: Workspace, *, newest_first: bool = False, with_reports: bool = False) -> list[BatchListing]:
    """Every import batch, oldest first (or newest first)."""
    order = ImportBatch.id.desc() if newest_first else ImportBatch.id
    out: list[BatchListing] = []
    with ws.Session() as s:
        for b in s.scalars(select(ImportBatch).order_by(order)):
            row = BatchListing(id=b.id, kind=b.kind, file=b.file_name, sheet=b.sheet, sha256=b.file_hash,
                               at=b.imported_at, by=b.imported_by, rows_read=b.rows_read,
                               rows_imported=b.rows_imported, duplicates=b.duplicates, rejected=b.rejected,
                               span=[b.span_start, b.span_end],
                               missing_key_fields=(b.report or {}).get("missing_key_fields", []),
                               awaits_restore=awaits_restore(s, b.id))
            if with_reports:
                row["report"] = b.report or {}
            out.append(row)
    return out


@dataclass
class SharedBatch:
    """Another batch that delivered samples in the removed batch's stored span: importing its file again
    restores those of its samples the removal took."""

    batch_id: int
    file_name: str
    vins: list[str]
    first: str  # the overlap, Beijing time
    last: str


@dataclass
class RemovalResult:
    batch_id: int
    file_name: str
    file_hash: str
    sheet: str | None
    reason: str
    rows_removed: int  # samples deleted from the raw store
    vehicles: list[str]
    days_recomputed: int  # vehicle-days whose statistics were rebuilt from the remaining samples
    days_emptied: int  # vehicle-days left without any sample
    files_removed: int
    files_left: list[str] = field(default_factory=list)  # could not be deleted: orphans for the sweep
    shared: list[SharedBatch] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def awaits_restore(s: Session, batch_id: int) -> bool:
    """Did removing another batch take samples this batch also delivered (not yet imported again)?"""
    return s.scalar(select(BatchCoverage.batch_id).where(BatchCoverage.batch_id == batch_id,
                                                         BatchCoverage.incomplete.is_(True)).limit(1)) is not None


def reopen_for_restore(s: Session, kind: str, file_hash: str, sheet: str | None) -> ImportBatch | None:
    """The batch of this file (and sheet) awaiting a restore, for the import to add the missing samples to;
    None when there is none (the import then records a new batch)."""
    q = select(ImportBatch).where(ImportBatch.kind == kind, ImportBatch.file_hash == file_hash,
                                  ImportBatch.sheet.is_(None) if sheet is None else ImportBatch.sheet == sheet)
    for b in s.scalars(q):
        if awaits_restore(s, b.id):
            return b
    return None


def remove_batch(ws: Workspace, batch_id: int, reason: str, *, progress: ProgressFn | None = None,
                 cancel: CancelToken | None = None) -> RemovalResult:
    require(ws, "officer", setup_ok=True)  # as for imports: what may be imported may be taken back
    reason = (reason or "").strip()
    if not reason:
        raise InputError(Msg("removing an import batch needs a reason"))
    cancel = cancel or CancelToken()
    prog = Throttled(progress)
    with ws.Session.begin() as s:
        b = s.get(ImportBatch, batch_id) if 0 < batch_id < 2**63 else None  # beyond a BIGINT: no such batch
        if b is None:
            raise InputError(Msg("there is no import batch {batch}", batch=batch_id))
        if b.kind != "records":
            raise InputError(Msg("batch {batch} is a vehicle registry import; only monitoring record imports can "
                                 "be removed", batch=batch_id))
        rules = active_rules(s)
        parts = s.execute(select(RawPartition.vehicle_id, RawPartition.month, RawPartition.path, RawPartition.rows,
                                 RawPartition.first_ts, RawPartition.last_ts)
                          .where(RawPartition.batch_id == b.id)).all()
        vids = sorted({p.vehicle_id for p in parts})
        vehicles = {v.id: v for v in s.scalars(select(Vehicle).where(Vehicle.id.in_(vids)))} if vids else {}
        others: dict[int, dict[str, list[str]]] = {}
        if vids:
            for vid, month, path in s.execute(select(RawPartition.vehicle_id, RawPartition.month, RawPartition.path)
                                              .where(RawPartition.vehicle_id.in_(vids),
                                                     RawPartition.batch_id != b.id)):
                others.setdefault(vid, {}).setdefault(month, []).append(path)
        engines = engine_specs(s, vids)  # the same engine figures (work windows) an import computes with
        jobs = [(vid, [p.path for p in parts if p.vehicle_id == vid], others.get(vid, {}), engines[vid])
                for vid in vids]

        def rebuild(job):
            """Files and arithmetic only (no session): runs on a worker thread."""
            cancel.check()
            vid, removed, by_month, tref = job
            return vid, *_remaining_day_stats(ws, removed, by_month, rules, tref)

        recomputed = emptied = 0
        with ThreadPoolExecutor(max_workers=2) as pool:
            try:
                for i, (vid, days, stats) in enumerate(pool.map(rebuild, jobs)):
                    s.execute(delete(DayStat).where(DayStat.vehicle_id == vid, DayStat.day.in_(days)))
                    rows = to_rows(stats, vid, rules.version)
                    if rows:
                        s.execute(table_of(DayStat).insert(), rows)
                    recomputed, emptied = recomputed + len(rows), emptied + len(days) - len(rows)
                    prog(0.9 * (i + 1) / len(jobs), Msg("vehicle {vin} recomputed", vin=vehicles[vid].vin))
            except BaseException:
                cancel.cancel()
                raise
        shared = _mark_shared(s, b, parts, vehicles)
        before = {"file": b.file_name, "sha256": b.file_hash, "sheet": b.sheet, "imported_at": b.imported_at,
                  "imported_by": b.imported_by, "rows_read": b.rows_read, "rows_imported": b.rows_imported,
                  "span_start": b.span_start, "span_end": b.span_end}
        s.execute(delete(RawPartition).where(RawPartition.batch_id == b.id))
        s.execute(delete(BatchCoverage).where(BatchCoverage.batch_id == b.id))
        # A capture's login/logout sessions go with it (importing the file again brings them back).
        s.execute(delete(TerminalSession).where(TerminalSession.batch_id == b.id))
        s.delete(b)
        s.flush()
        result = RemovalResult(batch_id, b.file_name, b.file_hash, b.sheet, reason,
                               sum(p.rows for p in parts), sorted(v.vin for v in vehicles.values()), recomputed,
                               emptied, len(parts), shared=shared)
        audit.append(s, ws.user, "import.remove", "import_batch", batch_id, before=before,
                     after={"rows_removed": result.rows_removed, "vehicles": result.vehicles,
                            "days_recomputed": recomputed, "days_emptied": emptied,
                            "shared_batches": [asdict(x) for x in shared]}, reason=reason)
        cancel.check()  # the last moment a cancel still leaves everything as it was
    # Committed: the files are no longer named by any row. Delete them now; one that resists is an orphan.
    for p in parts:
        try:
            (ws.raw.root / p.path).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not delete raw file %s of removed batch %s: %s", p.path, batch_id, exc)
            result.files_left.append(p.path)
    prog(1.0, Msg("done"))
    return result


def _remaining_day_stats(ws: Workspace, removed: list[str], by_month: dict[str, list[str]], rules, tref
                         ) -> tuple[list[date], pd.DataFrame]:
    """The days the removed pieces had samples on, and those days' statistics over the samples that remain
    (computed as an import computes them: over everything stored for each touched day)."""
    ts = ws.raw.read(removed, columns=["ts"])["ts"].to_numpy(dtype="datetime64[s]")
    days = np.unique(ts.astype("datetime64[D]"))
    if not len(days):
        return [], compute_day_stats(pd.DataFrame(), rules, tref)
    months = sorted({str(d.astype("datetime64[M]")) for d in days})
    paths = [p for m in months for p in by_month.get(m, [])]
    data = ws.raw.read(paths, start=days[0], end=days[-1] + np.timedelta64(1, "D")) if paths else pd.DataFrame()
    if len(data):
        data = data[np.isin(data["ts"].to_numpy(dtype="datetime64[D]"), days)].reset_index(drop=True)
    return [d.item() for d in days], compute_day_stats(data, rules, tref)


def _mark_shared(s: Session, removed: ImportBatch, parts, vehicles: dict[int, Vehicle]) -> list[SharedBatch]:
    """Batches that may have delivered samples only the removed batch held: their coverage of a vehicle overlaps
    what the removed batch stored for it, and they were imported (or restored) after it; a batch imported
    before it had its samples stored already, so the removed batch stored none of them. Mark their coverage
    of those vehicles incomplete and name them."""
    if not parts:
        return []
    stored: dict[int, list[tuple[datetime, datetime]]] = {}
    for p in parts:
        stored.setdefault(p.vehicle_id, []).append((p.first_ts, p.last_ts))
    hits: dict[int, dict] = {}
    rows = s.execute(select(BatchCoverage.batch_id, BatchCoverage.vehicle_id, BatchCoverage.first_ts,
                            BatchCoverage.last_ts, ImportBatch.file_name, ImportBatch.report)
                     .join(ImportBatch, ImportBatch.id == BatchCoverage.batch_id)
                     .where(BatchCoverage.vehicle_id.in_(list(stored)), BatchCoverage.batch_id != removed.id)).all()
    since = removed.imported_at.isoformat(timespec="seconds")
    for other, vid, first, last, name, report in rows:
        restored = [r.get("at", "") for r in (report or {}).get("restored", [])]
        if other < removed.id and not any(at >= since for at in restored):
            continue
        overlaps = [(max(first, a), min(last, b)) for a, b in stored[vid] if first <= b and last >= a]
        if not overlaps:
            continue
        h = hits.setdefault(other, {"file": name, "vids": set(), "first": overlaps[0][0], "last": overlaps[0][1]})
        h["vids"].add(vid)
        h["first"] = min([h["first"], *(o[0] for o in overlaps)])
        h["last"] = max([h["last"], *(o[1] for o in overlaps)])
    for other, h in hits.items():
        s.execute(update(BatchCoverage).where(BatchCoverage.batch_id == other,
                                              BatchCoverage.vehicle_id.in_(sorted(h["vids"])))
                  .values(incomplete=True))
    return [SharedBatch(other, h["file"], sorted(vehicles[v].vin for v in h["vids"]),
                        h["first"].isoformat(sep=" "), h["last"].isoformat(sep=" "))
            for other, h in sorted(hits.items())]
