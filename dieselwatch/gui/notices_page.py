"""The notices page: issuing rectification notices from a preview of the black-list entries the officer
selected (numbers are assigned only on confirmation), the notices issued so far, writing them again, the list
publication and scoring report workbooks, and the folder or file just written."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QMenu, QTableView

from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.file_dialogs import Purpose, choose_folder, save_file
from dieselwatch.gui.forms import load_form
from dieselwatch.gui.tables import KEY, Labelled, RowsTable, attach_table
from dieselwatch.messages import sentences
from dieselwatch.services import notices
from dieselwatch.services.notices import Candidate, IssueResult, NoticePreview, NoticeRow, issue_block
from dieselwatch.services.publication import export_publication, export_score_report


def _load(ws) -> tuple[list[Candidate], list[NoticeRow]]:
    """Runs on the worker: the entries awaiting a notice and the notices issued."""
    return notices.notice_candidates(ws), notices.list_notices(ws)


def _selected_keys(view: QTableView, table: RowsTable) -> list:
    rows = sorted(view.selectionModel().selectedRows(), key=lambda i: i.row())
    return [i.siblingAtColumn(0).data(KEY) for i in rows]  # the view's own indexes: right under any proxy


class NoticesPage(QObject):
    issued = Signal()  # notices were issued here (the audit page and the status bar's audit state reload)

    def __init__(self, ctl):
        super().__init__(ctl)
        self.ctl, self.ws = ctl, ctl.ws
        p: Any = load_form("notices_page.ui")  # a Designer form: its children are attributes
        self.p = p
        self.cand_table = RowsTable(p.candidates, [self.tr("Entry"), self.tr("Plate"), self.tr("VIN"),
                                                   self.tr("Owner"), self.tr("Listed on"), self.tr("Reasons")],
                                    [55, 85, 160, 220, 90, 400])
        self.table = RowsTable(p.table, [self.tr("Notice number"), self.tr("Plate"), self.tr("VIN"),
                                         self.tr("Owner"), self.tr("Issued at"), self.tr("Deadline"),
                                         self.tr("Issued by")], [200, 85, 160, 220, 140, 90, 80])
        self.candidates: dict[int, Candidate] = {}
        self.notices: dict[int, NoticeRow] = {}
        self.folder = str(self.ws.home.exports_dir)  # where the last files went
        self.last_files: list[str] = []
        p.splitter.setSizes([300, 300])
        p.issueButton.clicked.connect(self.preview_and_issue)
        p.exportNoticesButton.clicked.connect(lambda: self.export_notices())
        p.publicationButton.clicked.connect(self.export_publication)
        p.reportButton.clicked.connect(self.export_report)
        p.openFolderButton.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(self.folder)))
        p.openFileButton.clicked.connect(self.open_file)
        p.candidates.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        p.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        for view, vin_of in ((p.candidates, self._candidate_vin), (p.table, self._notice_vin)):
            view.doubleClicked.connect(lambda idx, vin_of=vin_of: self._open_vehicle(vin_of(idx)))
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        p.candidates.customContextMenuRequested.connect(lambda pos: self._context_menu(p.candidates, pos))
        p.table.customContextMenuRequested.connect(lambda pos: self._context_menu(p.table, pos))
        exports = ctl.ws.home.exports_dir
        self.cand_tools = attach_table(p.candidates, "notice-candidates", ctl.settings,
                                       title=self.tr("Black-list entries without a notice"), exports_dir=exports,
                                       own_menu=True)
        self.tools = attach_table(p.table, "notices", ctl.settings, title=self.tr("Issued notices"),
                                  exports_dir=exports, own_menu=True)
        self._update_actions()

    # --- data -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.ctl.run(_load, self.ws, on_done=self._show)

    def _show(self, data: tuple[list[Candidate], list[NoticeRow]]) -> None:
        cands, rows = data
        self.candidates = {c.entry_id: c for c in cands}
        texts = [self._reasons(c.reasons, c.reasons_en) for c in cands]
        self.cand_table.set_rows([(c.entry_id, c.plate, c.vin, c.owner, c.effective_from, Labelled(t, t))
                                  for c, t in zip(cands, texts, strict=True)], [c.entry_id for c in cands])
        self.notices = {r["id"]: r for r in rows}
        self.table.set_rows([(r["number"], r["plate"], r["vin"], r["owner"], r["issued_at"].replace("T", " "),
                              r["deadline"], r["issued_by"]) for r in rows], [r["id"] for r in rows])
        self.p.candidatesLabel.setText("<b>" + html.escape(self.tr("Black-list entries without a notice ({0})")
                                                           .format(len(cands))) + "</b> — " + html.escape(
            self.tr("select the entries to issue notices for") if cands else
            self.tr("every active black-list entry has its notice")))
        self.p.issuedLabel.setText("<b>" + html.escape(self.tr("Issued notices ({0})").format(len(rows))) + "</b>")
        self._update_actions()

    def _reasons(self, zh: list[str], en: list[str]) -> str:
        """The reasons in the officer's language, one sentence after another (tooltip: all of them)."""
        return sentences(zh if self.ctl.lang.startswith("zh") else en)

    def selected_entries(self) -> list[int]:
        return [k for k in _selected_keys(self.p.candidates, self.cand_table) if k in self.candidates]

    def selected_notices(self) -> list[int]:
        return [k for k in _selected_keys(self.p.table, self.table) if k in self.notices]

    def _update_actions(self) -> None:
        why = issue_block(len(self.selected_entries()), self.ws.role)
        self.p.issueButton.setEnabled(why is None)
        self.p.issueButton.setToolTip("" if why is None else core_text(why))
        self.p.issueHint.setText("" if why is None else core_text(why))
        n = len(self.selected_notices())
        self.p.exportNoticesButton.setEnabled(n > 0)
        self.p.exportNoticesButton.setToolTip(self.tr("Select issued notices to write them again.") if not n else "")

    # --- from a notice or an entry to its vehicle --------------------------------------------------------
    def _candidate_vin(self, idx) -> str | None:
        c = self.candidates.get(idx.siblingAtColumn(0).data(KEY)) if idx.isValid() else None
        return c.vin if c else None

    def _notice_vin(self, idx) -> str | None:
        n = self.notices.get(idx.siblingAtColumn(0).data(KEY)) if idx.isValid() else None
        return n["vin"] if n else None

    def _open_vehicle(self, vin: str | None) -> None:
        if vin:
            self.ctl.show_vehicle(vin)

    def _context_menu(self, view: QTableView, pos: QPoint) -> None:
        idx = view.indexAt(pos)
        if not idx.isValid():
            return
        if not view.selectionModel().isRowSelected(idx.row(), idx.parent()):
            view.selectRow(idx.row())
        self.context_menu(view, idx).exec(view.viewport().mapToGlobal(pos))

    def context_menu(self, view: QTableView, idx) -> QMenu:
        menu = QMenu(self.p)
        menu.setToolTipsVisible(True)
        is_candidates = view is self.p.candidates
        vin = self._candidate_vin(idx) if is_candidates else self._notice_vin(idx)
        menu.addAction(self.tr("Open the vehicle and its evidence"), lambda: self._open_vehicle(vin))
        menu.addSeparator()
        if is_candidates:
            act = menu.addAction(self.tr("Preview and issue notices…"), self.preview_and_issue)
            why = issue_block(len(self.selected_entries()), self.ws.role)
            act.setEnabled(why is None)
            act.setToolTip("" if why is None else core_text(why))
        else:
            menu.addAction(self.tr("Write selected notices again…"), lambda: self.export_notices())
        vins = [self._candidate_vin(view.model().index(i.row(), 0)) if is_candidates else
                self._notice_vin(view.model().index(i.row(), 0)) for i in view.selectionModel().selectedRows()]
        menu.addAction(self.tr("Copy VIN"), lambda: self._copy([v for v in vins if v]))
        (self.cand_tools if is_candidates else self.tools).add_standard_actions(menu)
        return menu

    def _copy(self, vins: list[str]) -> None:
        QGuiApplication.clipboard().setText("\n".join(vins))
        self.ctl.status(self.tr("Copied {0} VIN(s).").format(len(vins)))

    # --- issuing ----------------------------------------------------------------------------------------
    def preview_and_issue(self) -> None:
        ids = self.selected_entries()
        why = issue_block(len(ids), self.ws.role)
        if why is not None:
            self.ctl.status(core_text(why))
            return
        self.ctl.run(notices.preview_notices, self.ws, ids, on_done=self._confirm)

    def preview_dialog(self, pv: NoticePreview) -> Any:
        """The dialog that shows what issuing would do; confirming it issues exactly these entries."""
        d: Any = load_form("notice_preview_dialog.ui", self.p)
        e = html.escape
        d.intro.setText(self.tr("{0} notices will be issued on {1} with the numbers below, in this order; the "
                                "deadline is {2}. Numbers are assigned only when you confirm.")
                        .format(len(pv.items), pv.on.isoformat(), pv.deadline.isoformat()))
        head = [self.tr("Number"), self.tr("Plate"), self.tr("VIN"), self.tr("Owner"), self.tr("Owner's address"),
                self.tr("Owner's contact")]
        # Number, plate and VIN on one line each (read and compared as a whole); the reasons under them, full width.
        rows = "".join(
            "<tr>" + "".join(f"<td style='white-space:nowrap'><b>{e(str(x or ''))}</b></td>"
                             for x in (i.number, i.plate, i.vin))
            + "".join(f"<td width='{w}'>{e(str(x or ''))}</td>"
                      for x, w in ((i.owner, "22%"), (i.owner_address, "25%"), (i.owner_contact, "12%")))
            + "</tr><tr><td colspan='6' style='color:#444'>"
            + e(self.tr("Reasons: {0}").format(self._reasons(i.reasons, i.reasons_en))) + "</td></tr>"
            for i in pv.items)
        office = self.tr("Issued by {0}; contact {1}, telephone {2}, address {3}; signed {4}.").format(
            pv.bureau, pv.contact or "—", pv.phone or "—", pv.address or "—", pv.signer or "—")
        d.preview.setHtml("<table border='1' cellspacing='0' cellpadding='3'><tr>"
                          + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>" + rows + "</table>"
                          + f"<p>{e(office)}</p>")
        ok = d.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Issue {0} notices").format(len(pv.items)))
        d.blocked.setVisible(pv.blocked is not None)
        if pv.blocked is not None:
            d.blocked.setText(core_text(pv.blocked))
            ok.setEnabled(False)
            ok.setToolTip(core_text(pv.blocked))
        d.folderEdit.setText(self.folder)
        d.oneWorkbookCheck.setChecked(self.p.oneWorkbookCheck.isChecked())

        def browse() -> None:
            f = QFileDialog.getExistingDirectory(d, self.tr("Folder for the notices"), d.folderEdit.text())
            if f:
                d.folderEdit.setText(f)

        d.browseButton.clicked.connect(browse)
        d.buttons.accepted.connect(d.accept)
        d.buttons.rejected.connect(d.reject)
        return d

    def _confirm(self, pv: NoticePreview) -> None:
        d = self.preview_dialog(pv)
        if d.exec() != QDialog.DialogCode.Accepted:
            self.ctl.status(self.tr("Nothing was issued."))
            return
        folder = d.folderEdit.text().strip() or str(self.ws.home.exports_dir)
        one = d.oneWorkbookCheck.isChecked()
        self.ctl.run(notices.issue_selected, self.ws, [i.entry_id for i in pv.items], Path(folder),
                     expected_numbers=pv.numbers, one_workbook=one, title=self.tr("Issuing notices"),
                     on_done=self._issued, on_failed=lambda _: self.refresh())

    def _issued(self, r: IssueResult) -> None:
        self.folder, self.last_files = r.folder, r.files
        numbers = [n.number for n in r.notices]
        span = numbers[0] if len(numbers) == 1 else f"{numbers[0]} … {numbers[-1]}" if numbers else ""
        self.p.result.setText(self.tr("Issued {0} notices ({1}); {2} files written to {3}").format(
            len(numbers), span, len(r.files), r.folder))
        self.p.openFileButton.setEnabled(bool(r.files))
        self.ctl.status(self.tr("Issued {0} notices.").format(len(numbers)))
        self.refresh()
        self.issued.emit()

    def open_file(self) -> None:
        if self.last_files:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.last_files[0]))

    # --- writing again, workbooks -------------------------------------------------------------------------
    def export_notices(self, folder: str | None = None) -> None:
        """Write the selected issued notices again (the same numbers and content: a notice is frozen when issued)."""
        ids = self.selected_notices()
        if not ids:
            self.ctl.status(self.tr("Select issued notices to write them again."))
            return
        if not folder:
            chosen = choose_folder(self.p, self.ctl.settings, Purpose.NOTICES, self.tr("Folder for the notices"),
                                   fallback=self.folder)
            if chosen is None:
                return
            folder = str(chosen)
        one = self.p.oneWorkbookCheck.isChecked()

        def done(res) -> None:
            self.folder, self.last_files = folder, res.files
            self.p.result.setText(self.tr("{0} notices written to {1}").format(res.notices, folder))
            self.p.openFileButton.setEnabled(bool(res.files))

        self.ctl.run(notices.export_notices, self.ws, Path(folder), notice_ids=ids, one_workbook=one,
                     issue_missing=False, on_done=done, title=self.tr("Writing notices"))

    def _save(self, title: str, default: str, fn) -> None:
        path = save_file(self.p, self.ctl.settings, Purpose.EXPORTS, title, default, fallback=self.folder)
        if path:
            def done(written) -> None:
                self.folder, self.last_files = str(Path(written).parent), [str(written)]
                self.p.result.setText(self.tr("Wrote {0}").format(written))
                self.p.openFileButton.setEnabled(True)

            self.ctl.run(fn, self.ws, Path(path), on_done=done)

    def export_publication(self) -> None:
        self._save(self.tr("Export list publication"), self.tr("list-publication.xlsx"), export_publication)

    def export_report(self) -> None:
        self._save(self.tr("Export scoring report"), self.tr("scoring-report.xlsx"), export_score_report)
