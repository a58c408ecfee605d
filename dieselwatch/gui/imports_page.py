"""The imports page: the import batches with their reports, importing files through the wizard (mapping and
problems first, then the import with progress), exporting a batch's report and removing a batch."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.file_dialogs import Purpose, open_file, open_files, save_file
from dieselwatch.gui.forms import load_form
from dieselwatch.gui.row_model import Column, RowsFilterProxy, RowsModel, count
from dieselwatch.gui.tables import attach_table
from dieselwatch.services.import_history import BatchInfo, list_batches
from dieselwatch.services.imports import import_records
from dieselwatch.services.registry import import_registry


class ImportsPage(QObject):
    def __init__(self, ctl):
        super().__init__()
        self.ctl = ctl
        p = self.p = load_form("imports_page.ui")
        kinds = {"records": self.tr("records"), "registry": self.tr("registry")}
        self.model = RowsModel([
            Column(self.tr("Batch"), lambda b: str(b.id), sort=lambda b: b.id, right=True),
            Column(self.tr("Kind"), lambda b: kinds.get(b.kind, b.kind)),
            Column(self.tr("File"), lambda b: b.file_name + (f" [{b.sheet}]" if b.sheet else "")),
            Column(self.tr("Imported at"), lambda b: f"{b.imported_at:%Y-%m-%d %H:%M}", sort=lambda b: b.imported_at),
            Column(self.tr("By"), lambda b: b.imported_by),
            Column(self.tr("Rows read"), lambda b: count(b.rows_read), sort=lambda b: b.rows_read, right=True),
            Column(self.tr("Imported"), lambda b: count(b.rows_imported), sort=lambda b: b.rows_imported, right=True),
            Column(self.tr("Duplicates"), lambda b: count(b.duplicates), sort=lambda b: b.duplicates, right=True),
            Column(self.tr("Rejected"), lambda b: count(b.rejected), sort=lambda b: b.rejected, right=True,
                   background=lambda b: "#f4c7c3" if b.rejected else None),
        ], self)
        self.proxy = RowsFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        t = p.batchesTable
        t.setModel(self.proxy)
        t.verticalHeader().hide()
        t.setEditTriggers(t.EditTrigger.NoEditTriggers)
        t.setSelectionMode(t.SelectionMode.SingleSelection)
        t.selectionModel().currentRowChanged.connect(self._batch_selected)
        self.tools = attach_table(t, "batches", ctl.settings, title=self.tr("Import batches"),
                                  exports_dir=ctl.ws.home.exports_dir)
        if not self.tools.restored:
            t.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        p.importSplitter.setStretchFactor(0, 2)
        p.importSplitter.setStretchFactor(1, 3)
        p.importRecordsButton.clicked.connect(self.import_records)
        p.importRegistryButton.clicked.connect(self.import_registry)
        p.exportReportButton.clicked.connect(self.export_report)
        p.removeBatchButton.clicked.connect(self.remove_batch)
        self.wizard = None
        self._sized = False
        self._explain_disabled()

    def refresh(self) -> None:
        self.ctl.run(list_batches, self.ctl.ws, on_done=self._show)

    def _show(self, batches: list[BatchInfo]) -> None:
        self.model.set_rows(batches)
        t = self.p.batchesTable
        if not self.tools.restored and not self._sized:  # the officer's own widths, once set, are kept
            t.resizeColumnsToContents()
            t.setColumnWidth(2, max(t.columnWidth(2), 320))
            self._sized = True
        if self.model.rowCount() and not t.currentIndex().isValid():
            t.selectRow(0)  # the newest batch's report, without a click
        self.p.emptyHint.setText(self.tr(
            "Nothing imported yet. Import the vehicle registry first (owners, engines), then the platform's monitoring "
            "exports (CSV or Excel, GBK or UTF-8) or raw terminal captures; you can also drop files on the window."))
        self.p.emptyHint.setVisible(not batches)
        self._explain_disabled()

    def current_batch(self) -> BatchInfo | None:
        idx = self.tools.to_source(self.p.batchesTable.currentIndex())
        return self.model.rows[idx.row()] if idx.isValid() else None

    def _explain_disabled(self) -> None:
        """A greyed-out button says why in its tooltip."""
        b = self.current_batch()
        p = self.p
        if b is None:
            why = self.tr("Select an import batch first.")
            p.exportReportButton.setToolTip(why)
            p.removeBatchButton.setToolTip(why)
            return
        p.exportReportButton.setToolTip(self.tr("Write this batch's report to an Excel workbook."))
        p.removeBatchButton.setToolTip(
            self.tr("Undo this import: its samples are deleted and the days they touched are recomputed; the file "
                    "can then be imported again.") if b.kind == "records" else
            self.tr("A registry import cannot be removed: import a corrected registry instead."))

    def _batch_selected(self, current, _previous) -> None:
        self._explain_disabled()
        b = self.current_batch()
        rep = b.report if b is not None else None
        self.p.exportReportButton.setEnabled(bool(rep))
        self.p.removeBatchButton.setEnabled(b is not None and b.kind == "records")
        if rep:
            self.p.importReport.setHtml(self._report_html(rep))

    def export_report(self) -> None:
        from dieselwatch.services.import_report import export_batch_report

        b = self.current_batch()
        if b is None:
            return
        batch_id = b.id
        path = save_file(self.ctl.w, self.ctl.settings, Purpose.EXPORTS, self.tr("Export import report"),
                         f"import-report-{batch_id}.xlsx", fallback=self.ctl.ws.home.exports_dir)
        if path:
            self.ctl.run(export_batch_report, self.ctl.ws, batch_id, Path(path),
                         on_done=lambda p: self.ctl.status(self.tr("Wrote {0}").format(p), 8000))

    def remove_batch(self) -> None:
        """Undo an import after the officer confirms with a reason; the removal runs on the worker."""
        from dieselwatch.services.batches import remove_batch

        b = self.current_batch()
        if b is None:
            return
        batch_id, name = b.id, b.file_name
        title = self.tr("Remove import batch")
        reason, ok = QInputDialog.getMultiLineText(self.ctl.w, title, self.tr(
            "Remove batch {0} ({1})? Its samples are deleted from the raw store and the days they touched are "
            "recomputed from what remains; the file can then be imported again.\n\nReason (required):")
            .format(batch_id, name))
        if not ok:
            return
        if not reason.strip():
            QMessageBox.warning(self.ctl.w, title, self.tr("Removing a batch needs a reason."))
            return
        self.ctl.run(remove_batch, self.ctl.ws, batch_id, reason, on_done=self._batch_removed,
                     title=self.tr("Removing batch {0}").format(batch_id))

    def _batch_removed(self, r) -> None:
        text = self.tr("Batch {0} ({1}) removed: {2} samples of {3} vehicles; {4} vehicle-days recomputed, {5} left "
                       "without data. The file can be imported again.").format(
            r.batch_id, r.file_name, f"{r.rows_removed:,}", len(r.vehicles), r.days_recomputed, r.days_emptied)
        self.ctl.status(text, 15000)
        if r.shared:  # the officer must know which files to import again, so this one is not a passing message
            text += "\n\n" + self.tr("These batches also delivered samples the removed batch held. Import their files "
                                      "again to restore them (only what is missing is stored):") + "\n" + "\n".join(
                f"{x.batch_id}  {x.file_name}: {', '.join(x.vins)} ({x.first} — {x.last})" for x in r.shared)
        QMessageBox.information(self.ctl.w, self.tr("Remove import batch"), text)
        self.ctl.refresh()

    def import_records(self) -> None:
        files = open_files(self.ctl.w, self.ctl.settings, Purpose.IMPORTS, self.tr("Import monitoring records"),
                           self.tr("Exports and terminal captures (*.csv *.txt *.xlsx *.xls *.log *.bin *.hex);;"
                                   "All files (*)"))
        self.import_with_wizard(files)

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

            self.ctl.run(import_records, self.ctl.ws, path, on_done=ok,
                         title=self.tr("Importing {0}").format(path.name),
                         on_failed=lambda _: self.import_with_wizard(files[1:], done))  # error shown; go on
            return
        self.ctl.run(preview_records, path, on_done=lambda p: self._wizard(p, files, done),
                     on_failed=lambda _: self.import_with_wizard(files[1:], done))

    def _wizard(self, preview, files: list[Path], done: list) -> None:
        from dieselwatch.gui.import_wizard import ImportWizard
        from dieselwatch.services.profiles import save_profile

        path = files[0]
        self.wizard = ImportWizard(self.ctl, path, preview)
        choice = self.wizard.exec()
        self.wizard = None
        if choice is None:
            self.import_with_wizard(files[1:], done)
            return

        allowed = list(choice.get("allow_missing", []))
        ws = self.ctl.ws  # the worker gets plain data, never this QObject

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
                if QMessageBox.question(self.ctl.w, self.tr("Key fields missing"),
                                        core_text(rep) + "\n\n" + self.tr("Import without them?"),
                                        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                        QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
                    self.import_with_wizard(files[1:], done)
                    return
                allowed.extend(rep.unmapped + rep.empty)
                self.ctl.run(run, on_done=ok, title=self.tr("Importing {0}").format(path.name))
                return
            done.append(self._report_html(rep))
            self.import_with_wizard(files[1:], done)

        self.ctl.run(run, on_done=ok, title=self.tr("Importing {0}").format(path.name))

    def import_registry(self) -> None:
        f = open_file(self.ctl.w, self.ctl.settings, Purpose.IMPORTS, self.tr("Import vehicle registry"),
                      self.tr("Registry (*.xlsx *.xls *.csv);;All files (*)"))
        if f:
            self._import_next([f], import_registry, [])

    def _import_next(self, files: list[Path], fn, done: list) -> None:
        if not files:
            if done:
                self.p.importReport.setHtml("".join(done))
                self.ctl.show_page(self)
                self.ctl.refresh()
            return
        path = files[0]

        def ok(rep):
            done.append(self._report_html(rep))
            self._import_next(files[1:], fn, done)

        self.ctl.run(fn, self.ctl.ws, path, on_done=ok, title=self.tr("Importing {0}").format(path.name))

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
            covers = (self.tr("Covers {0} to {1} (stated in the file).") if sp["source"] == "stated" else
                      self.tr("Covers {0} to {1} (first to last sample)."))
            lines.append("<p>" + e(covers.format(sp["start"], sp["end"])) + "</p>")
        if d["status"] == "restored" or d.get("restored"):
            lines.append("<p>" + e(self.tr("Imported again to restore samples that went with a removed batch."))
                         + "</p>")
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
            counts = ", ".join(f"{kinds.get(k, k)} {v:,}" for k, v in c.items() if v)
            lines.append(f"<li>{e(col)}: " + e(counts) + "</li>")
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

