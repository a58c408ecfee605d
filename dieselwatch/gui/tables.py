"""A small read-only table model for the pages that show tens to a few thousand rows (list entries, notices,
audit events): items built once per refresh, sorting and text search through a proxy."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QTableView

KEY = Qt.ItemDataRole.UserRole + 1
SEARCH = Qt.ItemDataRole.UserRole + 2  # what the filter matches: the text shown, and a label's code


class Labelled(NamedTuple):
    """A cell shown as a translated label that can still be found, and is explained, by its code."""

    text: str
    code: str


class RowsTable(QObject):
    def __init__(self, view: QTableView, headers: list[str], widths: list[int] | None = None):
        super().__init__(view)
        self.view = view
        self.model = QStandardItemModel(0, len(headers), self)
        self.model.setHorizontalHeaderLabels(headers)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterRole(SEARCH)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        view.setModel(self.proxy)
        view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(24)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setStretchLastSection(True)
        for i, w in enumerate(widths or []):
            view.setColumnWidth(i, w)

    def set_rows(self, rows: list[tuple], keys: list) -> None:
        """rows: display values per column; keys: the object each row stands for (returned by current())."""
        self.model.setRowCount(0)
        for values, key in zip(rows, keys, strict=True):
            items = []
            for v in values:
                code = None
                if isinstance(v, Labelled):
                    v, code = v
                text = "" if v is None else str(v)
                it = QStandardItem(text)
                it.setData(v if isinstance(v, (int, float)) else text, Qt.ItemDataRole.UserRole)
                it.setData(f"{text} {code}" if code else text, SEARCH)
                if code:
                    it.setToolTip(code)
                if isinstance(v, (int, float)):
                    it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                items.append(it)
            items[0].setData(key, KEY)
            self.model.appendRow(items)

    def current(self):
        idx = self.view.currentIndex()
        if not idx.isValid():
            return None
        src = self.proxy.mapToSource(idx)
        return self.model.item(src.row(), 0).data(KEY)

    def select_key(self, key) -> None:
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(KEY) == key:
                self.view.selectRow(r)
                return
