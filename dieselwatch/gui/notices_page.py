"""The notices page: issue and export rectification notices with progress and cancel, the list publication
and the scoring report workbooks, and the exports folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from dieselwatch.gui.forms import load_form
from dieselwatch.gui.tables import RowsTable
from dieselwatch.services import notices
from dieselwatch.services.publication import export_publication, export_score_report


class NoticesPage(QObject):
    def __init__(self, ctl):
        super().__init__(ctl)
        self.ctl, self.ws = ctl, ctl.ws
        self.p = load_form("notices_page.ui")
        self.table = RowsTable(self.p.table, [self.tr("Notice number"), self.tr("Plate"), self.tr("VIN"),
                                              self.tr("Owner"), self.tr("Issued at"), self.tr("Deadline"),
                                              self.tr("Issued by")], [200, 85, 160, 220, 140, 90, 80])
        self.p.exportNoticesButton.clicked.connect(self.export_notices)
        self.p.publicationButton.clicked.connect(self.export_publication)
        self.p.reportButton.clicked.connect(self.export_report)
        self.p.openFolderButton.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ws.home.exports_dir))))

    def refresh(self) -> None:
        self.ctl.run(lambda progress=None, cancel=None, ws=self.ws: notices.list_notices(ws), on_done=self._show)

    def _show(self, rows: list[dict]) -> None:
        self.table.set_rows([(r["number"], r["plate"], r["vin"], r["owner"], r["issued_at"].replace("T", " "),
                              r["deadline"], r["issued_by"]) for r in rows], [r["id"] for r in rows])

    def export_notices(self, folder: str | None = None) -> None:
        folder = folder or QFileDialog.getExistingDirectory(self.p, self.tr("Folder for the notices"),
                                                            str(self.ws.home.exports_dir))
        if not folder:
            return
        one = self.p.oneWorkbookCheck.isChecked()

        def done(res):
            self.p.result.setText(self.tr("{0} notices written ({1} newly issued) to {2}").format(
                res.notices, res.issued, folder))
            self.refresh()

        self.ctl.run(notices.export_notices, self.ws, Path(folder), one_workbook=one, on_done=done,
                      title=self.tr("Writing notices"))

    def _save(self, title: str, default: str, fn) -> None:
        path, _ = QFileDialog.getSaveFileName(self.p, title, str(self.ws.home.exports_dir / default),
                                              self.tr("Excel workbook (*.xlsx)"))
        if path:
            self.ctl.run(lambda progress=None, cancel=None, ws=self.ws: fn(ws, Path(path)),
                          on_done=lambda p: self.p.result.setText(self.tr("Wrote {0}").format(p)))

    def export_publication(self) -> None:
        self._save(self.tr("Export list publication"), "名单公示.xlsx", export_publication)

    def export_report(self) -> None:
        self._save(self.tr("Export scoring report"), "评分报告.xlsx", export_score_report)
