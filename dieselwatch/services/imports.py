"""Importing monitoring records: read in chunks, convert, stage per vehicle-month, then one transaction that
de-duplicates against the store, writes the raw pieces, recomputes the touched days' statistics and records
the batch. All-or-nothing per file; the same file twice (content hash) changes nothing."""

from __future__ import annotations

import hashlib
import queue
import threading
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
from sqlalchemy import delete, select

from dieselwatch.errors import InputError
from dieselwatch.ingest.columns import record_fields
from dieselwatch.ingest.tables import iter_chunks, open_table
from dieselwatch.ingest.values import ValueReport, convert_records
from dieselwatch.messages import Msg
from dieselwatch.progress import CancelToken, ProgressFn, Throttled
from dieselwatch.scoring.daystats import compute_day_stats, to_rows
from dieselwatch.scoring.rules import RuleSet
from dieselwatch.services.engines import engine_specs
from dieselwatch.services.rulesets import active_rules
from dieselwatch.services.users import require
from dieselwatch.services.vehicles import ensure_vehicles
from dieselwatch.storage.models import DayStat, ImportBatch, RawPartition
from dieselwatch.storage.rawstore import to_table
from dieselwatch.workspace import Workspace

CHUNK_ROWS = 500_000
TEXT_FIELDS = {"vin", "plate", "ts", "calid", "cvn"}


@dataclass
class ImportReport:
    file: str
    status: str  # imported | already_imported
    batch_id: int | None = None
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    file_hash: str = ""
    rows_read: int = 0
    rows_imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    blank_rows: int = 0
    reject_reasons: dict = field(default_factory=dict)
    rejects: list = field(default_factory=list)
    invalid_values: dict = field(default_factory=dict)  # column -> {sentinel, out_of_range, not_a_number}
    invalid_examples: list = field(default_factory=list)
    wrong_check_digit: list = field(default_factory=list)
    unknown_columns: list = field(default_factory=list)
    missing_key_fields: list = field(default_factory=list)
    mapping: dict = field(default_factory=dict)  # export header -> field
    coverage: list = field(default_factory=list)  # per vehicle: vin, rows, first, last, days
    ruleset_version: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


KEY_FIELDS = ("nox_down", "nox_up", "scr_in", "reagent", "air_flow", "rpm", "torque_actual")


def file_sha256(path: Path) -> tuple[str, int]:
    h, n = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 22):
            h.update(block)
            n += len(block)
    return h.hexdigest(), n


def import_records(ws: Workspace, path: str | Path, *, progress: ProgressFn | None = None,
                   cancel: CancelToken | None = None, profile: dict | None = None, sheet: str | None = None,
                   chunk_rows: int = CHUNK_ROWS) -> ImportReport:
    path = Path(path)
    require(ws, "officer", setup_ok=True)
    cancel = cancel or CancelToken()
    prog = Throttled(progress)
    if not path.is_file():
        raise InputError(Msg("does not exist or is not a file"), file=str(path))
    # Hash on a second thread while the first chunks are read (hashlib releases the GIL); the re-import check
    # happens as soon as the digest is known, so a file seen before costs at most one chunk of reading.
    hasher = ThreadPoolExecutor(max_workers=1)
    digest_f = hasher.submit(file_sha256, path)
    try:
        return _import(ws, path, digest_f, progress=prog, cancel=cancel, profile=profile, sheet=sheet,
                       chunk_rows=chunk_rows)
    except _SeenBefore as seen:
        return ImportReport(file=path.name, status="already_imported", batch_id=seen.batch.id,
                            file_hash=seen.batch.file_hash, rows_read=seen.batch.rows_read,
                            encoding=seen.batch.encoding, sheet=seen.batch.sheet)
    finally:
        hasher.shutdown(wait=True)


class _SeenBefore(Exception):
    def __init__(self, batch: ImportBatch):
        self.batch = batch


def _check_seen(ws, digest_f, wait: bool) -> None:
    if not wait and not digest_f.done():
        return
    digest, _ = digest_f.result()
    with ws.Session() as s:
        prior = s.scalar(select(ImportBatch).where(ImportBatch.kind == "records", ImportBatch.file_hash == digest))
    if prior is not None:
        raise _SeenBefore(prior)


