"""Render a demo vehicle's evidence plot (the vehicles page's day plot) offscreen to a PNG.
  python tools/evidence_plots.py HOME VIN OUT.png [--lang zh_CN|en] [--day YYYY-MM-DD]
tools/screenshots.py calls save_evidence_plot(ws, vin, path) for the vehicles it shows: one with an exceedance
reason and one with a reagent reason. Without --day the vehicle's day with the most exceedance is shown."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def save_evidence_plot(ws, vin: str, path: Path | str, day: date | None = None,
                       size: tuple[int, int] = (1300, 820)) -> Path:
    """Draw the day plot of the vehicle with this VIN on `day` (default: its best evidence day) and save it. The
    caller has a QApplication with its translators installed."""
    from PySide6.QtWidgets import QApplication

    from dieselwatch.gui.charts import DayPlot
    from dieselwatch.services import evidence

    vid = evidence.vehicle_id(ws, vin)
    if vid is None:
        raise SystemExit(f"no vehicle {vin}")
    day = day or evidence.evidence_day(ws, vid)
    if day is None:
        raise SystemExit(f"no stored day for {vin}")
    plot = DayPlot()
    plot.resize(*size)
    plot.set_evidence(evidence.day_evidence(ws, vid, day))
    plot.show()
    for _ in range(3):
        QApplication.processEvents()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    plot.grab().save(str(path))
    plot.close()
    plot.deleteLater()
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("home")
    ap.add_argument("vin")
    ap.add_argument("out", type=Path)
    ap.add_argument("--lang", default="zh_CN")
    ap.add_argument("--day", type=date.fromisoformat)
    args = ap.parse_args()
    from dieselwatch.gui.app import install_translators, make_app
    from dieselwatch.workspace import Workspace

    app = make_app()
    install_translators(app, args.lang)
    ws = Workspace.open(home=args.home)
    print("wrote", save_evidence_plot(ws, args.vin, args.out, args.day))


if __name__ == "__main__":
    main()
