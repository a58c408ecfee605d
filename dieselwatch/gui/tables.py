"""What every table of the app does the same way, and a small read-only model for the pages' tables.

``attach_table(view, key, settings, title=...)`` gives a QTableView the standard behaviour: extended multi-select
of whole rows; Ctrl+C copies the selected rows (visible columns in their visual order, with the header line) as
tab-separated text and as an HTML table, so they paste into Excel/WPS as cells; a context menu (page actions on the
selected rows, Copy, Copy with headers, Select all, Export to Excel…, Filter); a filter bar (Ctrl+F, Esc hides and
clears it) filtering every column; sorting by clicking headers; column widths, order and sort remembered per key.

Call it once the view has its model (the page's own proxy, if any, included) and before connecting to
``view.selectionModel()``: a TableFilterProxy goes between the view and that model. The view's indexes then belong
to the filter proxy, so map them with the returned object, never with the page's own proxy:

    tools.source_rows()          # selected rows of the bottom model (VehicleTableModel, a QStandardItemModel ...)
    tools.to_source(index)       # a view index -> the bottom model's index (through every proxy)
    tools.view_index(row)        # a bottom-model row -> the view's index (invalid while filtered out)
    tools.select_source_rows(rows)

The selection model connections made before attach_table survive (the same QItemSelectionModel is kept), but the
indexes they receive are the view's: map them with tools.to_source().
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QByteArray,
    QDate,
    QDateTime,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QTableView,
    QToolButton,
    QWidget,
)

from dieselwatch.gui.file_dialogs import Purpose, save_file
from dieselwatch.services.table_export import cell_value, write_rows

KEY = Qt.ItemDataRole.UserRole + 1
SEARCH = Qt.ItemDataRole.UserRole + 2  # what the filter matches: the text shown, and a label's code
_NUMBER = re.compile(r"-?\d[\d,]*(\.\d+)?")


# --- mapping through proxies -----------------------------------------------------------------------------
def to_bottom(index: QModelIndex) -> QModelIndex:
    """An index of any model in a proxy chain -> the index of the model at the bottom of the chain."""
    while index.isValid():
        model = index.model()
        if not isinstance(model, QAbstractProxyModel):
            break
        index = model.mapToSource(index)
    return index


def from_bottom(top: QAbstractItemModel, index: QModelIndex) -> QModelIndex:
    """The bottom model's index -> the index of `top` (invalid when a proxy on the way filters the row out)."""
    chain = []
    m: QAbstractItemModel | None = top
    while isinstance(m, QAbstractProxyModel):
        chain.append(m)
        m = m.sourceModel()
    for proxy in reversed(chain):
        index = proxy.mapFromSource(index)
    return index


def bottom_model(model: QAbstractItemModel) -> QAbstractItemModel:
    while isinstance(model, QAbstractProxyModel):
        model = model.sourceModel()
    return model


def _sorts_itself(model: QAbstractItemModel) -> bool:
    """A proxy, or a model whose Python class implements sort(): it sorts as the page meant (sort roles, fast
    list sorts). A plain QStandardItemModel is sorted by the filter proxy instead, so rows the page keeps by
    number (a batch's report by row) stay where they were."""
    if isinstance(model, QAbstractProxyModel):
        return True
    for cls in type(model).__mro__:
        if cls.__module__.startswith(("PySide6", "shiboken6")):
            return False
        if "sort" in vars(cls):
            return True
    return False


