"""Render every main view offscreen with the CJK font and save docs/screenshots/<view>_<lang>.png.
  python tools/screenshots.py HOME USER PASSWORD [--lang zh_CN|en]
HOME: a data folder with demo data scored, listed and noticed (see README), USER/PASSWORD: an account there.
--wizard-csv FILE: a demo records.csv; its first rows, with an unknown header and three bad cells planted, are
shown in the import wizard (import_wizard_<lang>.png)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
VIEWS = ["dashboard", "vehicles", "imports", "scoring", "lists", "notices", "audit", "settings"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("home")
    ap.add_argument("user")
    ap.add_argument("password")
    ap.add_argument("--lang", default="zh_CN")
    ap.add_argument("--wizard-csv", type=Path)
    args = ap.parse_args()
    from dieselwatch.gui.app import install_translators, make_app
    from dieselwatch.gui.main_window import MainController
    from dieselwatch.gui.worker import pool
    from dieselwatch.services.users import login
    from dieselwatch.workspace import Workspace

    app = make_app()
    install_translators(app, args.lang)
    ws = Workspace.open(home=args.home)
    login(ws, args.user, args.password)
    ctl = MainController(ws, args.lang)
    ctl.w.resize(1400, 860)
    ctl.w.show()
    ctl.refresh()

    def settle():
        for _ in range(100):
            app.processEvents()
            pool().waitForDone(20)
        app.processEvents()

    settle()
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(VIEWS):
        ctl.w.nav.setCurrentRow(i)
        if name == "vehicles":  # a vehicle with a NOx exceedance, its evidence given room
            from dieselwatch.services import evidence

            nox = evidence.example_vehicles(ws).get(evidence.Panel.NOX)
            vin = next((r.vin for r in ctl.vehicles_page.model._rows if r.id == nox), None)
            if vin:
                ctl.show_vehicle(vin)
            else:
                ctl.vehicles_page.p.vehiclesTable.selectRow(0)
        if name == "lists":
            ctl.lists_page.p.statusFilter.setCurrentIndex(1)
            settle()
            ctl.lists_page.p.table.selectRow(1)
        if name in ("notices",) and ctl.notices_page.p.table.model().rowCount():
            ctl.notices_page.p.table.selectRow(0)
        if name == "audit":
            ctl.audit_page.verify()
            settle()
            ctl.audit_page.p.table.selectRow(0)
        settle()
        ctl.w.grab().save(str(out / f"{name}_{args.lang}.png"))
        print("wrote", out / f"{name}_{args.lang}.png")
        if name == "vehicles":  # the vehicle's days and one day at 1 Hz
            ctl.vehicles_page.p.vehicleSplitter.setSizes([220, 600])
            for tab, suffix in ((1, "days"), (2, "day_plot")):
                ctl.vehicles_page.p.vehicleTabs.setCurrentIndex(tab)
                settle()
                ctl.w.grab().save(str(out / f"vehicle_{suffix}_{args.lang}.png"))
                print("wrote", out / f"vehicle_{suffix}_{args.lang}.png")
            ctl.vehicles_page.p.vehicleTabs.setCurrentIndex(0)
            ctl.vehicles_page.p.vehicleSplitter.setSizes([480, 320])
    # The evidence plots by reason (NOx exceedance, reagent, OBD), drawn as the vehicles page draws them.
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    from evidence_plots import save_example_plots

    for path in save_example_plots(ws, out, args.lang):
        print("wrote", path)
    if args.wizard_csv:
        path = odd_platform_export(args.wizard_csv, Path(args.home) / "exports" / "odd_platform.csv")
        from dieselwatch.gui.import_wizard import ImportWizard
        from dieselwatch.services.import_preview import preview_records

        wiz = ImportWizard(ctl, path, preview_records(path))
        wiz.d.resize(1300, 760)
        wiz.d.show()
        settle()
        wiz.d.grab().save(str(out / f"import_wizard_{args.lang}.png"))
        print("wrote", out / f"import_wizard_{args.lang}.png")


def odd_platform_export(demo_csv: Path, out: Path) -> Path:
    """A platform export as officers meet them: a header the alias table does not know (尾排氮氧 for the
    downstream NOx), an impossible speed, a date that does not exist and text in a number column."""
    lines = demo_csv.read_text(encoding="gbk").splitlines()[:45]
    at = next(i for i, line in enumerate(lines) if "车辆识别代号" in line)  # below the platform's title rows
    titles, header, lines = lines[:at], lines[at].split(","), lines[at:]
    nox = next(i for i, h in enumerate(header) if h.startswith("SCR下游NOx"))
    header[nox] = "尾排氮氧"
    rows = [r.split(",") for r in lines[1:]]
    col = {h.split("(")[0]: i for i, h in enumerate(header)}
    rows[3][col["车速"]], rows[7][col["数据采集时间"]], rows[9][col["发动机转速"]] = "999", "2026-13-45", "abc"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join([*titles, *(",".join(r) for r in [header, *rows])]) + "\n", encoding="gbk")
    return out


if __name__ == "__main__":
    main()
