"""Turn a raw chunk into typed values. Sentinels, unparseable text and out-of-range numbers become missing
(counted per column, never a number); rows without a usable VIN or time are rejected with row and column."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from dieselwatch.ingest.columns import Field
from dieselwatch.ingest.vin import check_unique, normalise_series
from dieselwatch.messages import Msg

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
MIN_TIME = pd.Timestamp("2015-01-01")  # older than any China VI terminal: a wrong clock or a wrong column
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y%m%d%H%M%S", "%Y-%m-%d %H:%M:%S.%f",
                "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")
MAX_REJECT_DETAILS = 100
# Raw samples keep float32 (7 significant digits is finer than every field's resolution) except these.
FLOAT64_FIELDS = {"lon", "lat", "odometer"}


@dataclass
class Reject:
    row: int
    column: str
    reason: str
    value: str = ""
    sheet: str | None = None  # in a workbook of several sheets, row numbers are the sheet's

    def as_dict(self) -> dict:
        d = {"row": self.row, "column": self.column, "reason": self.reason, "value": self.value}
        if self.sheet is not None:
            d["sheet"] = self.sheet
        return d


@dataclass
class ValueReport:
    """What conversion did to one file, accumulated over its chunks."""

    rejected: int = 0
    reject_reasons: Counter = field(default_factory=Counter)
    rejects: list[Reject] = field(default_factory=list)
    blank_rows: int = 0
    sentinel: Counter = field(default_factory=Counter)  # per column: values that mean "invalid"
    not_ready: Counter = field(default_factory=Counter)  # per column: a sensor not ready yet (NOx -200 ppm)
    out_of_range: Counter = field(default_factory=Counter)
    not_a_number: Counter = field(default_factory=Counter)
    missing: Counter = field(default_factory=Counter)
    not_a_number_examples: list[Reject] = field(default_factory=list)
    wrong_check_digit: set[str] = field(default_factory=set)

    _pending: list[Reject] = field(default_factory=list)

    def reject(self, rows: np.ndarray, column: str, reason: str, values) -> None:
        self.rejected += len(rows)
        self.reject_reasons[reason] += len(rows)
        for r, v in list(zip(rows, values, strict=True))[:MAX_REJECT_DETAILS]:
            self._pending.append(Reject(int(r), column, reason, "" if v is None else str(v)[:80]))

    def end_chunk(self) -> None:
        """Keep the first rejects in file order, as an officer reads the sheet."""
        room = MAX_REJECT_DETAILS - len(self.rejects)
        self.rejects.extend(sorted(self._pending, key=lambda r: r.row)[: max(room, 0)])
        self._pending.clear()


def parse_times(s: pd.Series) -> pd.Series:
    """Beijing local time, naive, second resolution. Formats of docs/domain.md section 2 plus Excel serial dates
    and datetimes calamine already decoded. Anything else becomes NaT for the caller to reject."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.astype("datetime64[s]")
    if pd.api.types.is_numeric_dtype(s):
        return _numeric_times(pd.to_numeric(s, errors="coerce"))
    kind = pd.api.types.infer_dtype(s, skipna=True)  # one C pass: "string", "datetime", "floating", "mixed"...
    if kind in ("datetime", "datetime64"):
        return pd.to_datetime(s, errors="coerce").astype("datetime64[s]")
    if kind in ("floating", "integer", "mixed-integer-float"):
        return _numeric_times(pd.to_numeric(s, errors="coerce"))
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[s]")
    todo = s.notna().to_numpy().copy()
    if kind != "string":  # Excel cells of several types: sort each cell out individually below
        return _mixed_times(s, out, todo)
    # Whole-column attempts first: an export uses one format, so this is one vectorised call in practice.
    for fmt in TIME_FORMATS:
        if not todo.any():
            return out
        part = s[todo]
        parsed = pd.to_datetime(part, format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy()
        if ok.any():
            pos = np.flatnonzero(todo)[ok]
            out.iloc[pos] = parsed[ok].to_numpy(dtype="datetime64[s]")
            todo[pos] = False
    if todo.any():  # "46082.33" (a serial date exported as text) or "20260301080000" as text
        return _mixed_times(s, out, todo)
    return out


def _mixed_times(s: pd.Series, out: pd.Series, todo: np.ndarray) -> pd.Series:
    """Cell by cell: datetime objects, serial numbers, numbers as text, and any of TIME_FORMATS as text."""
    pos = np.flatnonzero(todo)
    nat = np.datetime64("NaT", "s")
    vals: list[np.datetime64] = []
    for v in s.iloc[pos]:
        if isinstance(v, datetime):
            vals.append(np.datetime64(v.replace(tzinfo=None), "s"))
            continue
        if isinstance(v, str):
            v = v.strip()
            for fmt in TIME_FORMATS:
                try:
                    vals.append(np.datetime64(datetime.strptime(v, fmt), "s"))
                    break
                except ValueError:
                    continue
            else:
                num = pd.to_numeric(v, errors="coerce")
                vals.append(_numeric_times(pd.Series([num], dtype="float64")).iloc[0].to_datetime64()
                            if pd.notna(num) else nat)
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            vals.append(_numeric_times(pd.Series([v], dtype="float64")).iloc[0].to_datetime64())
            continue
        vals.append(nat)
    out.iloc[pos] = np.array(vals, dtype="datetime64[s]")
    return out


def _numeric_times(x: pd.Series) -> pd.Series:
    out = pd.Series(pd.NaT, index=x.index, dtype="datetime64[s]")
    compact = (x >= 2.0e13) & (x < 2.1e13)  # 20260301080000
    if compact.any():
        out[compact] = pd.to_datetime(x[compact].astype("int64").astype("str"), format="%Y%m%d%H%M%S",
                                      errors="coerce").astype("datetime64[s]")
    serial = (x > 20000) & (x < 80000)  # Excel serial days: 1954..2119
    if serial.any():
        secs = np.round(x[serial].to_numpy(dtype="float64") * 86400.0).astype("int64")
        out[serial] = (EXCEL_EPOCH + pd.to_timedelta(secs, unit="s")).astype("datetime64[s]")
    return out


def convert_records(chunk: pd.DataFrame, first_row: int, fields: dict[str, Field], headers: dict[str, str],
                    report: ValueReport, now: datetime | None = None) -> pd.DataFrame:
    """Typed frame with canonical columns (vin, ts, and every mapped measurement), rejected rows removed."""
    rows = np.arange(first_row, first_row + len(chunk))
    chunk = chunk.reset_index(drop=True)
    blank = (chunk["vin"].isna() & chunk["ts"].isna()).to_numpy().copy()  # cheap first cut: a blank row has neither
    if blank.any():
        blank[blank] = chunk[blank].isna().all(axis=1).to_numpy()
    if blank.any():
        report.blank_rows += int(blank.sum())
    keep = ~blank
    vin = normalise_series(chunk["vin"])
    vin_na = (vin == "").to_numpy()
    bad_vins, wrong = check_unique(pd.unique(vin[~vin_na & keep]))
    report.wrong_check_digit |= wrong
    bad = keep & vin_na
    if bad.any():
        report.reject(rows[bad], headers["vin"], Msg("VIN missing"), [""] * int(bad.sum()))
    malformed = keep & ~vin_na & vin.isin(bad_vins).to_numpy()
    if malformed.any():
        report.reject(rows[malformed], headers["vin"], Msg("VIN malformed (17 characters, no I, O or Q)"),
                      vin[malformed].tolist())
    keep &= ~(vin_na | malformed)

    ts = parse_times(chunk["ts"])
    limit = pd.Timestamp(now or datetime.now()) + timedelta(days=1)
    nat = keep & ts.isna().to_numpy()
    if nat.any():
        report.reject(rows[nat], headers["ts"], Msg("time not understood"), chunk["ts"][nat].tolist())
    keep &= ~nat
    out_t = keep & ((ts < MIN_TIME) | (ts > limit)).to_numpy()
    if out_t.any():
        report.reject(rows[out_t], headers["ts"], Msg("time before 2015 or in the future"),
                      ts[out_t].astype(str).tolist())
    keep &= ~out_t

    out = {"vin": vin[keep].to_numpy(dtype=object), "ts": ts[keep].to_numpy(dtype="datetime64[s]")}
    for name in chunk.columns:
        if name in ("vin", "ts"):
            continue
        f = fields[name]
        col = chunk[name][keep]
        if f.dtype == "text":
            codes, uniques = pd.factorize(col, use_na_sentinel=True)  # few distinct CALIDs, many rows
            clean = np.array([str(u).strip() or None for u in uniques] + [None], dtype=object)
            out[name] = clean[codes]
            continue
        out[name] = _numeric(col, f, rows[keep], headers[name], report)
    report.end_chunk()
    # Text stays object dtype: pandas 3 would otherwise convert every string to Arrow (half this function's time).
    frame = pd.DataFrame({k: (pd.Series(v, dtype=object, copy=False) if v.dtype == object else v)
                          for k, v in out.items()}, copy=False)  # no consolidating copy of ~100 MB a chunk
    if "lon" in frame and "lat" in frame and "gnss_status" in frame:
        st = frame["gnss_status"].fillna(0).astype("int64")
        frame.loc[(st & 2) > 0, "lat"] *= -1
        frame.loc[(st & 4) > 0, "lon"] *= -1
        frame.loc[(st & 1) > 0, ["lon", "lat"]] = np.nan  # no valid fix: the position is not a position
    return frame


def _float_or_nan(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError, OverflowError):
        return np.nan


def _numeric(col: pd.Series, f: Field, rows: np.ndarray, header: str, report: ValueReport) -> np.ndarray:
    blank = int(col.isna().sum())  # empty cells and text markers such as FF or 无效 (read as missing)
    if blank:
        report.missing[header] += blank
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        x = col.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    else:
        try:
            x = np.array(pd.to_numeric(col, errors="coerce"), dtype="float64")
        except OverflowError:  # a 400-digit integer: pandas raises even with coerce; float() gives inf (out of range)
            x = np.array([_float_or_nan(v) for v in col], dtype="float64")
        junk = np.isnan(x) & col.notna().to_numpy()
        if junk.any():
            # "FFFF " with spaces, hex, units typed into cells: the value is missing, and the officer is told.
            text = col.astype("str").str.strip()
            retry = pd.to_numeric(text[junk], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            x[np.flatnonzero(junk)] = retry
            marker = text.str.upper().isin(["FF", "FFFF", "FE", "FFFFFFFF", "无效", "异常"]).to_numpy()
            report.missing[header] += int((junk & marker).sum())
            junk = np.isnan(x) & col.notna().to_numpy() & ~marker
            report.not_a_number[header] += int(junk.sum())
            room = MAX_REJECT_DETAILS - len(report.not_a_number_examples)
            for r, v in list(zip(rows[junk], col[junk], strict=True))[: max(room, 0)]:
                report.not_a_number_examples.append(Reject(int(r), header, "not a number", str(v)[:80]))
    if f.sentinels:
        with np.errstate(over="ignore", invalid="ignore"):  # 1e308 typed into a cell is out of range anyway
            sent = np.isin(np.round(x, 5), np.round(np.asarray(f.sentinels), 5))
        if sent.any():
            report.sentinel[header] += int(sent.sum())
            x[sent] = np.nan
    if f.not_ready:
        nr = np.isin(x, np.asarray(f.not_ready))  # exact: -200 is the decoded raw 0, not a rounded reading
        if nr.any():
            report.not_ready[header] += int(nr.sum())
            x[nr] = np.nan
    if f.min is not None and f.max is not None:
        with np.errstate(invalid="ignore"):
            oor = (x < f.min) | (x > f.max)
        if oor.any():
            report.out_of_range[header] += int(oor.sum())
            x[oor] = np.nan
    return x if f.name in FLOAT64_FIELDS else x.astype("float32")