class TableFilterProxy(QSortFilterProxyModel):
    """Text filter over every column; sorting is passed down to a model that sorts itself (VehicleTableModel sorts
    20,000 rows with one list.sort where a proxy comparing through data() took 3 s) and done here otherwise."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._delegate = False
        self._order: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        super().setSourceModel(model)
        self._delegate = _sorts_itself(model)
        model.modelReset.connect(self._sort_again)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._order = (column, order)
        if not self._delegate:
            super().sort(column, order)
        elif column >= 0 or isinstance(self.sourceModel(), QSortFilterProxyModel):
            self.sourceModel().sort(column, order)

    def _sort_again(self) -> None:
        """New rows in a model that sorts itself arrive in load order: keep the order the header shows."""
        if self._delegate and self._order[0] >= 0:
            self.sourceModel().sort(*self._order)

    def lessThan(self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex) -> bool:
        a, b = left.data(self.sortRole()), right.data(self.sortRole())
        ka, kb = _sort_key(a), _sort_key(b)
        if ka[0] != kb[0]:
            return ka[0] < kb[0]
        return ka[1] < kb[1]


def _sort_key(v: Any) -> tuple[int, Any]:
    """Numbers (also shown as "12,345") before text, numerically; text case-insensitively; empty cells last."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return (0, v)
    text = "" if v is None else str(v)
    if _NUMBER.fullmatch(text):
        return (0, float(text.replace(",", "")))
    return (2, "") if not text else (1, text.casefold())


# --- one table's tools -----------------------------------------------------------------------------------
class _PageAction(NamedTuple):
    action: QAction
    fn: Callable[[list[int]], Any]
    needs_selection: bool
    check: Callable[[list[int]], str | None] | None


