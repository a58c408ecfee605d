"""Undoing an import against importing it, measured in the same run (the machine is shared and noisy).

  python benchmarks/remove_bench.py [--vehicles 12] [--days 5] [--work DIR] [--repeat 2]

The demo fleet (dieselwatch demo: 12 vehicles, 5 days, about 237,000 records) is written once; each round
imports records.csv into a fresh home (the baseline), then removes that batch (imports remove). A second
export overlapping the first is imported before the removal, so the removal also finds a batch that shared
samples. A second case splits the export record by record into two batches and removes one: every
vehicle-day is then rebuilt from the other's samples. Prints remove time / import time (lower is better) and
the import's coverage overhead: the time of reading the staged pieces' times for batch_coverage, as a share of
the import."""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path


def round_trip(demo: Path, home: Path) -> tuple[float, float, float, dict]:
    from dieselwatch.services import coverage
    from dieselwatch.services.batches import remove_batch
    from dieselwatch.services.imports import import_records
    from dieselwatch.workspace import Workspace

    shutil.rmtree(home, ignore_errors=True)
    ws = Workspace.open(home=str(home), user="bench")
    spent = [0.0]
    real = coverage.delivered

    def timed(pieces):
        t = time.perf_counter()
        try:
            return real(pieces)
        finally:
            spent[0] += time.perf_counter() - t

    coverage.delivered = timed
    try:
        t = time.perf_counter()
        rep = import_records(ws, demo / "records.csv")
        t_import = time.perf_counter() - t
        cov_s = spent[0]
    finally:
        coverage.delivered = real
    import_records(ws, demo / "records_other_platform.xlsx")
    t = time.perf_counter()
    res = remove_batch(ws, rep.batch_id, "benchmark")
    t_remove = time.perf_counter() - t
    ws.close()
    return t_import, t_remove, cov_s, {"rows_removed": res.rows_removed, "shared": len(res.shared),
                                       "days_emptied": res.days_emptied}


def interleaved(demo: Path, home: Path) -> tuple[float, float, int]:
    """Every other record in a.csv, the rest in b.csv: removing b rebuilds every vehicle-day from a's samples
    (the most work a removal can have per sample)."""
    from dieselwatch.services.batches import remove_batch
    from dieselwatch.services.imports import import_records
    from dieselwatch.workspace import Workspace

    lines = (demo / "records.csv").read_bytes().split(b"\n")
    head, body = lines[:3], [x for x in lines[3:] if x]
    (home.parent / "a.csv").write_bytes(b"\n".join(head + body[0::2]) + b"\n")
    (home.parent / "b.csv").write_bytes(b"\n".join(head + body[1::2]) + b"\n")
    shutil.rmtree(home, ignore_errors=True)
    ws = Workspace.open(home=str(home), user="bench")
    import_records(ws, home.parent / "a.csv")
    t = time.perf_counter()
    rep = import_records(ws, home.parent / "b.csv")
    t_import = time.perf_counter() - t
    t = time.perf_counter()
    res = remove_batch(ws, rep.batch_id, "benchmark")
    t_remove = time.perf_counter() - t
    ws.close()
    return t_import, t_remove, res.days_recomputed


def main() -> None:
    from dieselwatch.demo.fleet import generate

    ap = argparse.ArgumentParser()
    ap.add_argument("--vehicles", type=int, default=12)
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="dw-remove-bench-"))
    demo = work / "demo"
    if not (demo / "records.csv").exists():
        generate(demo, vehicles=a.vehicles, days=a.days)
    runs = [round_trip(demo, work / "home") for _ in range(a.repeat)]
    t_import = min(r[0] for r in runs)
    t_remove = min(r[1] for r in runs)
    cov = min(r[2] for r in runs)
    mixed = [interleaved(demo, work / "home-mixed") for _ in range(a.repeat)]
    mi, mr = min(m[0] for m in mixed), min(m[1] for m in mixed)
    result = {"rows": runs[0][3]["rows_removed"], "import_s": round(t_import, 3), "remove_s": round(t_remove, 3),
              "remove_vs_import": round(t_remove / t_import, 3), "coverage_s": round(cov, 4),
              "coverage_share_of_import": round(cov / t_import, 4), **runs[0][3],
              "interleaved_import_s": round(mi, 3), "interleaved_remove_s": round(mr, 3),
              "interleaved_remove_vs_import": round(mr / mi, 3), "interleaved_days_recomputed": mixed[0][2]}
    print(json.dumps(result, indent=2))
    print(f"imports remove of {result['rows']:,} samples took {result['remove_vs_import']:.2f}x the time of importing "
          f"them; with every vehicle-day rebuilt from another batch's samples "
          f"{result['interleaved_remove_vs_import']:.2f}x; coverage bookkeeping is "
          f"{result['coverage_share_of_import']:.1%} of the import")


if __name__ == "__main__":
    main()
