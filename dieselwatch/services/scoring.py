"""Scoring runs: judge every vehicle over a period from the stored day statistics, or first recompute those
statistics from the raw store when the rule set changed. Each run records period, rule-set version and the
data coverage each score used."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import cast

import numpy as np
import pandas as pd
from sqlalchemy import Integer, Table, and_, case, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from dieselwatch.errors import ConfigError, InputError
from dieselwatch.messages import Msg, joined
from dieselwatch.progress import CancelToken, ProgressFn, Throttled
from dieselwatch.scoring.daystats import DAY_COLUMNS, compute_day_stats, to_rows
from dieselwatch.scoring.judge import (
    MAX_COLUMNS,
    MIN_COLUMNS,
    SUM_COLUMNS,
    Figures,
    judge,
    offset_sources,
    peer_reasons,
    signals,
    silent,
    usage,
)
from dieselwatch.scoring.rules import RuleSet
from dieselwatch.services.coverage import source_members, vehicle_coverage
from dieselwatch.services.engines import engine_specs
from dieselwatch.services.rulesets import (
    active_rules,
    check_rules,
    install_active,
    rules_by_version,
)
from dieselwatch.services.sessions import days_terminal_on
from dieselwatch.services.users import Role, require
from dieselwatch.storage.models import DayStat, RawPartition, Score, ScoreRun, Vehicle
from dieselwatch.storage.models import RuleSet as RuleSetRow
from dieselwatch.storage.upsert import upsert
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
    coverage: dict = field(default_factory=dict)  # covered spans of the period, vehicles without coverage
    warnings: list[str] = field(default_factory=list)  # read before trusting the run (coverage, data sources)
    trial: bool = False  # a rule set the office has not activated: stored as a trial, never proposed from

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
        raise InputError(Msg("{what} must be a date as YYYY-MM-DD, got “{text}”", what=what, text=text)) from exc


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


def period_figures(ws: Workspace, start: date, end: date, rules: RuleSet) -> tuple[dict, dict, dict, set]:
    """Per vehicle: Figures aggregated by the database (one GROUP BY: 2,000 rows rather than 180,000 day rows
    through Python), the exceedance days, the CALID|CVN pairs, and the rule-set versions the statistics used."""
    t = DayStat.__table__
    in_period = and_(t.c.day >= start, t.c.day <= end)
    if ws.backend == "sqlite":
        day_no = func.cast(func.julianday(t.c.day) - 2440587.5, Integer)  # days since 1970-01-01
    else:
        day_no = func.cast(t.c.day - literal(date(1970, 1, 1)), Integer)
    # One plain GROUP BY (day_stats rows exist only for days with data): a vehicle has a silence inside its data
    # exactly when it has fewer days than its first-to-last span; only those get the window query below.
    def aggregate_query(lo: int, hi: int):
        c = t.c
        aggs = [func.sum(c[k]).label(k) for k in SUM_COLUMNS] + [func.max(c[k]).label(k) for k in MAX_COLUMNS]
        aggs += [func.min(c[k]).label(k) for k in MIN_COLUMNS] + [func.min(c.day).label("first_day")]
        aggs += [func.sum(c.work_kwh).label("work_kwh"), func.count().label("days_with_data"),
                 func.max(c.day).label("last_day"), func.min(day_no).label("first_no"),
                 func.max(day_no).label("last_no"),
                 func.min(c.ruleset_version).label("v_min"), func.max(c.ruleset_version).label("v_max"),
                 func.sum(case((c.n_exceed >= rules["exceedance"]["day_min_minutes"] * 60, 1), else_=0))
                 .label("ex_days"), func.min(c.calids).label("cal_min"), func.max(c.calids).label("cal_max")]
        return select(c.vehicle_id, *aggs).where(in_period, c.vehicle_id.between(lo, hi)).group_by(c.vehicle_id)

    def silences_query(vehicle_ids: list[int]):
        prev = {k: func.lag(t.c[k]).over(partition_by=t.c.vehicle_id, order_by=t.c.day)
                for k in ("day", "odo_last", "lat_last", "lon_last")}
        inner = select(t.c.vehicle_id, t.c.day, day_no.label("day_no"), t.c.odo_first, t.c.lat_first, t.c.lon_first,
                       *[v.label(f"prev_{k}") for k, v in prev.items()],
                       (day_no - func.lag(day_no).over(partition_by=t.c.vehicle_id, order_by=t.c.day)).label("step")
                       ).where(in_period, t.c.vehicle_id.in_(vehicle_ids)).subquery()
        c = inner.c
        return select(c.vehicle_id, c.prev_day, c.day, c.prev_odo_last, c.odo_first, c.prev_lat_last,
                      c.prev_lon_last, c.lat_first, c.lon_first).where(c.step > 1)

    n_days = (end - start).days + 1
    figures: dict[int, Figures] = {}
    versions: set[str] = set()
    exceeding: list[int] = []
    changed: list[int] = []
    pairs: dict[int, set] = {}
    silent: list[int] = []
    with ws.engine.connect() as conn:
        lo, hi = conn.execute(select(func.min(Vehicle.id), func.max(Vehicle.id))).one()
    lo, hi = lo or 0, hi or 0
    mid = (lo + hi) // 2

    def aggregate(a: int, b: int) -> list[dict]:
        # Each half of the fleet on its own connection: the database works on both cores at once.
        with ws.engine.connect() as conn:
            return [dict(r) for r in conn.execute(aggregate_query(a, b)).mappings()]

    with ThreadPoolExecutor(max_workers=2) as pool:
        halves = list(pool.map(lambda r: aggregate(*r), [(lo, mid), (mid + 1, hi)]))
    with ws.engine.connect() as conn:
        for row in (r for half in halves for r in half):
            f = Figures({k: (None if row[k] is None else float(row[k]))
                         for k in (*SUM_COLUMNS, *MAX_COLUMNS, *MIN_COLUMNS, "work_kwh", "days_with_data")})
            for k in SUM_COLUMNS + MAX_COLUMNS:  # columns added in 0009 are NULL-free, older rows may not be
                if f[k] is None:
                    f[k] = 0.0
            f["first_day"], f["last_day"] = _as_date(row["first_day"]), _as_date(row["last_day"])
            f["days_in_period"] = n_days
            if row["days_with_data"] < row["last_no"] - row["first_no"] + 1:
                silent.append(row["vehicle_id"])
            versions.update((row["v_min"], row["v_max"]))
            figures[row["vehicle_id"]] = f
            if row["ex_days"]:
                exceeding.append(row["vehicle_id"])
            if row["cal_min"] != row["cal_max"]:  # the calibration changed: fetch every distinct value
                changed.append(row["vehicle_id"])
            elif row["cal_min"]:
                pairs[row["vehicle_id"]] = set(row["cal_min"].split(";"))
        # Details only for the few vehicles that need them (primary key (vehicle_id, day) serves these).
        exceed = conn.execute(select(t.c.vehicle_id, t.c.day).where(
            in_period, t.c.vehicle_id.in_(exceeding),
            t.c.n_exceed >= rules["exceedance"]["day_min_minutes"] * 60)).fetchall() if exceeding else []
        calids = conn.execute(select(t.c.vehicle_id, t.c.calids).where(
            in_period, t.c.vehicle_id.in_(changed), t.c.calids != "").distinct()).fetchall() if changed else []
        # Runs of days without data between two days with data: the readings on either side tell parked from
        # driven (only the vehicles that have such a run).
        silences = conn.execute(silences_query(silent)).fetchall() if silent else []
    for vid, prev, nxt, odo_a, odo_b, la_a, lo_a, la_b, lo_b in silences:
        odo_km = odo_b - odo_a if odo_a is not None and odo_b is not None else None
        pos_km = _km(la_a, lo_a, la_b, lo_b) if None not in (la_a, lo_a, la_b, lo_b) else None
        figures[vid].setdefault("silences", []).append((_as_date(prev), _as_date(nxt), odo_km, pos_km))
    exceed_days: dict[int, list] = {}
    for vid, day in exceed:
        exceed_days.setdefault(vid, []).append(day)
    for vid, text in calids:
        pairs.setdefault(vid, set()).update(p for p in text.split(";") if p)
    return figures, exceed_days, pairs, versions


def _as_date(v) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def _km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return float(2 * 6371.0088 * np.arcsin(np.sqrt(min(1.0, a))))


def score_period(ws: Workspace, start: date, end: date, *, rules: dict | None = None, version: str | None = None,
                 from_raw: bool = False, progress: ProgressFn | None = None,
                 cancel: CancelToken | None = None) -> ScoreResult:
    """Score every vehicle over the period with the active rule set (the office's run, the one proposals come
    from), or try another: an edited, unsaved one (`rules`) or a stored version the office has not activated
    (`version`). A trial is stored marked as such, so the officer can read it, compare it and export its report,
    but it never counts as the latest run, lists never propose from it, and it stores no rule set. A rule set
    other than the one the day statistics were built with is re-applied from the raw store (the statistics are a
    cache tagged with their version: the office's next run re-applies the active set)."""
    if end < start:
        raise InputError(Msg("the period ends ({end}) before it starts ({start})", end=end, start=start))
    require(ws, Role.SUPERVISOR if rules else Role.OFFICER, setup_ok=True)  # an edited set is a supervisor's try
    cancel = cancel or CancelToken()
    prog = Throttled(progress)
    if rules:
        ruleset = check_rules(rules)  # checked as a save is: ranges and ordered pairs, naming the key
        with ws.Session() as s:
            if ruleset.version == active_rules(s).version:
                raise ConfigError(Msg("give the edited rule set a new version"))
            stored = s.scalar(select(RuleSetRow.content).where(RuleSetRow.version == ruleset.version))
        if stored is not None and RuleSet(stored).fingerprint() != ruleset.fingerprint():
            raise ConfigError(Msg("rule set version “{version}” already exists with other values: give the edited "
                                  "copy a new version", version=ruleset.version))
    else:
        with ws.Session() as s:
            ruleset = rules_by_version(s, version) if version else active_rules(s)
    with ws.Session() as s:
        trial = ruleset.version != active_rules(s).version
    figures, exceed_days, pairs, versions = period_figures(ws, start, end, ruleset)
    stale = bool(versions - {ruleset.version})
    recomputed = 0
    if from_raw or stale:
        recomputed = recompute_from_raw(ws, start, end, ruleset, progress=lambda f, m: prog(0.8 * f, m), cancel=cancel)
        figures, exceed_days, pairs, versions = period_figures(ws, start, end, ruleset)
    cancel.check()
    with ws.Session() as s:
        vehicles = {v.id: v for v in s.scalars(select(Vehicle))}
        engines = engine_specs(s)
        spans = vehicle_coverage(s)
        src_members = source_members(s)
        # Login/logout frames of raw captures: days the terminal was on, evidence in a silence's judgement.
        terminal_on = days_terminal_on(s, list(vehicles), start, end)
    days = (end - start).days + 1
    # Every registry vehicle is judged, with data or without: silence inside coverage is a finding.
    for vid, veh in vehicles.items():
        if vid not in figures and veh.in_registry:
            figures[vid] = silent(days)
    offsets = offset_sources({vid: m.get("down_min_hot") for vid, m in figures.items()}, src_members, ruleset)
    offset_of = {vid: {"source": src, "n": len(o["vehicles"]), "min": o["min"]}
                 for src, o in offsets.items() for vid in o["vehicles"]}
    sig = {vid: signals(m, ruleset) for vid, m in figures.items() if vid not in offset_of}
    peers = peer_reasons(sig, {vid: vehicles[vid].engine_model for vid in sig}, ruleset)
    results = []
    for i, (vid, m) in enumerate(sorted(figures.items())):
        veh = vehicles[vid]
        use = usage(start, end, spans.get(vid, []), m.get("first_day"), m.get("last_day"), int(m.days_with_data),
                    m.get("silences", []), terminal_on.get(vid), ruleset)
        score, proposal, reasons, mets = judge(m, ruleset, engines.get(vid), exceed_days.get(vid), pairs.get(vid),
                                               use, peers.get(vid), offset_of.get(vid), sig.get(vid))
        results.append({"vehicle_id": vid, "vin": veh.vin, "plate": veh.plate, "owner": veh.owner,
                        "score": score, "proposal": proposal, "reasons": reasons, "metrics": mets})
        if i % 200 == 0:
            cancel.check()
            prog(0.8 + 0.15 * i / len(figures), Msg("vehicle {vin} judged", vin=veh.vin))
    coverage, warnings = coverage_summary(start, end, spans, {vid for vid, v in vehicles.items() if v.in_registry
                                                               or vid in figures}, vehicles)
    warnings += [Msg("Data source {source}: all {n} vehicles read at least {min} ppm downstream NOx when hot and "
                     "loaded; the platform seems to omit the -200 ppm offset. Their NOx figures are not judged.",
                     source=src, n=len(o["vehicles"]), min=f"{o['min']:.0f}") for src, o in offsets.items()]
    results.sort(key=lambda r: (r["score"], r["vin"]))
    with ws.Session.begin() as s:
        if not trial:
            install_active(s)  # the office's run refers to a stored rule set
            # Activated elsewhere while this run scored: the run would claim a set the office no longer uses.
            trial = ruleset.version != active_rules(s).version
        run = ScoreRun(period_from=start, period_to=end, ruleset_version=ruleset.version,
                       source="raw" if (from_raw or stale) else "day_stats", created_at=datetime.now(),
                       created_by=ws.user, trial=trial)
        s.add(run)
        s.flush()
        if results:
            s.execute(insert(Score), [
                {"run_id": run.id, "vehicle_id": r["vehicle_id"], "score": r["score"], "proposal": r["proposal"],
                 "reasons": r["reasons"], "metrics": r["metrics"]} for r in results])
        run_id = run.id
    prog(1.0, Msg("done"))
    return ScoreResult(run_id, start.isoformat(), end.isoformat(), ruleset.version,
                       "raw" if (from_raw or stale) else "day_stats", results, recomputed, coverage, warnings, trial)


@dataclass(frozen=True)
class RunSummary:
    """A stored run in brief: what a trial is compared with."""

    run_id: int
    period_from: date
    period_to: date
    ruleset_version: str
    trial: bool
    counts: dict[str, int]


def latest_office_run(ws: Workspace) -> RunSummary | None:
    """The office's latest run (never a trial) with its proposal counts, or None before the first scoring."""
    with ws.Session() as s:
        run = office_run(s)
        if run is None:
            return None
        counts = {"black": 0, "white": 0, "watch": 0, "none": 0}
        for proposal, n in s.execute(select(Score.proposal, func.count()).where(Score.run_id == run.id)
                                     .group_by(Score.proposal)):
            counts[proposal] = n
        return RunSummary(run.id, run.period_from, run.period_to, run.ruleset_version, run.trial, counts)


def office_run(s: Session, run_id: int | None = None) -> ScoreRun | None:
    """The run proposals and the dashboard use: the given one, or the latest that is not a trial. A trial run is
    refused by id: its rule set was never activated by the office."""
    if run_id is None:
        return s.scalar(select(ScoreRun).where(ScoreRun.trial.is_(False)).order_by(ScoreRun.id.desc()).limit(1))
    run = s.get(ScoreRun, run_id)
    if run is not None and run.trial:
        raise InputError(Msg("scoring run {run} is a trial with rule set {version}, which the office has not "
                             "activated: activate it and score again to propose from it", run=run_id,
                             version=run.ruleset_version))
    return run


def coverage_summary(start: date, end: date, spans: dict[int, list[tuple[date, date]]], judged: set[int],
                     vehicles: dict) -> tuple[dict, list[str]]:
    """The run's coverage (the days any export covers within the period, vehicles no export covers) and the
    warnings an officer must read before trusting silence: days of the period outside coverage are not judged."""
    merged: list[list[date]] = []
    for a, b in sorted(sp for lst in spans.values() for sp in lst):
        a, b = max(a, start), min(b, end)
        if a > b:
            continue
        if merged and a <= merged[-1][1] + timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    covered = sum((b - a).days + 1 for a, b in merged)
    days = (end - start).days + 1
    uncovered = sorted(vehicles[v].vin for v in judged if not any(b >= start and a <= end for a, b in spans.get(v, [])))
    cov = {"spans": [[a.isoformat(), b.isoformat()] for a, b in merged], "covered_days": covered,
           "period_days": days, "vehicles_without_coverage": uncovered}
    warnings: list[str] = []
    if covered < days:
        warnings.append(Msg("The period {start} to {end} reaches outside what the imported exports cover ({spans}): "
                            "{n} of its {days} days are not judged for any vehicle.", start=start, end=end,
                            spans=joined(f"{a} – {b}" for a, b in merged) if merged else Msg("nothing"),
                            n=days - covered, days=days))
    if uncovered:
        warnings.append(Msg("{n} vehicle(s) appear in no export covering the period: not judged ({vins}).",
                            n=len(uncovered), vins=joined(uncovered[:10]) + (" …" if len(uncovered) > 10 else "")))
    return cov, warnings


def coverage_warnings(ws: Workspace, start: date, end: date, *, progress: ProgressFn | None = None,
                      cancel: CancelToken | None = None) -> list[str]:
    """The warnings a scoring of this period would carry about coverage, for the app to show before scoring
    (progress and cancel: the app's job runner passes them; this is quick)."""
    (cancel or CancelToken()).check()
    with ws.Session() as s:
        vehicles = {v.id: v for v in s.scalars(select(Vehicle))}
        spans = vehicle_coverage(s)
    judged = {vid for vid, v in vehicles.items() if v.in_registry} | set(spans)
    return coverage_summary(start, end, spans, judged, vehicles)[1]


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
        engines = engine_specs(s)
    lo, hi = np.datetime64(start, "s"), np.datetime64(end + timedelta(days=1), "s")
    n_days = 0
    groups = list(parts.groupby("vehicle_id")["path"]) if len(parts) else []

    def rebuild(group) -> list[dict]:
        """Read and aggregate one vehicle (files and arithmetic only: runs on a worker thread)."""
        vid, paths = group
        cancel.check()
        data = ws.raw.read(list(paths), start=lo, end=hi)
        return to_rows(compute_day_stats(data, rules, engines.get(int(vid))), int(vid), rules.version)

    # Two threads: Parquet decoding and NumPy release the GIL; each vehicle's rows are replaced in one
    # transaction on this thread, so a cancel leaves every vehicle either rebuilt or as it was.
    with ThreadPoolExecutor(max_workers=2) as pool:
        try:
            for i, ((vid, _), rows) in enumerate(zip(groups, pool.map(rebuild, groups), strict=False)):
                with ws.Session.begin() as s:  # upsert: an import on another workstation may write these days too
                    upsert(s, cast(Table, DayStat.__table__), rows, ["vehicle_id", "day"])
                    s.execute(delete(DayStat).where(DayStat.vehicle_id == cast(int, vid), DayStat.day >= start,
                                                    DayStat.day <= end, DayStat.day.not_in([r["day"] for r in rows])))
                n_days += len(rows)
                prog((i + 1) / len(groups), Msg("day statistics rebuilt for {done} of {total} vehicles",
                                                done=f"{i + 1:,}", total=f"{len(groups):,}"))
        except BaseException:
            cancel.cancel()
            raise
    return n_days
