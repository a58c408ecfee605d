"""Importing monitoring records: read in chunks, convert, stage per vehicle-month, then one transaction that
de-duplicates against the store, writes the raw pieces, recomputes the touched days' statistics and records
the batch. All-or-nothing per file; the same file twice (content hash) changes nothing. A workbook's data
sheets are one export: one transaction, one batch per sheet, so a sheet left out today can be imported later."""

from __future__ import annotations

import contextlib
import hashlib
import queue
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dieselwatch.errors import InputError
from dieselwatch.ingest.captures import Capture, open_capture
from dieselwatch.ingest.columns import Field, match_headers, record_fields, registry_fields
from dieselwatch.ingest.tables import Export, MissingColumns, Table, iter_chunks, open_export
from dieselwatch.ingest.values import MAX_REJECT_DETAILS, ValueReport, convert_records
from dieselwatch.messages import Msg
from dieselwatch.progress import CancelToken, ProgressFn, Throttled
from dieselwatch.scoring.daystats import Engine, compute_day_stats, to_rows
from dieselwatch.scoring.rules import RuleSet
from dieselwatch.services import key_fields
from dieselwatch.services.batches import awaits_restore, reopen_for_restore
from dieselwatch.services.coverage import record_coverage
from dieselwatch.services.engines import engine_specs
from dieselwatch.services.key_fields import KEY_FIELDS
from dieselwatch.services.rulesets import active_rules
from dieselwatch.services.sessions import store_sessions
from dieselwatch.services.statuses import ImportStatus
from dieselwatch.services.users import require
from dieselwatch.services.vehicles import ensure_vehicles
from dieselwatch.storage.models import DayStat, ImportBatch, RawPartition
from dieselwatch.storage.rawstore import to_table
from dieselwatch.storage.upsert import table_of, upsert
from dieselwatch.workspace import Workspace

CHUNK_ROWS = 500_000
TEXT_FIELDS = {"ts"} | {n for n, f in record_fields().items() if f.dtype == "text"}


@dataclass
class SheetResult:
    """One sheet of a workbook: imported now, imported before, or left out (with the reason)."""

    name: str
    status: ImportStatus
    reason: str = ""
    rows: int = 0
    batch_id: int | None = None


@dataclass
class ImportReport:
    file: str
    status: ImportStatus  # imported or already_imported
    batch_id: int | None = None  # the first batch of this import (a workbook has one per sheet: see sheets)
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
    missing_key_fields: list = field(default_factory=list)  # unmapped or without a valid value
    allowed_missing: list = field(default_factory=list)  # what the officer accepted to import without
    left_out_columns: list = field(default_factory=list)  # {header, field, kept, reason}: lost a field to another
    sheets: list = field(default_factory=list)  # SheetResult per sheet of a workbook (empty for a CSV)
    mapping: dict = field(default_factory=dict)  # export header -> field
    coverage: list = field(default_factory=list)  # per vehicle: vin, rows, first, last, days
    ruleset_version: str | None = None
    frames: dict | None = None  # raw captures: frames read, skipped (first offsets and reasons), by command/type

    def as_dict(self) -> dict:
        return asdict(self)


def file_sha256(path: Path) -> tuple[str, int]:
    h, n = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 22):
            h.update(block)
            n += len(block)
    return h.hexdigest(), n


def import_records(ws: Workspace, path: str | Path, *, progress: ProgressFn | None = None,
                   cancel: CancelToken | None = None, profile: dict | None = None, sheet: str | None = None,
                   chunk_rows: int = CHUNK_ROWS, allow_missing: list[str] | None = None) -> ImportReport:
    """allow_missing: the key fields (or "all") the file may lack; a file lacking others is refused
    (KeyFieldsMissing). None leaves the guard to the caller: the report still lists what is missing."""
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
                       chunk_rows=chunk_rows, allow_missing=allow_missing)
    except _SeenBefore as seen:
        return ImportReport(file=path.name, status=ImportStatus.ALREADY_IMPORTED, batch_id=seen.batch.id,
                            file_hash=seen.batch.file_hash, rows_read=seen.batch.rows_read,
                            encoding=seen.batch.encoding, sheet=seen.batch.sheet or None, sheets=seen.sheets)
    finally:
        hasher.shutdown(wait=True)


class _SeenBefore(Exception):
    def __init__(self, batch: ImportBatch, sheets: list | None = None):
        self.batch, self.sheets = batch, sheets or []


