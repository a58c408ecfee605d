"""Every table's standard behaviour (gui/tables.attach_table), the Excel export behind it
(services/table_export) and the file dialogs that remember their folder, on a page-like table whose model already
sits behind the page's own filter proxy (the vehicles page's VehicleTableModel + VehicleFilterProxy)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QFileDialog, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from dieselwatch.errors import InputError
from dieselwatch.gui import file_dialogs
from dieselwatch.gui.models import VehicleFilterProxy, VehicleTableModel
from dieselwatch.gui.tables import Labelled, RowsTable, attach_table
from dieselwatch.services.overview import VehicleRow
from dieselwatch.services.table_export import cell_value, write_rows

ROWS = [  # id, vin, plate, owner, county, score, proposal, reasons, listed
    VehicleRow(1, "LZZ1CLVB000000001", "鲁A10001", "济南顺达物流有限公司", "平阴县", 82, "black", "NOx超标", "black"),
    VehicleRow(2, "LZZ1CLVB000000002", "鲁A10002", "平阴县运输公司", "平阴县", 12, "white", "", ""),
    VehicleRow(3, "LZZ1CLVB000000003", "鲁A10003", "济南顺达物流有限公司", "长清区", 55, "watch", "数据缺失", ""),
    VehicleRow(4, "LZZ1CLVB000000004", "鲁A10004", "东阿货运", "长清区", None, "none", "", ""),
    VehicleRow(5, "LZZ1CLVB000000005", "鲁A10005", "济南顺达物流有限公司", "平阴县", 67, "black", "篡改嫌疑", ""),
]


class Page(QWidget):
    """What a page builds: its model behind its own filter proxy, in a layout."""

    def __init__(self):
        super().__init__()
        self.model = VehicleTableModel(self)
        self.model.set_rows(list(ROWS))
        self.page_proxy = VehicleFilterProxy(self)
        self.page_proxy.setSourceModel(self.model)
        self.view = QTableView(self)
        self.view.setModel(self.page_proxy)
        QVBoxLayout(self).addWidget(self.view)
        self.resize(900, 300)


@pytest.fixture()
def settings(tmp_path):
    return QSettings(str(tmp_path / "station.ini"), QSettings.Format.IniFormat)


@pytest.fixture()
def page(qtbot, settings, tmp_path):
    p = Page()
    qtbot.addWidget(p)
    p.tools = attach_table(p.view, "vehicles", settings, title="车辆", exports_dir=tmp_path)
    p.show()
    qtbot.waitExposed(p)
    return p


def col(name: str) -> int:
    return VehicleTableModel.COLUMNS.index(name)


def shown_vins(p) -> list[str]:
    return [p.view.model().index(r, col("vin")).data() for r in range(p.view.model().rowCount())]


def test_ctrl_c_copies_header_and_selected_rows_as_tsv_with_the_filter_applied(page, qtbot):
    v = page.view
    v.setColumnHidden(col("reasons"), True)
    v.horizontalHeader().moveSection(col("plate"), 0)  # plate shown first
    qtbot.keyClick(v, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.tools.filter_bar.isVisible()
    page.tools.filter_edit.insert("顺达")  # QTest cannot type CJK
    assert v.model().rowCount() == 3
    v.selectRow(0)
    v.selectionModel().select(v.model().index(2, 0), v.selectionModel().SelectionFlag.Select
                              | v.selectionModel().SelectionFlag.Rows)
    v.setFocus()
    qtbot.keyClick(v, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.text() == (
        "Plate\tVIN\tOwner\tCounty\tScore\tProposal\tOn list\n"
        "鲁A10001\tLZZ1CLVB000000001\t济南顺达物流有限公司\t平阴县\t82\tblack\tblack\n"
        "鲁A10005\tLZZ1CLVB000000005\t济南顺达物流有限公司\t平阴县\t67\tblack\t")
    assert "<th>Plate</th>" in mime.html() and "<td>鲁A10005</td>" in mime.html()
    # "Copy" in the context menu leaves the header line out
    menu = page.tools.context_menu()
    [copy] = [a for a in menu.actions() if a.text() == "Copy"]
    copy.trigger()
    assert QGuiApplication.clipboard().text().splitlines()[0].startswith("鲁A10001\t")


def test_table_keys_win_over_window_shortcuts(page, qtbot):
    """An Edit menu's Copy or Find elsewhere in the window must not take Ctrl+C / Ctrl+F from a table."""
    fired = []
    for keys in ("Ctrl+C", "Ctrl+F"):
        act = QAction(keys, page)
        act.setShortcut(QKeySequence(keys))
        act.triggered.connect(lambda _=False, k=keys: fired.append(k))
        page.addAction(act)
    page.view.selectRow(1)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text().splitlines()[1].startswith("LZZ1CLVB000000002\t")
    qtbot.keyClick(page.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.tools.filter_bar.isVisible() and fired == []


def test_filter_narrows_rows_and_esc_restores(page, qtbot):
    v = page.view
    page.tools.show_filter()
    page.tools.filter_edit.insert("长清")
    assert sorted(shown_vins(page)) == ["LZZ1CLVB000000003", "LZZ1CLVB000000004"]
    assert page.tools.filter_count.text() == "2 of 5 rows"
    qtbot.keyClick(page.tools.filter_edit, Qt.Key.Key_Escape)
    assert not page.tools.filter_bar.isVisible()
    assert page.tools.filter_edit.text() == ""
    assert v.model().rowCount() == 5
    # the page's own filter still works beneath
    page.page_proxy.set_proposal("black")
    assert sorted(shown_vins(page)) == ["LZZ1CLVB000000001", "LZZ1CLVB000000005"]


def test_header_click_sorts_through_the_pages_own_sort(page, qtbot):
    header = page.view.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.rect().topLeft() + type(header.rect().topLeft())(
                         header.sectionViewportPosition(col("score")) + 5, 5))
    scores = [page.view.model().index(r, col("score")).data() for r in range(5)]
    assert header.sortIndicatorSection() == col("score")
    numeric = [s for s in scores if s != ""]
    assert numeric in (sorted(numeric), sorted(numeric, reverse=True))
    # new rows from a refresh come in the order the header shows
    order = header.sortIndicatorOrder()
    page.model.set_rows(list(reversed(ROWS)))
    again = [page.view.model().index(r, col("score")).data() for r in range(5)]
    assert again == scores and header.sortIndicatorOrder() == order