class TableTools(QObject):
    """Returned by attach_table; lives as long as the view."""

    exported = Signal(Path)  # after an export was written
    activated = Signal(int)  # a bottom-model row double-clicked or Enter pressed on it

    def __init__(self, view: QTableView, key: str, settings: QSettings | None, title: str,
                 exports_dir: Path | str | None = None, own_menu: bool = False):
        super().__init__(view)
        model = view.model()
        if model is None:
            raise ValueError("attach_table needs a view that already has its model")
        self.view, self.key, self.settings, self.title, self.exports_dir = view, key, settings, title, exports_dir
        self.page_model = model
        self.proxy = TableFilterProxy(self)
        self.proxy.setSourceModel(model)
        kept = view.selectionModel()
        view.setModel(self.proxy)
        if kept is not None:  # connections the page made to the selection model keep working
            fresh = view.selectionModel()
            kept.setModel(self.proxy)
            view.setSelectionModel(kept)
            fresh.deleteLater()
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        if not own_menu:  # else the page shows its menu and ends it with add_standard_actions
            view.customContextMenuRequested.connect(self._menu_at)
        view.doubleClicked.connect(lambda idx: self.activated.emit(self.to_source(idx).row()))
        view.installEventFilter(self)
        self._page_actions: list[_PageAction] = []
        self._build_filter_bar()
        self._build_actions()

        header = view.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionsClickable(True)
        self.restored = self.restore_state()  # False: the page may size the columns itself
        if not self.restored:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)  # sorts by the restored indicator
        for sig in (header.sectionResized, header.sectionMoved, header.sortIndicatorChanged):
            sig.connect(self.save_state)

    # --- mapping ---------------------------------------------------------------------------------------
    def to_source(self, index: QModelIndex) -> QModelIndex:
        return to_bottom(index)

    def view_index(self, source_row: int, column: int = 0) -> QModelIndex:
        bottom = bottom_model(self.proxy)
        return from_bottom(self.proxy, bottom.index(source_row, column))

    def shown_rows(self) -> list[int]:
        """The view's rows (0..n-1 of the filter proxy) that are selected, top to bottom."""
        sm = self.view.selectionModel()
        return sorted({i.row() for i in sm.selectedIndexes()}) if sm is not None else []

    def source_rows(self) -> list[int]:
        """The selected rows as rows of the bottom model, in the order the view shows them."""
        return [self.to_source(self.proxy.index(r, 0)).row() for r in self.shown_rows()]

    def current_source_row(self) -> int | None:
        idx = self.to_source(self.view.currentIndex())
        return idx.row() if idx.isValid() else None

    def select_source_rows(self, rows: Sequence[int]) -> None:
        sel = QItemSelection()
        last = QModelIndex()
        for r in rows:
            idx = self.view_index(r)
            if idx.isValid():
                sel.select(idx, idx)
                last = idx
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.view.selectionModel().select(sel, flags)
        if last.isValid():
            self.view.selectionModel().setCurrentIndex(last, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.view.scrollTo(last)

    # --- what is shown ---------------------------------------------------------------------------------
    def visible_columns(self) -> list[int]:
        h = self.view.horizontalHeader()
        cols = [c for c in range(self.proxy.columnCount()) if not h.isSectionHidden(c)]
        return sorted(cols, key=h.visualIndex)

    def headers(self) -> list[str]:
        return [str(self.proxy.headerData(c, Qt.Orientation.Horizontal) or "") for c in self.visible_columns()]

    def values(self, rows: Sequence[int] | None = None) -> list[list[Any]]:
        """Cell values as shown (numbers stay numbers, dates dates) of the given view rows, else of all."""
        cols = self.visible_columns()
        rows = range(self.proxy.rowCount()) if rows is None else rows
        return [[_plain(self.proxy.index(r, c).data()) for c in cols] for r in rows]

    def copy(self, with_headers: bool = True) -> str:
        """Put the selected rows on the clipboard as TSV and as an HTML table; returns the text."""
        rows = self.values(self.shown_rows())
        if not rows:
            return ""
        lines = ([self.headers()] if with_headers else []) + [[_cell_text(v) for v in r] for r in rows]
        text = "\n".join("\t".join(_cell_text(v) for v in line) for line in lines)
        mime = _new_mime_data()
        mime.setText(text)
        mime.setHtml(_html_table(self.headers() if with_headers else None, rows))
        QGuiApplication.clipboard().setMimeData(mime)
        return text

    # --- export ----------------------------------------------------------------------------------------
    def export(self, path: Path | str | None = None):
        """Write the rows as shown (filtered, sorted, visible columns) to a workbook on the worker; asks where
        when no path is given. Returns the job (None when cancelled); `exported` is emitted when written."""
        from dieselwatch.gui import jobs

        if path is None:
            name = re.sub(r'[\\/:*?"<>|]', "_", self.title) + f"-{date.today():%Y%m%d}.xlsx"
            path = save_file(self.view, self.settings, Purpose.EXPORTS, self.tr("Export to Excel"), name,
                             fallback=self.exports_dir)
            if path is None:
                return None
        headers, rows = self.headers(), self.values()
        n = len(rows)

        def done(written: Path) -> None:
            self._exported(written, n)

        return jobs.run(write_rows, Path(path), self.title, headers, rows, parent=self.view,
                        title=self.tr("Exporting {0} rows").format(n), on_done=done)

    def _exported(self, path: Path, n: int) -> None:
        window = self.view.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(self.tr("Exported {0} rows to {1}").format(n, path), 10000)
        self.exported.emit(path)

    # --- page actions and the context menu -------------------------------------------------------------
    def add_action(self, text: str, fn: Callable[[list[int]], Any], *, shortcut: QKeySequence | str | None = None,
                   needs_selection: bool = True, check: Callable[[list[int]], str | None] | None = None) -> QAction:
        """An action of the page at the top of the context menu. fn gets the selected rows of the bottom model
        (tools.source_rows()). check(rows) returns None when the action may run, else the reason it may not:
        the entry is then disabled and says why in its tooltip."""
        act = QAction(text, self)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.view.addAction(act)
        act.triggered.connect(lambda: self._run_page_action(act))
        self._page_actions.append(_PageAction(act, fn, needs_selection, check))
        return act

    def _run_page_action(self, act: QAction) -> None:
        for pa in self._page_actions:
            if pa.action is act:
                rows = self.source_rows()
                self._update_page_action(pa, rows)
                if act.isEnabled():
                    pa.fn(rows)
                return

    def _update_page_action(self, pa: _PageAction, rows: list[int]) -> None:
        why = self.tr("Select one or more rows first.") if pa.needs_selection and not rows else None
        if why is None and pa.check is not None:
            why = pa.check(rows)
        pa.action.setEnabled(why is None)
        pa.action.setToolTip(why or pa.action.text())
        pa.action.setStatusTip(why or "")

    def _build_actions(self) -> None:
        def act(text: str, slot: Callable[[], Any], keys: QKeySequence | QKeySequence.StandardKey | None = None):
            a = QAction(text, self)
            if keys is not None:
                a.setShortcut(QKeySequence(keys))  # shown in the menu; the keys themselves go through eventFilter
            a.triggered.connect(lambda _checked=False: slot())  # not the checked flag as an argument
            return a

        self.copy_action = act(self.tr("Copy"), lambda: self.copy(with_headers=False))
        self.copy_headers_action = act(self.tr("Copy with headers"), lambda: self.copy(with_headers=True),
                                       QKeySequence.StandardKey.Copy)
        self.select_all_action = act(self.tr("Select all"), self.view.selectAll, QKeySequence.StandardKey.SelectAll)
        self.export_action = act(self.tr("Export to Excel…"), lambda: self.export())
        self.filter_action = act(self.tr("Filter"), self.show_filter, QKeySequence.StandardKey.Find)

    def context_menu(self) -> QMenu:
        """The menu as it is right now (page actions first); the caller shows it."""
        menu = QMenu(self.view)
        menu.setToolTipsVisible(True)
        rows = self.source_rows()
        for pa in self._page_actions:
            self._update_page_action(pa, rows)
            menu.addAction(pa.action)
        if self._page_actions:
            menu.addSeparator()
        self.add_standard_actions(menu, separate=False)
        return menu

    def add_standard_actions(self, menu: QMenu, *, separate: bool = True) -> None:
        """The table's own entries (copy, select all, export, filter) at the end of a menu; pages that build
        their own menu (attach_table(..., own_menu=True)) end it with these."""
        has = bool(self.source_rows())
        self.copy_action.setEnabled(has)
        self.copy_headers_action.setEnabled(has)
        self.export_action.setEnabled(self.proxy.rowCount() > 0)
        if separate:
            menu.addSeparator()
        menu.addActions([self.copy_action, self.copy_headers_action, self.select_all_action])
        menu.addSeparator()
        menu.addActions([self.export_action, self.filter_action])

    def _menu_at(self, pos: QPoint) -> None:
        idx = self.view.indexAt(pos)
        if idx.isValid() and not self.view.selectionModel().isRowSelected(idx.row(), QModelIndex()):
            self.view.selectRow(idx.row())  # a right-click on an unselected row acts on that row
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    # --- filter bar ------------------------------------------------------------------------------------
    def _build_filter_bar(self) -> None:
        view = self.view
        # The bar is made in its final parent and never moved: re-parenting widgets between Python-made and
        # .ui-made parents freed them twice when the window was destroyed (PySide 6.12).
        spot = _layout_spot(view)
        bar = QWidget(spot[0].parentWidget() if spot is not None else view)
        lay = QHBoxLayout(bar)
        lay.setContentsMargins(0, 0, 0, 0)
        self.filter_label = QLabel(self.tr("Filter:"), bar)
        self.filter_edit = QLineEdit(bar)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(self.tr("text in any column (Esc closes)"))
        self.filter_count = QLabel(bar)
        close = QToolButton(bar)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Close the filter (Esc)"))
        close.clicked.connect(self.hide_filter)
        lay.addWidget(self.filter_label)
        lay.addWidget(self.filter_edit, 1)
        lay.addWidget(self.filter_count)
        lay.addWidget(close)
        self.filter_bar = bar
        self.filter_edit.textChanged.connect(self.set_filter)
        self.filter_edit.installEventFilter(self)
        for sig in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset,
                    self.proxy.layoutChanged):
            sig.connect(self._count)

        # Into the page's layout just above the table, or above the splitter holding it; the table is not moved.
        if spot is not None:
            layout, index = spot
            layout.insertWidget(index, bar)
        else:  # a view outside any box layout: the bar sits on its top edge
            bar.setAutoFillBackground(True)
            bar.move(0, 0)
            bar.resize(max(view.width(), 300), bar.sizeHint().height())
        bar.hide()

    def show_filter(self) -> None:
        self.filter_bar.show()
        self.filter_bar.raise_()
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()
        self._count()

    def hide_filter(self) -> None:
        self.filter_edit.clear()
        self.filter_bar.hide()
        self.view.setFocus()
        if self.view.currentIndex().isValid():
            self.view.scrollTo(self.view.currentIndex())

    def set_filter(self, text: str) -> None:
        if self.filter_edit.text() != text:
            self.filter_edit.setText(text)  # comes back here through textChanged
            return
        self.proxy.setFilterFixedString(text.strip())
        self._count()

    def _count(self, *_: Any) -> None:
        shown, total = self.proxy.rowCount(), self.page_model.rowCount()
        self.filter_count.setText(self.tr("{0} of {1} rows").format(shown, total) if self.filter_edit.text()
                                  else self.tr("{0} rows").format(total))

    # --- keys --------------------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        t = event.type()
        if t not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        if obj is self.view:
            ours = event.matches(QKeySequence.StandardKey.Copy) or event.matches(QKeySequence.StandardKey.Find) \
                or (key == Qt.Key.Key_Escape and self.filter_bar.isVisible())
            if ours and t == QEvent.Type.ShortcutOverride:
                event.accept()  # the keys come here, not to a window-wide shortcut
                return True
            if ours:
                if event.matches(QKeySequence.StandardKey.Copy):
                    self.copy()
                elif event.matches(QKeySequence.StandardKey.Find):
                    self.show_filter()
                else:
                    self.hide_filter()
                return True
            if t == QEvent.Type.KeyPress and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                    and self.view.currentIndex().isValid():
                self.activated.emit(self.to_source(self.view.currentIndex()).row())
                return True
        elif obj is self.filter_edit:
            if key == Qt.Key.Key_Escape:
                if t == QEvent.Type.ShortcutOverride:
                    event.accept()
                else:
                    self.hide_filter()
                return True
            if t == QEvent.Type.KeyPress and key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.view.setFocus()
                if self.proxy.rowCount() and not self.view.currentIndex().isValid():
                    self.view.selectRow(0)
                return True
        return False

    # --- remembered header -----------------------------------------------------------------------------
    def _settings_key(self) -> str:
        return f"tables/{self.key}"

    def save_state(self, *_: Any) -> None:
        n = self.proxy.columnCount()
        if self.settings is None or n == 0:
            return
        self.settings.setValue(f"{self._settings_key()}/header", self.view.horizontalHeader().saveState())
        self.settings.setValue(f"{self._settings_key()}/columns", n)

    def restore_state(self) -> bool:
        """Widths, order and sort of the last session, when the table still has the same columns."""
        if self.settings is None:
            return False
        state = self.settings.value(f"{self._settings_key()}/header")
        try:
            columns = int(str(self.settings.value(f"{self._settings_key()}/columns", -1)))
        except ValueError:
            return False
        if not isinstance(state, QByteArray) or columns != self.proxy.columnCount():
            return False
        return self.view.horizontalHeader().restoreState(state)


