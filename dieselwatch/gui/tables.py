"""A small read-only table model for the pages that show tens to a few thousand rows (list entries, notices,
audit events): items built once per refresh, sorting and text search through a proxy."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QTableView

KEY = Qt.ItemDataRole.UserRole + 1


class RowsTable(QObject):
    def __init__(self, view: QTableView, headers: list[str], widths: list[int] | None = None):
        super().__init__(view)
        self.view = view
        self.model = QStandardItemModel(0, len(headers), self)
        self.model.setHorizontalHeaderLabels(headers)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
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
                it = QStandardItem("" if v is None else str(v))
                it.setData(v if isinstance(v, (int, float)) else ("" if v is None else str(v)), Qt.ItemDataRole.UserRole)
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
