"""The officer's whole loop in the desktop app, in both languages, without a restart or the command line:
import the registry and the exports, score, propose, switch to a second person who approves several proposals at
once, issue notices from a preview of the selected entries, export the list publication and copy a table.
Only the modal dialogs' exec and the file choosers are stood in for; everything else is the real window."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QFileDialog
from test_lists import PASSWORDS, as_user, make_office
from test_settings_page import settle

from dieselwatch.gui.app import install_translators
from dieselwatch.gui.main_window import MainController
from dieselwatch.gui.worker import pool
from dieselwatch.services import auditlog, lists, notices
from dieselwatch.services.settings import update_settings
from dieselwatch.services.users import login


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_officer_loop_in_the_app(qapp, qtbot, ws, demo_dir, manifest, tmp_path, monkeypatch, lang):
    make_office(ws)  # the first-run set-up's admin, and the accounts made in Settings
    as_user(ws, "chief")
    update_settings(ws, {"bureau.name": "平阴县生态环境局", "bureau.code": "鲁济平", "bureau.contact": "张科长",
                         "bureau.phone": "0531-87881234", "bureau.address": "青龙路1号"})
    as_user(ws, "wang")  # officer wang signs in
    trs = install_translators(qapp, lang)
    try:
        ctl = MainController(ws, lang, QSettings(str(tmp_path / "ws.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(ctl.w)
        ctl.w.show()
        ctl.refresh()
        zh = lang == "zh_CN"
        assert ctl.w.nav.item(3).text() == ("评分" if zh else "Scoring")

        # 1. Import the registry, then the monitoring exports through the wizard.
        monkeypatch.setattr(QFileDialog, "getOpenFileName",
                            staticmethod(lambda *a, **k: (str(demo_dir / "registry.xlsx"), "")))
        ctl.w.actionImportRegistry.trigger()
        settle(qtbot, lambda: ctl.imports_page.model.rowCount() == 1)
        from dieselwatch.gui.import_wizard import ImportWizard

        def accept_wizard(wiz):
            assert wiz.d.previewTable.rowCount() > 0  # the officer sees the rows and the mapping first
            wiz._accept()
            assert wiz.d.result() == QDialog.DialogCode.Accepted
            return {"profile": wiz.mapping(), "save_as": None, "allow_missing": wiz.allowed_missing}

        monkeypatch.setattr(ImportWizard, "exec", accept_wizard)
        monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                            staticmethod(lambda *a, **k: ([str(demo_dir / "records.csv")], "")))
        ctl.w.actionImportRecords.trigger()
        settle(qtbot, lambda: ctl.imports_page.model.rowCount() == 2)
        assert "records.csv" in ctl.imports_page.p.importReport.toPlainText()

        # 2. Score the period the data covers (the page offers it).
        page = ctl.scoring_page
        settle(qtbot, lambda: page.p.fromDate.date().toPython() == date.fromisoformat(manifest["start"]))
        page.p.toDate.setDate(page.p.toDate.date())  # as stored
        page.p.scoreButton.click()
        settle(qtbot, lambda: page.model.rowCount() == len(manifest["vehicles"]))
        flagged = {r.vin for r in page.model.rows if r.proposal == "black"}
        assert flagged

        # 3. Officer wang proposes from the latest scoring.
        lp = ctl.lists_page
        ctl.w.nav.setCurrentRow(4)
        lp.p.proposeButton.click()
        settle(qtbot, lambda: {e["vin"] for e in lists.entries(ws, status="proposed") if e["list"] == "black"}
               == flagged)

        # 4. Supervisor li takes over at the same workstation: File > Sign out / switch user, no restart.
        from dieselwatch.gui import login as login_dialog

        monkeypatch.setattr(login_dialog.LoginDialog, "exec",
                            lambda d: bool(login(d.ws, "li", PASSWORDS["li"])))
        settle(qtbot, lambda: pool().activeThreadCount() == 0)  # sign-out waits for a running task
        ctl.w.actionSignOut.trigger()
        assert ws.user == "li" and ctl.w.isVisible()
        settle(qtbot, lambda: any(e["list"] == "black" for e in lp.entries.values()))
        black = sorted(e["id"] for e in lp.entries.values() if e["list"] == "black" and e["status"] == "proposed")
        lp._select_keys(black)
        assert lp.p.approveButton.isEnabled()

        def approve_with_preset(dlg):
            assert dlg.d.entriesList.count() == len(black)
            dlg.d.presetList.itemClicked.emit(dlg.d.presetList.item(0))
            return dlg.ok_button.isEnabled()

        monkeypatch.setattr("dieselwatch.gui.decision_dialog.DecisionDialog.exec", approve_with_preset)
        lp.p.approveButton.click()
        settle(qtbot, lambda: all(e["status"] == "active" for e in lists.entries(ws) if e["id"] in black))
        assert {e["decided_by"] for e in lists.entries(ws) if e["id"] in black} == {"li"}

        # 5. Notices from a preview of the selected entries; numbers are given only on confirming.
        np_ = ctl.notices_page
        ctl.w.nav.setCurrentRow(5)
        settle(qtbot, lambda: len(np_.candidates) == len(black))
        np_.p.candidates.selectAll()
        out = tmp_path / "notices"
        out.mkdir()
        previewed = {}

        def confirm(d):
            previewed["text"] = d.preview.toPlainText()
            d.folderEdit.setText(str(out))
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(QDialog, "exec", confirm)
        np_.p.issueButton.click()
        settle(qtbot, lambda: len(notices.list_notices(ws)) == len(black))
        numbers = [n["number"] for n in notices.list_notices(ws)]
        assert all(n in previewed["text"] for n in numbers) and "张科长" in previewed["text"]
        settle(qtbot, lambda: len(list(out.glob("*.xlsx"))) == len(black))

        # 6. The list publication, as the officer prints it.
        pub = tmp_path / "publication.xlsx"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(pub), "")))
        np_.p.publicationButton.click()
        settle(qtbot, lambda: pub.exists())
        cells = " ".join(str(c.value) for sh in load_workbook(pub, read_only=True).worksheets
                         for row in sh.iter_rows() for c in row if c.value is not None)
        assert all(vin[-6:] in cells for vin in flagged)

        # 7. A notice leads to its vehicle; a table copies with its headers for Excel.
        settle(qtbot, lambda: np_.p.table.model().rowCount() == len(black))
        np_.p.table.doubleClicked.emit(np_.p.table.model().index(0, 2))
        assert ctl.w.pages.currentWidget() is ctl.vehicles_page.p
        settle(qtbot, lambda: pool().activeThreadCount() == 0)
        assert len(ctl.vehicles_page.selected_vins()) == 1 and ctl.vehicles_page.selected_vins()[0] in flagged
        view = ctl.vehicles_page.p.vehiclesTable
        view.setFocus()
        qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
        copied = QGuiApplication.clipboard().text().splitlines()
        assert copied[0].split("\t")[0] == ("车辆识别代号" if zh else "VIN") and len(copied) == 2

        # The history vouches for all of it.
        settle(qtbot, lambda: ctl.audit_label.text() != "")
        assert auditlog.verify(ws).ok
        assert ("完整" if zh else "intact") in ctl.audit_label.text()
        assert Path(out).is_dir()
    finally:
        pool().waitForDone(30000)
        for t in trs:
            qapp.removeTranslator(t)
