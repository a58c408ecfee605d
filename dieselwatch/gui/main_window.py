"""The main window: a Designer form (ui/main_window.ui) driven by a controller that runs core services as
jobs off the GUI thread and renders their results."""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QFileDialog, QHeaderView, QMainWindow, QMessageBox

from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.models import VehicleFilterProxy, VehicleTableModel
from dieselwatch.gui import jobs
from dieselwatch.gui.forms import load_form
from dieselwatch.gui.worker import Job
from dieselwatch.services import auditlog, overview
from dieselwatch.services.imports import import_records
from dieselwatch.services.registry import import_registry
from dieselwatch.services.rulesets import list_rule_sets
from dieselwatch.services.scoring import coverage_warnings, score_period
from dieselwatch.workspace import Workspace

log = logging.getLogger(__name__)


def _load_all(ws, lang: str, kinds: dict[str, str], progress=None, cancel=None) -> dict:
    """Runs on the worker: everything the main window shows, from the services."""
    st = auditlog.verify(ws)
    from sqlalchemy import select

    from dieselwatch.storage.models import ImportBatch

    with ws.Session() as s:
        batches = [(b.id, kinds["records" if b.kind == "records" else "registry"], b.file_name, b.imported_at,
                    b.imported_by, b.rows_read, b.rows_imported, b.duplicates, b.rejected, b.report)
                   for b in s.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()))]
    return {"summary": overview.fleet_summary(ws), "rows": overview.vehicle_rows(ws, lang),
            "charts": overview.dashboard_series(ws),
            "batches": batches, "audit": (st.ok, st.message), "rulesets": list_rule_sets(ws)}


def _detail(ws, vehicle_id, progress=None, cancel=None) -> dict:
    """Runs on the worker: one vehicle's detail, days and list history."""
    from dieselwatch.services.lists import history

    d = overview.vehicle_detail(ws, vehicle_id)
    d["id"], d["days"] = vehicle_id, overview.vehicle_days(ws, vehicle_id)
    d["lists"] = history(ws, d["vin"])
    return d


