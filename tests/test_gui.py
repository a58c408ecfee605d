"""The desktop window on real data, offscreen: what an officer sees, and that work stays off the GUI thread."""

import runpy
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer

from dieselwatch.gui.app import install_translators
from dieselwatch.gui.main_window import MainController
from dieselwatch.gui.worker import pool

ROOT = Path(__file__).resolve().parent.parent


def settle(qtbot, ctl, cond, timeout=20000):
    qtbot.waitUntil(lambda: (pool().waitForDone(10) or True) and cond(), timeout=timeout)


def scored_window(qtbot, ws) -> MainController:
    """The demo period scored, the window shown with its vehicle table filled."""
    from datetime import date

    from dieselwatch.services.scoring import score_period

    score_period(ws, date(2026, 10, 1), date(2026, 10, 5))
    ctl = MainController(ws, "en")
    qtbot.addWidget(ctl.w)
    ctl.w.show()
    ctl.refresh()
    settle(qtbot, ctl, lambda: ctl.vehicles_page.model.rowCount() > 0)
    return ctl


@pytest.fixture()
def window(qtbot, loaded_ws):
    return scored_window(qtbot, loaded_ws)


def test_vehicle_table_shows_scores_and_filters(window, manifest, qtbot):
    ctl = window
    assert ctl.vehicles_page.model.rowCount() == len(manifest["vehicles"])
    ctl.vehicles_page.p.proposalFilter.setCurrentIndex(ctl.vehicles_page.p.proposalFilter.findData("black"))
    blacks = ctl.vehicles_page.proxy.rowCount()
    assert 0 < blacks < ctl.vehicles_page.model.rowCount()
    ctl.vehicles_page.p.proposalFilter.setCurrentIndex(0)
    plate = manifest["vehicles"][0]["plate"]
    ctl.vehicles_page.p.vehicleSearch.setText(plate)
    assert ctl.vehicles_page.proxy.rowCount() == 1
    ctl.vehicles_page.p.vehiclesTable.selectRow(0)
    settle(qtbot, ctl, lambda: plate in ctl.vehicles_page.p.vehicleDetail.toPlainText())
    assert "Score" in ctl.vehicles_page.p.vehicleDetail.toPlainText()


def test_sort_by_score(window):
    ctl = window
    col = ctl.vehicles_page.model.COLUMNS.index("score")
    ctl.vehicles_page.p.vehiclesTable.sortByColumn(col, Qt.SortOrder.AscendingOrder)
    scores = [ctl.vehicles_page.proxy.index(r, col).data() for r in range(ctl.vehicles_page.proxy.rowCount())]
    assert scores == sorted(scores)


def test_dashboard_and_status_bar(window):
    text = window.dashboard_page.p.dashboardText.toPlainText()
    assert "Proposed black" in text and "Records stored" in text
    assert "Audit: intact" in window.audit_label.text()


def test_event_loop_keeps_ticking_during_import(qtbot, ws, demo_dir):
    """An import runs on the worker pool: the GUI thread keeps processing timer events meanwhile."""
    from dieselwatch.services.imports import import_records

    ctl = MainController(ws, "en")
    qtbot.addWidget(ctl.w)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    done = []
    ctl.run(import_records, ws, demo_dir / "records.csv", on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=120000)
    timer.stop()
    assert done[0].rows_imported > 0
    assert len(ticks) > 20  # an import takes seconds; a blocked loop would tick once or twice


def test_chinese_translation_loads(qapp, loaded_ws, qtbot):
    trs = install_translators(qapp, "zh_CN")
    try:
        ctl = MainController(loaded_ws, "zh_CN")
        qtbot.addWidget(ctl.w)
        assert ctl.w.nav.item(1).text() == "车辆"
        assert ctl.imports_page.p.importRecordsButton.text() == "导入监控数据…"
        assert ctl.vehicles_page.model.headerData(0, Qt.Orientation.Horizontal) == "车辆识别代号"
    finally:
        for t in trs:
            qapp.removeTranslator(t)


