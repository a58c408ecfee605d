"""Desktop responsiveness, offscreen, each figure beside a baseline measured in the same run:

  python benchmarks/gui_bench.py [--vehicles 20000] [--work DIR]
  python benchmarks/gui_bench.py --frozen dist/DieselWatch [--vehicles 2000] [--runs 3]

- start-up to first paint of the main window, against a bare QMainWindow's first paint;
- the vehicle table with N vehicles: first paint and a sort by score, against a QStandardItemModel table
  of the same rows;
- one day at 1 Hz (86,400 samples) drawn in the day plot, against a bare pyqtgraph PlotWidget of one
  series;
- --frozen BUNDLE: the app's start-up as a user sees it, from starting the process to the main window's first
  paint, of the PyInstaller bundle against the source run (`python -m dieselwatch`) on the same home, median of
  --runs each (the app prints the paint time and quits when DIESELWATCH_EXIT_AFTER_PAINT is set)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))


def build_fleet(home: Path, n: int):
    """N vehicles with a score each, written straight to the tables (the GUI's read path is what is timed)."""
    from dieselwatch.storage.models import Score, ScoreRun, Vehicle
    from dieselwatch.workspace import Workspace

    ws = Workspace.open(home=str(home))
    now = datetime.now()
    rng = np.random.default_rng(1)
    with ws.Session.begin() as s:
        s.execute(Vehicle.__table__.insert(), [
            {"vin": f"LBENCH{i:011d}", "plate": f"鲁A{i:05d}", "owner": f"运输公司{i % 500}", "county": "平阴县",
             "in_registry": True, "created_at": now, "updated_at": now, "version": 1} for i in range(n)])
        run = ScoreRun(period_from=date(2026, 10, 1), period_to=date(2026, 10, 31), ruleset_version="2026.2",
                       source="day_stats", created_at=now, created_by="bench")
        s.add(run)
        s.flush()
        scores = rng.integers(0, 101, n)
        s.execute(Score.__table__.insert(), [
            {"run_id": run.id, "vehicle_id": i + 1, "score": int(scores[i]),
             "proposal": "black" if scores[i] < 60 else "white" if scores[i] > 95 else "watch",
             "reasons": [{"code": "EXC_SHARE", "category": "emission", "text": "有效工况超标", "text_en": "x"}],
             "metrics": {}} for i in range(n)])
    return ws


def first_paint(app, widget) -> float:
    from PySide6.QtCore import QEvent, QObject

    painted = []

    class Spy(QObject):
        def eventFilter(self, obj, ev):
            if ev.type() == QEvent.Type.Paint and not painted:
                painted.append(time.perf_counter())
            return False

    spy = Spy()
    widget.installEventFilter(spy)
    t0 = time.perf_counter()
    widget.show()
    while not painted:
        app.processEvents()
        widget.repaint()
    return painted[0] - t0


def start_to_first_paint(cmd: list[str], home: Path) -> float:
    import subprocess

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DIESELWATCH_EXIT_AFTER_PAINT="1",
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    t0 = time.time()
    r = subprocess.run([*cmd, "--home", str(home)], capture_output=True, text=True, env=env, timeout=300)
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("first-paint ")), None)
    if line is None:
        raise SystemExit(f"{cmd[0]} did not paint its window (exit {r.returncode}):\n{r.stdout}\n{r.stderr[-2000:]}")
    return float(line.split()[1]) - t0