def _stored_sheets(ws, digest: str) -> dict[str, ImportBatch]:
    """Sheet ("" for a CSV) -> its batch, for what of this file is stored already."""
    with ws.Session() as s:
        return {b.sheet or "": b for b in s.scalars(select(ImportBatch).where(ImportBatch.kind == "records",
                                                                          ImportBatch.file_hash == digest))}


def _check_seen(ws, digest_f, wait: bool) -> None:
    """A CSV stored before stops its import as soon as the digest is known."""
    if not wait and not digest_f.done():
        return
    digest = digest_f.result()[0]
    prior = _stored_sheets(ws, digest).get("")
    if prior is not None:
        with ws.Session() as s:
            if awaits_restore(s, prior.id):
                return  # it lost samples when another batch was removed: import again, storing only what is missing
    if prior is not None:
        raise _SeenBefore(prior)


@dataclass
class _Unit:
    """One sheet (or the CSV) of the file: what staging read, then what the commit stored."""

    table: Table
    values: ValueReport = field(default_factory=ValueReport)
    pieces: dict = field(default_factory=dict)  # (vin, month) -> staged Arrow files
    plates: dict = field(default_factory=dict)
    rows_read: int = 0
    valid: Counter = field(default_factory=Counter)  # key field -> valid values read
    batch: ImportBatch | None = None
    kept: int = 0
    coverage: dict = field(default_factory=dict)
    vehicle_ids: dict = field(default_factory=dict)  # VIN -> vehicle id, once committed

    @property
    def sheet_key(self) -> str:
        return self.table.sheet or ""

    @property
    def stored(self) -> ImportBatch:
        """The batch row, once _commit_unit() has made it."""
        if self.batch is None:
            raise RuntimeError("the unit has no batch before its commit")
        return self.batch


@dataclass
class _Run:
    """What every stage of one file's import shares, instead of a dozen parameters passed along."""

    ws: Workspace
    path: Path
    digest_f: Future[tuple[str, int]]  # (sha256, size) computed beside the reading
    size: int
    fields: dict[str, Field]
    cancel: CancelToken
    prog: Throttled
    chunk_rows: int
    workbook: bool = False  # a workbook's sheets are checked for re-import up front, a CSV while it reads
    digest: str = ""  # known once staging is done
    written: list[str] = field(default_factory=list)  # raw files written: removed again if the commit fails
    partitions_done: int = 0
    partitions_total: int = 1

    def check_seen(self, wait: bool) -> None:
        _check_seen(self.ws, self.digest_f, wait)


@dataclass
class _PartitionJob:
    """One vehicle-month of one unit: its staged pieces and what is stored for it already."""

    vin: str
    month: str
    files: list[Path]
    vehicle_id: int
    engine: Engine
    old_paths: list[str]


@dataclass
class _Partition:
    """A vehicle-month's new raw piece and the recomputed statistics of the days it touches."""

    path: str
    nbytes: int
    rows: int
    first: datetime
    last: datetime
    stats: pd.DataFrame  # compute_day_stats(): one row per day