def test_selection_maps_to_the_pages_model_rows_under_sort_and_filter(page):
    v, tools = page.view, page.tools
    v.sortByColumn(col("score"), Qt.SortOrder.DescendingOrder)  # the page model reorders itself
    tools.set_filter("顺达")
    v.selectAll()
    rows = tools.source_rows()
    assert [page.model.row_at(r).vin for r in rows] == [
        "LZZ1CLVB000000001", "LZZ1CLVB000000005", "LZZ1CLVB000000003"]  # scores 82, 67, 55 as shown
    v.clearSelection()
    target = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).vin.endswith("05"))
    tools.select_source_rows([target])
    assert tools.source_rows() == [target]
    assert page.model.row_at(tools.current_source_row()).vin == "LZZ1CLVB000000005"
    hidden = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).vin.endswith("02"))
    assert not tools.view_index(hidden).isValid()  # filtered out


def test_filter_bar_sits_above_a_table_in_a_splitter(qtbot, settings):
    """Pages keep their tables in splitters (table above, detail below): the bar goes above the splitter."""
    page = QWidget()
    qtbot.addWidget(page)
    lay = QVBoxLayout(page)
    title = QLabel("title", page)
    lay.addWidget(title)
    split = QSplitter(Qt.Orientation.Vertical, page)
    lay.addWidget(split)
    model = QStandardItemModel(3, 1)
    view = QTableView(split)
    view.setModel(model)
    QWidget(split)
    tools = attach_table(view, "split", settings, title="t")
    page.show()
    tools.show_filter()
    assert lay.indexOf(tools.filter_bar) == 1 and lay.indexOf(split) == 2 and view.parentWidget() is split
    assert title.geometry().bottom() < tools.filter_bar.geometry().top() < split.geometry().top()


def test_selection_model_connections_made_before_attach_keep_working(qtbot, settings):
    p = Page()
    qtbot.addWidget(p)
    seen = []
    p.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: seen.append(cur))
    tools = attach_table(p.view, "early", settings, title="t")
    p.view.selectRow(2)
    assert seen and p.model.row_at(tools.to_source(seen[-1]).row()) is p.model.row_at(
        tools.current_source_row())


