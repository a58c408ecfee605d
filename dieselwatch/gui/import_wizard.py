"""The import wizard: what the reader detected (encoding or sheet, header row), the header mapping as an
editable table, and the first rows with every problem cell marked. A changed mapping is previewed again at
once, can be saved as a profile, and is what the import then uses."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QHeaderView, QTableWidgetItem

from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.main_window import load_form
from dieselwatch.ingest.columns import IGNORE
from dieselwatch.services.import_preview import Preview, preview_records

COLOURS = {"error": "#f4c7c3", "warning": "#fff2cc"}


class ImportWizard(QObject):
    def __init__(self, ctl, path: Path, preview: Preview):
        super().__init__(ctl)
        self.ctl, self.path, self.preview = ctl, Path(path), preview
        self.d = load_form("import_wizard.ui", ctl.w)
        d = self.d
        d.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Import"))
        d.buttons.accepted.connect(self._accept)
        d.buttons.rejected.connect(d.reject)
        d.mappingTable.setColumnCount(2)
        d.mappingTable.setHorizontalHeaderLabels([self.tr("Export header"), self.tr("Field")])
        d.mappingTable.verticalHeader().hide()
        d.mappingTable.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        d.profileName.setText(self.path.stem)
        d.splitter.setSizes([380, 720])
        self.combos: list[QComboBox] = []
        self._build_mapping(preview)
        self._show(preview)

    def _build_mapping(self, p: Preview) -> None:
        t = self.d.mappingTable
        t.setRowCount(len(p.headers))
        for i, h in enumerate(p.headers):
            t.setItem(i, 0, QTableWidgetItem(h))
            combo = QComboBox()
            combo.addItem(self.tr("(not imported)"), IGNORE)
            for name, desc in sorted(p.fields.items()):
                if self.ctl.lang.startswith("zh"):
                    desc = p.names_zh.get(name, desc)
                combo.addItem(f"{name} — {desc}", name)
            combo.setCurrentIndex(max(combo.findData(p.mapping.get(h, IGNORE)), 0))
            combo.currentIndexChanged.connect(lambda _: self._remap())
            t.setCellWidget(i, 1, combo)
            self.combos.append(combo)

    def mapping(self) -> dict[str, str]:
        """The officer's mapping as a profile: every header with its field, or IGNORE."""
        return {h: c.currentData() for h, c in zip(self.preview.headers, self.combos, strict=True)}

    def _remap(self) -> None:
        profile = self.mapping()
        self.ctl._run(lambda progress=None, cancel=None, path=self.path: preview_records(path, profile),
                      on_done=self._show)

    def _show(self, p: Preview) -> None:
        self.preview = p
        d = self.d
        where = self.tr("encoding {0}").format(p.encoding) if p.encoding else self.tr("sheet {0}").format(p.sheet)
        d.fileInfo.setText(self.tr("<b>{0}</b>: {1}, header on row {2}; {3} of {4} columns mapped.").format(
            p.file, where, p.header_row, len(p.mapping), len(p.headers)))
        t = d.previewTable
        t.clear()
        t.setColumnCount(len(p.headers))
        t.setRowCount(len(p.rows))
        t.setHorizontalHeaderLabels([f"{h}\n→ {p.mapping.get(h, '—')}" for h in p.headers])
        for i, row in enumerate(p.rows):
            for j, v in enumerate(row):
                t.setItem(i, j, QTableWidgetItem(v))
        for i, j, severity, reason in p.problems:
            it = t.item(i, j)
            it.setBackground(QBrush(QColor(COLOURS[severity])))
            it.setToolTip(core_text(reason))
        t.resizeColumnsToContents()
        counts = Counter(reason for *_, reason in p.problems)
        lines = [f"{n} × {core_text(r)}" for r, n in counts.most_common()]
        if p.missing_required:
            lines.insert(0, self.tr("Required column(s) not mapped: {0}. Choose them in the mapping.").format(
                ", ".join(p.missing_required)))
        d.problemSummary.setText("\n".join(lines) or self.tr("No problems in the first rows."))
        d.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not p.missing_required)

    def _accept(self) -> None:
        self.d.accept()

    def exec(self) -> dict | None:
        """The mapping to import with (None when cancelled), and the profile name to save it under."""
        if self.d.exec() != QDialog.DialogCode.Accepted:
            return None
        name = self.d.profileName.text().strip() if self.d.saveProfileCheck.isChecked() else None
        return {"profile": self.mapping(), "save_as": name}
