"""Importing the vehicle registry: upsert by VIN, every created or changed vehicle an audit event with the
fields before and after. One transaction per file; the same file twice changes nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select

from dieselwatch.errors import InputError
from dieselwatch.ingest.columns import match_headers, record_fields, registry_fields
from dieselwatch.ingest.tables import iter_chunks, open_table
from dieselwatch.ingest.values import MAX_REJECT_DETAILS, Reject
from dieselwatch.ingest.vin import check_digit, is_wellformed, normalise_series
from dieselwatch.messages import Msg, joined
from dieselwatch.progress import CancelToken, ProgressFn, Throttled
from dieselwatch.services.imports import file_sha256
from dieselwatch.services.statuses import ImportStatus
from dieselwatch.services.users import require
from dieselwatch.storage import audit
from dieselwatch.storage.models import ImportBatch, Vehicle
from dieselwatch.workspace import Workspace

REGISTRY_TEXT_LIMITS = {"plate": 16, "owner": 200, "contact": 100, "address": 300, "county": 100,
                        "emission_stage": 20, "vehicle_type": 50, "engine_model": 100, "terminal_id": 50}

# Engine figures: (lowest, highest, message). Rated power and WHTC work feed GB 17691 Annex K work-based windows.
REGISTRY_NUMBERS = {
    "ref_torque_nm": (100, 10000, Msg("reference torque must be a number of N m (100-10000)")),
    "rated_power_kw": (20, 1500, Msg("rated power must be a number of kW (20-1500)")),
    "whtc_work_kwh": (1, 200, Msg("WHTC work must be a number of kWh (1-200)")),
}
ENGINE_FIELDS = tuple(REGISTRY_NUMBERS)


@dataclass
class RegistryReport:
    file: str
    status: ImportStatus
    batch_id: int | None = None
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects: list = field(default_factory=list)
    wrong_check_digit: list = field(default_factory=list)
    unknown_columns: list = field(default_factory=list)
    mapping: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def import_registry(ws: Workspace, path: str | Path, *, progress: ProgressFn | None = None,
                    cancel: CancelToken | None = None, sheet: str | None = None) -> RegistryReport:
    path = Path(path)
    require(ws, "officer", setup_ok=True)
    cancel = cancel or CancelToken()
    prog = Throttled(progress)
    if not path.is_file():
        raise InputError(Msg("does not exist or is not a file"), file=str(path))
    digest, size = file_sha256(path)
    with ws.Session() as s:
        prior = s.scalar(select(ImportBatch).where(ImportBatch.kind == "registry", ImportBatch.file_hash == digest))
        if prior is not None:
            return RegistryReport(file=path.name, status=ImportStatus.ALREADY_IMPORTED, batch_id=prior.id,
                                  rows_read=prior.rows_read)
    fields = registry_fields()
    table = open_table(path, fields, required=("vin",), sheet=sheet, kind="registry")
    _refuse_monitoring_export(table)
    rep = RegistryReport(file=path.name, status=ImportStatus.IMPORTED, unknown_columns=table.unknown,
                         mapping={table.headers[p]: f for p, f in table.mapping.items()})
    frames = [(first, chunk) for first, chunk in iter_chunks(table, 100_000, set(fields))]
    records = _validate(frames, table, rep)
    prog(0.3, Msg("registry rows checked"))
    torque_changed: list[int] = []
    with ws.Session.begin() as s:
        existing = ({v.vin: v for v in s.scalars(select(Vehicle).where(Vehicle.vin.in_(list(records))))}
                    if records else {})
        now = datetime.now()
        for i, (vin, rec) in enumerate(records.items()):
            cancel.check()
            veh = existing.get(vin)
            if veh is None:
                veh = Vehicle(vin=vin, in_registry=True, created_at=now, updated_at=now, **rec)
                s.add(veh)
                s.flush()
                audit.append(s, ws.user, "registry.create", "vehicle", vin, before=None, after=rec,
                             reason=f"registry import {path.name}")
                rep.created += 1
                continue
            changes = {k: v for k, v in rec.items() if v is not None and getattr(veh, k) != v}
            if not changes and veh.in_registry:
                rep.unchanged += 1
                continue
            before = {k: getattr(veh, k) for k in changes}
            if any(f in changes for f in ENGINE_FIELDS):
                torque_changed.append(veh.id)
            for k, v in changes.items():
                setattr(veh, k, v)
            veh.in_registry = True
            veh.updated_at = now
            audit.append(s, ws.user, "registry.update", "vehicle", vin, before=before, after=changes,
                         reason=f"registry import {path.name}")
            rep.updated += 1
            if i % 200 == 0:
                prog(0.3 + 0.7 * i / max(len(records), 1), Msg("vehicle {vin}", vin=vin))
        batch = ImportBatch(kind="registry", file_name=path.name, file_hash=digest, file_size=size,
                            encoding=table.encoding, sheet=table.sheet, imported_at=now, imported_by=ws.user,
                            rows_read=rep.rows_read, rows_imported=rep.created + rep.updated, rejected=rep.rejected,
                            report={})
        s.add(batch)
        s.flush()
        rep.batch_id = batch.id
        batch.report = rep.as_dict()
        cancel.check()
    if torque_changed:
        _rebuild_work_windows(ws, torque_changed)
    prog(1.0, Msg("done"))
    return rep


def _refuse_monitoring_export(table) -> None:
    """A monitoring export has a VIN column too: imported as the registry it would be refused row by row
    ("VIN repeated") or, worse, pass. Its time and measurement columns give it away."""
    m = match_headers(table.headers, record_fields())
    fields = set(m.mapping.values())
    measures = fields - {"vin", "plate", "ts"}
    if "ts" in fields and len(measures) >= 2:
        cols = [table.headers[p] for p, f in m.mapping.items() if f in measures][:4]
        raise InputError(Msg("is a monitoring export (a time column and columns such as {cols}), not a vehicle "
                             "registry: import it as monitoring records (dieselwatch import)", cols=joined(cols)),
                         file=table.path.name)


def _rebuild_work_windows(ws: Workspace, vehicle_ids: list[int]) -> None:
    """Brake-specific NOx needs the reference torque (and Annex K windows rated power and WHTC work): days stored
    before the registry supplied (or changed) them are rebuilt from the raw store, so the next scoring sees the
    work windows."""
    from sqlalchemy import func

    from dieselwatch.services.engines import same_model_vehicles
    from dieselwatch.services.rulesets import active_rules
    from dieselwatch.services.scoring import recompute_from_raw
    from dieselwatch.storage.models import DayStat

    with ws.Session() as s:
        vehicle_ids = same_model_vehicles(s, vehicle_ids)
        first, last = s.execute(select(func.min(DayStat.day), func.max(DayStat.day))
                                .where(DayStat.vehicle_id.in_(vehicle_ids))).one()
        rules = active_rules(s)
    if first is not None:
        recompute_from_raw(ws, first, last, rules, vehicle_ids=vehicle_ids)


def _validate(frames, table, rep: RegistryReport) -> dict[str, dict]:
    records: dict[str, dict] = {}
    first_row_of: dict[str, int] = {}
    hdr = {f: table.header_of(f) for f in table.mapping.values()}

    def reject(row, col, reason, value=""):
        rep.rejected += 1
        if len(rep.rejects) < MAX_REJECT_DETAILS:
            rep.rejects.append(Reject(int(row), col, reason, str(value)[:80]).as_dict())

    for first, chunk in frames:
        rep.rows_read += len(chunk)
        chunk = chunk.reset_index(drop=True)
        vins = normalise_series(chunk["vin"])
        for i in range(len(chunk)):
            row = first + i
            raw = chunk.iloc[i]
            if raw.isna().all():
                rep.rows_read -= 1
                continue
            vin = str(vins.iat[i])  # normalise_series gives text, "" for a blank cell
            if not vin:
                reject(row, hdr["vin"], Msg("VIN missing"))
                continue
            if not is_wellformed(vin):
                reject(row, hdr["vin"], Msg("VIN malformed (17 characters, no I, O or Q)"), vin)
                continue
            if vin[8] != check_digit(vin):
                rep.wrong_check_digit.append(vin)
            if vin in records:
                reject(row, hdr["vin"], Msg("VIN repeated (first at row {row})", row=first_row_of[vin]), vin)
                continue
            rec: dict[str, str | float | None] = {}
            ok = True
            for f, limit in REGISTRY_TEXT_LIMITS.items():
                if f not in chunk:
                    continue
                v = raw[f]
                if v is None or (isinstance(v, float) and np.isnan(v)):
                    continue
                text = str(v).strip()
                if isinstance(v, float) and v.is_integer():
                    text = str(int(v))  # a phone number Excel stored as a number
                if len(text) > limit:
                    reject(row, hdr[f], Msg("longer than {limit} characters", limit=limit), text)
                    ok = False
                    break
                rec[f] = text or None
            for f, (lo, hi, msg) in REGISTRY_NUMBERS.items():
                if not ok or f not in chunk:
                    continue
                v = raw[f]
                if v is not None and not (isinstance(v, float) and np.isnan(v)):
                    parsed = pd.to_numeric(pd.Series([str(v).strip()]), errors="coerce")
                    num = float(parsed.to_numpy(dtype="float64")[0])
                    if np.isnan(num) or not (lo <= num <= hi):
                        reject(row, hdr[f], msg, v)
                        ok = False
                    else:
                        rec[f] = num
            if ok:
                records[vin] = rec
                first_row_of[vin] = row
    if rep.rejected:
        # All-or-nothing: a registry with bad rows is refused whole, with every reason, so the officer fixes
        # the sheet once rather than discovering half of it imported.
        first = rep.rejects[0]
        raise RegistryRejected(rep, InputError(Msg("{n} row(s) refused, first: {first}", n=rep.rejected,
                                                   first=first["reason"]),
                                               file=table.path.name, row=first["row"], column=first["column"]))
    return records


class RegistryRejected(InputError):
    def __init__(self, report: RegistryReport, err: InputError):
        self.report = report
        super().__init__(err.reason, file=err.file, row=err.row, column=err.column)