def test_header_state_survives_a_new_view_with_the_same_key(page, settings, qtbot):
    v = page.view
    v.setColumnWidth(col("owner"), 333)
    v.horizontalHeader().moveSection(col("county"), 0)
    v.sortByColumn(col("score"), Qt.SortOrder.DescendingOrder)
    settings.sync()

    again = Page()
    qtbot.addWidget(again)
    tools = attach_table(again.view, "vehicles", QSettings(settings.fileName(), QSettings.Format.IniFormat),
                         title="车辆")
    h = again.view.horizontalHeader()
    assert h.sectionSize(col("owner")) == 333
    assert h.visualIndex(col("county")) == 0
    assert (h.sortIndicatorSection(), h.sortIndicatorOrder()) == (col("score"), Qt.SortOrder.DescendingOrder)
    assert [again.view.model().index(r, col("score")).data() for r in range(4)] == [82, 67, 55, 12]
    assert tools.headers()[0] == "County"
    other = Page()
    qtbot.addWidget(other)
    attach_table(other.view, "another", settings, title="x")
    assert other.view.horizontalHeader().sectionSize(col("owner")) != 333


def test_export_writes_exactly_the_visible_rows_as_shown(page, qtbot, tmp_path):
    v, tools = page.view, page.tools
    v.setColumnHidden(col("reasons"), True)
    v.sortByColumn(col("score"), Qt.SortOrder.AscendingOrder)
    tools.set_filter("平阴")
    out = tmp_path / "shown.xlsx"
    with qtbot.waitSignal(tools.exported, timeout=20000) as sig:
        tools.export(out)
    assert sig.args == [out]
    ws = load_workbook(out).active
    assert ws["A1"].value == "车辆"
    assert [c.value for c in ws[2]] == tools.headers() == [
        "VIN", "Plate", "Owner", "County", "Score", "Proposal", "On list"]
    body = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert body == [
        ["LZZ1CLVB000000002", "鲁A10002", "平阴县运输公司", "平阴县", 12, "white", None],
        ["LZZ1CLVB000000005", "鲁A10005", "济南顺达物流有限公司", "平阴县", 67, "black", None],
        ["LZZ1CLVB000000001", "鲁A10001", "济南顺达物流有限公司", "平阴县", 82, "black", "black"]]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:G5"


def test_export_from_the_menu_remembers_the_folder(page, qtbot, tmp_path, monkeypatch, settings):
    chosen = tmp_path / "out"
    chosen.mkdir()
    asked = []

    def fake_save(parent, title, start, flt):
        asked.append(start)
        return str(chosen / "mine"), flt

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    with qtbot.waitSignal(page.tools.exported, timeout=20000):
        page.tools.export_action.trigger()
    assert Path(asked[0]).parent == tmp_path  # nothing remembered: the workspace's exports folder
    assert (chosen / "mine.xlsx").is_file()  # the extension added
    with qtbot.waitSignal(page.tools.exported, timeout=20000):
        page.tools.export_action.trigger()
    assert Path(asked[1]).parent == chosen


def test_page_actions_get_the_selected_rows_and_say_why_they_are_disabled(page):
    got = []
    act = page.tools.add_action("Open vehicle", got.append,
                                check=lambda rows: None if len(rows) == 1 else "one vehicle at a time")
    menu = page.tools.context_menu()
    assert menu.actions()[0] is act and not act.isEnabled() and act.toolTip() == "Select one or more rows first."
    page.view.selectAll()
    page.tools.context_menu()
    assert not act.isEnabled() and act.toolTip() == "one vehicle at a time"
    page.view.selectRow(3)
    page.tools.context_menu()
    act.trigger()
    assert got == [[page.tools.current_source_row()]]


def test_rows_table_keys_through_the_filter_proxy(qtbot, settings):
    w = QWidget()
    qtbot.addWidget(w)
    view = QTableView(w)
    QVBoxLayout(w).addWidget(view)
    table = RowsTable(view, ["Seq", "Action"])
    tools = attach_table(view, "audit", settings, title="审计记录")
    table.set_rows([(i, Labelled(f"动作{i}", f"code.{i}")) for i in range(1, 6)], [100 + i for i in range(1, 6)])
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # numbers by value, in the RowsTable's own proxy
    assert [view.model().index(r, 0).data() for r in range(5)] == ["5", "4", "3", "2", "1"]
    tools.set_filter("动作2")
    view.selectRow(0)
    assert table.current() == 102 and table.selected_keys() == [102]
    tools.set_filter("")
    table.select_key(104)
    assert table.current() == 104 and [table.key_of(r) for r in tools.source_rows()] == [104]