def _import(ws, path, digest_f, *, progress, cancel, profile, sheet, chunk_rows) -> ImportReport:
    prog = progress
    size = path.stat().st_size
    fields = record_fields()
    table = open_table(path, fields, required=("vin", "ts"), profile=profile, sheet=sheet)
    headers = {f: table.header_of(f) for f in table.mapping.values()}
    report = ImportReport(file=path.name, status="imported", encoding=table.encoding, sheet=table.sheet,
                          header_row=table.header_row + 1, unknown_columns=table.unknown,
                          mapping={table.headers[p]: f for p, f in table.mapping.items()},
                          missing_key_fields=[f for f in KEY_FIELDS if f not in table.mapping.values()])
    values = ValueReport()
    staging = ws.raw.root / ".staging" / uuid.uuid4().hex
    staging.mkdir(parents=True)
    written: list[str] = []
    try:
        pieces, plates = _stage(table, staging, fields, headers, values, report, cancel, prog, chunk_rows, size,
                                lambda: _check_seen(ws, digest_f, wait=False))
        _check_seen(ws, digest_f, wait=True)
        if report.rows_read == 0:
            raise InputError(Msg("has a header row but no data rows"), file=path.name)
        digest = digest_f.result()[0]
        report.file_hash = digest
        _commit(ws, path, table, digest, size, pieces, plates, values, report, cancel, prog, written)
    except BaseException:
        for rel in written:  # files of a batch that will never commit: remove now rather than at the sweep
            (ws.raw.root / rel).unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    prog(1.0, "done")
    return report


def _read_ahead(chunks, cancel: CancelToken):
    """Parse the next chunk on a reader thread while this one is converted (pandas' tokenizer releases the
    GIL). At most one chunk waits in the queue, so memory stays bounded by two chunks."""
    q: queue.Queue = queue.Queue(maxsize=1)
    done = object()
    stop = threading.Event()

    def produce():
        try:
            for item in chunks:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            q.put(exc)

    t = threading.Thread(target=produce, name="dieselwatch-reader", daemon=True)
    t.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while t.is_alive():  # unblock a producer waiting on a full queue, then let it finish
            try:
                q.get_nowait()
            except queue.Empty:
                pass
            t.join(timeout=0.05)


def _stage(table, staging, fields, headers, values, report, cancel, prog, chunk_rows, size, seen_check):
    """Read, convert and spill each chunk per (vin, month) to uncompressed Arrow files: memory stays bounded by
    the chunk size, whatever the file size."""
    pieces: dict[tuple[str, str], list[Path]] = {}
    plates: dict[str, str] = {}
    k = 0
    for first_row, chunk in _read_ahead(iter_chunks(table, chunk_rows, TEXT_FIELDS), cancel):
        cancel.check()
        seen_check()
        report.rows_read += len(chunk)
        frame = convert_records(chunk, first_row, fields, headers, values)
        del chunk
        if "plate" in frame:
            for vin, plate in frame.dropna(subset=["plate"]).drop_duplicates("vin")[["vin", "plate"]].itertuples(index=False):
                plates.setdefault(vin, plate)
            frame = frame.drop(columns=["plate"])
        if len(frame):
            # Group on integer keys: grouping on strings makes pandas build Arrow string arrays first.
            vin_code, vin_uniques = pd.factorize(frame["vin"])
            month = frame["ts"].to_numpy(dtype="datetime64[M]").astype("int64")
            key = vin_code.astype("int64") * 100_000 + (month - month.min())
            order = np.argsort(key, kind="stable")
            bounds = np.flatnonzero(np.diff(key[order])) + 1
            body = frame.drop(columns=["vin"])
            for idx in np.split(order, bounds):
                i0 = idx[0]
                vin, mon = vin_uniques[vin_code[i0]], str(np.datetime64(int(month[i0]), "M"))
                p = staging / f"{len(pieces)}-{k}.arrow"
                feather.write_feather(to_table(body.iloc[idx]), p, compression="uncompressed")
                pieces.setdefault((vin, mon), []).append(p)
                k += 1
        # Progress by rows against an estimate from the file size (CSV) or the sheet (Excel): reading is ~half.
        prog(min(0.5, 0.5 * report.rows_read * 200 / max(size, 1)), f"{report.rows_read:,} rows read")
    return pieces, plates


