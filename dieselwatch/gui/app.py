"""Start the desktop app: logging, language, the workspace, the main window."""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from dieselwatch.paths import resource

log = logging.getLogger("dieselwatch")
_KEEP: list[QTranslator] = []  # the installed translators, alive as long as the app


def pick_language(requested: str | None) -> str:
    if requested:
        return requested
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def install_translators(app: QApplication, lang: str) -> list[QTranslator]:
    """The app's own .qm plus Qt's, so standard dialogs (file dialog, message box buttons) speak Chinese."""
    kept: list[QTranslator] = []
    if lang == "en":
        return kept
    own = QTranslator(app)
    if own.load(str(resource("translations", f"dieselwatch_{lang}.qm"))):
        app.installTranslator(own)
        kept.append(own)
    else:
        log.warning("no translation for %s", lang)
    # qtbase, not the qt_ meta catalogue: that one names modules PySide6-Essentials does not ship and fails
    # to load as a whole, which left standard buttons (Cancel, Yes, No) in English.
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        kept.append(qt)
    else:
        log.warning("no Qt translation for %s", lang)
    return kept


def setup_logging(logs_dir) -> None:
    logs_dir.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(logs_dir / "dieselwatch.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def make_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName("DieselWatch")
    app.setOrganizationName("DieselWatch")
    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(resource("icons", "dieselwatch.png"))))
    return app


def settings_for(home) -> QSettings:
    return QSettings(str(home.root / "dieselwatch.ini"), QSettings.Format.IniFormat)


def run(args) -> int:
    import os

    from dieselwatch.config import resolve_home
    from dieselwatch.gui.main_window import MainController
    from dieselwatch.workspace import Workspace

    app = make_app()
    from dieselwatch.gui.worker import collect_on_gui_thread

    collect_on_gui_thread()  # before any worker runs: no Qt object may be collected on a worker (worker.py)
    # This workstation's choices from the settings page; the command line and environment still win.
    local = settings_for(resolve_home(args.home).ensure())
    lang = pick_language(getattr(args, "lang", None) or local.value("ui/language") or None)
    _KEEP.extend(install_translators(app, lang))  # keep references alive
    db = args.db or os.environ.get("DIESELWATCH_DB") or local.value("database/url") or None
    raw = getattr(args, "raw", None) or os.environ.get("DIESELWATCH_RAW") or local.value("raw/folder") or None
    ws = Workspace.open(home=args.home, db=db, user=args.user, raw=raw)
    setup_logging(ws.home.logs_dir)
    from dieselwatch.gui import jobs

    jobs.LOG_FILE = str(ws.home.logs_dir / "dieselwatch.log")

    def excepthook(kind, value, tb):
        log.error("unhandled error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        QMessageBox.critical(None, "DieselWatch", app.translate("App", "An unexpected error occurred: {0}\n\n"
                             "Details are in the log file:\n{1}").format(value, ws.home.logs_dir / "dieselwatch.log"))

    sys.excepthook = excepthook
    from dieselwatch.services.overview import fleet_summary
    from dieselwatch.services.users import user_count

    load_demo = False
    if getattr(args, "demo_splash", False):  # `dieselwatch --demo`: the demo home is prepared behind a splash
        from dieselwatch.gui.splash import prepare_demo

        print(f"DieselWatch demo home: {ws.home.root}", file=sys.stderr)
        prepare_demo(ws)
    if user_count(ws):
        from dieselwatch.gui.login import LoginDialog

        if not LoginDialog(ws).exec():
            return 0
    elif not fleet_summary(ws)["vehicles"]:  # a brand-new database: bureau, first admin, demo fleet?
        from dieselwatch.gui.first_run import FirstRunDialog

        first = FirstRunDialog(ws)
        load_demo = first.exec() and first.demo
    ctl = MainController(ws, lang, settings_for(ws.home))
    app.aboutToQuit.connect(ctl.save_state)
    from dieselwatch.gui.worker import pool

    # Queued jobs are dropped and a running one finishes (imports and decisions are transactions) before
    # Python shuts down under it.
    def drain() -> None:
        pool().clear()
        pool().waitForDone(60000)
        ctl.w.removeEventFilter(ctl)

    app.aboutToQuit.connect(drain)
    from dieselwatch.gui import first_paint

    if first_paint.requested():  # benchmarks/gui_bench.py --frozen times start-up to the first paint
        first_paint.quit_after_first_paint(app, ctl.w)
    ctl.w.show()
    ctl.refresh()
    if load_demo:
        from dieselwatch.demo.setup import ensure_demo

        ctl.run(ensure_demo, ws, on_done=lambda _: ctl.refresh(),
                 title=app.translate("App", "Loading the demo fleet"))
    if ws.migration_backup:
        QMessageBox.information(ctl.w, "DieselWatch", app.translate(
            "App", "The database was upgraded to this version. A copy of it as it was is kept at:\n{0}")
            .format(ws.migration_backup))
    return app.exec()
