"""Notice writing speed: 500 rectification notices (target <= 15 s) against a bare openpyxl write of the same
cells, measured in the same run (the machine is shared and noisy).

  python benchmarks/notice_bench.py [--notices 500] [--work DIR]

Builds an office with N registered vehicles, each black-listed from a scoring run with typical evidence,
issues the notices, then times export_notices (one file each) and, as the baseline, a plain
Workbook() + cell writes + save of exactly the cells the notices contain."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of

REASONS = [
    {"code": "EXC_SHARE", "category": "emission", "severity": "black",
     "text": "有效工况下游NOx(平滑30s)超过500ppm的时间占比62.0%", "text_en": "", "figures": {"share": 0.62}},
    {"code": "EXC_DAYS", "category": "emission", "severity": "black", "text": "超标天数8天(每天超标≥10分钟)",
     "text_en": "", "figures": {"days": 8}},
    {"code": "SCR_EFF_LOW", "category": "emission", "severity": "black", "text": "SCR热态转化效率仅31%(正常应>80%)",
     "text_en": "", "figures": {"eff": 0.31}},
]
METRICS = {"exceed_share": 0.62, "scr_efficiency": 0.31, "bsnox_mg_kwh": 2210.0, "online_rate": 0.97,
           "longest_offline_days": 1, "mil_share": 0.0, "dtc_max": 0}


def build_office(work: Path, n: int):
    from sqlalchemy import select

    from dieselwatch.demo.fleet import generate
    from dieselwatch.services import lists, users
    from dieselwatch.services.notices import issue_notices
    from dieselwatch.services.registry import import_registry
    from dieselwatch.storage.models import Score, ScoreRun, Vehicle
    from dieselwatch.workspace import Workspace

    m = generate(work / "demo", vehicles=n, days=1, minutes_per_day=5, seed=3)
    ws = Workspace.open(home=str(work / "home"))
    users.create_user(ws, "chief", "chief-pass-1", "admin", "陈建国")
    users.create_user(ws, "wang", "wang-pass-1", "officer", "王磊")
    users.create_user(ws, "li", "li-pass-123", "supervisor", "李强")
    users.login(ws, "chief", "chief-pass-1")
    from dieselwatch.services.settings import update_settings

    update_settings(ws, {"bureau.contact": "张科长", "bureau.phone": "0531-87881234", "bureau.address": "青龙路1号"})
    users.login(ws, "wang", "wang-pass-1")
    import_registry(ws, work / "demo" / m["files"]["registry"])
    with ws.Session.begin() as s:
        run = ScoreRun(period_from=date(2026, 10, 1), period_to=date(2026, 10, 31), ruleset_version="2026.2",
                       source="day_stats", created_at=datetime.now(), created_by="bench")
        s.add(run)
        s.flush()
        for vid in s.scalars(select(Vehicle.id)):
            s.add(Score(run_id=run.id, vehicle_id=vid, score=30, proposal="black", reasons=REASONS, metrics=METRICS))
        run_id = run.id
    lists.propose_from_run(ws, run_id)
    users.login(ws, "li", "li-pass-123")
    for e in lists.entries(ws, kind="black", status="proposed"):
        lists.decide(ws, e["id"], True, "bench")
    users.login(ws, "wang", "wang-pass-1")
    t = time.perf_counter()
    issued = issue_notices(ws)
    return ws, len(issued), time.perf_counter() - t


def bare_write(cell_sets: list[dict], out: Path) -> None:
    """The baseline: the same values at the same coordinates, no template, no styles."""
    out.mkdir(parents=True, exist_ok=True)
    for i, cells in enumerate(cell_sets):
        wb = Workbook()
        ws = wb.active
        for coord, value in cells.items():
            ws[coord] = value
        wb.save(out / f"{i}.xlsx")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notices", type=int, default=500)
    ap.add_argument("--work", type=Path)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="notice_bench_"))
    shutil.rmtree(work / "home", ignore_errors=True)
    shutil.rmtree(work / "demo", ignore_errors=True)
    from dieselwatch.services.notices import export_notices

    ws, n, issue_s = build_office(work, args.notices)

    def ours():
        shutil.rmtree(work / "out", ignore_errors=True)
        return export_notices(ws, work / "out", issue_missing=False)

    ours_s, res = best_of(ours, repeat=2)
    cell_sets = []
    for f in res.files:
        sheet = load_workbook(f).active
        cell_sets.append({c.coordinate: c.value for row in sheet.iter_rows() for c in row if c.value is not None})

    def bare():
        shutil.rmtree(work / "bare", ignore_errors=True)
        bare_write(cell_sets, work / "bare")

    bare_s, _ = best_of(bare, repeat=2)
    print(f"notices: {n} issued in {issue_s:.2f} s (numbers, evidence, audit events); {res.notices} written in "
          f"{ours_s:.2f} s (target <= 15 s) = {bare_s / ours_s:.2f}x a bare openpyxl write of the same cells "
          f"({bare_s:.2f} s)")


if __name__ == "__main__":
    main()