def test_sign_in_dialog(qapp, ws, qtbot):
    """Once accounts exist the app asks who is at the keyboard; a wrong password keeps the dialog open."""
    from PySide6.QtWidgets import QDialogButtonBox

    from dieselwatch.gui.login import LoginDialog
    from dieselwatch.services.users import create_user

    create_user(ws, "chief", "chief-pass-1", "admin")
    ws.role = None  # a fresh start of the app: nobody signed in
    trs = install_translators(qapp, "zh_CN")
    try:
        dlg = LoginDialog(ws)
        qtbot.addWidget(dlg.d)
        assert dlg.d.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"  # Qt's own catalogue
        dlg.d.userEdit.setText("chief")
        dlg.d.passwordEdit.setText("wrong-password")
        dlg.try_sign_in()
        assert dlg.d.result() == 0 and ws.role is None and "密码错误" in dlg.d.messageLabel.text()
        assert dlg.d.passwordEdit.text() == ""
        dlg.d.passwordEdit.setText("chief-pass-1")
        dlg.try_sign_in()
        assert dlg.d.result() == 1 and ws.role == "admin" and ws.user == "chief"
    finally:
        for t in trs:
            qapp.removeTranslator(t)


def test_every_ui_string_translated_and_qm_current(tmp_path):
    """tools/translations.py must have been run: every source string has a Chinese text, and the committed
    .qm equals a fresh build of the committed .ts."""
    ts = ROOT / "resources" / "translations" / "dieselwatch_zh_CN.ts"
    for msg in ET.parse(ts).iter("message"):
        tr = msg.find("translation")
        if tr.attrib.get("type") not in ("vanished", "obsolete"):
            assert tr.text and tr.attrib.get("type") != "unfinished", msg.findtext("source")
    fresh = tmp_path / "x.qm"
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    subprocess.run([str(lrelease), str(ts), "-qm", str(fresh)], check=True, capture_output=True)
    assert fresh.read_bytes() == ts.with_suffix(".qm").read_bytes()
    # and lupdate finds no string that the .ts lacks
    scratch = tmp_path / "scan.ts"
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    tool = runpy.run_path(str(ROOT / "tools" / "translations.py"))
    subprocess.run([str(lupdate), *tool["LUPDATE_ARGS"], *tool["sources"](), "-ts", str(scratch)], check=True,
                   capture_output=True, cwd=ROOT)
    have = {m.findtext("source") for m in ET.parse(ts).iter("message")}
    found = {m.findtext("source") for m in ET.parse(scratch).iter("message")}
    assert found <= have, found - have


def test_selftest_passes():
    from dieselwatch.selftest import run_selftest

    r = run_selftest()
    assert r["ok"], r["steps"]


def test_export_import_report_from_imports_page(window, qtbot, tmp_path, monkeypatch):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    ctl = window
    ctl.w.nav.setCurrentRow(2)
    assert ctl.imports_page.proxy.rowCount() >= 2 and ctl.imports_page.p.exportReportButton.isEnabled()
    report = ctl.imports_page.p.importReport.toPlainText()
    assert "records.csv" in report or "records_other" in report
    out = tmp_path / "r.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    ctl.imports_page.p.exportReportButton.click()
    qtbot.waitUntil(out.exists, timeout=20000)
    assert "概要 Summary" in load_workbook(out).sheetnames


@pytest.fixture()
def office_window(qtbot, loaded_ws):
    """The window of a bureau with accounts, the demo fleet scored, signed in as officer wang."""
    from test_lists import as_user, make_office

    make_office(loaded_ws)
    as_user(loaded_ws, "wang")
    return scored_window(qtbot, loaded_ws)


def _select(ctl, page, predicate) -> dict:
    for r in range(page.table.proxy.rowCount()):
        key = page.table.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
        if predicate(page.entries[key]):
            page._select_keys([key])
            return page.entries[key]
    raise AssertionError("no such entry shown")