def attach_table(view: QTableView, key: str, settings: QSettings | None, *, title: str,
                 exports_dir: Path | str | None = None, own_menu: bool = False) -> TableTools:
    """Give the view the standard table behaviour (see the module's docstring). key names the table in the
    settings ("vehicles", "lists", ...); title heads exports and names their file; exports_dir is where the
    first export dialog opens."""
    return TableTools(view, key, settings, title, exports_dir, own_menu)


def _layout_spot(view: QWidget) -> tuple[QBoxLayout, int] | None:
    """The box layout and position just above the view, or above the splitter(s) that hold it. Found through
    QLayout.indexOf, not itemAt: wrapping the layout's own items made Python free them (a crash much later)."""
    w = view
    while (parent := w.parentWidget()) is not None and isinstance(parent, QSplitter):
        w = parent
    top = parent.layout() if parent is not None else None
    if top is None:
        return None
    for layout in [top, *top.findChildren(QLayout)]:
        index = layout.indexOf(w)
        if index >= 0:
            return (layout, index) if isinstance(layout, QBoxLayout) else None
    return None


def _new_mime_data() -> QMimeData:
    """An empty QMimeData made by Qt itself. One made in Python is a shiboken wrapper that the clipboard deletes
    at process exit, after the interpreter is gone, and the process then dies with a segmentation fault."""
    model = QStandardItemModel()
    model.appendRow(QStandardItem())
    mime = model.mimeData([model.index(0, 0)])
    for fmt in mime.formats():
        mime.removeFormat(fmt)
    return mime


