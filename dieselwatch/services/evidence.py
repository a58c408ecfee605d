"""The evidence behind a vehicle's reasons, one Beijing day at 1 Hz, ready to plot.

The day plot shows what the latest score's reasons rest on: NOx with the screening threshold, the smoothed
trace and the spans above it for an exceedance reason; the reagent level against the fuel burnt for a reagent
reason; MIL and trouble codes for an OBD reason. Smoothing and spans come from the same functions the day
statistics use (scoring.exceedance), so the shaded seconds are the seconds the score counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from dieselwatch.scoring.exceedance import smoothed_down, valid_operation
from dieselwatch.services.rulesets import active_rules
from dieselwatch.storage.models import DayStat, RawPartition, Score, ScoreRun, Vehicle
from dieselwatch.workspace import Workspace


class Panel(StrEnum):
    """Stacked panels of the day plot, top to bottom."""

    NOX = "nox"
    REAGENT = "reagent"
    OBD = "obd"
    SCR = "scr"
    SPEED = "speed"


# Reasons whose evidence is smoothed tailpipe NOx above the screening threshold: they get the threshold line, the
# smoothed trace and the shaded spans (brake-specific reasons rest on mass per work, not on the ppm threshold).
EXCEEDANCE_CODES = frozenset({"EXC_SHARE", "EXC_DAYS"})
REAGENT_PREFIX = "TAMPER_REAGENT_"
RAW_COLUMNS = ["ts", "speed", "nox_up", "nox_down", "scr_in", "rpm", "coolant", "torque_actual", "torque_friction",
               "reagent", "fuel_rate", "mil", "dtc_count"]
SERIES_COLUMNS = ["ts", "speed", "nox_up", "nox_down", "nox_smooth", "valid", "exceed", "scr_in", "reagent",
                  "fuel_cum", "mil", "dtc_count"]


@dataclass(frozen=True)
class Span:
    """Consecutive samples whose smoothed downstream NOx is above the threshold: start <= ts < end."""

    start: datetime
    end: datetime
    samples: int  # seconds counted (1 Hz samples), what the day statistics count as exceedance


@dataclass(frozen=True)
class Reason:
    code: str
    category: str
    severity: str


@dataclass(frozen=True)
class DayEvidence:
    vehicle_id: int
    vin: str
    plate: str
    day: date
    series: pd.DataFrame  # SERIES_COLUMNS, sorted by ts (Beijing wall-clock, no zone)
    threshold_ppm: float  # the active rule set's screening threshold (筛查阈值, not a legal limit)
    window_s: int  # smoothing window of nox_smooth
    scr_min_c: float  # SCR inlet temperature from which operation counts as valid
    ruleset_version: str
    reasons: tuple[Reason, ...]  # of the vehicle's score in the latest run (empty: clean or not scored)
    panels: tuple[Panel, ...]  # what the reasons call for, top to bottom
    exceedance: bool  # show threshold, smoothed trace and spans
    spans: tuple[Span, ...]

    @property
    def exceed_seconds(self) -> int:
        return sum(s.samples for s in self.spans)

    @property
    def empty(self) -> bool:
        return self.series.empty


def panels_for(reasons: tuple[Reason, ...] | list[Reason]) -> tuple[tuple[Panel, ...], bool]:
    """The panels a vehicle's reasons call for, and whether they rest on exceedance of the threshold."""
    codes = {r.code for r in reasons}
    panels = [Panel.NOX]
    if any(c.startswith(REAGENT_PREFIX) for c in codes):
        panels.append(Panel.REAGENT)
    if any(r.category == "obd" for r in reasons):
        panels.append(Panel.OBD)
    panels += [Panel.SCR, Panel.SPEED]
    return tuple(panels), bool(codes & EXCEEDANCE_CODES)


def exceedance_spans(ts: np.ndarray, exceed: np.ndarray, max_gap_s: float) -> tuple[Span, ...]:
    """Runs of exceeding samples; a silence longer than max_gap_s (lost packets, a stop) ends a run."""
    idx = np.flatnonzero(exceed)
    if not len(idx):
        return ()
    t = ts.astype("datetime64[s]").astype("int64")
    # A run breaks where a non-exceeding sample lies between two exceeding ones, or where time jumps.
    brk = np.flatnonzero((np.diff(idx) > 1) | (np.diff(t[idx]) > max_gap_s)) + 1
    out = []
    for run in np.split(idx, brk):
        start, last = pd.Timestamp(ts[run[0]]).to_pydatetime(), pd.Timestamp(ts[run[-1]]).to_pydatetime()
        out.append(Span(start, last + timedelta(seconds=1), len(run)))
    return tuple(out)


def _col(df: pd.DataFrame, name: str) -> np.ndarray:
    return df[name].to_numpy(dtype="float64", na_value=np.nan)


def cumulative_fuel(ts: np.ndarray, fuel_rate: np.ndarray, running: np.ndarray, gap_s: float) -> np.ndarray:
    """Litres burnt since the first sample of the day: the fuel rate (L/h) over each sample's interval, capped at
    gap_s so a silence adds no fuel the terminal did not report."""
    t = ts.astype("datetime64[s]").astype("int64")
    step = np.minimum(np.r_[1, np.diff(t)], gap_s) if len(t) else np.zeros(0)
    return np.cumsum(np.where(running, np.nan_to_num(fuel_rate) / 3600.0 * step, 0.0))