def _import(ws, path, digest_f, *, progress, cancel, profile, sheet, chunk_rows, allow_missing) -> ImportReport:
    size = path.stat().st_size
    fields = record_fields()
    # Raw terminal frames (hex log, binary stream, 报文 column) decode into the same chunks as an export's rows.
    capture = open_capture(path)
    if capture is not None:
        export = Export([capture], [], [capture.sheet or ""])  # type: ignore[list-item]
    else:
        try:
            export = open_export(path, fields, required=("vin", "ts"), profile=profile, sheet=sheet)
        except MissingColumns as exc:
            hint = _registry_hint(exc)
            if hint is exc:
                raise
            raise hint from exc
    tables = export.tables
    first = tables[0]
    workbook = first.kind == "excel"
    mapping = {h: f for t in tables for h, f in ((t.headers[p], f) for p, f in t.mapping.items())}
    left_out = {(lo.header, lo.field): lo.as_dict() for t in tables for lo in getattr(t, "left_out", [])}
    report = ImportReport(file=path.name, status=ImportStatus.IMPORTED, encoding=first.encoding, sheet=first.sheet,
                          header_row=first.header_row + 1, mapping=mapping,
                          unknown_columns=list(dict.fromkeys(u for t in tables for u in t.unknown)),
                          left_out_columns=list(left_out.values()))
    if capture is not None and capture.header_row < 0:
        report.header_row = None  # a log has no header row
    sheets = {x.name: SheetResult(x.name, ImportStatus.SKIPPED, x.reason) for x in export.skipped}
    if workbook:  # which sheets are stored already: the rest imports now
        stored = _stored_sheets(ws, digest_f.result()[0])
        with ws.Session() as s:  # a sheet whose samples went with a removed batch imports again (what is missing)
            stored = {name: b for name, b in stored.items() if not awaits_restore(s, b.id)}
        for t in tables:
            if (b := stored.get(t.sheet or "")) is not None:
                sheets[t.sheet or ""] = SheetResult(t.sheet or "", ImportStatus.ALREADY_IMPORTED, rows=b.rows_read,
                                                      batch_id=b.id)
        tables = [t for t in tables if (t.sheet or "") not in stored]
        report.sheets = [sheets[n] for n in export.names if n in sheets]
        if not tables:
            raise _SeenBefore(min((stored[t.sheet or ""] for t in export.tables), key=lambda b: b.id), report.sheets)
        report.sheet = ", ".join(t.sheet or "" for t in tables)
    unmapped = [f for f in KEY_FIELDS if f not in first.mapping.values()]
    if unmapped and allow_missing is not None:
        if not workbook:
            _check_seen(ws, digest_f, wait=True)  # a file stored before is "already imported", not refused
        key_fields.check(path.name, unmapped, [], allow_missing)
    units = [_Unit(t) for t in tables]
    run = _Run(ws, path, digest_f, size, fields, cancel, progress, chunk_rows, workbook=workbook)
    staging = ws.raw.open_staging()  # refuses a raw store of another database before anything is read
    try:
        for k, unit in enumerate(units):
            _stage(run, unit, staging / str(k), sum(u.rows_read for u in units[:k]))
        if not workbook:
            run.check_seen(wait=True)
        report.rows_read = sum(u.rows_read for u in units)
        if capture is not None:
            report.frames = capture.frames.as_dict()
        if report.rows_read == 0:
            raise InputError(Msg("has a header row but no data rows"), file=path.name)
        empty = [f for f in KEY_FIELDS if f not in unmapped and not sum(u.valid[f] for u in units)]
        key_fields.check(path.name, unmapped, empty, allow_missing)
        report.missing_key_fields = unmapped + empty
        allowed = key_fields.normalise_allowed(allow_missing or [])
        report.allowed_missing = [f for f in report.missing_key_fields if f in allowed]
        run.digest = report.file_hash = digest_f.result()[0]
        try:
            _commit(run, units, report)
        except IntegrityError:
            run.check_seen(wait=True)  # the same file committed by another workstation meanwhile
            raise
    except BaseException:
        for rel in run.written:  # files of a batch that will never commit: remove now rather than at the sweep
            (ws.raw.root / rel).unlink(missing_ok=True)
        raise
    finally:
        ws.raw.close_staging(staging)
    if workbook:
        for u in units:
            sheets[u.sheet_key] = SheetResult(u.sheet_key, ImportStatus.IMPORTED, rows=u.rows_read,
                                                   batch_id=u.stored.id)
        report.sheets = [sheets[n] for n in export.names if n in sheets]
    progress(1.0, Msg("done"))
    return report


def _registry_hint(exc: MissingColumns) -> InputError:
    """A vehicle registry given as monitoring records: say what it is rather than only what it lacks."""
    known = set(match_headers(exc.headers, registry_fields()).mapping.values()) if exc.headers else set()
    if "vin" in known and len(known - {"vin", "plate"}) >= 2:
        return InputError(Msg("{error}; it looks like a vehicle registry: import it with “vehicles import”",
                              error=exc.reason), file=exc.file, row=exc.row)
    return exc


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
            with contextlib.suppress(queue.Empty):
                q.get_nowait()
            t.join(timeout=0.05)


def _stage(run: _Run, unit: _Unit, staging: Path, rows_before: int) -> None:
    """Read, convert and spill each chunk per (vin, month) to uncompressed Arrow files: memory stays bounded by
    the chunk size, whatever the file size."""
    table, values, pieces, plates = unit.table, unit.values, unit.pieces, unit.plates
    staging.mkdir(parents=True)
    headers = {f: table.header_of(f) for f in table.mapping.values()}
    keys = [f for f in KEY_FIELDS if f in headers]
    k = 0
    chunks = (table.chunks(run.chunk_rows) if isinstance(table, Capture)
              else iter_chunks(table, run.chunk_rows, TEXT_FIELDS))
    for first_row, chunk in _read_ahead(chunks, run.cancel):
        run.cancel.check()
        if not run.workbook:
            run.check_seen(wait=False)
        unit.rows_read += len(chunk)
        frame = convert_records(chunk, first_row, run.fields, headers, values)
        del chunk
        for f in keys:
            unit.valid[f] += int(frame[f].notna().sum())
        if "plate" in frame:
            first_plates = frame.dropna(subset=["plate"]).drop_duplicates("vin")[["vin", "plate"]]
            for vin, plate in first_plates.itertuples(index=False):
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
        done = rows_before + unit.rows_read
        run.prog(min(0.5, 0.5 * done * 200 / max(run.size, 1)), Msg("{rows} rows read", rows=f"{done:,}"))
    if table.kind == "excel":  # row numbers are the sheet's: say which sheet
        for r in values.rejects + values.not_a_number_examples:
            r.sheet = table.sheet


