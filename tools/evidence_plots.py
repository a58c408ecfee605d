"""Render evidence plots (the vehicles page's day plot) offscreen to PNGs.
  python tools/evidence_plots.py HOME OUT_DIR [--lang zh_CN|en]      one per evidence kind of the latest run
  python tools/evidence_plots.py HOME OUT.png --vin VIN [--day YYYY-MM-DD] [--lang ...]
tools/screenshots.py calls save_example_plots(ws, out_dir, lang) (evidence_<kind>_<lang>.png for a vehicle with
an exceedance, a reagent and an OBD reason) or save_evidence_plot(ws, vin, path). Without a day the vehicle's
day with the most exceedance is shown."""

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
    from dieselwatch.services import evidence

    vid = evidence.vehicle_id(ws, vin)
    if vid is None:
        raise SystemExit(f"no vehicle {vin}")
    return _save(ws, vid, Path(path), day, size)


def _save(ws, vid: int, path: Path, day: date | None, size: tuple[int, int] = (1300, 820)) -> Path:
    from PySide6.QtWidgets import QApplication

    from dieselwatch.gui.charts import DayPlot
    from dieselwatch.services import evidence

    day = day or evidence.evidence_day(ws, vid)
    if day is None:
        raise SystemExit(f"no stored day for vehicle {vid}")
    plot = DayPlot()
    plot.resize(*size)
    plot.set_evidence(evidence.day_evidence(ws, vid, day))
    plot.show()
    for _ in range(3):
        QApplication.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    plot.grab().save(str(path))
    plot.close()
    plot.deleteLater()
    return path


KINDS = {"nox": "exceedance", "reagent": "reagent", "obd": "obd"}


def save_example_plots(ws, out_dir: Path | str, lang: str) -> list[Path]:
    """evidence_exceedance_<lang>.png, evidence_reagent_<lang>.png, evidence_obd_<lang>.png for the first vehicle
    of the latest run with such a reason (kinds without one are skipped)."""
    from dieselwatch.services import evidence

    out = []
    for panel, vid in evidence.example_vehicles(ws).items():
        out.append(_save(ws, vid, Path(out_dir) / f"evidence_{KINDS[panel.value]}_{lang}.png", None))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("home")
    ap.add_argument("out", type=Path)
    ap.add_argument("--vin")
    ap.add_argument("--lang", default="zh_CN")
    ap.add_argument("--day", type=date.fromisoformat)
    args = ap.parse_args()
    from dieselwatch.gui.app import install_translators, make_app
    from dieselwatch.workspace import Workspace

    app = make_app()
    install_translators(app, args.lang)
    ws = Workspace.open(home=args.home)
    paths = [save_evidence_plot(ws, args.vin, args.out, args.day)] if args.vin else \
        save_example_plots(ws, args.out, args.lang)
    for p in paths:
        print("wrote", p)


if __name__ == "__main__":
    main()
