"""Read models for the desktop app and reports: the vehicle table with the latest score, fleet counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict

import numpy as np
import pandas as pd
from sqlalchemy import Integer, func, select

from dieselwatch.errors import InputError
from dieselwatch.messages import Msg, sentences
from dieselwatch.storage.models import DayStat, ImportBatch, ListEntry, RawPartition, Score, ScoreRun, Vehicle
from dieselwatch.workspace import Workspace


@dataclass(frozen=True)
class VehicleRow:
    id: int
    vin: str
    plate: str
    owner: str
    county: str
    score: int | None
    proposal: str
    reasons: str  # first reasons' texts, joined
    listed: str = ""  # the list the vehicle is on now (black, watch, white), or ""


def latest_run(ws: Workspace) -> ScoreRun | None:
    with ws.Session() as s:
        return s.scalar(select(ScoreRun).where(ScoreRun.trial.is_(False)).order_by(ScoreRun.id.desc()).limit(1))


def vehicle_rows(ws: Workspace, lang: str = "zh") -> list[VehicleRow]:
    """Every vehicle with its score in the latest run: one query, whatever the fleet size."""
    run = latest_run(ws)
    key = "text" if lang.startswith("zh") else "text_en"
    with ws.Session() as s:
        q = select(Vehicle.id, Vehicle.vin, Vehicle.plate, Vehicle.owner, Vehicle.county, Score.score,
                   Score.proposal, Score.reasons).outerjoin(
            Score, (Score.vehicle_id == Vehicle.id) & (Score.run_id == (run.id if run else -1)))
        listed = dict(s.execute(select(ListEntry.vehicle_id, ListEntry.list_kind).where(
            ListEntry.status.in_(("active", "removal_pending")))).all())
        out = []
        for vid, vin, plate, owner, county, score, proposal, reasons in s.execute(q.order_by(Vehicle.vin)):
            out.append(VehicleRow(vid, vin, plate or "", owner or "", county or "", score, proposal or "",
                                  sentences(r[key] for r in (reasons or [])[:3]), listed.get(vid, "")))
        return out


# TypedDicts (dict access keeps working for callers); "from" is a keyword, hence the functional form.
RunInfo = TypedDict("RunInfo", {"from": date, "to": date, "ruleset": str})
LatestRun = TypedDict("LatestRun", {"id": int, "from": date, "to": date, "ruleset": str, "at": datetime})


class ScoreInfo(TypedDict):
    score: int
    proposal: str
    reasons: list
    metrics: dict


class VehicleDetail(TypedDict):
    vin: str
    plate: str | None
    owner: str | None
    contact: str | None
    address: str | None
    county: str | None
    emission_stage: str | None
    engine_model: str | None
    ref_torque_nm: float | None
    in_registry: bool
    days_stored: int
    score: ScoreInfo | None  # in the latest scoring run
    run: RunInfo | None


class LastImport(TypedDict):
    file: str
    at: datetime


class FleetSummary(TypedDict):
    lists: dict[str, int]  # list kind -> active entries (removal pending included)
    pending: int  # proposals and removals awaiting a decision
    vehicles: int
    in_registry: int
    records: int
    last_import: LastImport | None
    data_from: date | None
    data_to: date | None
    proposals: dict[str, int]  # proposal -> vehicles, in the latest run
    run: LatestRun | None


def vehicle_detail(ws: Workspace, vehicle_id: int) -> VehicleDetail:
    run = latest_run(ws)
    with ws.Session() as s:
        v = s.get(Vehicle, vehicle_id)
        if v is None:  # removed with its batch since the list was shown
            raise InputError(Msg("no vehicle with id {id} in this database (removed?)", id=vehicle_id))
        sc = s.scalar(select(Score).where(Score.vehicle_id == vehicle_id, Score.run_id == run.id)) if run else None
        days = s.scalar(select(func.count()).select_from(DayStat).where(DayStat.vehicle_id == vehicle_id))
        return VehicleDetail(
            vin=v.vin, plate=v.plate, owner=v.owner, contact=v.contact, address=v.address,
            county=v.county, emission_stage=v.emission_stage, engine_model=v.engine_model,
            ref_torque_nm=v.ref_torque_nm, in_registry=v.in_registry, days_stored=days or 0,
            score=None if sc is None else ScoreInfo(score=sc.score, proposal=sc.proposal, reasons=sc.reasons,
                                                    metrics=sc.metrics),
            run=None if run is None else RunInfo({"from": run.period_from, "to": run.period_to,
                                                  "ruleset": run.ruleset_version}),
        )


def fleet_summary(ws: Workspace) -> FleetSummary:
    run = latest_run(ws)
    with ws.Session() as s:
        n_veh = s.scalar(select(func.count()).select_from(Vehicle))
        n_reg = s.scalar(select(func.count()).select_from(Vehicle).where(Vehicle.in_registry.is_(True)))
        last = s.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(1))
        rows = s.scalar(select(func.sum(ImportBatch.rows_imported)).where(ImportBatch.kind == "records")) or 0
        proposals = dict(s.execute(select(Score.proposal, func.count()).where(Score.run_id == run.id)
                                   .group_by(Score.proposal)).all()) if run else {}
        span = s.execute(select(func.min(DayStat.day), func.max(DayStat.day))).one()
        listed = dict(s.execute(select(ListEntry.list_kind, func.count()).where(
            ListEntry.status.in_(("active", "removal_pending"))).group_by(ListEntry.list_kind)).all())
        pending = s.scalar(select(func.count()).select_from(ListEntry).where(
            ListEntry.status.in_(("proposed", "removal_pending")))) or 0
    return FleetSummary(lists=listed, pending=pending, vehicles=n_veh or 0, in_registry=n_reg or 0, records=int(rows),
                        last_import=None if last is None else LastImport(file=last.file_name, at=last.imported_at),
                        data_from=span[0], data_to=span[1], proposals=proposals,
                        run=None if run is None else LatestRun({"id": run.id, "from": run.period_from,
                                                                "to": run.period_to, "ruleset": run.ruleset_version,
                                                                "at": run.created_at}))


def vehicle_days(ws: Workspace, vehicle_id: int) -> list[dict]:
    """A vehicle's stored days, oldest first: hours with data, minutes of exceedance, whether the day counts
    as an exceedance day under the active rule set."""
    from dieselwatch.services.rulesets import active_rules

    with ws.Session() as s:
        limit = active_rules(s)["exceedance"]["day_min_minutes"] * 60
        rows = s.execute(select(DayStat.day, DayStat.n_records, DayStat.n_running, DayStat.n_valid, DayStat.n_exceed)
                         .where(DayStat.vehicle_id == vehicle_id).order_by(DayStat.day)).all()
    return [{"day": d, "hours": n_rec / 3600, "running_hours": n_run / 3600, "valid_hours": n_valid / 3600,
             "exceed_minutes": n_ex / 60, "exceed_day": n_ex >= limit} for d, n_rec, n_run, n_valid, n_ex in rows]


SERIES = ["ts", "speed", "nox_up", "nox_down", "scr_in"]


def vehicle_day_series(ws: Workspace, vehicle_id: int, day) -> pd.DataFrame:
    """One Beijing day of a vehicle's 1 Hz samples from the raw store: time, speed, NOx up and down, SCR inlet."""
    month = f"{day:%Y-%m}"
    with ws.Session() as s:
        paths = list(s.scalars(select(RawPartition.path).where(RawPartition.vehicle_id == vehicle_id,
                                                                RawPartition.month == month)))
    start = np.datetime64(day, "s")
    return ws.raw.read(paths, columns=SERIES, start=start, end=start + np.timedelta64(1, "D"))


def dashboard_series(ws: Workspace) -> dict:
    """For the dashboard charts: each vehicle's online rate in the latest run, the online rate the white list
    needs, and per day the vehicles with data and those with an exceedance day (the trend officers report
    upwards)."""
    from dieselwatch.services.rulesets import active_rules

    run = latest_run(ws)
    with ws.Session() as s:
        rules = active_rules(s)
        limit = rules["exceedance"]["day_min_minutes"] * 60
        rates = [m.get("online_rate") for m in s.scalars(select(Score.metrics).where(Score.run_id == run.id))] \
            if run else []
        trend = s.execute(select(DayStat.day, func.count(), func.sum((DayStat.n_exceed >= limit).cast(Integer)))
                          .group_by(DayStat.day).order_by(DayStat.day)).all()
    return {"online_rates": [r for r in rates if r is not None],
            "white_online_rate": rules["data"]["white_online_rate"],
            "trend": [{"day": d, "vehicles": int(n), "exceeding": int(x or 0)} for d, n, x in trend]}