def _commit(run: _Run, units: list[_Unit], report: ImportReport) -> None:
    """Every unit (sheet) in one transaction: a later sheet sees the partitions an earlier one added, so rows
    repeated across sheets are stored once and day statistics cover both."""
    with run.ws.Session.begin() as s:
        rules = active_rules(s)
        report.ruleset_version = rules.version
        run.partitions_total = max(sum(len(u.pieces) for u in units), 1)
        for unit in units:
            _commit_unit(s, run, unit, rules)
        values = _merged([u.values for u in units])
        kept = sum(u.kept for u in units)
        if isinstance(units[0].table, Capture) and report.frames is not None:
            report.frames["sessions"] = store_sessions(s, units[0].stored.id, *units[0].table.sessions)
        report.rows_imported = kept
        report.rejected = values.rejected
        report.blank_rows = values.blank_rows
        report.duplicates = report.rows_read - report.rejected - report.blank_rows - kept
        report.reject_reasons = dict(values.reject_reasons)
        report.rejects = [r.as_dict() for r in values.rejects]
        report.invalid_values = _invalid_summary(values)
        report.invalid_examples = [r.as_dict() for r in values.not_a_number_examples]
        report.wrong_check_digit = sorted(values.wrong_check_digit)
        coverage: dict[str, dict] = {}
        for u in units:
            for vin, c in u.coverage.items():
                t = coverage.setdefault(vin, {"vin": vin, "rows": 0, "first": c["first"], "last": c["last"], "days": 0})
                t["rows"] += c["rows"]
                t["days"] += c["days"]
                t["first"], t["last"] = min(t["first"], c["first"]), max(t["last"], c["last"])
        report.coverage = sorted(coverage.values(), key=lambda c: c["vin"])
        report.batch_id = units[0].stored.id
        doc = report.as_dict()
        for u in units:
            u.stored.report = {**doc, "batch_sheet": u.sheet_key} if len(units) > 1 else doc
            record_coverage(s, u.stored, u.table, u.vehicle_ids, u.pieces, report)
        run.cancel.check()  # the last moment a cancel can still undo everything


def _commit_unit(s: Session, run: _Run, unit: _Unit, rules: RuleSet) -> None:
    table, pieces, cancel = unit.table, unit.pieces, run.cancel
    # A batch that lost samples when another was removed takes the restored ones; otherwise a new batch.
    batch = reopen_for_restore(s, "records", run.digest, unit.sheet_key) or ImportBatch(
        kind="records", file_name=run.path.name, file_hash=run.digest, file_size=run.size, encoding=table.encoding,
        sheet=unit.sheet_key, imported_at=datetime.now(), imported_by=run.ws.user, rows_read=unit.rows_read,
        report={})
    s.add(batch)
    s.flush()
    unit.batch = batch
    vehicles = ensure_vehicles(s, sorted({vin for vin, _ in pieces}), unit.plates)
    unit.vehicle_ids = {vin: v.id for vin, v in vehicles.items()}
    existing: dict[tuple[int, str], list[str]] = {}
    for vid, month, p in s.execute(select(RawPartition.vehicle_id, RawPartition.month, RawPartition.path)
                                   .where(RawPartition.vehicle_id.in_([v.id for v in vehicles.values()]))):
        existing.setdefault((vid, month), []).append(p)
    engines = engine_specs(s, [v.id for v in vehicles.values()])
    jobs = [_PartitionJob(vin, month, files, vehicles[vin].id, engines[vehicles[vin].id],
                          existing.get((vehicles[vin].id, month), []))
            for (vin, month), files in sorted(pieces.items())]

    def prepare(job: _PartitionJob) -> _Partition | None:
        """Files and arithmetic only (no session): runs on a worker thread."""
        cancel.check()
        return _prepare_partition(run, batch.id, job, rules)

    kept = 0
    coverage = unit.coverage
    # Two threads: Parquet writing and numpy release the GIL, so the second core does real work.
    with ThreadPoolExecutor(max_workers=2) as pool:
        try:
            for job, res in zip(jobs, pool.map(prepare, jobs), strict=True):
                run.partitions_done += 1
                if res is None:
                    continue
                vin, month, vid, n, first, last = job.vin, job.month, job.vehicle_id, res.rows, res.first, res.last
                s.add(RawPartition(batch_id=batch.id, vehicle_id=vid, month=month, path=res.path, rows=n,
                                   bytes=res.nbytes, first_ts=first, last_ts=last))
                upsert(s, table_of(DayStat), to_rows(res.stats, vid, rules.version), ["vehicle_id", "day"])
                kept += n
                c = coverage.setdefault(vin, {"vin": vin, "rows": 0, "first": str(first), "last": str(last), "days": 0})
                c["rows"] += n
                c["days"] += len(res.stats)
                c["first"], c["last"] = min(c["first"], str(first)), max(c["last"], str(last))
                run.prog(0.5 + 0.5 * run.partitions_done / run.partitions_total,
                         Msg("vehicle {vin}, month {month} stored", vin=vin, month=month))
        except BaseException:
            cancel.cancel()  # stop the other worker between partitions
            raise
    v = unit.values
    unit.kept = kept
    batch.rows_imported, batch.rejected = kept, v.rejected
    batch.duplicates = unit.rows_read - v.rejected - v.blank_rows - kept


