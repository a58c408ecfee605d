"""The main window as a thin shell: navigation, the page stack, menus, the status bar, dropped files, sign-out,
and the window's state between sessions. Each page has its own form (ui/*_page.ui) and controller
(gui/*_page.py); pages reach the shell through the small API below (run, status, refresh, show_vehicle)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QWidget

from dieselwatch.gui import jobs
from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.forms import load_form
from dieselwatch.gui.help import add_help_menu
from dieselwatch.gui.worker import Job, pool
from dieselwatch.services import auditlog
from dieselwatch.services.users import user_count
from dieselwatch.workspace import Workspace

log = logging.getLogger(__name__)


class Page(Protocol):
    """What the shell needs of a page controller."""

    p: QWidget  # the page's form

    def refresh(self) -> None: ...


class MainController(QObject):
    def __init__(self, ws: Workspace, lang: str = "zh_CN", settings: QSettings | None = None):
        super().__init__()
        self.ws, self.lang = ws, lang
        self.settings = settings
        self.w: Any = load_form("main_window.ui")  # a QMainWindow with the form's widgets as attributes
        w = self.w
        w.setWindowTitle(self.tr("DieselWatch - remote OBD monitoring review"))
        from dieselwatch.gui.audit_page import AuditPage
        from dieselwatch.gui.dashboard_page import DashboardPage
        from dieselwatch.gui.imports_page import ImportsPage
        from dieselwatch.gui.lists_page import ListsPage
        from dieselwatch.gui.notices_page import NoticesPage
        from dieselwatch.gui.scoring_page import ScoringPage
        from dieselwatch.gui.settings_page import SettingsPage
        from dieselwatch.gui.vehicles_page import VehiclesPage

        self.dashboard_page = DashboardPage(self)
        self.vehicles_page = VehiclesPage(self)
        self.imports_page = ImportsPage(self)
        self.scoring_page = ScoringPage(self)
        self.lists_page = ListsPage(self)
        self.notices_page = NoticesPage(self)
        self.audit_page = AuditPage(self)
        self.settings_page = SettingsPage(self)
        self.pages: list[tuple[Page, str]] = [
            (self.dashboard_page, self.tr("Dashboard")), (self.vehicles_page, self.tr("Vehicles")),
            (self.imports_page, self.tr("Imports")), (self.scoring_page, self.tr("Scoring")),
            (self.lists_page, self.tr("Lists")), (self.notices_page, self.tr("Notices")),
            (self.audit_page, self.tr("Audit")), (self.settings_page, self.tr("Settings")),
        ]
        w.nav.setStyleSheet("QListWidget { font-size: 12pt; } QListWidget::item { padding: 8px 6px; }")
        self.shortcuts = []
        for i, (page, title) in enumerate(self.pages):
            w.pages.addWidget(page.p)
            w.nav.addItem(title)
            # Ctrl+1 ... Ctrl+8 open the pages in the order of the navigation list.
            sc = QShortcut(QKeySequence(f"Ctrl+{i + 1}"), w)
            sc.activated.connect(lambda i=i: w.nav.setCurrentRow(i))
            self.shortcuts.append(sc)
            w.nav.item(i).setToolTip(f"Ctrl+{i + 1}")
        w.nav.currentRowChanged.connect(w.pages.setCurrentIndex)
        w.nav.setCurrentRow(0)
        # The user, database and audit state stay in the status bar's permanent part: a passing message
        # (left) no longer wipes them.
        self.who_label, self.audit_label = QLabel(), QLabel()
        w.statusbar.addPermanentWidget(self.who_label)
        w.statusbar.addPermanentWidget(self.audit_label)
        self._show_who()
        # A decision or an issued notice changes what other pages show (list column, dashboard, audit state).
        self.lists_page.changed.connect(self.refresh)
        self.notices_page.issued.connect(self.refresh)
        w.actionImportRecords.triggered.connect(self.imports_page.import_records)
        w.actionImportRegistry.triggered.connect(self.imports_page.import_registry)
        w.actionRefresh.triggered.connect(self.refresh)
        w.actionQuit.triggered.connect(w.close)
        w.actionSignOut.triggered.connect(self.sign_out)
        add_help_menu(w, lang, ws)  # User guide (F1), About
        w.setAcceptDrops(True)
        w.installEventFilter(self)
        self._restore_state()

    # --- the API pages use ------------------------------------------------------------------------------
    def run(self, fn, *args, on_done=None, title: str | None = None, on_failed=None, **kwargs) -> Job:
        """Run a plain function on the worker (gui/jobs.py) with this window as the parent of its dialogs."""
        return jobs.run(fn, *args, parent=self.w, title=title, on_done=on_done, on_failed=on_failed,
                        status=self.w.statusbar.showMessage, **kwargs)

    def status(self, text: str, ms: int = 8000) -> None:
        self.w.statusbar.showMessage(text, ms)

    def show_page(self, page) -> None:
        for i, (p, _) in enumerate(self.pages):
            if p is page:
                self.w.nav.setCurrentRow(i)

    def show_vehicle(self, vin: str) -> bool:
        """Open the vehicles page on this VIN (from a list entry, a notice, a score) with its evidence."""
        if self.vehicles_page.select_vin(vin):
            self.show_page(self.vehicles_page)
            return True
        self.status(self.tr("Vehicle {0} is not in the vehicle table.").format(vin))
        return False

    def refresh(self) -> None:
        """Reload every page, and the audit chain's state for the status bar."""
        for page, _ in self.pages:
            page.refresh()
        self.run(auditlog.verify, self.ws, on_done=self._show_audit)

    def summary_changed(self, summary: dict) -> None:
        """The dashboard loaded the fleet summary: the scoring period defaults to the data stored."""
        self.scoring_page.set_data_span(summary["data_from"], summary["data_to"])

    # --- status bar -------------------------------------------------------------------------------------
    def _show_who(self) -> None:
        self.who_label.setText(self.tr("User: {0}   Database: {1}").format(self.ws.user, self.ws.db_url))

    def _show_audit(self, st) -> None:
        self.audit_label.setText(self.tr("Audit: {0}").format(
            self.tr("intact") if st.ok else self.tr("BROKEN - ") + core_text(st.message)))
        self.audit_label.setStyleSheet("" if st.ok else "color: #b00020; font-weight: bold;")

    # --- sign out / switch user -------------------------------------------------------------------------
    def sign_out(self) -> None:
        """Lock the window and ask for the next person's sign-in: the second approver needs no restart."""
        if not user_count(self.ws):
            self.status(self.tr("There are no user accounts yet: create them in Settings > Users first."))
            return
        if pool().activeThreadCount():
            # The running job acts as the signed-in user; switching under it would misattribute its audit.
            self.status(self.tr("Wait for the running task to finish before signing out."))
            return
        from dieselwatch.gui.login import LoginDialog

        self.save_state()
        self.ws.role = None
        self.w.hide()
        if LoginDialog(self.ws).exec():
            self._show_who()
            self.w.show()
            self.refresh()
            self.status(self.tr("Signed in as {0}.").format(self.ws.user))
        else:
            self.w.close()

    # --- drops ------------------------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        """Export files dropped on the window go through the import wizard."""
        if obj is self.w and event.type() == QEvent.Type.Close:
            # A Python filter still installed while Qt destroys the window at interpreter exit is called
            # for every child removed and crashes the process: leave with the window.
            self.save_state()
            self.w.removeEventFilter(self)
            return False
        if obj is self.w and event.type() in (QEvent.Type.DragEnter, QEvent.Type.Drop):
            urls = [u for u in event.mimeData().urls() if u.isLocalFile()] if event.mimeData().hasUrls() else []
            if not urls:
                return False
            event.acceptProposedAction()
            if event.type() == QEvent.Type.Drop:
                self.imports_page.import_with_wizard([Path(u.toLocalFile()) for u in urls])
            return True
        return super().eventFilter(obj, event)

    # --- window state -----------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        """The window opens where it was left, on the page last shown, with the splitters as they were."""
        s = self.settings
        if s is None:
            return
        if s.value("main/geometry") is not None:
            self.w.restoreGeometry(s.value("main/geometry"))
        if s.value("main/state") is not None:
            self.w.restoreState(s.value("main/state"))
        page = s.value("main/page")
        if page is not None and 0 <= int(page) < len(self.pages):
            self.w.nav.setCurrentRow(int(page))
        for name, splitter in self._splitters():
            if s.value(f"splitters/{name}") is not None:
                splitter.restoreState(s.value(f"splitters/{name}"))

    def _splitters(self):
        return [("vehicles", self.vehicles_page.p.vehicleSplitter), ("imports", self.imports_page.p.importSplitter)]

    def save_state(self) -> None:
        s = self.settings
        if s is None:
            return
        s.setValue("main/geometry", self.w.saveGeometry())
        s.setValue("main/state", self.w.saveState())
        s.setValue("main/page", self.w.nav.currentRow())
        for name, splitter in self._splitters():
            s.setValue(f"splitters/{name}", splitter.saveState())
