"""`dieselwatch selftest`: the whole pipeline in a temporary home, to catch what a frozen build silently loses
(resources, migrations, translations, Qt plugins). Each step reports; the run passes only if all pass."""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from datetime import date
from pathlib import Path


def run_selftest() -> dict:
    steps: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="dieselwatch-selftest-") as tmp:
        tmp = Path(tmp)
        ctx: dict = {}

        def step(name, fn):
            t = time.perf_counter()
            try:
                detail = fn()
                steps.append({"step": name, "ok": True, "detail": detail, "seconds": round(time.perf_counter() - t, 3)})
                return True
            except Exception as exc:  # noqa: BLE001 - a self-test reports every failure
                steps.append({"step": name, "ok": False, "detail": f"{type(exc).__name__}: {exc}",
                              "trace": traceback.format_exc(), "seconds": round(time.perf_counter() - t, 3)})
                return False

        def migrate():
            from dieselwatch.storage.db import current_revision
            from dieselwatch.workspace import Workspace

            ctx["ws"] = Workspace.open(home=str(tmp / "home"), user="selftest")
            return f"schema at revision {current_revision(ctx['ws'].engine)}"

        def fixture():
            from dieselwatch.demo.fleet import generate

            ctx["m"] = generate(tmp / "demo", vehicles=4, days=2, minutes_per_day=60, seed=3)
            return f"{ctx['m']['rows']} records of {len(ctx['m']['vehicles'])} vehicles"

        def load():
            from dieselwatch.services.imports import import_records
            from dieselwatch.services.registry import import_registry

            reg = import_registry(ctx["ws"], tmp / "demo" / "registry.xlsx")
            rep = import_records(ctx["ws"], tmp / "demo" / "records.csv")
            x = import_records(ctx["ws"], tmp / "demo" / "records_other_platform.xlsx")
            if rep.rows_imported == 0 or x.rows_imported != 0:
                raise AssertionError(f"unexpected import counts {rep.rows_imported}, {x.rows_imported}")
            return f"{reg.created} vehicles, {rep.rows_imported} records ({rep.encoding}), {x.duplicates} xlsx duplicates"

        def score():
            from dieselwatch.services.scoring import score_period

            m = ctx["m"]
            res = score_period(ctx["ws"], date.fromisoformat(m["start"]), date.fromisoformat(m["end"]))
            behaviour = {v["vin"]: v["behaviour"] for v in m["vehicles"]}
            hi = [v for v in res.vehicles if behaviour.get(v["vin"]) == "high_emitter"]
            if not hi or hi[0]["proposal"] != "black":
                raise AssertionError("the planted high emitter was not proposed black")
            return ", ".join(f"{k} {v}" for k, v in res.counts().items())

        def decide():
            from dieselwatch.services import lists, users

            ws = ctx["ws"]
            users.create_user(ws, "selftest-admin", "selftest-admin-pw", "admin", "自检管理员")
            users.create_user(ws, "selftest-officer", "selftest-officer-pw", "officer", "自检经办人")
            users.create_user(ws, "selftest-supervisor", "selftest-supervisor-pw", "supervisor", "自检审核人")
            users.login(ws, "selftest-admin", "selftest-admin-pw")
            from dieselwatch.services.settings import update_settings

            update_settings(ws, {"bureau.contact": "自检", "bureau.phone": "0000", "bureau.address": "自检"})
            users.login(ws, "selftest-officer", "selftest-officer-pw")
            r = lists.propose_from_run(ws)
            users.login(ws, "selftest-supervisor", "selftest-supervisor-pw")
            black = lists.entries(ws, kind="black", status="proposed")
            if not black:
                raise AssertionError("no black proposal to decide")
            lists.decide(ws, black[0]["id"], True, "selftest")
            users.login(ws, "selftest-officer", "selftest-officer-pw")
            return f"proposed {r.proposed}; approved black entry {black[0]['id']} under the two-person rule"

        def notice():
            from openpyxl import load_workbook

            from dieselwatch.services.notices import export_notices

            res = export_notices(ctx["ws"], tmp / "notices")
            sheet = load_workbook(res.files[0]).active
            text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
            if "整改通知书" not in text or "{{" in text:
                raise AssertionError("the notice template was not filled")
            return f"{res.notices} notice(s) written from the template"

        def verify():
            from dieselwatch.services.auditlog import verify as verify_audit

            st = verify_audit(ctx["ws"])
            if not st.ok:
                raise AssertionError(st.message)
            return st.message

        def window():
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            from dieselwatch.gui.app import install_translators, make_app
            from dieselwatch.gui.main_window import MainController
            from dieselwatch.gui.worker import pool

            app = make_app()
            trs = install_translators(app, "zh_CN")
            if not trs:
                raise AssertionError("no translation loaded")
            try:
                ctl = MainController(ctx["ws"], "zh_CN")
                ctl.w.show()
                ctl.refresh()
                for _ in range(200):
                    app.processEvents()
                    pool().waitForDone(20)
                    if ctl.model.rowCount():
                        break
                app.processEvents()
                n = ctl.model.rowCount()
                ctl.w.close()
            finally:  # leave the application as found (tests share one QApplication)
                for t in trs:
                    app.removeTranslator(t)
            if n != len(ctx["m"]["vehicles"]):
                raise AssertionError(f"vehicle table shows {n} rows")
            return f"main window built, {n} vehicles shown, title {ctl.w.windowTitle()!r}"

        plan = (("migrate", migrate), ("fixture", fixture), ("import", load), ("score", score), ("decide", decide),
                ("notice", notice), ("audit", verify), ("window", window))
        for name, fn in plan:
            if not step(name, fn):
                break
        if "ws" in ctx:
            ctx["ws"].close()
    return {"ok": all(s["ok"] for s in steps) and len(steps) == len(plan), "steps": steps}
