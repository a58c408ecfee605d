"""Render every main view offscreen with the CJK font and save docs/screenshots/<view>_<lang>.png.
  python tools/screenshots.py HOME USER PASSWORD [--lang zh_CN|en]
HOME: a data folder with demo data scored, listed and noticed (see README), USER/PASSWORD: an account there."""

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
        if name == "vehicles":
            ctl.w.vehiclesTable.selectRow(0)
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
            for tab, suffix in ((1, "days"), (2, "day_plot")):
                ctl.w.vehicleTabs.setCurrentIndex(tab)
                settle()
                ctl.w.grab().save(str(out / f"vehicle_{suffix}_{args.lang}.png"))
                print("wrote", out / f"vehicle_{suffix}_{args.lang}.png")
            ctl.w.vehicleTabs.setCurrentIndex(0)


if __name__ == "__main__":
    main()