def test_lists_page_propose_and_decide_by_role(office_window, qtbot, monkeypatch):
    from test_lists import as_user

    from dieselwatch.services import lists

    ctl, page = office_window, office_window.lists_page
    ctl.w.nav.setCurrentRow(4)
    assert ctl.w.pages.currentWidget() is page.p
    page.p.proposeButton.click()
    settle(qtbot, ctl, lambda: page.table.proxy.rowCount() > 0)
    proposed = lists.entries(ctl.ws, status="proposed")
    assert page.table.proxy.rowCount() == len(proposed) >= 10  # the queue: everything awaiting a decision
    black = _select(ctl, page, lambda e: e["list"] == "black")
    assert not page.p.approveButton.isEnabled()  # an officer cannot black-list
    as_user(ctl.ws, "li")
    page.refresh()
    settle(qtbot, ctl, lambda: "Signed in as li" in page.p.roleHint.text())
    _select(ctl, page, lambda e: e["id"] == black["id"])
    settle(qtbot, ctl, lambda: page.p.approveButton.isEnabled())  # a supervisor who did not propose it
    def reason(dlg):
        dlg.d.reasonEdit.setPlainText("复核属实")
        return True

    monkeypatch.setattr("dieselwatch.gui.decision_dialog.DecisionDialog.exec", reason)
    page.p.approveButton.click()
    settle(qtbot, ctl, lambda: lists.entries(ctl.ws, vin=black["vin"], kind="black")[0]["status"] == "active")
    settle(qtbot, ctl, lambda: black["id"] not in page.entries)  # it left the queue


