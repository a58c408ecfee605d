"""Scoring runs: judge every vehicle over a period from the stored day statistics, or first recompute those
statistics from the raw store when the rule set changed. Each run records period, rule-set version and the
data coverage each score used."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import and_, delete, select

from dieselwatch.errors import InputError
from dieselwatch.progress import CancelToken, ProgressFn, Throttled
from dieselwatch.scoring.daystats import DAY_COLUMNS, compute_day_stats, to_rows
from dieselwatch.scoring.judge import judge, period_metrics
from dieselwatch.scoring.rules import RuleSet
from dieselwatch.services.rulesets import active_rules, save_rules
from dieselwatch.storage.models import DayStat, RawPartition, Score, ScoreRun, Vehicle
from dieselwatch.workspace import Workspace


@dataclass
class ScoreResult:
    run_id: int
    period_from: str
    period_to: str
    ruleset_version: str
    source: str
    vehicles: list[dict] = field(default_factory=list)
    recomputed_days: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    def counts(self) -> dict[str, int]:
        out = {"black": 0, "white": 0, "watch": 0, "none": 0}
        for v in self.vehicles:
            out[v["proposal"]] += 1
        return out


def parse_day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} must be a date as YYYY-MM-DD, got {text!r}") from exc


def load_day_stats(ws: Workspace, start: date, end: date) -> pd.DataFrame:
    cols = ["vehicle_id", "day", "ruleset_version", *DAY_COLUMNS]
    table = DayStat.__table__
    stmt = select(*[table.c[c] for c in cols]).where(and_(table.c.day >= start, table.c.day <= end))
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).fetchall()
    df = pd.DataFrame.from_records(rows, columns=cols)
    if not df.empty:
        num = [c for c in DAY_COLUMNS if c != "calids"]
        df[num] = df[num].astype("float64")
    return df


def score_period(ws: Workspace, start: date, end: date, *, rules: dict | None = None, from_raw: bool = False,
                 progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> ScoreResult:
    if end < start:
        raise InputError(f"the period ends ({end}) before it starts ({start})")
    cancel = cancel or CancelToken()
    prog = Throttled(progress)
    with ws.Session.begin() as s:
        ruleset = save_rules(s, rules, ws.user, reason="scoring with an edited rule set") if rules else active_rules(s)
    stats = load_day_stats(ws, start, end)
    stale = bool(len(stats)) and (stats["ruleset_version"] != ruleset.version).any()
    recomputed = 0
    if from_raw or stale:
        recomputed = recompute_from_raw(ws, start, end, ruleset, progress=lambda f, m: prog(0.8 * f, m), cancel=cancel)
        stats = load_day_stats(ws, start, end)
    cancel.check()
    with ws.Session() as s:
        vehicles = {v.id: v for v in s.scalars(select(Vehicle))}
    results = []
    if len(stats):
        metrics = period_metrics(stats, start, end)
        by_vehicle = dict(tuple(stats[["vehicle_id", "day", "n_exceed", "calids"]].groupby("vehicle_id")))
        for i, (vid, m) in enumerate(metrics.iterrows()):
            veh = vehicles[int(vid)]
            score, proposal, reasons, mets = judge(m, ruleset, veh.ref_torque_nm, by_vehicle[vid])
            results.append({"vehicle_id": int(vid), "vin": veh.vin, "plate": veh.plate, "owner": veh.owner,
                            "score": score, "proposal": proposal, "reasons": reasons, "metrics": mets})
            if i % 100 == 0:
                cancel.check()
                prog(0.8 + 0.15 * i / len(metrics), veh.vin)
    # Vehicles in the registry with no data at all in the period: silence is a finding, not an omission.
    seen = {r["vehicle_id"] for r in results}
    days = (end - start).days + 1
    for vid, veh in vehicles.items():
        if vid in seen or not veh.in_registry:
            continue
        m = _silent_metrics(days)
        score, proposal, reasons, mets = judge(m, ruleset, veh.ref_torque_nm, None)
        results.append({"vehicle_id": vid, "vin": veh.vin, "plate": veh.plate, "owner": veh.owner,
                        "score": score, "proposal": proposal, "reasons": reasons, "metrics": mets})
    results.sort(key=lambda r: (r["score"], r["vin"]))
    with ws.Session.begin() as s:
        run = ScoreRun(period_from=start, period_to=end, ruleset_version=ruleset.version,
                       source="raw" if (from_raw or stale) else "day_stats", created_at=datetime.now(),
                       created_by=ws.user)
        s.add(run)
        s.flush()
        if results:
            s.execute(Score.__table__.insert(), [
                {"run_id": run.id, "vehicle_id": r["vehicle_id"], "score": r["score"], "proposal": r["proposal"],
                 "reasons": r["reasons"], "metrics": r["metrics"]} for r in results])
        run_id = run.id
    prog(1.0, "done")
    return ScoreResult(run_id, start.isoformat(), end.isoformat(), ruleset.version,
                       "raw" if (from_raw or stale) else "day_stats", results, recomputed)


def _silent_metrics(days: int) -> pd.Series:
    zero = {c: 0.0 for c in DAY_COLUMNS if c != "calids"}
    zero.update(work_kwh=np.nan, days_with_data=0, days_in_period=days, longest_offline_days=days, last_day=None)
    return pd.Series(zero)


def recompute_from_raw(ws: Workspace, start: date, end: date, rules: RuleSet, *, vehicle_ids: list[int] | None = None,
                       progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> int:
    """Re-apply a rule set: rebuild the day statistics of the period from the raw store. Returns days rebuilt."""
    cancel = cancel or CancelToken()
    prog = Throttled(progress)
    months = pd.period_range(start, end, freq="M").strftime("%Y-%m").tolist()
    with ws.Session() as s:
        q = select(RawPartition.vehicle_id, RawPartition.path).where(RawPartition.month.in_(months))
        if vehicle_ids is not None:
            q = q.where(RawPartition.vehicle_id.in_(vehicle_ids))
        parts = pd.DataFrame(s.execute(q).fetchall(), columns=["vehicle_id", "path"])
        torque = dict(s.execute(select(Vehicle.id, Vehicle.ref_torque_nm)).fetchall())
    lo, hi = np.datetime64(start, "s"), np.datetime64(end + timedelta(days=1), "s")
    n_days = 0
    groups = list(parts.groupby("vehicle_id")["path"]) if len(parts) else []
    for i, (vid, paths) in enumerate(groups):
        cancel.check()
        data = ws.raw.read(list(paths), start=lo, end=hi)
        stats = compute_day_stats(data, rules, torque.get(int(vid)))
        rows = to_rows(stats, int(vid), rules.version)
        with ws.Session.begin() as s:
            s.execute(delete(DayStat).where(DayStat.vehicle_id == int(vid), DayStat.day >= start, DayStat.day <= end))
            if rows:
                s.execute(DayStat.__table__.insert(), rows)
        n_days += len(rows)
        prog((i + 1) / len(groups), f"vehicle {vid}")
    return n_days
