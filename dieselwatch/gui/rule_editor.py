"""The rule-set editor: every key with its label, unit, range and help, grouped by section, in typed spin boxes
(shares shown as percentages), and the dialog that shows what a save changes against the active version."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dieselwatch.services.rulesets import (
    FieldKind,
    RuleChange,
    RuleField,
    rule_sections,
)


def meta_text(text: str) -> str:
    """A label, unit or help of resources/rules/meta.json in the officer's language."""
    return QCoreApplication.translate("RuleMeta", text) if text else ""


def _decimals(f: RuleField, value: float) -> int:
    """Enough decimals to show the stored value exactly (an office's 0.055 must not be saved back as 0.06)."""
    shown = value * 100 if f.kind == FieldKind.SHARE else value
    d = f.decimals
    while d < 4 and round(shown, d) != round(shown, 6):
        d += 1
    return d


class RuleEditor(QWidget):
    """Sections on the left, their keys on the right. values() gives the edited set in stored units."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("ruleEditor")
        self.sections = rule_sections()
        self.editors: dict[str, QSpinBox | QDoubleSpinBox] = {}
        self.fields: dict[str, RuleField] = {}
        self.base: dict = {}
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        split = QSplitter(Qt.Orientation.Horizontal)
        lay.addWidget(split)
        self.sectionList = QListWidget()
        self.sectionList.setObjectName("sectionList")
        self.stack = QStackedWidget()
        split.addWidget(self.sectionList)
        split.addWidget(self.stack)
        split.setStretchFactor(1, 1)
        split.setSizes([220, 700])
        for sec in self.sections:
            self.sectionList.addItem(meta_text(sec.label))
            page = QWidget()
            form = QFormLayout(page)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
            form.setVerticalSpacing(2)
            head = QLabel(meta_text(sec.help))
            head.setWordWrap(True)
            head.setStyleSheet("color: palette(mid); font-style: italic;")
            form.addRow(head)
            for f in sec.fields:
                w = self._editor(f)
                label = QLabel(meta_text(f.label) + QCoreApplication.translate("RuleEditor", ":"))
                label.setToolTip(f.name)  # the key as the JSON file and the CLI name it
                label.setBuddy(w)
                help_ = QLabel(meta_text(f.help))
                help_.setWordWrap(True)
                help_.setStyleSheet("color: #555; font-size: 90%;")
                help_.setMinimumWidth(360)
                form.addRow(label, w)
                form.addRow("", help_)  # a row of its own: the form gives a wrapped label the height it needs
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            self.stack.addWidget(scroll)
        self.sectionList.setMinimumWidth(self.sectionList.sizeHintForColumn(0) + 12)
        self.sectionList.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sectionList.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sectionList.setCurrentRow(0)

    def _editor(self, f: RuleField) -> QSpinBox | QDoubleSpinBox:
        unit = meta_text(f.unit)
        w: QSpinBox | QDoubleSpinBox
        if f.kind == FieldKind.INT:
            w = QSpinBox()
            w.setRange(int(f.minimum), int(f.maximum))
        else:
            w = QDoubleSpinBox()
            scale = 100 if f.kind == FieldKind.SHARE else 1
            w.setDecimals(f.decimals)
            w.setRange(f.minimum * scale, f.maximum * scale)
            if f.kind == FieldKind.SHARE:
                unit = "%"
        w.setSuffix(f" {unit}" if unit else "")
        w.setObjectName(f.name)
        w.setToolTip(meta_text(f.help))
        w.setMinimumWidth(140)
        w.valueChanged.connect(lambda _v: self.changed.emit())
        self.editors[f.name] = w
        self.fields[f.name] = f
        return w

    def set_values(self, rules: dict) -> None:
        self.base = {k: (dict(v) if isinstance(v, dict) else v) for k, v in rules.items()}
        for name, w in self.editors.items():
            f = self.fields[name]
            v = rules[f.section][f.key]
            w.blockSignals(True)
            if isinstance(w, QDoubleSpinBox):
                w.setDecimals(_decimals(f, v))
                w.setValue(v * 100 if f.kind == FieldKind.SHARE else v)
            else:
                w.setValue(int(v))
            w.blockSignals(False)
        self.changed.emit()

    def values(self) -> dict:
        """The shown rule set in stored units (the version and name as loaded; the page sets a new version)."""
        data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.base.items()}
        for name, w in self.editors.items():
            f = self.fields[name]
            if isinstance(w, QSpinBox):
                value: float = w.value()
            elif f.kind == FieldKind.SHARE:
                value = round(w.value() / 100, 6)
            else:
                value = round(w.value(), 6)
            old = self.base[f.section][f.key]
            # An unchanged value keeps its stored type and digits (a float 2.0 in the file stays 2.0).
            data[f.section][f.key] = old if abs(value - old) < 1e-9 else value
        return data

    def set_read_only(self, ro: bool) -> None:
        for w in self.editors.values():
            w.setReadOnly(ro)
            w.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons if ro else QSpinBox.ButtonSymbols.UpDownArrows)

    def show_field(self, name: str) -> None:
        """Bring a key into view and focus it (after validation names it)."""
        f = self.fields.get(name)
        if f is None:
            return
        self.sectionList.setCurrentRow(next(i for i, s in enumerate(self.sections) if s.name == f.section))
        self.editors[name].setFocus()
        self.editors[name].selectAll()

    def shown(self, name: str, value) -> str:
        """A stored value as the editor shows it, with its unit."""
        f = self.fields[name]
        if value is None:
            return "—"
        if f.kind == FieldKind.SHARE:
            return f"{value * 100:.{_decimals(f, value)}f} %"
        text = f"{value:.{_decimals(f, value)}f}" if f.kind == FieldKind.FLOAT else f"{int(value)}"
        return f"{text} {meta_text(f.unit)}".rstrip()


class ChangesDialog(QDialog):
    """What a save changes against the active version, and why (the reason goes into the audit history)."""

    def __init__(self, parent, editor: RuleEditor, changes: list[RuleChange], active: str, version: str):
        super().__init__(parent)
        self.setObjectName("ChangesDialog")
        self.setWindowTitle(self.tr("Save rule set {0}").format(version))
        lay = QVBoxLayout(self)
        head = QLabel(self.tr("{0} value(s) differ from the active rule set {1}. The new version is stored but not "
                              "active: an admin activates it.").format(len(changes), active) if changes else
                      self.tr("No value differs from the active rule set {0}.").format(active))
        head.setWordWrap(True)
        lay.addWidget(head)
        self.table = QTableWidget(len(changes), 3)
        self.table.setObjectName("changesTable")
        self.table.setHorizontalHeaderLabels([self.tr("Setting"), self.tr("Active {0}").format(active),
                                              self.tr("New {0}").format(version)])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for i, c in enumerate(changes):
            name = f"{c.section}.{c.key}"
            sec = next(s for s in editor.sections if s.name == c.section)
            label = f"{meta_text(sec.label)} — {meta_text(editor.fields[name].label)}"
            for j, text in enumerate((label, editor.shown(name, c.before), editor.shown(name, c.after))):
                it = QTableWidgetItem(text)
                it.setToolTip(name)
                self.table.setItem(i, j, it)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table)
        form = QFormLayout()
        self.reason = QLineEdit()
        self.reason.setObjectName("reasonEdit")
        form.addRow(self.tr("Why is the rule set changed?"), self.reason)
        lay.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(bool(changes))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.resize(720, 360)


class PeriodDialog(QDialog):
    """The period a trial scores (default: the period of the office's latest run)."""

    def __init__(self, parent, start: QDate, end: QDate):
        super().__init__(parent)
        self.setObjectName("PeriodDialog")
        self.setWindowTitle(self.tr("Try the edited rule set"))
        lay = QVBoxLayout(self)
        hint = QLabel(self.tr("A trial scores the period with the values shown, without saving or activating them. "
                              "Its run is kept marked as a trial; lists never propose from it."))
        hint.setWordWrap(True)
        lay.addWidget(hint)
        form = QFormLayout()
        self.start, self.end = QDateEdit(start), QDateEdit(end)
        for e in (self.start, self.end):
            e.setCalendarPopup(True)
            e.setDisplayFormat("yyyy-MM-dd")
        form.addRow(self.tr("From:"), self.start)
        form.addRow(self.tr("To:"), self.end)
        lay.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.setMinimumWidth(420)
