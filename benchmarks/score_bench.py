"""Scoring speed, with baselines measured in the same run.

  python benchmarks/score_bench.py [--vehicles 2000] [--days 90] [--raw-rows 1000000] [--work DIR]

1. Scoring 2,000 vehicles x 90 days from stored day statistics (target <= 2 s), and as a ratio against a bare
   SELECT of the same day_stats rows into a DataFrame.
2. Re-scoring after a rule change, recomputing day statistics from the raw store, as a ratio against a bare
   read of every committed Parquet file of that store (target >= 0.5x)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, demo_export


def build_stats_db(work: Path, vehicles: int, days: int):
    """Day statistics for a large fleet, resampled from a real demo import so the figures are realistic."""
    from sqlalchemy import insert

    from dieselwatch.ingest.vin import with_check_digit
    from dieselwatch.services.imports import import_records
    from dieselwatch.services.registry import import_registry
    from dieselwatch.services.rulesets import active_rules
    from dieselwatch.services.scoring import load_day_stats
    from dieselwatch.storage.models import DayStat, Vehicle
    from dieselwatch.workspace import Workspace

    seed_home = work / "seed"
    shutil.rmtree(seed_home, ignore_errors=True)
    seed = Workspace.open(home=str(seed_home), user="bench")
    m = demo_export(work / "seed-demo", 12 * 5 * 4200, seed=9)
    import_registry(seed, work / "seed-demo" / "registry.xlsx")
    import_records(seed, work / "seed-demo" / "records.csv")
    sample = load_day_stats(seed, date(2000, 1, 1), date(2100, 1, 1)).drop(columns=["day"])
    seed.close()

    home = work / "stats"
    shutil.rmtree(home, ignore_errors=True)
    ws = Workspace.open(home=str(home), user="bench")
    rng = np.random.default_rng(1)
    start = date(2026, 7, 1)
    now = pd.Timestamp.now().to_pydatetime()
    with ws.Session.begin() as s:
        version = active_rules(s).version
        s.execute(insert(Vehicle), [{"vin": with_check_digit(f"LBENCH{i:05d}0R{i:06d}"[:17]), "plate": f"鲁B{i:05d}",
                                      "in_registry": True, "ref_torque_nm": 2100.0, "rated_power_kw": 330.0,
                                      "whtc_work_kwh": 25.0, "created_at": now,
                                      "updated_at": now, "version": 1} for i in range(vehicles)])
    rows = []
    # Each benchmark vehicle behaves like one demo vehicle (its days resampled), so the fleet keeps the demo's
    # mix of clean trucks and planted faults instead of every truck showing every fault.
    by_seed = [g.drop(columns=["vehicle_id"]).to_dict("records") for _, g in sample.groupby("vehicle_id")]
    with ws.Session.begin() as s:
        ids = [r[0] for r in s.execute(Vehicle.__table__.select().with_only_columns(Vehicle.id))]
        for vid in ids:
            recs = by_seed[0] if rng.random() < 0.6 else by_seed[int(rng.integers(len(by_seed)))]
            picks = rng.integers(0, len(recs), days)
            for d in range(days):
                r = dict(recs[picks[d]])
                r.update(vehicle_id=vid, day=start + timedelta(days=d), ruleset_version=version)
                rows.append({k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()})
            if len(rows) > 50_000:
                s.execute(insert(DayStat), rows)
                rows = []
        if rows:
            s.execute(insert(DayStat), rows)
    return ws, start, start + timedelta(days=days - 1), m


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vehicles", type=int, default=2000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--raw-rows", type=int, default=1_000_000)
    ap.add_argument("--work", type=Path)
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="dw-score-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    from dieselwatch.services.scoring import load_day_stats, recompute_from_raw, score_period

    print(f"building {a.vehicles:,} vehicles x {a.days} days of day statistics ...", flush=True)
    ws, start, end, _ = build_stats_db(work, a.vehicles, a.days)
    bare, stats = best_of(lambda: load_day_stats(ws, start, end))
    ours, res = best_of(lambda: score_period(ws, start, end), 3)
    ws.close()

    print(f"importing a demo fleet of about {a.raw_rows:,} rows for the raw-store re-score ...", flush=True)
    from dieselwatch.scoring.rules import default_rules
    from dieselwatch.services.imports import import_records
    from dieselwatch.services.registry import import_registry
    from dieselwatch.workspace import Workspace

    raw_home = work / "raw"
    shutil.rmtree(raw_home, ignore_errors=True)
    rws = Workspace.open(home=str(raw_home), user="bench")
    m = demo_export(work / "raw-demo", a.raw_rows, seed=13)
    import_registry(rws, work / "raw-demo" / "registry.xlsx")
    import_records(rws, work / "raw-demo" / "records.csv")
    paths = sorted(rws.committed_paths())
    n_raw = sum(pq.ParquetFile(rws.raw.root / p).metadata.num_rows for p in paths)
    bare_raw, _ = best_of(lambda: [pq.read_table(rws.raw.root / p).to_pandas() for p in paths])
    rules = default_rules()
    rules["version"] = "bench-changed"
    rules["exceedance"]["threshold_ppm"] = 400
    p0, p1 = date.fromisoformat(m["start"]), date.fromisoformat(m["end"])
    ours_raw, days = best_of(lambda: recompute_from_raw(rws, p0, p1, rules))
    rws.close()
    result = {
        "vehicles": len(res.vehicles), "day_rows": len(stats), "proposals": res.counts(), "score_s": round(ours, 3),
        "bare_select_s": round(bare, 3), "score_vs_bare_select": round(bare / ours, 3),
        "raw_rows": n_raw, "raw_files": len(paths), "rescore_from_raw_s": round(ours_raw, 3),
        "bare_raw_read_s": round(bare_raw, 3), "rescore_vs_bare_read": round(bare_raw / ours_raw, 3),
        "days_rebuilt": days,
    }
    print(json.dumps(result, indent=2))
    print(f"scoring {result['vehicles']:,} vehicles x {a.days} days: {ours:.2f} s (target <= 2 s), "
          f"{result['score_vs_bare_select']:.2f}x a bare SELECT of the statistics; re-scoring {n_raw:,} raw "
          f"samples: {result['rescore_vs_bare_read']:.2f}x a bare read of the raw store (target >= 0.5x)")


if __name__ == "__main__":
    main()