class MainController(QObject):
    def __init__(self, ws: Workspace, lang: str = "zh_CN", settings: QSettings | None = None):
        super().__init__()
        self.ws, self.lang = ws, lang
        self.settings = settings
        self.w: QMainWindow = load_form("main_window.ui")
        self.jobs: set[Job] = set()
        w = self.w
        w.setWindowTitle(self.tr("DieselWatch - remote OBD monitoring review"))
        self.model = VehicleTableModel(self)
        self.proxy = VehicleFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        w.vehiclesTable.setModel(self.proxy)
        w.vehiclesTable.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        w.vehiclesTable.horizontalHeader().setStretchLastSection(True)
        w.vehiclesTable.verticalHeader().setDefaultSectionSize(24)
        for i, width in enumerate((170, 90, 230, 80, 55, 75, 75)):
            w.vehiclesTable.setColumnWidth(i, width)
        w.proposalFilter.addItem(self.tr("All"), "")
        for key, text in (("black", self.tr("black")), ("watch", self.tr("watch")), ("white", self.tr("white")),
                          ("none", self.tr("none"))):
            w.proposalFilter.addItem(text, key)
        for key, text in (("black", self.tr("on the black list")), ("watch", self.tr("on the watch list")),
                          ("white", self.tr("on the white list"))):
            w.proposalFilter.addItem(text, f"list:{key}")
        self.batches = QStandardItemModel(0, 9, self)
        self.batches.setHorizontalHeaderLabels([self.tr("Batch"), self.tr("Kind"), self.tr("File"), self.tr("Imported at"),
                                                self.tr("By"), self.tr("Rows read"), self.tr("Imported"),
                                                self.tr("Duplicates"), self.tr("Rejected")])
        w.batchesTable.setModel(self.batches)
        w.batchesTable.verticalHeader().hide()
        w.batchesTable.setEditTriggers(w.batchesTable.EditTrigger.NoEditTriggers)
        w.batchesTable.horizontalHeader().setStretchLastSection(False)
        w.batchesTable.setSelectionMode(w.batchesTable.SelectionMode.SingleSelection)
        w.batchesTable.selectionModel().currentRowChanged.connect(self._batch_selected)
        w.nav.setStyleSheet("QListWidget { font-size: 12pt; } QListWidget::item { padding: 8px 6px; }")
        w.nav.setCurrentRow(0)
        w.nav.currentRowChanged.connect(w.pages.setCurrentIndex)
        w.vehicleSearch.textChanged.connect(self.proxy.set_text)
        w.proposalFilter.currentIndexChanged.connect(lambda _: self.proxy.set_proposal(w.proposalFilter.currentData()))
        w.vehiclesTable.selectionModel().currentRowChanged.connect(self._vehicle_selected)
        w.importRecordsButton.clicked.connect(self.import_records)
        w.importRegistryButton.clicked.connect(self.import_registry)
        w.exportReportButton.clicked.connect(self.export_report)
        w.removeBatchButton.clicked.connect(self.remove_batch)
        w.actionImportRecords.triggered.connect(self.import_records)
        w.actionImportRegistry.triggered.connect(self.import_registry)
        w.actionRefresh.triggered.connect(self.refresh)
        w.actionQuit.triggered.connect(w.close)
        w.scoreButton.clicked.connect(self.run_scoring)
        w.fromDate.dateChanged.connect(self.check_coverage)
        w.toDate.dateChanged.connect(self.check_coverage)
        from dieselwatch.gui.charts import DashboardCharts, DaysChart, DayPlot

        self.dashboard_charts = DashboardCharts()
        self.dashboard_charts.setMinimumHeight(280)
        w.dashboardLayout.addWidget(self.dashboard_charts)
        self.days_chart, self.day_plot = DaysChart(), DayPlot()
        w.daysLayout.addWidget(self.days_chart)
        w.dayPlotLayout.addWidget(self.day_plot)
        w.dayPick.currentIndexChanged.connect(lambda _: self._load_day())
        self._vehicle_id = None
        # Pages with their own forms (ui/*_page.ui) and controllers, after the four of main_window.ui.
        from dieselwatch.gui.audit_page import AuditPage
        from dieselwatch.gui.lists_page import ListsPage
        from dieselwatch.gui.notices_page import NoticesPage
        from dieselwatch.gui.settings_page import SettingsPage

        self.lists_page, self.notices_page, self.audit_page = ListsPage(self), NoticesPage(self), AuditPage(self)
        self.settings_page = SettingsPage(self)
        for page, title in ((self.lists_page, self.tr("Lists")), (self.notices_page, self.tr("Notices")),
                            (self.audit_page, self.tr("Audit")), (self.settings_page, self.tr("Settings"))):
            w.pages.addWidget(page.p)
            w.nav.addItem(title)
        # Ctrl+1 ... Ctrl+8 open the pages in the order of the navigation list.
        from PySide6.QtGui import QKeySequence, QShortcut

        self.shortcuts = []
        for i in range(w.nav.count()):
            sc = QShortcut(QKeySequence(f"Ctrl+{i + 1}"), w)
            sc.activated.connect(lambda i=i: w.nav.setCurrentRow(i))
            self.shortcuts.append(sc)
            w.nav.item(i).setToolTip(f"Ctrl+{i + 1}")
        w.setAcceptDrops(True)
        w.installEventFilter(self)
        self.wizard = None
        w.statusbar.showMessage(self.tr("Database: {0}   User: {1}").format(ws.db_url, ws.user))
        if settings is not None and settings.value("main/geometry") is not None:
            w.restoreGeometry(settings.value("main/geometry"))

    # --- jobs -------------------------------------------------------------------------------------------
    def run(self, fn, *args, on_done=None, title: str | None = None, on_failed=None, **kwargs) -> Job:
        """Run a plain function on the worker (gui/jobs.py) with this window as the parent of its dialogs."""
        return jobs.run(fn, *args, parent=self.w, title=title, on_done=on_done, on_failed=on_failed,
                        status=self.w.statusbar.showMessage, **kwargs)

    def status(self, text: str, ms: int = 8000) -> None:
        self.w.statusbar.showMessage(text, ms)

    def show_vehicle(self, vin: str) -> bool:
        """Open the vehicles page on this VIN (from a list entry, a notice, a score). False when not found."""
        self.proxy.set_text("")
        self.w.vehicleSearch.setText("")
        self.w.proposalFilter.setCurrentIndex(0)
        for r in range(self.model.rowCount()):
            if self.model.row_at(r).vin == vin:
                self.w.nav.setCurrentRow(1)
                idx = self.proxy.mapFromSource(self.model.index(r, 0))
                self.w.vehiclesTable.setCurrentIndex(idx)
                self.w.vehiclesTable.scrollTo(idx)
                return True
        self.status(self.tr("Vehicle {0} is not in the vehicle table.").format(vin))
        return False

    # --- refresh ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        kinds = {"records": self.tr("records"), "registry": self.tr("registry")}
        self.run(_load_all, self.ws, self.lang, kinds, on_done=self._show_all)
        for page in (self.lists_page, self.notices_page, self.audit_page, self.settings_page):
            page.refresh()

    def _show_all(self, data) -> None:
        self.model.set_rows(data["rows"])
        self.batches.setRowCount(0)
        self._batch_reports = {}
        for b in data["batches"]:
            self._batch_reports[self.batches.rowCount()] = b[-1]
            items = []
            for x in b[:-1]:
                text = x.strftime("%Y-%m-%d %H:%M") if hasattr(x, "strftime") else \
                    (f"{x:,}" if isinstance(x, int) else str(x))
                it = QStandardItem(text)
                if isinstance(x, int):
                    it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                items.append(it)
            self.batches.appendRow(items)
        self.w.batchesTable.resizeColumnsToContents()
        self.w.batchesTable.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        if self.batches.rowCount() and not self.w.batchesTable.currentIndex().isValid():
            self.w.batchesTable.selectRow(0)  # the newest batch's report, without a click
        self.w.dashboardText.setHtml(self._summary_html(data["summary"]))
        self.dashboard_charts.set_data(data["charts"])
        self._show_rule_sets(data["rulesets"])
        s = data["summary"]
        if s["data_to"] and not self._period_set:
            self.w.fromDate.setDate(QDate(s["data_from"].year, s["data_from"].month, s["data_from"].day))
            self.w.toDate.setDate(QDate(s["data_to"].year, s["data_to"].month, s["data_to"].day))
            self._period_set = True
        if s["run"] and self._shown_run != s["run"]["id"]:
            self._shown_run = s["run"]["id"]
            self.w.scoreSummary.setHtml(self._run_html(s, data["rows"]))
        ok, msg = data["audit"]
        self.w.statusbar.showMessage(self.tr("Database: {0}   User: {1}   Audit: {2}").format(
            self.ws.db_url, self.ws.user, self.tr("intact") if ok else self.tr("BROKEN - ") + core_text(msg)))

    _period_set = False
    _shown_run = None

    def _run_html(self, s: dict, rows) -> str:
        """The latest scoring run on the scoring page: counts, then every vehicle not proposed white, worst
        first, with its main reasons."""
        e = html.escape
        run, p = s["run"], s["proposals"]
        head = self.tr("Latest scoring: {0} to {1}, rule set {2}.").format(run["from"], run["to"], run["ruleset"])
        labels = [(k, self.model.proposal_text(k)) for k in ("black", "watch", "white", "none")]
        counts = " &nbsp; ".join(f"{e(t)}: <b>{p.get(k, 0)}</b>" for k, t in labels)
        flagged = sorted((r for r in rows if r.proposal and r.proposal != "white"), key=lambda r: (r.score, r.vin))
        body = "".join(
            f"<tr><td>{r.score}</td><td>{e(self.model.proposal_text(r.proposal))}</td><td>{e(r.plate)}</td>"
            f"<td>{e(r.vin)}</td><td>{e(r.owner)}</td><td>{e(r.reasons)}</td></tr>" for r in flagged[:200])
        cols = "".join(f"<th align='left'>{e(t)}</th>" for t in (self.tr("Score"), self.tr("Proposal"), self.tr("Plate"),
                                                                 self.tr("VIN"), self.tr("Owner"),
                                                                 self.tr("Main reasons")))
        return (f"<p>{e(head)}</p><p>{counts}</p><table cellpadding='3'><tr>{cols}</tr>{body}</table>"
                + "<p>" + e(self.tr("Proposals go to the Lists page with \"Propose from latest scoring\".")) + "</p>")

    def _summary_html(self, s: dict) -> str:
        e = html.escape
        p = s["proposals"]
        in_registry, rule_set = self.tr("in registry"), self.tr("rule set")
        rows = [
            (self.tr("Vehicles"), f"{s['vehicles']:,} ({in_registry}: {s['in_registry']:,})"),
            (self.tr("Records stored"), f"{s['records']:,}"),
            (self.tr("Data from"), f"{s['data_from'] or '-'} — {s['data_to'] or '-'}"),
            (self.tr("Last import"), f"{s['last_import']['file']} ({s['last_import']['at']:%Y-%m-%d %H:%M})"
             if s["last_import"] else "-"),
        ]
        if s["run"]:
            r = s["run"]
            rows.append((self.tr("Latest scoring"), f"{r['from']} — {r['to']}, {rule_set} {r['ruleset']}"))
            rows.append((self.tr("Proposed black"), str(p.get("black", 0))))
            rows.append((self.tr("Proposed watch"), str(p.get("watch", 0))))
            rows.append((self.tr("Proposed white"), str(p.get("white", 0))))
            rows.append((self.tr("No proposal"), str(p.get("none", 0))))
        else:
            rows.append((self.tr("Latest scoring"), self.tr("not yet scored: open Scoring and choose a period")))
        rows.append((self.tr("On the lists"), self.tr("black {0}, watch {1}, white {2}").format(
            s["lists"].get("black", 0), s["lists"].get("watch", 0), s["lists"].get("white", 0))))
        rows.append((self.tr("Awaiting a decision"), str(s["pending"])))
        # Two label/value pairs per line: the whole summary fits above the charts without scrolling.
        cell = "<td style='padding:4px 12px 4px 0'><b>{0}</b></td><td style='padding-right:40px'>{1}</td>"
        half = (len(rows) + 1) // 2
        body = "".join("<tr>" + "".join(cell.format(e(k), e(v)) for k, v in (rows[i], *rows[half + i:half + i + 1]))
                       + "</tr>" for i in range(half))
        return f"<table style='font-size:11pt'>{body}</table>"

    # --- vehicles ---------------------------------------------------------------------------------------
    def _vehicle_selected(self, current, _previous) -> None:
        if not current.isValid():
            return
        row = self.model.row_at(self.proxy.mapToSource(current).row())
        self.run(_detail, self.ws, row.id, on_done=self._show_detail)

    def _load_day(self) -> None:
        day = self.w.dayPick.currentData()
        if day is None or self._vehicle_id is None:
            self.day_plot.set_series(None)
            return
        vid = self._vehicle_id
        self.run(lambda progress=None, cancel=None, ws=self.ws: overview.vehicle_day_series(ws, vid, day),
                  on_done=lambda df: self.day_plot.set_series(df) if vid == self._vehicle_id else None)

    def _show_detail(self, d: dict) -> None:
        self._vehicle_id = d["id"]
        self.days_chart.set_days(d["days"])
        self.w.dayPick.blockSignals(True)
        self.w.dayPick.clear()
        # Exceedance days first: the day an officer wants to look at.
        for day in sorted(d["days"], key=lambda x: (not x["exceed_day"], -x["day"].toordinal())):
            label = str(day["day"]) + ("  " + self.tr("(exceedance {0} min)").format(f"{day['exceed_minutes']:.0f}")
                                       if day["exceed_day"] else "")
            self.w.dayPick.addItem(label, day["day"])
        self.w.dayPick.blockSignals(False)
        self._load_day()
        e = html.escape
        key = "text" if self.lang.startswith("zh") else "text_en"
        owner, county, engine = e(self.tr("Owner")), e(self.tr("County")), e(self.tr("Engine"))
        tref, rule_set = e(self.tr("reference torque")), e(self.tr("rule set"))
        torque = f"{d['ref_torque_nm']:g}" if d["ref_torque_nm"] else "-"
        parts = [f"<h3>{e(d['plate'] or '')} &nbsp; {e(d['vin'])}</h3>",
                 f"<p>{owner}: {e(d['owner'] or '-')} &nbsp; {county}: {e(d['county'] or '-')}"
                 f" &nbsp; {engine}: {e(d['engine_model'] or '-')} ({tref} {torque} N·m)</p>"]
        sc = d["score"]
        if sc is None:
            parts.append("<p>" + e(self.tr("Not scored in the latest run.")) + "</p>")
        else:
            run = d["run"]
            score_l, proposal_l = e(self.tr("Score")), e(self.tr("Proposal"))
            parts.append(f"<p><b>{score_l}: {sc['score']}</b> &nbsp; {proposal_l}: "
                         f"<b>{e(self.model.proposal_text(sc['proposal']))}</b> &nbsp; "
                         f"({run['from']} — {run['to']}, {rule_set} {e(run['ruleset'])})</p>")
            if sc["reasons"]:
                parts.append("<ul>" + "".join(f"<li>[{e(r['code'])}] {e(r[key])}</li>" for r in sc["reasons"]) + "</ul>")
            m = sc["metrics"]
            facts = [(self.tr("Online rate"), _pct(m.get("online_rate"))), (self.tr("Completeness"), _pct(m.get("completeness"))),
                     (self.tr("Valid operation share"), _pct(m.get("valid_share"))),
                     (self.tr("Share above screening threshold"), _pct(m.get("exceed_share"))),
                     (self.tr("SCR efficiency (hot)"), _pct(m.get("scr_efficiency"))),
                     (self.tr("Brake-specific NOx"), _num(m.get("bsnox_mg_kwh"), "mg/kWh")),
                     (self.tr("Distance"), _num(m.get("distance_km"), "km")),
                     (self.tr("Longest offline"), f"{m.get('longest_offline_days')} d"),
                     (self.tr("Parked / not covered"), f"{m.get('parked_days', 0)} d / {m.get('not_covered_days', 0)} d")]
            parts.append("<table>" + "".join(f"<tr><td style='padding-right:14px'>{e(k)}</td><td>{e(v)}</td></tr>"
                                             for k, v in facts) + "</table>")
        entries = d.get("lists", {}).get("entries", [])
        if entries:
            parts.append("<h4>" + e(self.tr("List history")) + "</h4><table>")
            for x in entries:
                parts.append(
                    f"<tr><td style='padding-right:12px'>#{x['id']}</td><td style='padding-right:12px'>"
                    f"{e(self.model.proposal_text(x['list']))}</td><td style='padding-right:12px'>"
                    f"{e(self.lists_page.statuses[x['status']])}"
                    f"</td><td style='padding-right:12px'>{e(str(x['effective_from'] or ''))}</td>"
                    f"<td>{e(x['decision_reason'] or x['removal_reason'] or '')}</td></tr>")
            parts.append("</table>")
        self.w.vehicleDetail.setHtml("".join(parts))

    # --- imports ----------------------------------------------------------------------------------------
    def _batch_selected(self, current, _previous) -> None:
        rep = getattr(self, "_batch_reports", {}).get(current.row()) if current.isValid() else None
        self.w.exportReportButton.setEnabled(bool(rep))
        self.w.removeBatchButton.setEnabled(bool(rep) and rep.get("coverage") is not None)  # records, not registry
        if rep:
            self.w.importReport.setHtml(self._report_html(rep))

    def export_report(self) -> None:
        from dieselwatch.services.import_report import export_batch_report

        idx = self.w.batchesTable.currentIndex()
        if not idx.isValid():
            return
        batch_id = int(self.batches.item(idx.row(), 0).text())
        default = str(self.ws.home.exports_dir / f"import-report-{batch_id}.xlsx")
        path, _ = QFileDialog.getSaveFileName(self.w, self.tr("Export import report"), default,
                                              self.tr("Excel workbook (*.xlsx)"))
        if path:
            self.run(lambda progress=None, cancel=None, ws=self.ws: export_batch_report(ws, batch_id, Path(path)),
                      on_done=lambda p: self.w.statusbar.showMessage(self.tr("Wrote {0}").format(p), 8000))

    def remove_batch(self) -> None:
        """Undo an import after the officer confirms with a reason; the removal runs on the worker."""
        from PySide6.QtWidgets import QInputDialog

        from dieselwatch.services.batches import remove_batch

        idx = self.w.batchesTable.currentIndex()
        if not idx.isValid():
            return
        batch_id, name = int(self.batches.item(idx.row(), 0).text()), self.batches.item(idx.row(), 2).text()
        title = self.tr("Remove import batch")
        reason, ok = QInputDialog.getMultiLineText(self.w, title, self.tr(
            "Remove batch {0} ({1})? Its samples are deleted from the raw store and the days they touched are "
            "recomputed from what remains; the file can then be imported again.\n\nReason (required):")
            .format(batch_id, name))
        if not ok:
            return
        if not reason.strip():
            QMessageBox.warning(self.w, title, self.tr("Removing a batch needs a reason."))
            return
        self.run(remove_batch, self.ws, batch_id, reason, on_done=self._batch_removed,
                  title=self.tr("Removing batch {0}").format(batch_id))

    def _batch_removed(self, r) -> None:
        text = self.tr("Batch {0} ({1}) removed: {2} samples of {3} vehicles; {4} vehicle-days recomputed, {5} left "
                       "without data. The file can be imported again.").format(
            r.batch_id, r.file_name, f"{r.rows_removed:,}", len(r.vehicles), r.days_recomputed, r.days_emptied)
        self.w.statusbar.showMessage(text, 15000)
        if r.shared:  # the officer must know which files to import again, so this one is not a passing message
            text += "\n\n" + self.tr("These batches also delivered samples the removed batch held. Import their files "
                                      "again to restore them (only what is missing is stored):") + "\n" + "\n".join(
                f"{x.batch_id}  {x.file_name}: {', '.join(x.vins)} ({x.first} — {x.last})" for x in r.shared)
        QMessageBox.information(self.w, self.tr("Remove import batch"), text)
        self.refresh()

    def import_records(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self.w, self.tr("Import monitoring records"), str(Path.home()),
            self.tr("Exports and terminal captures (*.csv *.txt *.xlsx *.xls *.log *.bin *.hex);;All files (*)"))
        self.import_with_wizard([Path(f) for f in files])

    def import_with_wizard(self, files: list[Path], done: list | None = None) -> None:
        """Each file: preview on the worker, the wizard (mapping, problems), then the import with progress."""
        done = [] if done is None else done
        if not files:
            self._import_next([], import_records, done)
            return
        from dieselwatch.services.captures import is_capture
        from dieselwatch.services.import_preview import preview_records

        path = files[0]
        if is_capture(path):  # raw terminal frames: no headers to map, so no wizard
            def ok(rep):
                done.append(self._report_html(rep))
                self.import_with_wizard(files[1:], done)

            job = self.run(lambda progress=None, cancel=None, ws=self.ws: import_records(ws, path, progress=progress,
                                                                                      cancel=cancel),
                            on_done=ok, title=self.tr("Importing {0}").format(path.name))
            job.signals.failed.connect(lambda *_: self.import_with_wizard(files[1:], done))
            return
        job = self.run(lambda progress=None, cancel=None: preview_records(path),
                        on_done=lambda p: self._wizard(p, files, done))
        job.signals.failed.connect(lambda *_: self.import_with_wizard(files[1:], done))  # error shown; go on

    def _wizard(self, preview, files: list[Path], done: list) -> None:
        from dieselwatch.gui.import_wizard import ImportWizard
        from dieselwatch.services.profiles import save_profile

        path = files[0]
        self.wizard = ImportWizard(self, path, preview)
        choice = self.wizard.exec()
        self.wizard = None
        if choice is None:
            self.import_with_wizard(files[1:], done)
            return

        allowed = list(choice.get("allow_missing", []))
        ws = self.ws  # the worker gets plain data, never this QObject

        def run(progress=None, cancel=None):
            from dieselwatch.services.key_fields import KeyFieldsMissing

            if choice["save_as"]:
                save_profile(ws, choice["save_as"], choice["profile"])
            try:
                return import_records(ws, path, profile=choice["profile"], progress=progress, cancel=cancel,
                                      allow_missing=allowed)
            except KeyFieldsMissing as exc:  # mapped, but empty in the whole file: the officer decides
                return exc

        def ok(rep):
            from dieselwatch.services.key_fields import KeyFieldsMissing

            if isinstance(rep, KeyFieldsMissing):
                if QMessageBox.question(self.w, self.tr("Key fields missing"),
                                        core_text(rep) + "\n\n" + self.tr("Import without them?"),
                                        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                        QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
                    self.import_with_wizard(files[1:], done)
                    return
                allowed.extend(rep.unmapped + rep.empty)
                self.run(run, on_done=ok, title=self.tr("Importing {0}").format(path.name))
                return
            done.append(self._report_html(rep))
            self.import_with_wizard(files[1:], done)

        self.run(run, on_done=ok, title=self.tr("Importing {0}").format(path.name))

    def eventFilter(self, obj, event) -> bool:
        """Export files dropped on the window go through the import wizard."""
        if obj is self.w and event.type() == QEvent.Type.Close:
            # A Python filter still installed while Qt destroys the window at interpreter exit is called
            # for every child removed and crashes the process: leave with the window.
            self.w.removeEventFilter(self)
            return False
        if obj is self.w and event.type() in (QEvent.Type.DragEnter, QEvent.Type.Drop):
            urls = [u for u in event.mimeData().urls() if u.isLocalFile()] if event.mimeData().hasUrls() else []
            if not urls:
                return False
            event.acceptProposedAction()
            if event.type() == QEvent.Type.Drop:
                self.import_with_wizard([Path(u.toLocalFile()) for u in urls])
            return True
        return super().eventFilter(obj, event)

    def import_registry(self) -> None:
        f, _ = QFileDialog.getOpenFileName(self.w, self.tr("Import vehicle registry"), str(Path.home()),
                                           self.tr("Registry (*.xlsx *.xls *.csv);;All files (*)"))
        if f:
            self._import_next([Path(f)], import_registry, [])

    def _import_next(self, files: list[Path], fn, done: list) -> None:
        if not files:
            if done:
                self.w.importReport.setHtml("".join(done))
                self.w.nav.setCurrentRow(2)
                self.refresh()
            return
        path = files[0]

        def ok(rep):
            done.append(self._report_html(rep))
            self._import_next(files[1:], fn, done)

        self.run(fn, self.ws, path, on_done=ok, title=self.tr("Importing {0}").format(path.name))

    def _report_html(self, rep) -> str:
        e = html.escape
        d = rep if isinstance(rep, dict) else rep.as_dict()
        if d["status"] == "already_imported":
            return f"<p><b>{e(d['file'])}</b>: " + e(self.tr("already imported; nothing changed")) + "</p>"
        enc = d.get("encoding") or (self.tr("sheet {0}").format(d["sheet"]) if d.get("sheet") else "")
        lines = [f"<p><b>{e(d['file'])}</b> {e(enc)}: " + e(self.tr("{0} rows read").format(f"{d['rows_read']:,}"))]
        if "rows_imported" in d:
            lines.append(e(self.tr(", {0} imported, {1} duplicates, {2} rejected").format(
                f"{d['rows_imported']:,}", f"{d['duplicates']:,}", f"{d['rejected']:,}")))
        else:
            lines.append(e(self.tr(", {0} created, {1} updated").format(d["created"], d["updated"])))
        lines.append("</p>")
        if d.get("span"):  # what the export covers: scoring tells "no data" from "not covered" by it
            sp = d["span"]
            lines.append("<p>" + e((self.tr("Covers {0} to {1} (stated in the file).") if sp["source"] == "stated" else
                                    self.tr("Covers {0} to {1} (first to last sample).")).format(sp["start"], sp["end"]))
                         + "</p>")
        if d["status"] == "restored" or d.get("restored"):
            lines.append("<p>" + e(self.tr("Imported again to restore samples that went with a removed batch.")) + "</p>")
        lines.append("<ul>")
        kinds = {"missing": self.tr("missing"), "sentinel": self.tr("invalid-value code"),
                 "out_of_range": self.tr("out of range"), "not_a_number": self.tr("not a number"),
                 "not_ready": self.tr("sensor not ready")}
        states = {"imported": self.tr("imported"), "already_imported": self.tr("already imported"),
                  "skipped": self.tr("not imported")}
        for x in d.get("sheets", []):
            lines.append("<li>" + e(self.tr("sheet {0}: {1}").format(x["name"], states.get(x["status"], x["status"]))
                                    + (f" ({core_text(x['reason'])})" if x.get("reason") else "")) + "</li>")
        for x in d.get("left_out_columns", []):
            lines.append("<li>" + e(self.tr("column {0} not imported: {1}").format(x["header"], core_text(x["reason"])))
                         + "</li>")
        if d.get("missing_key_fields"):
            lines.append("<li>" + e(self.tr("imported without key field(s): {0}").format(
                ", ".join(d["missing_key_fields"]))) + "</li>")
        for col, c in d.get("invalid_values", {}).items():
            lines.append(f"<li>{e(col)}: " + e(", ".join(f"{kinds.get(k, k)} {v:,}" for k, v in c.items() if v)) + "</li>")
        if d.get("frames"):  # a raw capture: frames read and skipped, with where and why
            f = d["frames"]
            lines.append("<li>" + e(self.tr("frames: {0} read, {1} skipped, {2} encrypted").format(
                f"{f['read']:,}", f"{f['skipped']:,}", f"{f['encrypted']:,}")) + "</li>")
            for x in f["skipped_first"][:10]:
                at = (self.tr("line {0}, byte {1}").format(x["line"], x["offset"]) if "line" in x else
                      self.tr("row {0}, byte {1}").format(x["row"], x["offset"]) if "row" in x else
                      self.tr("byte {0}").format(x["offset"]))
                lines.append("<li>" + e(f"{at}: {core_text(x['reason'])}") + "</li>")
        row_text = self.tr("row {0}, column {1}: {2}")
        for r in d.get("rejects", [])[:20]:
            lines.append("<li>" + e(row_text.format(r["row"], r["column"], core_text(r["reason"]))) + "</li>")
        return "".join(lines) + "</ul>"

    # --- scoring ----------------------------------------------------------------------------------------
    def _show_rule_sets(self, sets: list[dict]) -> None:
        """Newest first, the active one marked and chosen unless the officer picked another that still exists."""
        pick = self.w.ruleSetPick
        keep = pick.currentData()
        pick.blockSignals(True)
        pick.clear()
        for r in sets:
            pick.addItem(self.tr("{0} (active)").format(r["version"]) if r["active"] else r["version"],
                         None if r["active"] else r["version"])
            pick.setItemData(pick.count() - 1, self.tr("{0}\nsaved {1} by {2}").format(
                r["name"], f"{r['created_at']:%Y-%m-%d %H:%M}", r["created_by"]), Qt.ItemDataRole.ToolTipRole)
        i = pick.findData(keep) if keep else -1
        pick.setCurrentIndex(max(i, 0))
        pick.blockSignals(False)

    def run_scoring(self) -> None:
        start = self.w.fromDate.date().toPython()
        end = self.w.toDate.date().toPython()
        self.run(score_period, self.ws, start, end, version=self.w.ruleSetPick.currentData(),
                  from_raw=self.w.fromRawCheck.isChecked(),
                  on_done=self._scored, title=self.tr("Scoring {0} to {1}").format(start, end))

    def check_coverage(self, *_) -> None:
        """Before scoring: say which days of the chosen period no imported export covers (they are not judged)."""
        start, end = self.w.fromDate.date().toPython(), self.w.toDate.date().toPython()
        if end >= start:
            self.run(coverage_warnings, self.ws, start, end, on_done=self._show_coverage)

    def _show_coverage(self, warnings: list) -> None:
        label = self.w.coverageWarning
        label.setText("\n".join(core_text(m) for m in warnings))
        label.setVisible(bool(warnings))

    def _scored(self, res) -> None:
        self._show_coverage(res.warnings)
        self.w.statusbar.showMessage(self.tr("Scored {0} vehicles, {1} to {2}, rule set {3}.").format(
            len(res.vehicles), res.period_from, res.period_to, res.ruleset_version), 10000)
        self.refresh()  # the scoring page then shows this run with its flagged vehicles

    def save_state(self) -> None:
        if self.settings is not None:
            self.settings.setValue("main/geometry", self.w.saveGeometry())


def _pct(v) -> str:
    return "-" if v is None else f"{v:.1%}"


def _num(v, unit) -> str:
    return "-" if v is None else f"{v:,.1f} {unit}"

