"""One dialog to approve or reject several list entries with one reason, picked from the office's presets or
written; and the small editor of those presets. The dialogs only collect input: the services decide."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidgetItem, QWidget

from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.forms import load_form
from dieselwatch.messages import sentences
from dieselwatch.services.lists import EntryRow
from dieselwatch.services.reason_presets import ReasonPresets


class DecisionDialog(QObject):
    """approve: which decision; entries: the selection; blocks: entry id -> why this user cannot decide it
    (shown in the list, so the officer knows before confirming what will be refused)."""

    def __init__(self, parent: QWidget, approve: bool, entries: list[EntryRow], blocks: dict[int, str | None],
                 presets: ReasonPresets, describe: Callable[[EntryRow], str],
                 edit_presets: Callable[[DecisionDialog], None] | None = None):
        super().__init__(parent)
        self.approve, self.presets, self._edit = approve, presets, edit_presets
        d: Any = load_form("decision_dialog.ui", parent)  # a Designer form: its children are attributes
        self.d = d
        d.setWindowTitle(self.tr("Approve the selected entries") if approve else self.tr("Reject the selected entries"))
        ok = sum(1 for e in entries if blocks.get(e["id"]) is None)
        text = (self.tr("Approve {0} of the {1} selected entries with one reason.") if approve
                else self.tr("Reject {0} of the {1} selected entries with one reason.")).format(ok, len(entries))
        parts = [text, self.tr("The others will be refused, for the reason shown.") if ok < len(entries) else "",
                 self.tr("Each entry is decided on its own; a summary follows.")]
        d.intro.setText(sentences(parts))  # no space between Chinese sentences
        for e in entries:
            why = blocks.get(e["id"])
            it = QListWidgetItem(describe(e) + ("" if why is None else "  —  " + core_text(why)))
            if why is not None:
                it.setForeground(QColor("#b00020"))
            d.entriesList.addItem(it)
        self.ok_button = d.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Approve") if approve else self.tr("Reject"))
        d.presetList.itemClicked.connect(lambda it: d.reasonEdit.setPlainText(it.text()))
        d.presetList.itemDoubleClicked.connect(self._use_and_accept)
        d.reasonEdit.textChanged.connect(self._check)
        d.editPresetsButton.setVisible(edit_presets is not None)
        d.editPresetsButton.clicked.connect(self._edit_presets)
        d.buttons.accepted.connect(self._accept)
        d.buttons.rejected.connect(d.reject)
        self._fill_presets()
        self._check()

    def _use_and_accept(self, item: QListWidgetItem) -> None:
        self.d.reasonEdit.setPlainText(item.text())
        self._accept()

    def _fill_presets(self) -> None:
        self.d.presetList.clear()
        for t in self.presets.approve if self.approve else self.presets.reject:
            self.d.presetList.addItem(t)

    def _edit_presets(self) -> None:
        if self._edit is not None:
            self._edit(self)  # saves on the worker and calls set_presets() when stored

    def set_presets(self, presets: ReasonPresets) -> None:
        self.presets = presets
        self._fill_presets()

    def _check(self) -> None:
        self.ok_button.setEnabled(bool(self.reason.strip()))
        self.ok_button.setToolTip("" if self.reason.strip() else self.tr("A decision needs a reason."))

    def _accept(self) -> None:
        if self.reason.strip():
            self.d.accept()

    @property
    def reason(self) -> str:
        return self.d.reasonEdit.toPlainText()

    def exec(self) -> bool:
        return self.d.exec() == QDialog.DialogCode.Accepted


class PresetsEditor(QObject):
    """The office's preset reasons, one a line."""

    def __init__(self, parent: QWidget, presets: ReasonPresets, can_edit: str | None = None):
        super().__init__(parent)
        d: Any = load_form("reason_presets_dialog.ui", parent)
        self.d = d
        d.approveEdit.setPlainText("\n".join(presets.approve))
        d.rejectEdit.setPlainText("\n".join(presets.reject))
        save = d.buttons.button(QDialogButtonBox.StandardButton.Save)
        if can_edit is not None:  # why this user cannot change them (a Msg): shown, fields read-only
            for w in (d.approveEdit, d.rejectEdit):
                w.setReadOnly(True)
            save.setEnabled(False)
            save.setToolTip(core_text(can_edit))
            d.hint.setText(d.hint.text() + "\n" + core_text(can_edit))
        d.buttons.accepted.connect(d.accept)
        d.buttons.rejected.connect(d.reject)
        d.approveEdit.setFocus(Qt.FocusReason.OtherFocusReason)

    def lines(self) -> tuple[list[str], list[str]]:
        return (self.d.approveEdit.toPlainText().splitlines(), self.d.rejectEdit.toPlainText().splitlines())

    def exec(self) -> bool:
        return self.d.exec() == QDialog.DialogCode.Accepted