def _commit(ws, path, table, digest, size, pieces, plates, values, report, cancel, prog, written):
    with ws.Session.begin() as s:
        rules = active_rules(s)
        report.ruleset_version = rules.version
        batch = ImportBatch(kind="records", file_name=path.name, file_hash=digest, file_size=size,
                            encoding=table.encoding, sheet=table.sheet, imported_at=datetime.now(),
                            imported_by=ws.user, rows_read=report.rows_read, report={})
        s.add(batch)
        s.flush()
        vehicles = ensure_vehicles(s, sorted({vin for vin, _ in pieces}), plates)
        existing: dict[tuple[int, str], list[str]] = {}
        for vid, month, p in s.execute(select(RawPartition.vehicle_id, RawPartition.month, RawPartition.path)
                                       .where(RawPartition.vehicle_id.in_([v.id for v in vehicles.values()]))):
            existing.setdefault((vid, month), []).append(p)
        engines = engine_specs(s, [v.id for v in vehicles.values()])
        jobs = [(vin, month, files, vehicles[vin].id, engines[vehicles[vin].id],
                 existing.get((vehicles[vin].id, month), [])) for (vin, month), files in sorted(pieces.items())]

        def prepare(job):
            """Files and arithmetic only (no session): runs on a worker thread."""
            vin, month, files, vid, tref, old_paths = job
            cancel.check()
            return _prepare_partition(ws, batch.id, vin, month, files, tref, old_paths, rules, written)

        kept = 0
        coverage: dict[str, dict] = {}
        # Two threads: Parquet writing and numpy release the GIL, so the second core does real work.
        with ThreadPoolExecutor(max_workers=2) as pool:
            try:
                for i, (job, res) in enumerate(zip(jobs, pool.map(prepare, jobs))):
                    if res is None:
                        continue
                    vin, month, _, vid, _, _ = job
                    rel, nbytes, n, first, last, stats = res
                    s.add(RawPartition(batch_id=batch.id, vehicle_id=vid, month=month, path=rel, rows=n,
                                       bytes=nbytes, first_ts=first, last_ts=last))
                    s.execute(delete(DayStat).where(DayStat.vehicle_id == vid, DayStat.day.in_(list(stats.index))))
                    s.execute(DayStat.__table__.insert(), to_rows(stats, vid, rules.version))
                    kept += n
                    c = coverage.setdefault(vin, {"vin": vin, "rows": 0, "first": str(first), "last": str(last), "days": 0})
                    c["rows"] += n
                    c["days"] += len(stats)
                    c["first"], c["last"] = min(c["first"], str(first)), max(c["last"], str(last))
                    prog(0.5 + 0.5 * (i + 1) / len(jobs), f"{vin} {month}")
            except BaseException:
                cancel.cancel()  # stop the other worker between partitions
                raise
        report.rows_imported = kept
        report.rejected = values.rejected
        report.blank_rows = values.blank_rows
        report.duplicates = report.rows_read - report.rejected - report.blank_rows - kept
        report.reject_reasons = dict(values.reject_reasons)
        report.rejects = [r.as_dict() for r in values.rejects]
        report.invalid_values = _invalid_summary(values)
        report.invalid_examples = [r.as_dict() for r in values.not_a_number_examples]
        report.wrong_check_digit = sorted(values.wrong_check_digit)
        report.coverage = sorted(coverage.values(), key=lambda c: c["vin"])
        report.batch_id = batch.id
        batch.rows_imported, batch.duplicates, batch.rejected = kept, report.duplicates, report.rejected
        batch.report = report.as_dict()
        cancel.check()  # the last moment a cancel can still undo everything


def _prepare_partition(ws, batch_id, vin, month, files, tref, old_paths, rules: RuleSet, written: list):
    """One vehicle-month: merge staged pieces, drop rows stored before, write the raw piece, and recompute the
    touched days' statistics over everything stored for them."""
    new = pa.concat_tables([feather.read_table(p) for p in files]).to_pandas()
    new = new.sort_values("ts", kind="stable").drop_duplicates("ts", keep="first", ignore_index=True)
    if old_paths:
        old_ts = ws.raw.read(old_paths, columns=["ts"])["ts"].to_numpy(dtype="datetime64[s]")
        new = new[~np.isin(new["ts"].to_numpy(dtype="datetime64[s]"), old_ts)].reset_index(drop=True)
    if new.empty:
        return None
    rel, nbytes = ws.raw.write(vin, month, batch_id, new)
    written.append(rel)
    ts = new["ts"].to_numpy(dtype="datetime64[s]")
    days = np.unique(ts.astype("datetime64[D]"))
    if old_paths:
        old = ws.raw.read(old_paths, start=days[0], end=days[-1] + np.timedelta64(1, "D"))
        old = old[np.isin(old["ts"].to_numpy(dtype="datetime64[D]"), days)]
        data = pd.concat([old, new], ignore_index=True).sort_values("ts", kind="stable", ignore_index=True)
    else:
        data = new
    stats = compute_day_stats(data, rules, tref)
    return (rel, nbytes, len(new), pd.Timestamp(ts[0]).to_pydatetime(), pd.Timestamp(ts[-1]).to_pydatetime(), stats)


def _invalid_summary(values: ValueReport) -> dict:
    cols = set(values.sentinel) | set(values.out_of_range) | set(values.not_a_number) | set(values.missing)
    return {c: {"missing": values.missing.get(c, 0), "sentinel": values.sentinel.get(c, 0),
                "out_of_range": values.out_of_range.get(c, 0), "not_a_number": values.not_a_number.get(c, 0)}
            for c in sorted(cols)}