def test_plain_item_model_is_sorted_by_numbers_without_reordering_it(qtbot, settings):
    w = QWidget()
    qtbot.addWidget(w)
    view = QTableView(w)
    model = QStandardItemModel(0, 2)
    for text in ("1,200", "30", "4,000", ""):
        model.appendRow([QStandardItem(text), QStandardItem("x")])
    view.setModel(model)
    attach_table(view, "batches", settings, title="b")
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [view.model().index(r, 0).data() for r in range(4)] == ["30", "1,200", "4,000", ""]
    assert model.item(0, 0).text() == "1,200"  # the page's row numbers still mean what they meant


# --- the export service --------------------------------------------------------------------------------------
def test_cell_values_become_numbers_and_dates_only_when_safe():
    assert cell_value("82") == 82 and cell_value("-3.5") == -3.5 and cell_value("12,345") == 12345
    assert cell_value("2026-10-01") == date(2026, 10, 1)
    assert cell_value("2026-10-01 12:30") == datetime(2026, 10, 1, 12, 30)
    assert cell_value("0012") == "0012"  # a code keeps its zeros
    assert cell_value("370181199001011234") == "370181199001011234"  # an ID number is not rounded
    assert cell_value("2026-13-45") == "2026-13-45" and cell_value(None) == "" and cell_value(True) == "True"


def test_write_rows_types_fonts_and_print_setup(tmp_path):
    out = write_rows(tmp_path / "t.xlsx", "名单 Lists", ["VIN", "评分", "日期", "备注"],
                     [["LZZ1", "82", "2026-10-01", "=cmd()"], ["LZZ2", 7.5, date(2026, 10, 2), "x" * 200]])
    ws = load_workbook(out).active
    assert ws["B3"].value == 82 and ws["B4"].value == 7.5
    assert ws["C3"].value == datetime(2026, 10, 1) and ws["C3"].number_format == "yyyy-mm-dd"
    assert ws["D3"].value == "'=cmd()"  # never a formula
    assert ws["A3"].font.name == "宋体" and ws["A2"].font.b
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$2:$2"
    assert ws.column_dimensions["D"].width <= 62 and ws["D4"].alignment.wrap_text
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]


def test_write_rows_refuses_a_missing_folder_and_ragged_rows(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        write_rows(tmp_path / "nope" / "t.xlsx", "t", ["a"], [[1]])
    with pytest.raises(InputError, match="row 2 has 1 values for 2 columns"):
        write_rows(tmp_path / "t.xlsx", "t", ["a", "b"], [[1, 2], [3]])
    assert not (tmp_path / "t.xlsx").exists() and not list(tmp_path.glob(".export-*"))


# --- file dialogs ------------------------------------------------------------------------------------------
def test_last_folder_is_remembered_per_purpose(tmp_path, settings, monkeypatch):
    exports, imports = tmp_path / "exports", tmp_path / "incoming"
    exports.mkdir()
    imports.mkdir()
    starts = []

    def fake_open(parent, title, start, flt):
        starts.append(start)
        return [str(imports / "a.csv"), str(imports / "b.csv")], flt

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(fake_open))
    P = file_dialogs.Purpose
    assert file_dialogs.open_files(None, settings, P.IMPORTS, "t", fallback=exports) == [
        imports / "a.csv", imports / "b.csv"]
    assert starts == [str(exports)]
    file_dialogs.open_files(None, settings, P.IMPORTS, "t", fallback=exports)
    assert starts[1] == str(imports)
    assert file_dialogs.last_folder(settings, P.NOTICES, exports) == exports  # another purpose: its own
    reread = QSettings(settings.fileName(), QSettings.Format.IniFormat)
    settings.sync()
    assert file_dialogs.last_folder(reread, P.IMPORTS, exports) == imports  # the next start
    gone = tmp_path / "gone"
    file_dialogs.remember_folder(settings, P.NOTICES, gone / "x.xlsx")
    assert file_dialogs.last_folder(settings, P.NOTICES, exports) == exports  # a vanished folder: the fallback
