"""A vehicle's stored 1 Hz samples, as an officer attaches them to a case: columns named as the exports name
them (the first alias of resources/columns.csv, with its unit), missing values empty, times in Beijing time.
Written as a workbook (split over sheets past Excel's row limit) or as a CSV Excel opens (UTF-8 with BOM).
Tests use it too, to read back what an import stored."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select

from dieselwatch.errors import InputError
from dieselwatch.ingest.columns import record_fields
from dieselwatch.messages import Msg
from dieselwatch.progress import ProgressFn, Throttled
from dieselwatch.services.excel import HEADER_FILL, safe_text, text_width
from dieselwatch.services.users import require
from dieselwatch.storage.models import RawPartition, Vehicle
from dieselwatch.storage.rawstore import schema
from dieselwatch.workspace import Workspace

UNIT_TEXT = {"degC": "℃"}
SHEET_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class SampleColumn:
    field: str  # canonical name (resources/columns.csv)
    header: str  # as an export names it: first alias with the unit, e.g. SCR下游NOx传感器输出值(ppm)
    unit: str
    text: bool


@dataclass
class VehicleSamples:
    vin: str
    plate: str | None
    start: date
    end: date
    columns: list[SampleColumn]  # the time column first
    frame: pd.DataFrame  # ts (Beijing, naive) and one column per field; numbers as float64, missing NaN/None

    @property
    def rows(self) -> int:
        return len(self.frame)

    def records(self) -> list[dict]:
        """JSON-ready rows keyed by canonical field name: missing values None, times as text."""
        out = self.frame.astype(object).where(self.frame.notna(), None)
        out["ts"] = self.frame["ts"].dt.strftime(TIME_FORMAT)
        return out.to_dict("records")

    def as_dict(self) -> dict:
        return {"vin": self.vin, "plate": self.plate, "from": self.start.isoformat(), "to": self.end.isoformat(),
                "rows": self.rows, "columns": [{"field": c.field, "header": c.header, "unit": c.unit}
                                               for c in self.columns],
                "samples": self.records()}


def sample_columns() -> list[SampleColumn]:
    """The time, the VIN, then every field the raw store keeps, in its order."""
    fields = record_fields()
    cols = [SampleColumn("ts", fields["ts"].aliases[0], "", True),
            SampleColumn("vin", fields["vin"].aliases[0], "", True)]
    for name in [f.name for f in schema() if f.name != "ts"]:
        f = fields[name]
        unit = UNIT_TEXT.get(f.unit, f.unit)
        head = f.aliases[0] if f.aliases else name
        cols.append(SampleColumn(name, f"{head}({unit})" if unit else head, f.unit, f.dtype != "float"))
    return cols


def _shortest(col: pd.Series) -> np.ndarray:
    """A stored column as float64. float32 ones keep the digits the sample was written with (12.3, not
    12.300000190734863); the float64 ones (positions, odometer) are exact already."""
    if col.dtype == np.float32:
        return col.to_numpy().astype(str).astype("float64")
    return col.to_numpy(dtype="float64", na_value=np.nan)


def vehicle_samples(ws: Workspace, vin: str, start: date, end: date) -> VehicleSamples:
    require(ws, "officer", setup_ok=True)
    if end < start:
        raise InputError(Msg("the period ends ({end}) before it starts ({start})", end=end, start=start))
    vin = (vin or "").strip().upper()
    # Stored samples lie between 2015 and today (earlier or later times are rejected at import): a period like
    # 0001-01-01..9999-12-31 means "everything", and clamping it keeps the date arithmetic in range.
    start, end = max(start, date(2000, 1, 1)), min(end, date(2100, 12, 31))
    with ws.Session() as s:
        v = s.scalar(select(Vehicle).where(Vehicle.vin == vin))
        if v is None:
            raise InputError(Msg("no vehicle with VIN {vin} in this database", vin=vin))
        months = pd.period_range(start, end, freq="M").strftime("%Y-%m").tolist()
        paths = list(s.scalars(select(RawPartition.path).where(RawPartition.vehicle_id == v.id,
                                                                 RawPartition.month.in_(months))))
        plate = v.plate
        span = s.execute(select(RawPartition.first_ts, RawPartition.last_ts)
                         .where(RawPartition.vehicle_id == v.id)).all()
    data = ws.raw.read(paths, start=np.datetime64(start, "s"), end=np.datetime64(end + timedelta(days=1), "s")) \
        if paths else pd.DataFrame()
    if not len(data):
        if span:
            first, last = min(a for a, _ in span), max(b for _, b in span)
            raise InputError(Msg("no samples of {vin} from {start} to {end}; its stored samples run from {first} to "
                                 "{last}", vin=vin, start=start, end=end, first=first.date(), last=last.date()))
        raise InputError(Msg("no samples of {vin} are stored", vin=vin))
    cols = sample_columns()
    frame = pd.DataFrame({"ts": pd.to_datetime(data["ts"].to_numpy(dtype="datetime64[s]"))})
    frame["vin"] = vin
    for c in cols[2:]:
        if c.field not in data:
            frame[c.field] = None if c.text else np.nan
        elif c.text:
            frame[c.field] = data[c.field].astype(object).where(data[c.field].notna(), None)
        else:
            frame[c.field] = _shortest(data[c.field])
    return VehicleSamples(vin, plate, start, end, cols, frame[[c.field for c in cols]])


def write_samples(samples: VehicleSamples, out: Path, *, force: bool = False,
                  progress: ProgressFn | None = None) -> Path:
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InputError(Msg("write samples to a .xlsx or .csv file"), file=str(out))
    if out.exists() and not force:
        raise InputError(Msg("already exists; choose another name or overwrite it with --force"), file=str(out))
    if not out.parent.is_dir():  # as every --out: a missing folder is a typo to report, not to create
        raise InputError(Msg("cannot be written: folder {folder} does not exist", folder=str(out.parent)),
                         file=str(out))
    tmp = out.with_name(out.name + ".tmp")
    try:
        (_write_xlsx if suffix == ".xlsx" else _write_csv)(samples, tmp, Throttled(progress))
        os.replace(tmp, out)  # never a half-written file under the real name
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _write_csv(samples: VehicleSamples, path: Path, prog) -> None:
    frame = samples.frame.copy()
    frame["ts"] = frame["ts"].dt.strftime(TIME_FORMAT)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:  # the BOM tells Excel it is UTF-8
        w = csv.writer(fh)
        w.writerow([c.header for c in samples.columns])
        step = 200_000
        for i in range(0, len(frame), step):
            frame.iloc[i:i + step].to_csv(fh, header=False, index=False, na_rep="", lineterminator="\r\n")
            prog(min(1.0, (i + step) / max(len(frame), 1)),
                 Msg("{rows} rows written", rows=f"{min(i + step, len(frame)):,}"))


def _write_xlsx(samples: VehicleSamples, path: Path, prog) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    headers = [c.header for c in samples.columns]
    widths = [max(text_width(h) + 2, 12) for h in headers]
    widths[0] = 20
    frame = samples.frame
    text_cols = [i for i, c in enumerate(samples.columns) if c.text and i > 0]
    n = len(frame)
    for part, lo in enumerate(range(0, max(n, 1), SHEET_ROWS)):
        sh = wb.create_sheet(samples.vin if lo == 0 else f"{samples.vin} ({part + 1})")
        sh.freeze_panes = "A2"
        for i, wdt in enumerate(widths, start=1):
            sh.column_dimensions[get_column_letter(i)].width = wdt
        head = []
        for h in headers:
            cell = WriteOnlyCell(sh, value=safe_text(h))
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            head.append(cell)
        sh.append(head)
        chunk = frame.iloc[lo:lo + SHEET_ROWS]
        times = chunk["ts"].dt.to_pydatetime()
        values = chunk.drop(columns=["ts"]).astype(object).where(chunk.drop(columns=["ts"]).notna(), None)
        for k, (t, row) in enumerate(zip(times, values.itertuples(index=False, name=None), strict=True)):
            cells = [_time_cell(sh, t), *row]
            for i in text_cols:
                cells[i] = safe_text(cells[i])
            sh.append(cells)
            if k % 50_000 == 0:
                prog((lo + k) / max(n, 1), Msg("{rows} rows written", rows=f"{lo + k:,}"))
    wb.save(path)


def _time_cell(sh, t: datetime):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sh, value=t)
    cell.number_format = "yyyy-mm-dd hh:mm:ss"
    return cell
