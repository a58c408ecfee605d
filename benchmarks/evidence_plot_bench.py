"""The evidence day plot at full size, offscreen, against the plain plot measured in the same run:

  python benchmarks/evidence_plot_bench.py [--spans 2000]

One day at 1 Hz (86,400 samples) with every panel (NOx with threshold, smoothed trace and --spans shaded
exceedance spans; reagent against fuel; MIL and trouble codes; SCR inlet; speed): the time to draw it and to pan
to one hour, against DayPlot.set_series (raw NOx, SCR inlet and speed) on the same samples."""

from __future__ import annotations

import argparse
import os
import time
from datetime import date, timedelta

import numpy as np
import pandas as pd

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported (in main)


def synthetic_day(n_spans: int):
    from dieselwatch.services.evidence import SERIES_COLUMNS, DayEvidence, Panel, Span

    day = date(2026, 10, 1)
    ts = pd.date_range("2026-10-01", periods=86400, freq="s")
    rng = np.random.default_rng(2)
    down = rng.uniform(0, 900, 86400)
    smooth = pd.Series(down).rolling(30, center=True, min_periods=1).mean().to_numpy()
    df = pd.DataFrame({
        "ts": ts, "speed": rng.uniform(0, 90, 86400), "nox_up": rng.uniform(0, 1200, 86400), "nox_down": down,
        "nox_smooth": smooth, "valid": True, "exceed": smooth > 500, "scr_in": rng.uniform(150, 400, 86400),
        "reagent": np.linspace(80, 20, 86400), "fuel_cum": np.linspace(0, 300, 86400),
        "mil": (np.arange(86400) // 3600) % 2, "dtc_count": (np.arange(86400) // 7200) % 4}, columns=SERIES_COLUMNS)
    starts = np.sort(rng.choice(86400 - 20, n_spans, replace=False))
    t0 = pd.Timestamp("2026-10-01").to_pydatetime()
    spans = tuple(Span(t0 + timedelta(seconds=int(s)), t0 + timedelta(seconds=int(s) + 10), 10) for s in starts)
    ev = DayEvidence(vehicle_id=1, vin="LFN6W24H2R0328904", plate="鲁A12345", day=day, series=df, threshold_ppm=500.0,
                     window_s=30, scr_min_c=250.0, ruleset_version="bench", reasons=(),
                     panels=(Panel.NOX, Panel.REAGENT, Panel.OBD, Panel.SCR, Panel.SPEED), exceedance=True,
                     spans=spans)
    return ev


def timed(app, plot, draw) -> tuple[float, float]:
    from dieselwatch.services.evidence import Panel

    t0 = time.perf_counter()
    draw()
    plot.repaint()
    app.processEvents()
    first = time.perf_counter() - t0
    start = pd.Timestamp("2026-10-01").value / 1e9
    t0 = time.perf_counter()
    plot.plot(Panel.NOX).setXRange(start + 3600 * 8, start + 3600 * 9, padding=0)
    plot.repaint()
    app.processEvents()
    return first, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spans", type=int, default=2000)
    args = ap.parse_args()
    from dieselwatch.gui.app import make_app
    from dieselwatch.gui.charts import DayPlot

    app = make_app()
    ev = synthetic_day(args.spans)
    base, full = DayPlot(), DayPlot()
    for p in (base, full):
        p.resize(1300, 820)
        p.show()
    app.processEvents()
    b_draw, b_pan = timed(app, base, lambda: base.set_series(ev.series))
    f_draw, f_pan = timed(app, full, lambda: full.set_evidence(ev))
    print(f"day plot, 86,400 samples: plain (set_series) draw {b_draw * 1000:.0f} ms, pan {b_pan * 1000:.0f} ms")
    print(f"evidence (set_evidence, 5 panels, {args.spans} spans): draw {f_draw * 1000:.0f} ms "
          f"({f_draw / b_draw:.1f}x plain), pan {f_pan * 1000:.0f} ms ({f_pan / b_pan:.1f}x plain)")


if __name__ == "__main__":
    main()
