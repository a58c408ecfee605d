"""`dieselwatch selftest`: every part an installation needs, each check named, to catch what a frozen build or an
installed package silently lost (Qt plugins and their system libraries, fonts, translations, the notice template,
the PostgreSQL driver, migrations). The whole pipeline runs in a temporary home; nothing touches the user's data.

Each check states one claim and fails when that claim does not hold, naming what is missing; a check whose
prerequisite failed reports "not run" and fails too. packaging/check_selftest.py removes each piece from a copy
of the bundle and sees the check that names it fail."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from datetime import date
from pathlib import Path

# The platform plugin a desktop of each system shows windows with (the self-test itself draws offscreen).
NATIVE_PLATFORM = {"linux": "xcb", "win32": "windows", "darwin": "cocoa"}
# A message only the app's own catalogue translates: Qt's qtbase_zh_CN.qm knows no "MainWindow" context.
APP_PROBE = ("MainWindow", "&File")
# Qt's own catalogue: the standard buttons of message boxes and file dialogs.
QT_PROBE = ("QPlatformTheme", "Cancel")
CHINESE_SAMPLE = "柴油车远程监控审查整改通知书"


class CheckFailed(Exception):
    """A claim that does not hold; the message says what is missing."""


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def run_selftest() -> dict:
    steps: list[dict] = []
    failed: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="dieselwatch-selftest-") as tmp_name:
        tmp = Path(tmp_name)
        ctx: dict = {}

        def platform():
            """The Qt platform plugins load, with every system library they link (libxcb-icccm4 and friends)."""
            from PySide6.QtCore import QLibraryInfo, QPluginLoader

            folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
            # The window check below draws offscreen unless the caller chose a platform.
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            wanted = [NATIVE_PLATFORM.get(sys.platform, "xcb"), os.environ["QT_QPA_PLATFORM"].split(":")[0]]
            done = []
            for name in dict.fromkeys(wanted):
                files = sorted(folder.glob(f"*q{name}.*")) if folder.is_dir() else []
                if not files:
                    raise CheckFailed(f"the {name} platform plugin is missing from {folder}")
                loader = QPluginLoader(str(files[0]))
                if not loader.load():
                    raise CheckFailed(f"the {name} platform plugin does not load: {loader.errorString()}")
                done.append(f"{name} ({files[0].name})")
            return "loaded " + ", ".join(done)

        def fonts():
            """A font that can draw Chinese is installed, and it has the glyphs."""
            from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

            from dieselwatch.gui.app import make_app

            ctx["app"] = make_app()
            families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
            if not families:
                raise CheckFailed("no font for Simplified Chinese is installed (Debian: fonts-wqy-microhei); "
                                  "Chinese text would show as boxes")
            for family in families:
                metrics = QFontMetrics(QFont(family))
                if all(metrics.inFontUcs4(ord(ch)) for ch in CHINESE_SAMPLE):
                    return f"{family} draws Chinese ({len(families)} Chinese font families)"
            raise CheckFailed(f"fonts claim Simplified Chinese but lack glyphs of {CHINESE_SAMPLE}: {families[:5]}")

        def translation():
            """The app's own Chinese catalogue is loaded (a string only it translates), and Qt's for the dialogs."""
            from dieselwatch.gui.app import install_translators
            from dieselwatch.paths import resource

            app = ctx["app"]
            trs = install_translators(app, "zh_CN")
            try:
                own = app.translate(*APP_PROBE)
                qt = app.translate(*QT_PROBE)
            finally:  # leave the application as found (tests share one QApplication)
                for t in trs:
                    app.removeTranslator(t)
            if not _has_cjk(own):
                raise CheckFailed(f"the app's translation is not loaded: {APP_PROBE[1]!r} stays {own!r} "
                                  f"({resource('translations', 'dieselwatch_zh_CN.qm')})")
            if not _has_cjk(qt):
                raise CheckFailed(f"Qt's own translation (qtbase_zh_CN.qm) is not loaded: {QT_PROBE[1]!r} stays "
                                  f"{qt!r}, so standard dialogs would speak English")
            return f"{APP_PROBE[1]!r} -> {own!r}, Qt's {QT_PROBE[1]!r} -> {qt!r}"

        def postgres_driver():
            """The PostgreSQL driver imports with its own libpq (an office desktop has no libpq installed)."""
            try:
                import psycopg
                from sqlalchemy import create_engine
            except ImportError as exc:
                raise CheckFailed(f"psycopg does not import: {exc}") from exc
            impl = psycopg.pq.__impl__
            if getattr(sys, "frozen", False) and impl != "binary":
                raise CheckFailed(f"the bundled libpq (psycopg-binary) is missing: psycopg fell back to its {impl} "
                                  "implementation and the system's libpq")
            create_engine("postgresql+psycopg://selftest@127.0.0.1:1/selftest").dispose()  # dialect loads, no connect
            v = psycopg.pq.version()
            return f"psycopg {psycopg.__version__} ({impl}), libpq {v // 10000}.{v % 10000}"

        def database():
            from dieselwatch.storage.db import current_revision
            from dieselwatch.workspace import Workspace

            ctx["ws"] = Workspace.open(home=str(tmp / "home"), user="selftest")
            return f"SQLite schema migrated to revision {current_revision(ctx['ws'].engine)}"

        def load():
            from dieselwatch.demo.fleet import generate
            from dieselwatch.services.imports import import_records
            from dieselwatch.services.registry import import_registry

            ctx["m"] = generate(tmp / "demo", vehicles=4, days=2, minutes_per_day=60, seed=3)
            reg = import_registry(ctx["ws"], tmp / "demo" / "registry.xlsx")
            rep = import_records(ctx["ws"], tmp / "demo" / "records.csv")
            x = import_records(ctx["ws"], tmp / "demo" / "records_other_platform.xlsx")
            if rep.rows_imported == 0 or x.rows_imported != 0:
                raise CheckFailed(f"unexpected import counts {rep.rows_imported}, {x.rows_imported}")
            return (f"{reg.created} vehicles, {rep.rows_imported} records ({rep.encoding}), "
                    f"{x.duplicates} xlsx duplicates")

        def score():
            from dieselwatch.services.scoring import score_period

            m = ctx["m"]
            res = score_period(ctx["ws"], date.fromisoformat(m["start"]), date.fromisoformat(m["end"]))
            behaviour = {v["vin"]: v["behaviour"] for v in m["vehicles"]}
            hi = [v for v in res.vehicles if behaviour.get(v["vin"]) == "high_emitter"]
            if not hi or hi[0]["proposal"] != "black":
                raise CheckFailed("the planted high emitter was not proposed black")
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
                raise CheckFailed("no black proposal to decide")
            lists.decide(ws, black[0]["id"], True, "selftest")
            users.login(ws, "selftest-officer", "selftest-officer-pw")
            return f"proposed {r.proposed}; approved black entry {black[0]['id']} under the two-person rule"

        def notice():
            """The notice template is there and renders: write a notice workbook and read it back."""
            from openpyxl import load_workbook

            from dieselwatch.paths import resource
            from dieselwatch.services.excel import first_sheet
            from dieselwatch.services.notices import export_notices

            template = resource("templates", "rectification_notice.xlsx")
            if not template.is_file():
                raise CheckFailed(f"the notice template is missing: {template}")
            res = export_notices(ctx["ws"], tmp / "notices")
            sheet = first_sheet(load_workbook(res.files[0]))
            text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
            if "整改通知书" not in text or "{{" in text:
                raise CheckFailed("the notice template was not filled")
            return f"{res.notices} notice(s) written from the template and read back"

        def audit():
            from dieselwatch.services.auditlog import verify as verify_audit

            st = verify_audit(ctx["ws"])
            if not st.ok:
                raise CheckFailed(st.message)
            return st.message

        def window():
            from dieselwatch.gui.app import install_translators
            from dieselwatch.gui.main_window import MainController
            from dieselwatch.gui.worker import pool

            app = ctx["app"]
            trs = install_translators(app, "zh_CN")
            try:
                ctl = MainController(ctx["ws"], "zh_CN")
                ctl.w.show()
                ctl.refresh()
                for _ in range(200):
                    app.processEvents()
                    pool().waitForDone(20)
                    if ctl.vehicles_page.model.rowCount():
                        break
                app.processEvents()
                n = ctl.vehicles_page.model.rowCount()
                ctl.w.close()
            finally:
                for t in trs:
                    app.removeTranslator(t)
            if n != len(ctx["m"]["vehicles"]):
                raise CheckFailed(f"vehicle table shows {n} rows")
            return f"main window built, {n} vehicles shown, title {ctl.w.windowTitle()!r}"

        def guide():
            """The user guide and its screenshots shipped (docs/), and the Help window renders every one of them."""
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QPixmap, QTextDocument

            from dieselwatch.gui.help import GuideDialog

            dlg = GuideDialog(None, "zh_CN")
            try:
                dlg.grab()
                doc, names = dlg.browser.document(), dlg.image_names()
                broken = [n for n in names if not isinstance(
                    doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(n)), QPixmap)]
                heads = len(dlg.headings())
            finally:
                dlg.close()
            if broken or not names:
                raise CheckFailed(f"the user guide's screenshots do not load: {broken or 'none linked'}")
            return f"{dlg.path.name if dlg.path else ''}: {heads} headings, {len(names)} screenshots"

        # (name, check, the checks it needs)
        plan = (
            ("platform", platform, ()),
            ("fonts", fonts, ("platform",)),
            ("translation", translation, ("fonts",)),
            ("postgres-driver", postgres_driver, ()),
            ("database", database, ()),
            ("import", load, ("database",)),
            ("score", score, ("import",)),
            ("decide", decide, ("score",)),
            ("notice", notice, ("decide",)),
            ("audit", audit, ("decide",)),
            ("window", window, ("import", "fonts")),
            ("guide", guide, ("fonts",)),
        )
        for name, fn, needs in plan:
            t = time.perf_counter()
            missing = [n for n in needs if n in failed]
            if missing:
                failed.add(name)
                steps.append({"step": name, "ok": False, "detail": f"not run: needs {', '.join(missing)}",
                              "seconds": 0.0})
                continue
            try:
                detail = fn()
                steps.append({"step": name, "ok": True, "detail": detail, "seconds": round(time.perf_counter() - t, 3)})
            except Exception as exc:  # noqa: BLE001 - a self-test reports every failure by name
                failed.add(name)
                reason = str(exc) if isinstance(exc, CheckFailed) else f"{type(exc).__name__}: {exc}"
                steps.append({"step": name, "ok": False, "detail": reason, "trace": traceback.format_exc(),
                              "seconds": round(time.perf_counter() - t, 3)})
        if "ws" in ctx:
            ctx["ws"].close()
    return {"ok": not failed and len(steps) == len(plan), "steps": steps}
