"""Editing the legal texts notices cite (services/legal.py): one row per version, one column per text."""

from __future__ import annotations

from dataclasses import asdict, fields

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QTableWidgetItem

from dieselwatch.errors import DieselWatchError
from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.forms import load_form
from dieselwatch.services.legal import LegalTexts, legal_versions, set_legal_versions
from dieselwatch.workspace import Workspace


def column_titles() -> dict[str, str]:
    # Spelled out in full: lupdate finds QCoreApplication.translate calls, not an alias of it.
    return {
        "effective_from": QCoreApplication.translate(
            "LegalDialog", "In force from (YYYY-MM-DD)"),
        "title": QCoreApplication.translate(
            "LegalDialog", "Name of this version"),
        "basis": QCoreApplication.translate(
            "LegalDialog", "Legal basis"),
        "consequence_tamper": QCoreApplication.translate(
            "LegalDialog", "Consequences: tampering"),
        "consequence_emission": QCoreApplication.translate(
            "LegalDialog", "Consequences: emissions"),
        "consequence_obd": QCoreApplication.translate(
            "LegalDialog", "Consequences: OBD faults"),
        "consequence_data": QCoreApplication.translate(
            "LegalDialog", "Consequences: data faults"),
        "rights": QCoreApplication.translate(
            "LegalDialog", "Right of appeal ({body}, {court} are filled in)"),
        "verified": QCoreApplication.translate(
            "LegalDialog", "Checked"),
    }


class LegalDialog:
    def __init__(self, ws: Workspace, parent=None):
        self.ws = ws
        self.d = load_form("legal_dialog.ui", parent)
        self.keys = [f.name for f in fields(LegalTexts)]
        t = self.d.table
        titles = column_titles()
        t.setColumnCount(len(self.keys))
        t.setHorizontalHeaderLabels([titles[k] for k in self.keys])
        for i in range(len(self.keys)):
            t.setColumnWidth(i, 170 if self.keys[i] in ("effective_from", "verified") else 260)
        t.verticalHeader().hide()
        for v in legal_versions(ws):
            self._add_row(asdict(v))
        self.d.addButton.clicked.connect(self._add_copy)
        self.d.removeButton.clicked.connect(lambda: t.removeRow(t.currentRow()) if t.currentRow() >= 0 else None)
        self.d.buttons.accepted.connect(self.try_save)
        self.d.buttons.rejected.connect(self.d.reject)
        editable = ws.role == "admin"
        for b in (self.d.addButton, self.d.removeButton):
            b.setEnabled(editable)
        if not editable:
            t.setEditTriggers(t.EditTrigger.NoEditTriggers)
            self.d.messageLabel.setText(QCoreApplication.translate("LegalDialog",
                                                                   "Only an admin can change the legal texts."))

    def _add_row(self, values: dict) -> None:
        t = self.d.table
        r = t.rowCount()
        t.insertRow(r)
        for c, k in enumerate(self.keys):
            if k == "verified":
                it = QTableWidgetItem()
                it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                it.setCheckState(Qt.CheckState.Checked if values.get(k) else Qt.CheckState.Unchecked)
            else:
                it = QTableWidgetItem(str(values.get(k) or ""))
            t.setItem(r, c, it)
        t.resizeRowToContents(r)

    def _add_copy(self) -> None:
        """A new version starts as a copy of the last one, unchecked, with a date to fill in."""
        rows = self.versions()
        new = dict(rows[-1]) if rows else {}
        new.update(effective_from="", verified=False)
        self._add_row(new)

    def versions(self) -> list[dict]:
        t = self.d.table
        out = []
        for r in range(t.rowCount()):
            row = {}
            for c, k in enumerate(self.keys):
                it = t.item(r, c)
                row[k] = (it.checkState() == Qt.CheckState.Checked) if k == "verified" else (it.text() if it else "")
            out.append(row)
        return out

    def try_save(self) -> None:
        title = QCoreApplication.translate("LegalDialog", "Legal texts of the notices")
        reason, ok = QInputDialog.getText(self.d, title,
                                          QCoreApplication.translate("LegalDialog", "Why are they changed?"))
        if not ok:
            return
        try:
            set_legal_versions(self.ws, self.versions(), reason=reason or None)
        except DieselWatchError as exc:
            self.d.messageLabel.setText(core_text(exc))
            return
        self.d.accept()

    def exec(self) -> bool:
        return self.d.exec() == QDialog.DialogCode.Accepted
