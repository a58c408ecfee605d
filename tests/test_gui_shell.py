"""The main window's shell: switching user without a restart, the window's state between sessions, the links
from a score to the vehicle, empty states, and the demo splash."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMargins, QSettings
from test_gui import scored_window, settle
from test_lists import PASSWORDS, as_user, make_office

from dieselwatch.gui.main_window import MainController
from dieselwatch.gui.worker import pool


@pytest.fixture()
def office_window(qtbot, loaded_ws):
    make_office(loaded_ws)
    as_user(loaded_ws, "wang")
    return scored_window(qtbot, loaded_ws)


def test_switch_user_without_restart(office_window, qtbot, monkeypatch):
    """Ctrl+L locks the window and asks for the next sign-in; the second officer works at once as themselves."""
    from dieselwatch.gui import login
    from dieselwatch.services.users import login as sign_in

    ctl = office_window
    assert "wang" in ctl.who_label.text()
    asked = []

    def second_person(dialog):
        asked.append(ctl.w.isVisible())  # the window is hidden while nobody is signed in
        sign_in(dialog.ws, "li", PASSWORDS["li"])
        return True

    monkeypatch.setattr(login.LoginDialog, "exec", second_person)
    ctl.w.actionSignOut.trigger()
    assert asked == [False] and ctl.w.isVisible()
    assert ctl.ws.user == "li" and ctl.ws.role == "supervisor" and "li" in ctl.who_label.text()


def test_cancelled_sign_in_closes_the_window(office_window, monkeypatch):
    from dieselwatch.gui import login

    ctl = office_window
    monkeypatch.setattr(login.LoginDialog, "exec", lambda dialog: False)
    ctl.w.actionSignOut.trigger()
    assert not ctl.w.isVisible() and ctl.ws.role is None  # nobody is left signed in on this workstation


def test_sign_out_waits_for_a_running_job(office_window, monkeypatch):
    """A job acts as the signed-in user: switching under it would put the wrong name in its audit events."""
    from dieselwatch.gui import login, main_window

    ctl = office_window
    monkeypatch.setattr(login.LoginDialog, "exec", lambda dialog: pytest.fail("must not ask while a job runs"))
    monkeypatch.setattr(main_window, "pool", lambda: type("Busy", (), {"activeThreadCount": lambda self: 1})())
    ctl.w.actionSignOut.trigger()
    assert ctl.w.isVisible() and ctl.ws.user == "wang"
    assert "running task" in ctl.w.statusbar.currentMessage()


def test_status_bar_keeps_user_and_audit_after_messages(office_window, qtbot):
    ctl = office_window
    settle(qtbot, ctl, lambda: "intact" in ctl.audit_label.text())
    ctl.status("something else happened")
    assert "wang" in ctl.who_label.text() and "intact" in ctl.audit_label.text()


def test_window_reopens_where_it_was_left(qtbot, loaded_ws, tmp_path):
    settings = QSettings(str(tmp_path / "dw.ini"), QSettings.Format.IniFormat)
    ctl = MainController(loaded_ws, "en", settings)
    qtbot.addWidget(ctl.w)
    ctl.w.show()
    want = ctl.w.minimumSizeHint().grownBy(QMargins(0, 0, 37, 41))
    ctl.w.resize(want)
    ctl.w.nav.setCurrentRow(4)
    ctl.w.nav.setCurrentRow(1)
    qtbot.waitExposed(ctl.w)
    ctl.vehicles_page.p.vehicleSplitter.setSizes([100, 600])  # the officer gives the detail more room
    before = ctl.vehicles_page.p.vehicleSplitter.sizes()
    assert before[1] > before[0]
    ctl.w.nav.setCurrentRow(4)
    ctl.w.close()  # saves the state
    settings.sync()
    again = MainController(loaded_ws, "en", QSettings(str(tmp_path / "dw.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(again.w)
    again.w.show()
    again.w.nav.setCurrentRow(1)
    qtbot.waitExposed(again.w)
    again.w.nav.setCurrentRow(4)
    assert again.w.nav.currentRow() == 4 and again.w.pages.currentWidget() is again.lists_page.p
    # restoreGeometry clamps the width to the offscreen platform's 800-pixel screen; the height is free.
    assert again.w.size().height() == want.height() != 820  # not the form's default
    sizes = again.vehicles_page.p.vehicleSplitter.sizes()
    assert sizes[1] > sizes[0]  # by default the table takes the larger part


def test_show_vehicle_clears_filters_that_hide_it(office_window, manifest, qtbot):
    ctl = office_window
    by = {v["behaviour"]: v["vin"] for v in manifest["vehicles"]}
    page = ctl.vehicles_page
    page.p.proposalFilter.setCurrentIndex(page.p.proposalFilter.findData("white"))
    assert by["high_emitter"] not in [page.model.row_at(page.proxy.mapToSource(page.proxy.index(r, 0)).row()).vin
                                      for r in range(page.proxy.rowCount())]
    assert ctl.show_vehicle(by["high_emitter"])
    assert ctl.w.pages.currentWidget() is page.p and page.selected_vins() == [by["high_emitter"]]
    settle(qtbot, ctl, lambda: by["high_emitter"] in page.p.vehicleDetail.toPlainText())
    assert not ctl.show_vehicle("LXXXXXXXXXXXXXXXX") and "not in the vehicle table" in ctl.w.statusbar.currentMessage()


def test_vehicles_filter_by_county_and_score(office_window, manifest):
    ctl = office_window
    page = ctl.vehicles_page
    rows = page.model._rows
    county = rows[0].county
    page.p.countyFilter.setCurrentIndex(page.p.countyFilter.findData(county))
    assert page.proxy.rowCount() == sum(r.county == county for r in rows)
    page.p.countyFilter.setCurrentIndex(0)
    page.p.scoreMax.setValue(40)
    assert page.proxy.rowCount() == sum(r.score is not None and r.score <= 40 for r in rows) > 0


def test_empty_database_says_what_to_do(qtbot, ws):
    ctl = MainController(ws, "en")
    qtbot.addWidget(ctl.w)
    ctl.refresh()
    pages = (ctl.dashboard_page, ctl.vehicles_page, ctl.imports_page, ctl.scoring_page)
    settle(qtbot, ctl, lambda: all(not page.p.emptyHint.isHidden() for page in pages))
    for page in pages[:3]:
        assert "Import" in page.p.emptyHint.text(), page
    assert "Score all vehicles" in ctl.scoring_page.p.emptyHint.text()
    # The period no longer defaults to 2000-01-01.
    assert ctl.scoring_page.p.fromDate.date().year() >= 2026


def test_demo_splash_shows_progress_and_loads_the_fleet(qapp, ws, monkeypatch):
    from dieselwatch.gui import splash
    from dieselwatch.services.overview import fleet_summary

    shown = []
    monkeypatch.setattr(splash.QSplashScreen, "showMessage", lambda self, text, *a: shown.append(text))
    result = splash.prepare_demo(ws)
    pool().waitForDone()
    assert result["loaded"] and fleet_summary(ws)["vehicles"] == len(result["manifest"]["vehicles"])
    assert len(shown) > 3 and any("%" in t for t in shown)  # progress, not a silent wait


def test_vehicle_context_menu_exports_its_samples(office_window, manifest, qtbot, tmp_path, monkeypatch):
    """From the vehicle table to a case file of the vehicle's stored samples over the scored period."""
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    ctl = office_window
    vin = manifest["vehicles"][0]["vin"]
    settle(qtbot, ctl, lambda: ctl.dashboard_page.summary is not None)
    assert ctl.show_vehicle(vin)
    out = tmp_path / "case.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    ctl.vehicles_page.export_samples(vin)
    settle(qtbot, ctl, lambda: out.exists() and "Wrote" in ctl.w.statusbar.currentMessage())
    wb = load_workbook(out, read_only=True)
    assert any(vin in str(c.value) for row in wb.worksheets[0].iter_rows(max_row=5) for c in row)


def test_trial_runs_are_marked_on_the_scoring_page(office_window, manifest, qtbot):
    """A run with a rule set the office has not activated says so: the lists never propose from it."""
    from datetime import date

    from dieselwatch.services.rulesets import current_rules
    from dieselwatch.services.scoring import score_period

    ctl = office_window
    rules = dict(current_rules(ctl.ws))
    rules = {**rules, "version": "2026.3-try", "exceedance": {**rules["exceedance"], "threshold_ppm": 400}}
    as_user(ctl.ws, "li")  # trying rules is a supervisor's
    res = score_period(ctl.ws, date.fromisoformat(manifest["start"]), date.fromisoformat(manifest["end"]), rules=rules)
    assert res.trial
    page = ctl.scoring_page
    ctl.refresh()
    settle(qtbot, ctl, lambda: "Trial with rule set 2026.3-try" in page.p.runSummary.text())
    assert "trial" in page.p.runPick.itemText(0) and "trial" not in page.p.runPick.itemText(1)
    page.p.runPick.setCurrentIndex(1)
    settle(qtbot, ctl, lambda: "Trial" not in page.p.runSummary.text() and page.model.rowCount() > 0)