# --- cells -------------------------------------------------------------------------------------------------
def _plain(v: Any) -> Any:
    """A model's display value as a plain Python value (Qt dates become dates)."""
    if isinstance(v, (QDate, QDateTime)):
        return v.toPython()
    return "" if v is None else v


def _cell_text(v: Any) -> str:
    """One TSV cell: tabs and line breaks would split it into further cells or rows when pasted."""
    text = "" if v is None else str(v)
    return re.sub(r"[\t\r\n]+", " ", text)


def _html_table(headers: list[str] | None, rows: list[list[Any]]) -> str:
    """Excel and WPS prefer the HTML flavour: codes with leading zeros and long digit strings stay text."""
    e = html.escape

    def td(v: Any) -> str:
        text = _cell_text(v)
        keep_text = isinstance(v, str) and text.isdigit() and isinstance(cell_value(text), str)
        return f"<td style='mso-number-format:\"\\@\"'>{e(text)}</td>" if keep_text else f"<td>{e(text)}</td>"

    head = "<tr>" + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr>" if headers else ""
    body = "".join("<tr>" + "".join(td(v) for v in r) + "</tr>" for r in rows)
    return f"<html><head><meta charset='utf-8'></head><body><table border='1'>{head}{body}</table></body></html>"


# --- the pages' small read-only model ----------------------------------------------------------------------
class Labelled(NamedTuple):
    """A cell shown as a translated label that can still be found, and is explained, by its code."""

    text: str
    code: str


class RowsTable(QObject):
    """A read-only table for the pages that show tens to a few thousand rows (list entries, notices, audit
    events): items built once per refresh, sorting and text search through a proxy. Works the same with or
    without attach_table on its view: current() and select_key() map through every proxy."""

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

    def key_of(self, source_row: int):
        """The key of a row of self.model (what TableTools.source_rows() returns)."""
        return self.model.item(source_row, 0).data(KEY)

    def current(self):
        idx = to_bottom(self.view.currentIndex())
        return self.key_of(idx.row()) if idx.isValid() else None

    def selected_keys(self) -> list:
        """Keys of the selected rows, in the order shown."""
        sm = self.view.selectionModel()
        rows = sorted({i.row() for i in sm.selectedIndexes()}) if sm is not None else []
        top = self.view.model()
        return [self.key_of(to_bottom(top.index(r, 0)).row()) for r in rows]

    def select_key(self, key) -> None:
        top = self.view.model()
        for r in range(top.rowCount()):
            if self.key_of(to_bottom(top.index(r, 0)).row()) == key:
                self.view.selectRow(r)
                return
