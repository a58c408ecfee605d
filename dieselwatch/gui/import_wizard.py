"""The import wizard: what the reader detected (encoding or sheet, header row), the header mapping as an
editable table, and the first rows with every problem cell marked. A changed mapping is previewed again at
once, can be saved as a profile, and is what the import then uses."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCollator, QLocale, QObject, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QHeaderView, QMessageBox, QTableWidgetItem

from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.forms import load_form
from dieselwatch.services.import_preview import IGNORE, Preview, preview_records

COLOURS = {"error": "#f4c7c3", "warning": "#fff2cc"}


def field_choices(p: Preview, lang: str) -> list[tuple[str, str]]:
    """(field, name shown) in the order an officer looks for them: by the standard Chinese names in pinyin order
    in Chinese, by the English names in English; never by the internal codes."""
    zh = lang.startswith("zh")
    names = {k: (p.names_zh.get(k) or desc) if zh else (desc or k) for k, desc in p.fields.items()}
    collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if zh
                         else QLocale(QLocale.Language.English))
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return sorted(names.items(), key=lambda kv: (collator.sortKey(kv[1]), kv[0]))


class ImportWizard(QObject):
    def __init__(self, ctl, path: Path, preview: Preview):
        super().__init__(ctl)
        self.ctl, self.path, self.preview = ctl, Path(path), preview
        self.d: Any = load_form("import_wizard.ui", ctl.w)  # a QDialog with the form's named children
        d: Any = self.d
        d.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Import"))
        d.buttons.accepted.connect(self._accept)
        d.buttons.rejected.connect(d.reject)
        d.mappingTable.setColumnCount(2)
        d.mappingTable.setHorizontalHeaderLabels([self.tr("Export header"), self.tr("Field")])
        d.mappingTable.verticalHeader().hide()
        d.mappingTable.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        d.profileName.setText(self.path.stem)
        d.splitter.setSizes([470, 630])  # room for "name — code" in the field choices
        self.combos: list[QComboBox] = []
        self.allowed_missing: list[str] = []  # key fields the officer agreed to import without
        self._build_mapping(preview)
        self._show(preview)

    def _build_mapping(self, p: Preview) -> None:
        t = self.d.mappingTable
        t.setRowCount(len(p.headers))
        choices = field_choices(p, self.ctl.lang)
        for i, h in enumerate(p.headers):
            t.setItem(i, 0, QTableWidgetItem(h))
            combo = QComboBox()
            combo.addItem(self.tr("(not imported)"), IGNORE)
            for name, shown in choices:
                combo.addItem(f"{shown} — {name}", name)
            combo.setCurrentIndex(max(combo.findData(p.mapping.get(h, IGNORE)), 0))
            combo.currentIndexChanged.connect(lambda _: self._remap())
            t.setCellWidget(i, 1, combo)
            self.combos.append(combo)

    def mapping(self) -> dict[str, str]:
        """The officer's mapping as a profile: every header with its field, or IGNORE."""
        return {h: c.currentData() for h, c in zip(self.preview.headers, self.combos, strict=True)}

    def _remap(self) -> None:
        profile = self.mapping()
        self.ctl.run(lambda progress=None, cancel=None, path=self.path: preview_records(path, profile),
                      on_done=self._show)

    def _show(self, p: Preview) -> None:
        self.preview = p
        d = self.d
        where = self.tr("encoding {0}").format(p.encoding) if p.encoding else self.tr("sheet {0}").format(p.sheet)
        info = self.tr("<b>{0}</b>: {1}, header on row {2}; {3} of {4} columns mapped.").format(
            p.file, where, p.header_row, len(p.mapping), len(p.headers))
        if len(p.sheets) > 1:
            info += " " + self.tr("Sheets imported together: {0}.").format(", ".join(p.sheets))
        for name, why in p.skipped_sheets:
            info += "<br>" + self.tr("Sheet “{0}” is not imported: {1}").format(name, core_text(why))
        d.fileInfo.setText(info)
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
        for x in p.left_out:
            lines.append(self.tr("Column {0} is not imported ({1} comes from {2}): {3}").format(
                x["header"], x["field"], x["kept"], core_text(x["reason"])))
        if p.empty_key_fields:
            lines.insert(0, self.tr("Key fields without a valid value in the first rows: {0}.").format(
                self._names(p.empty_key_fields)))
        if p.missing_key_fields:
            lines.insert(0, self.tr("Key fields not mapped: {0}. Scoring then cannot judge: {1}.").format(
                self._names(p.missing_key_fields), "; ".join(self._lost(p.missing_key_fields))))
        if p.missing_required:
            lines.insert(0, self.tr("Required column(s) not mapped: {0}. Choose them in the mapping.").format(
                ", ".join(p.missing_required)))
        d.problemSummary.setText("\n".join(lines) or self.tr("No problems in the first rows."))
        d.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not p.missing_required)

    def _names(self, fields: list[str]) -> str:
        shown = dict(field_choices(self.preview, self.ctl.lang))
        return self.tr(", ").join(f"{shown.get(n, n)} ({n})" for n in fields)

    def _lost(self, fields: list[str]) -> list[str]:
        """What scoring cannot judge without these fields, each judgement once."""
        return list(dict.fromkeys(core_text(self.preview.cannot_judge[n]) for n in fields))

    def _accept(self) -> None:
        """Importing without a key field is the officer's decision, taken knowing what scoring then loses."""
        p = self.preview
        if p.missing_key_fields:
            text = self.tr("These key fields are not mapped: {0}.\n\nScoring then cannot judge:\n{1}\n\n"
                           "Map them if the file has them. Import without them?").format(
                self._names(p.missing_key_fields), "\n".join(f"• {x}" for x in self._lost(p.missing_key_fields)))
            answer = QMessageBox.question(self.d, self.tr("Key fields missing"), text,
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                          QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.allowed_missing = list(p.missing_key_fields)
        self.d.accept()

    def exec(self) -> dict | None:
        """The mapping to import with (None when cancelled), the profile name to save it under, and the key
        fields the officer agreed to import without."""
        if self.d.exec() != QDialog.DialogCode.Accepted:
            return None
        name = self.d.profileName.text().strip() if self.d.saveProfileCheck.isChecked() else None
        return {"profile": self.mapping(), "save_as": name, "allow_missing": self.allowed_missing}