def frozen_startup(bundle: Path, work: Path, vehicles: int, runs: int) -> None:
    import statistics

    home = work / f"home{vehicles}"
    if not home.exists():
        build_fleet(home, vehicles).close()
    exe = bundle / ("DieselWatch.exe" if sys.platform == "win32" else "DieselWatch")
    src = [sys.executable, "-m", "dieselwatch"]
    start_to_first_paint(src, home)  # warm the file cache for both before timing
    start_to_first_paint([str(exe)], home)
    source = statistics.median(start_to_first_paint(src, home) for _ in range(runs))
    frozen = statistics.median(start_to_first_paint([str(exe)], home) for _ in range(runs))
    print(f"start-up to first paint, process start included, {vehicles:,} vehicles, median of {runs}: frozen "
          f"bundle {frozen * 1000:.0f} ms, source run {source * 1000:.0f} ms ({frozen / source:.2f}x the source run)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vehicles", type=int, default=20000)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--frozen", type=Path, help="a built bundle folder: time its start-up against the source run")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="gui_bench_"))
    if args.frozen:
        frozen_startup(args.frozen, work, args.vehicles, args.runs)
        return
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QMainWindow, QTableView

    from dieselwatch.gui.app import make_app
    from dieselwatch.gui.charts import DayPlot
    from dieselwatch.gui.main_window import MainController
    from dieselwatch.gui.worker import pool
    from dieselwatch.services import overview

    app = make_app()
    home = work / f"home{args.vehicles}"
    ws = build_fleet(home, args.vehicles) if not home.exists() else None
    if ws is None:
        from dieselwatch.workspace import Workspace

        ws = Workspace.open(home=str(home))

    # Start-up: controller, form, models, first paint (data loads afterwards off the GUI thread).
    bare = QMainWindow()
    bare.resize(1280, 800)
    base_start = first_paint(app, bare)
    t0 = time.perf_counter()
    ctl = MainController(ws, "zh_CN")
    ctl.w.resize(1280, 800)
    first_paint(app, ctl.w)
    startup = time.perf_counter() - t0  # construction plus first paint
    ctl.w.nav.setCurrentRow(1)

    # The vehicle table: rows loaded on the worker, then handed to the lazy model; first paint and a sort.
    rows = overview.vehicle_rows(ws)
    t0 = time.perf_counter()
    ctl.vehicles_page.model.set_rows(rows)
    ctl.vehicles_page.p.vehiclesTable.repaint()
    app.processEvents()
    table_paint = time.perf_counter() - t0
    t0 = time.perf_counter()
    ctl.vehicles_page.p.vehiclesTable.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    ctl.vehicles_page.p.vehiclesTable.repaint()
    app.processEvents()
    table_sort = time.perf_counter() - t0

    view = QTableView()
    model = QStandardItemModel(0, 7)
    t0 = time.perf_counter()
    for r in rows:
        model.appendRow([QStandardItem(str(x)) for x in (r.vin, r.plate, r.owner, r.county, r.score, r.proposal,
                                                         r.reasons)])
    view.setModel(model)
    view.resize(1100, 500)
    view.show()
    view.repaint()
    app.processEvents()
    base_table = time.perf_counter() - t0
    t0 = time.perf_counter()
    view.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    view.repaint()
    app.processEvents()
    base_sort = time.perf_counter() - t0

    # One day at 1 Hz.
    ts = pd.date_range("2026-10-01", periods=86400, freq="s")
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"ts": ts, "speed": rng.uniform(0, 90, 86400).astype("float32"),
                       "nox_up": rng.uniform(0, 1200, 86400).astype("float32"),
                       "nox_down": rng.uniform(0, 200, 86400).astype("float32"),
                       "scr_in": rng.uniform(150, 400, 86400).astype("float32")})
    plot = DayPlot()
    plot.resize(1200, 600)
    plot.show()
    app.processEvents()
    t0 = time.perf_counter()
    plot.set_series(df)
    plot.repaint()
    app.processEvents()
    day_render = time.perf_counter() - t0
    t0 = time.perf_counter()
    plot.nox.setXRange(ts[0].value / 1e9 + 3600, ts[0].value / 1e9 + 7200, padding=0)  # pan to one hour
    plot.repaint()
    app.processEvents()
    pan = time.perf_counter() - t0
    import pyqtgraph as pg

    bare_plot = pg.PlotWidget()
    bare_plot.resize(1200, 600)
    bare_plot.show()
    app.processEvents()
    t0 = time.perf_counter()
    bare_plot.plot(np.arange(86400, dtype="float64"), df["nox_up"].to_numpy("float64"))
    bare_plot.repaint()
    app.processEvents()
    base_plot = time.perf_counter() - t0
    pool().waitForDone(5000)
    print(f"start-up to first paint: {startup * 1000:.0f} ms ({startup / base_start:.1f}x a bare QMainWindow, "
          f"{base_start * 1000:.0f} ms)")
    print(f"vehicle table, {args.vehicles:,} vehicles: first paint {table_paint * 1000:.0f} ms, sort by score "
          f"{table_sort * 1000:.0f} ms; a QStandardItemModel of the same rows: {base_table * 1000:.0f} ms and "
          f"{base_sort * 1000:.0f} ms (speed of the app's table against that baseline: first paint "
          f"{base_table / table_paint:.1f}x, sort {base_sort / max(table_sort, 1e-6):.2f}x)")
    print(f"one day at 1 Hz (86,400 samples x 4 series): drawn in {day_render * 1000:.0f} ms, pan to an hour "
          f"{pan * 1000:.0f} ms; a bare PlotWidget of one series: {base_plot * 1000:.0f} ms "
          f"({base_plot / day_render:.2f}x)")


if __name__ == "__main__":
    main()