def _merged(reports: list[ValueReport]) -> ValueReport:
    """One file's figures over its sheets; the first rejects and examples in sheet order."""
    if len(reports) == 1:
        return reports[0]
    out = ValueReport()
    for r in reports:
        out.rejected += r.rejected
        out.blank_rows += r.blank_rows
        out.wrong_check_digit |= r.wrong_check_digit
        for name in ("reject_reasons", "sentinel", "not_ready", "out_of_range", "not_a_number", "missing"):
            getattr(out, name).update(getattr(r, name))
        out.rejects.extend(r.rejects[: max(MAX_REJECT_DETAILS - len(out.rejects), 0)])
        out.not_a_number_examples.extend(
            r.not_a_number_examples[: max(MAX_REJECT_DETAILS - len(out.not_a_number_examples), 0)])
    return out


def _prepare_partition(run: _Run, batch_id: int, job: _PartitionJob, rules: RuleSet) -> _Partition | None:
    """One vehicle-month: merge staged pieces, drop rows stored before, write the raw piece, and recompute the
    touched days' statistics over everything stored for them."""
    ws, old_paths = run.ws, job.old_paths
    new = pa.concat_tables([feather.read_table(p) for p in job.files]).to_pandas()
    new = new.sort_values("ts", kind="stable").drop_duplicates("ts", keep="first", ignore_index=True)
    if old_paths:
        old_ts = ws.raw.read(old_paths, columns=["ts"])["ts"].to_numpy(dtype="datetime64[s]")
        new = new[~np.isin(new["ts"].to_numpy(dtype="datetime64[s]"), old_ts)].reset_index(drop=True)
    if new.empty:
        return None
    rel, nbytes = ws.raw.write(job.vin, job.month, batch_id, new)
    run.written.append(rel)
    ts = new["ts"].to_numpy(dtype="datetime64[s]")
    days = np.unique(ts.astype("datetime64[D]"))
    if old_paths:
        old = ws.raw.read(old_paths, start=days[0], end=days[-1] + np.timedelta64(1, "D"))
        old = old[np.isin(old["ts"].to_numpy(dtype="datetime64[D]"), days)]
        data = pd.concat([old, new], ignore_index=True).sort_values("ts", kind="stable", ignore_index=True)
    else:
        data = new
    stats = compute_day_stats(data, rules, job.engine)
    return _Partition(rel, nbytes, len(new), pd.Timestamp(ts[0]).to_pydatetime(), pd.Timestamp(ts[-1]).to_pydatetime(),
                      stats)


def _invalid_summary(values: ValueReport) -> dict:
    cols = (set(values.sentinel) | set(values.out_of_range) | set(values.not_a_number) | set(values.missing)
            | set(values.not_ready))
    return {c: {"missing": values.missing.get(c, 0), "sentinel": values.sentinel.get(c, 0),
                "not_ready": values.not_ready.get(c, 0), "out_of_range": values.out_of_range.get(c, 0),
                "not_a_number": values.not_a_number.get(c, 0)}
            for c in sorted(cols)}