def test_notices_and_audit_pages(office_window, qtbot, tmp_path, monkeypatch):
    from test_lists import as_user

    from dieselwatch.services import lists
    from dieselwatch.services.settings import update_settings

    ctl = office_window
    as_user(ctl.ws, "chief")
    update_settings(ctl.ws, {"bureau.contact": "张科长", "bureau.phone": "0531-87881234",
                             "bureau.address": "青龙路1号"})
    as_user(ctl.ws, "wang")
    lists.propose_from_run(ctl.ws)
    as_user(ctl.ws, "li")
    for e in lists.entries(ctl.ws, kind="black", status="proposed"):
        lists.decide(ctl.ws, e["id"], True, "ok")
    page = ctl.notices_page
    ctl.w.nav.setCurrentRow(5)
    n = len(lists.entries(ctl.ws, kind="black", status="active"))
    page.refresh()  # approved outside the page
    settle(qtbot, ctl, lambda: page.cand_table.proxy.rowCount() == n)
    page.p.candidates.selectAll()
    from PySide6.QtWidgets import QDialog

    def confirm(d):
        d.folderEdit.setText(str(tmp_path / "notices"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", confirm)
    page.p.issueButton.click()
    settle(qtbot, ctl, lambda: page.table.proxy.rowCount() > 0)
    assert page.table.proxy.rowCount() == n and len(list((tmp_path / "notices").glob("*.xlsx"))) == n
    assert f"Issued {n} notices" in page.p.result.text()
    audit = ctl.audit_page
    ctl.w.nav.setCurrentRow(6)
    audit.refresh()
    audit.p.verifyButton.click()
    settle(qtbot, ctl, lambda: audit.p.status.text().startswith("Intact"))
    settle(qtbot, ctl, lambda: audit.table.proxy.rowCount() > n)
    audit.p.table.selectRow(0)
    newest = audit.events[audit.table.current()]
    assert newest.action == "notice.issue" and "SHA-256" in audit.p.detail.toPlainText()
    audit.p.filterEdit.setText("list.approve")
    assert 0 < audit.table.proxy.rowCount() < len(audit.events)


def test_scoring_page_lists_every_vehicle_of_a_run_worst_first(window, manifest, qtbot):
    page = window.scoring_page
    settle(qtbot, window, lambda: page.proxy.rowCount() == len(manifest["vehicles"]))
    assert "2026-10-01 to 2026-10-05" in page.p.runPick.currentText()
    scores = [page.proxy.row_at(r).score for r in range(page.proxy.rowCount())]
    assert scores == sorted(scores)  # worst first
    by = {v["behaviour"]: v["vin"] for v in manifest["vehicles"]}
    page.p.proposalFilter.setCurrentIndex(page.p.proposalFilter.findData("flagged"))
    shown = {page.proxy.row_at(r).vin for r in range(page.proxy.rowCount())}
    assert by["high_emitter"] in shown and by["reagent_empty"] in shown
    assert by["clean"] not in shown  # white proposals are filtered out
    page.p.search.setText(by["high_emitter"][-6:])
    assert page.proxy.rowCount() == 1
    page.p.scoresTable.doubleClicked.emit(page.proxy.index(0, 0))  # leads to the vehicle and its evidence
    assert window.w.pages.currentWidget() is window.vehicles_page.p
    assert window.vehicles_page.selected_vins() == [by["high_emitter"]]


def test_vehicle_days_and_one_day_plot(window, manifest, qtbot):
    ctl = window
    vin = next(v["vin"] for v in manifest["vehicles"] if v["behaviour"] == "high_emitter")
    ctl.vehicles_page.p.vehicleSearch.setText(vin)
    ctl.vehicles_page.p.vehiclesTable.selectRow(0)
    settle(qtbot, ctl, lambda: ctl.vehicles_page.p.dayPick.count() == manifest["days"])
    assert "exceedance" in ctl.vehicles_page.p.dayPick.itemText(0)  # an exceedance day comes first
    bars = [i for i in ctl.vehicles_page.days_chart.exceed.items if hasattr(i, "opts") and "height" in i.opts]
    assert bars and max(bars[0].opts["height"]) >= 10  # minutes of exceedance on the worst day
    import pyqtgraph as pg

    plot = ctl.vehicles_page.day_plot

    def curves():
        return [i for i in plot.nox.listDataItems() if isinstance(i, pg.PlotDataItem)] if plot.nox else []

    # The plot follows the reasons of a NOx exceedance: upstream, downstream and the smoothed trace, the
    # screening threshold and shaded exceedance spans; the day with the most exceedance is shown first.
    settle(qtbot, ctl, lambda: len(curves()) == 3)
    ev = plot.evidence
    assert ev is not None and ev.spans and ev.threshold_ppm > 0
    assert ctl.vehicles_page.p.dayPick.currentData() == ev.day
    x, _ = curves()[1].getOriginalDataset()
    assert len(x) > 1000 and (x[-1] - x[0]) < 86400


def test_settings_page_office_rules_and_connection(office_window, qtbot, monkeypatch):
    from test_lists import as_user

    from dieselwatch.services.settings import get_settings

    ctl, page = office_window, office_window.settings_page
    ctl.w.nav.setCurrentRow(7)
    assert ctl.w.pages.currentWidget() is page.p
    settle(qtbot, ctl, lambda: page.p.versionsTable.rowCount() > 0)
    assert not page.p.saveOfficeButton.isEnabled()  # an officer sees the settings but cannot change them
    assert not page.p.saveRulesButton.isEnabled()
    as_user(ctl.ws, "chief")
    page.refresh()
    settle(qtbot, ctl, lambda: page.p.saveOfficeButton.isEnabled())
    page.fields["bureau.name"].setText("济南市生态环境局平阴分局")
    page.fields["notices.deadline_days"].setValue(25)
    page.p.saveOfficeButton.click()
    settle(qtbot, ctl, lambda: get_settings(ctl.ws)["bureau"]["name"] == "济南市生态环境局平阴分局")
    assert get_settings(ctl.ws)["notices"]["deadline_days"] == 25
    # The rule-set editor: tests/test_settings_page.py.
    page.p.dbEdit.setText("")
    page.p.testDbButton.click()
    settle(qtbot, ctl, lambda: page.p.dbStatus.text().startswith("Connected: SQLite"))
    assert "schema revision" in page.p.dbStatus.text()


def test_dashboard_counts_lists_and_charts(window, manifest, qtbot):
    ctl = window
    settle(qtbot, ctl, lambda: len(ctl.dashboard_page.charts.trend.listDataItems()) == 2)
    bars = [i for i in ctl.dashboard_page.charts.online.items if hasattr(i, "opts") and "height" in i.opts]
    assert sum(bars[0].opts["height"]) == len(manifest["vehicles"])  # every scored vehicle in the histogram
    with_data, exceeding = ctl.dashboard_page.charts.trend.listDataItems()
    assert len(with_data.getOriginalDataset()[0]) == manifest["days"]
    assert max(exceeding.getOriginalDataset()[1]) >= 1  # the high emitter exceeds every day
    text = ctl.dashboard_page.p.dashboardText.toPlainText()
    assert "On the lists" in text and "Awaiting a decision" in text


def test_first_run_dialog_sets_up_bureau_and_admin(qapp, ws, qtbot):
    from dieselwatch.gui.first_run import FirstRunDialog
    from dieselwatch.services.settings import get_settings
    from dieselwatch.services.users import list_users

    dlg = FirstRunDialog(ws)
    qtbot.addWidget(dlg.d)
    d = dlg.d
    d.bureauEdit.setText("济南市生态环境局平阴分局")
    d.codeEdit.setText("鲁济平")
    d.adminEdit.setText("chief")
    d.passwordEdit.setText("chief-pass-1")
    d.repeatEdit.setText("chief-pass-2")
    dlg.try_accept()
    assert d.result() == 0 and "differ" in d.messageLabel.text() and not list_users(ws)
    d.repeatEdit.setText("chief-pass-1")
    d.demoCheck.setChecked(True)
    dlg.try_accept()
    assert d.result() == 1 and dlg.demo
    assert [(u["username"], u["role"]) for u in list_users(ws)] == [("chief", "admin")]
    assert ws.user == "chief" and ws.role == "admin"
    b = get_settings(ws)["bureau"]
    assert b["name"] == "济南市生态环境局平阴分局" and b["code"] == "鲁济平"


def test_import_wizard_preview_mapping_profile_and_import(window, qtbot, tmp_path, monkeypatch):
    """An export with an odd header and bad cells: the wizard shows them, the officer maps the header, the
    mapping is saved as a profile and used by the import."""
    from PySide6.QtWidgets import QMessageBox

    from dieselwatch.gui.import_wizard import ImportWizard
    from dieselwatch.ingest.vin import with_check_digit
    from dieselwatch.services.import_preview import preview_records
    from dieselwatch.services.profiles import load_profile

    ctl = window
    vin = with_check_digit("LFWADRJF0R1000009")
    lines = ["车辆识别代号,数据采集时间,车速(km/h),尾排氮氧", f"{vin},2026-10-03 08:00:00,35,120.5",
             f"{vin},2026-10-03 08:00:01,999,FF", f"{vin},not a time,36,121", f"{vin},2026-10-03 08:00:03,abc,122"]
    path = tmp_path / "odd_platform.csv"
    path.write_text("\n".join(lines) + "\n", encoding="gbk")
    wiz = ImportWizard(ctl, path, preview_records(path))  # a child of the main window, closed with it
    t = wiz.d.previewTable
    assert "encoding gbk" in wiz.d.fileInfo.text()
    assert t.item(1, 2).toolTip().startswith("out of range")  # 999 km/h
    assert t.item(2, 1).toolTip().startswith("unreadable time")
    assert t.item(3, 2).toolTip().startswith("not a number")
    assert wiz.mapping()["尾排氮氧"] == "-"  # unknown: not imported until mapped
    combo = wiz.combos[3]
    combo.setCurrentIndex(combo.findData("nox_down"))
    settle(qtbot, ctl, lambda: wiz.preview.mapping.get("尾排氮氧") == "nox_down")
    assert t.item(1, 3).toolTip().startswith("invalid marker")  # FF, now that the column is mapped
    # The file has no upstream NOx, SCR temperature, torque...: the wizard says what scoring then cannot judge
    # and imports only when the officer says so.
    assert "Key fields not mapped: Upstream NOx (nox_up)" in wiz.d.problemSummary.text()  # English names in en
    asked = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr("dieselwatch.gui.import_wizard.QMessageBox.question",
                        lambda parent, title, text, *a: (asked.append(text), answer[0])[1])
    wiz._accept()
    assert wiz.allowed_missing == [] and wiz.d.result() == 0  # "No": not accepted, the mapping can be fixed
    assert "SCR inlet temperature (scr_in)" in asked[0] and "no sample counts" in asked[0]
    answer[0] = QMessageBox.StandardButton.Yes
    wiz._accept()
    assert "nox_up" in wiz.allowed_missing and "nox_down" not in wiz.allowed_missing
    choice = {"profile": wiz.mapping(), "save_as": "odd platform", "allow_missing": wiz.allowed_missing}
    wiz.d.reject()
    monkeypatch.setattr(ImportWizard, "exec", lambda self: choice)
    ctl.imports_page.import_with_wizard([path])
    settle(qtbot, ctl, lambda: "odd_platform.csv" in ctl.imports_page.p.importReport.toPlainText())
    assert "3 imported" in ctl.imports_page.p.importReport.toPlainText().replace(",", "")
    assert load_profile(ctl.ws, "odd platform")["尾排氮氧"] == "nox_down"


def test_settings_page_accounts(office_window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    from test_lists import as_user

    from dieselwatch.services.users import list_users

    ctl, page = office_window, office_window.settings_page
    settle(qtbot, ctl, lambda: page.p.usersTable.rowCount() == 5)
    assert not page.p.addUserButton.isEnabled()  # officer wang
    as_user(ctl.ws, "chief")
    page.refresh()
    settle(qtbot, ctl, lambda: page.p.addUserButton.isEnabled())
    def fill(d):  # one form: user name, name, role, the password twice
        d.username.setText("zhang")
        d.display.setText("张伟")
        d.role.setCurrentIndex(d.role.findData("supervisor"))
        d.fields.password.setText("zhang-pass-1")
        d.fields.repeat.setText("zhang-pass-1")
        return 1

    monkeypatch.setattr("dieselwatch.gui.settings_page.AccountDialog.exec", fill)
    page.p.addUserButton.click()
    settle(qtbot, ctl, lambda: page.p.usersTable.rowCount() == 6)
    users = [(u["username"], u["role"], u["display_name"]) for u in list_users(ctl.ws)]
    assert ("zhang", "supervisor", "张伟") in users
    row = next(i for i, u in enumerate(page.users) if u["username"] == "zhang")
    page.p.usersTable.selectRow(row)
    monkeypatch.setattr("dieselwatch.gui.settings_page.QInputDialog.getText", lambda *a, **k: ("张伟强", True))
    page.p.nameButton.click()  # the name that signs notices can be corrected
    settle(qtbot, ctl,
           lambda: next(u for u in list_users(ctl.ws) if u["username"] == "zhang")["display_name"] == "张伟强")
    page.p.usersTable.selectRow(row)
    monkeypatch.setattr("dieselwatch.gui.settings_page.QMessageBox.question",  # disabling asks first
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.p.activeButton.click()
    settle(qtbot, ctl, lambda: not next(u for u in list_users(ctl.ws) if u["username"] == "zhang")["active"])


def test_page_shortcuts(window, qtbot):
    ctl = window
    assert len(ctl.shortcuts) == ctl.w.nav.count() == 8
    ctl.shortcuts[4].activated.emit()
    assert ctl.w.pages.currentWidget() is ctl.lists_page.p
    assert ctl.shortcuts[4].key().toString() == "Ctrl+5"


def test_vehicle_table_filters_by_list_and_detail_shows_list_history(office_window, qtbot):
    from test_lists import as_user

    from dieselwatch.services import lists
    from dieselwatch.services.settings import update_settings

    ctl = office_window
    as_user(ctl.ws, "chief")
    update_settings(ctl.ws, {"bureau.contact": "张科长", "bureau.phone": "0531-87881234",
                             "bureau.address": "青龙路1号"})
    as_user(ctl.ws, "wang")
    lists.propose_from_run(ctl.ws)
    as_user(ctl.ws, "li")
    black = lists.entries(ctl.ws, kind="black", status="proposed")[:2]
    for e in black:
        lists.decide(ctl.ws, e["id"], True, "复核属实")
    ctl.refresh()
    settle(qtbot, ctl, lambda: sum(1 for r in ctl.vehicles_page.model._rows if r.listed == "black") == 2)
    combo = ctl.vehicles_page.p.proposalFilter
    combo.setCurrentIndex(combo.findData("list:black"))
    assert ctl.vehicles_page.proxy.rowCount() == 2
    ctl.vehicles_page.p.vehiclesTable.selectRow(0)
    settle(qtbot, ctl, lambda: "List history" in ctl.vehicles_page.p.vehicleDetail.toPlainText())
    assert "复核属实" in ctl.vehicles_page.p.vehicleDetail.toPlainText()


def test_scoring_page_picks_a_stored_rule_set(window, qtbot):
    """The active rule set is offered first; an older version can be chosen and the run records it."""
    import json

    from sqlalchemy import select

    from dieselwatch.scoring.rules import default_rules
    from dieselwatch.services.rulesets import activate_rule_set, save_edited_rules
    from dieselwatch.storage.models import ScoreRun

    ctl = window
    strict = json.loads(json.dumps(default_rules()))
    strict["version"] = "2026.2-strict"
    save_edited_rules(ctl.ws, strict, reason="trial")
    activate_rule_set(ctl.ws, "2026.2-strict", reason="office decision")  # storing alone does not activate
    ctl.refresh()
    pick = ctl.scoring_page.p.ruleSetPick
    settle(qtbot, ctl, lambda: pick.count() == 2)
    assert pick.itemText(0) == "2026.2-strict (active)" and pick.currentData() is None
    pick.setCurrentIndex(1)
    assert pick.currentData() == default_rules().version
    ctl.scoring_page.p.scoreButton.click()

    def last_version():
        with ctl.ws.Session() as s:
            return s.scalar(select(ScoreRun.ruleset_version).order_by(ScoreRun.id.desc()).limit(1))

    settle(qtbot, ctl, lambda: last_version() == default_rules().version and pick.count() == 2)
    assert pick.currentData() == default_rules().version  # the choice survives the refresh after scoring


def test_first_run_demo_loads_through_the_job_runner(qapp, ws, qtbot):
    """The first-run dialog's "load the demo fleet" runs ensure_demo on the worker, which passes progress and
    cancel to every job: the demo loader must take both (it once crashed on `cancel`)."""
    from dieselwatch.demo.setup import ensure_demo
    from dieselwatch.gui.worker import Job, submit

    job = Job(ensure_demo, ws)
    done, failed = [], []
    job.signals.finished.connect(done.append)
    job.signals.failed.connect(lambda exc, tb: failed.append(tb))
    submit(job)
    qtbot.waitUntil(lambda: bool(done or failed), timeout=120000)
    assert not failed, failed[0]
    assert done[0]["loaded"] and done[0]["result"].counts()


def test_legal_texts_dialog_edits_the_versions(qapp, ws, qtbot, monkeypatch, tmp_path):
    """An admin corrects the article numbers of the version in force and marks it checked; a notice of a later
    date cites the corrected text. An officer sees the texts read-only."""
    from datetime import date

    from PySide6.QtCore import Qt as _Qt
    from PySide6.QtWidgets import QInputDialog
    from test_lists import as_user, make_office

    from dieselwatch.gui.legal_dialog import LegalDialog
    from dieselwatch.services.legal import in_force, legal_versions

    make_office(ws)
    as_user(ws, "wang")
    officer = LegalDialog(ws)
    qtbot.addWidget(officer.d)
    assert not officer.d.addButton.isEnabled() and officer.d.messageLabel.text()
    as_user(ws, "chief")
    dlg = LegalDialog(ws)
    qtbot.addWidget(dlg.d)
    t = dlg.d.table
    assert t.rowCount() == 2
    basis_col, checked_col = dlg.keys.index("basis"), dlg.keys.index("verified")
    t.item(1, basis_col).setText("《中华人民共和国生态环境法典》第X条（已核对）")
    t.item(1, checked_col).setCheckState(_Qt.CheckState.Checked)
    dlg.d.grab().save(str(tmp_path / "legal_dialog.png"))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("核对官方文本", True)))
    dlg.try_save()
    assert not dlg.d.messageLabel.text()
    now = in_force(legal_versions(ws), date(2026, 11, 25))
    assert now.verified and now.basis.endswith("（已核对）")
    # A bad date is refused in the dialog, with nothing stored.
    again = LegalDialog(ws)
    qtbot.addWidget(again.d)
    again.d.table.item(0, again.keys.index("effective_from")).setText("2018-02-30")
    again.try_save()
    assert "2018-02-30" in again.d.messageLabel.text()
    assert legal_versions(ws)[0].effective_from == "2018-10-26"


def test_remove_batch_from_imports_page(window, qtbot, monkeypatch, demo_dir):
    """The officer picks a batch, confirms with a reason; the removal runs on the worker and the page refreshes
    without it."""
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from dieselwatch.services import auditlog
    from dieselwatch.services.imports import import_records

    ctl = window
    import_records(ctl.ws, demo_dir / "records_other_platform.xlsx")  # its rows were all stored by records.csv
    ctl.refresh()
    settle(qtbot, ctl, lambda: ctl.imports_page.proxy.rowCount() == 3)
    ctl.w.nav.setCurrentRow(2)
    rows = {ctl.imports_page.proxy.index(r, 2).data().split(" [")[0]: r  # "file [sheet]"
            for r in range(ctl.imports_page.proxy.rowCount())}
    ctl.imports_page.p.batchesTable.selectRow(rows["registry.xlsx"])
    assert not ctl.imports_page.p.removeBatchButton.isEnabled()  # a registry import is not undone here
    ctl.imports_page.p.batchesTable.selectRow(rows["records.csv"])
    assert ctl.imports_page.p.removeBatchButton.isEnabled()
    assert ("Covers 2026-10-01 00:00:00 to 2026-10-05 23:59:59 (stated in the file)."
            in ctl.imports_page.p.importReport.toPlainText())
    batch_id = int(ctl.imports_page.proxy.index(rows["records.csv"], 0).data())
    asked, shown = [], []
    monkeypatch.setattr(QInputDialog, "getMultiLineText",
                        staticmethod(lambda parent, title, label, *a, **k: (asked.append(label), ("", True))[1]))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: shown.append(a[2])))
    ctl.imports_page.p.removeBatchButton.click()
    assert "records.csv" in asked[0] and shown == ["Removing a batch needs a reason."]  # nothing removed
    monkeypatch.setattr(QInputDialog, "getMultiLineText", staticmethod(lambda *a, **k: ("导出时段错误", True)))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: shown.append(a[2])))
    ctl.imports_page.p.removeBatchButton.click()
    settle(qtbot, ctl, lambda: len(shown) == 2)
    assert f"Batch {batch_id} (records.csv) removed" in shown[1] and "records_other_platform.xlsx" in shown[1]
    proxy = ctl.imports_page.proxy
    settle(qtbot, ctl, lambda: "records.csv" not in [proxy.index(r, 2).data() for r in range(proxy.rowCount())])
    assert auditlog.events(ctl.ws, entity="import_batch")[0]["reason"] == "导出时段错误"