def day_evidence(ws: Workspace, vehicle_id: int, day: date) -> DayEvidence:
    """One Beijing day of a vehicle's samples with what its latest score's reasons call for. An unknown vehicle
    or a day without samples gives an evidence with an empty series."""
    with ws.Session.begin() as s:
        rules = active_rules(s)
        v = s.get(Vehicle, vehicle_id)
        run_id = s.scalar(select(func.max(ScoreRun.id)))
        stored = s.scalar(select(Score.reasons).where(Score.vehicle_id == vehicle_id, Score.run_id == run_id)) \
            if run_id is not None else None
        ex = rules["exceedance"]
        # The centred smoothing window reaches across midnight, as it does when the day statistics are computed:
        # read that margin too (from the neighbouring month's pieces if need be), then keep the day.
        margin = timedelta(seconds=int(ex["smoothing_s"]))
        lo, hi = datetime.combine(day, datetime.min.time()) - margin, datetime.combine(day, datetime.min.time()) \
            + timedelta(days=1) + margin
        months = sorted({f"{lo:%Y-%m}", f"{day:%Y-%m}", f"{hi:%Y-%m}"})
        paths = list(s.scalars(select(RawPartition.path).where(RawPartition.vehicle_id == vehicle_id,
                                                                RawPartition.month.in_(months))))
    reasons = tuple(Reason(r["code"], r["category"], r["severity"]) for r in (stored or []))
    panels, exceedance = panels_for(reasons)
    validity, data = rules["validity"], rules["data"]
    raw = ws.raw.read(paths, columns=RAW_COLUMNS, start=np.datetime64(lo, "s"), end=np.datetime64(hi, "s"))
    raw = raw.drop_duplicates("ts", keep="first", ignore_index=True)
    ts = raw["ts"].to_numpy(dtype="datetime64[s]")
    down, rpm = _col(raw, "nox_down"), _col(raw, "rpm")
    net = _col(raw, "torque_actual") - np.nan_to_num(_col(raw, "torque_friction"))
    valid = valid_operation(rpm, _col(raw, "coolant"), _col(raw, "scr_in"), net, down, validity)
    smooth = smoothed_down(ts, down, valid, ex["smoothing_s"])
    keep = ts.astype("datetime64[D]") == np.datetime64(day, "D")
    raw, ts, valid, smooth, rpm = raw[keep].reset_index(drop=True), ts[keep], valid[keep], smooth[keep], rpm[keep]
    with np.errstate(invalid="ignore"):
        exceed = valid & (smooth > ex["threshold_ppm"])
        running = rpm >= validity["rpm_min"]
    series = pd.DataFrame({
        "ts": raw["ts"], "speed": raw["speed"], "nox_up": raw["nox_up"], "nox_down": raw["nox_down"],
        "nox_smooth": smooth, "valid": valid, "exceed": exceed, "scr_in": raw["scr_in"], "reagent": raw["reagent"],
        "fuel_cum": cumulative_fuel(ts, _col(raw, "fuel_rate"), running, data["gap_min_s"]),
        "mil": raw["mil"], "dtc_count": raw["dtc_count"]}, columns=SERIES_COLUMNS)
    return DayEvidence(
        vehicle_id=vehicle_id, vin=v.vin if v else "", plate=(v.plate or "") if v else "", day=day, series=series,
        threshold_ppm=float(ex["threshold_ppm"]), window_s=int(ex["smoothing_s"]),
        scr_min_c=float(validity["scr_in_min_c"]), ruleset_version=rules.version, reasons=reasons, panels=panels,
        exceedance=exceedance, spans=exceedance_spans(ts, exceed, data["gap_min_s"]))


def evidence_day(ws: Workspace, vehicle_id: int) -> date | None:
    """The stored day that shows a vehicle's evidence best: the most exceedance, then the most running, then the
    latest. None for a vehicle without stored days."""
    with ws.Session() as s:
        row = s.execute(select(DayStat.day).where(DayStat.vehicle_id == vehicle_id)
                        .order_by(DayStat.n_exceed.desc(), DayStat.n_running.desc(), DayStat.day.desc())
                        .limit(1)).first()
    return None if row is None else row[0]


def vehicle_id(ws: Workspace, vin: str) -> int | None:
    with ws.Session() as s:
        return s.scalar(select(Vehicle.id).where(Vehicle.vin == vin))


@dataclass(frozen=True)
class ExceedanceRule:
    """The active rule set's exceedance figures, for charts that draw them."""

    threshold_ppm: float
    window_s: int
    day_min_minutes: float
    ruleset_version: str


def exceedance_rule(ws: Workspace) -> ExceedanceRule:
    with ws.Session.begin() as s:
        rules = active_rules(s)
    ex = rules["exceedance"]
    return ExceedanceRule(float(ex["threshold_ppm"]), int(ex["smoothing_s"]), float(ex["day_min_minutes"]),
                          rules.version)


def example_vehicles(ws: Workspace) -> dict[Panel, int]:
    """Per evidence kind, a vehicle of the latest run whose reasons call for it (lowest score first): NOX for an
    exceedance reason, REAGENT, OBD. For screenshots and the user guide."""
    with ws.Session() as s:
        run_id = s.scalar(select(func.max(ScoreRun.id)))
        rows = s.execute(select(Score.vehicle_id, Score.reasons).where(Score.run_id == run_id)
                         .order_by(Score.score, Score.vehicle_id)).all() if run_id is not None else []
    out: dict[Panel, int] = {}
    for vid, stored in rows:
        reasons = [Reason(r["code"], r["category"], r["severity"]) for r in (stored or [])]
        panels, exceedance = panels_for(reasons)
        if exceedance:
            out.setdefault(Panel.NOX, vid)
        for panel in (Panel.REAGENT, Panel.OBD):
            if panel in panels:
                out.setdefault(panel, vid)
    return out
