"""The settings page as an officer, a supervisor and an admin use it: the typed rule-set editor, storing a version
after seeing what changes, activating it (admin, with a reason), trying a rule set on a period, accounts with
passwords asked twice and disabling confirmed; and the first-run set-up with the office contact details."""

import json
from datetime import date

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMainWindow, QMessageBox
from test_lists import as_user, make_office

from dieselwatch.gui import jobs
from dieselwatch.gui.app import install_translators
from dieselwatch.gui.worker import pool
from dieselwatch.scoring.rules import default_rules
from dieselwatch.services import auditlog, users
from dieselwatch.services.overview import latest_run
from dieselwatch.services.rulesets import current_rules, list_rule_sets, rule_sections
from dieselwatch.services.scoring import score_period
from dieselwatch.services.settings import get_settings


class Ctl(QObject):
    """The page API a page controller gets from the shell (ws, lang, settings, w, refresh, run, status)."""

    def __init__(self, ws, lang="en"):
        super().__init__()
        self.ws, self.lang, self.settings = ws, lang, None
        self.w = QMainWindow()
        self.messages: list[str] = []
        self.page = None

    def refresh(self):
        self.page.refresh()

    def run(self, fn, *args, title=None, on_done=None, on_failed=None, **kwargs):
        return jobs.run(fn, *args, parent=self.w, title=title, on_done=on_done, on_failed=on_failed,
                        status=lambda text, ms=0: self.messages.append(text), **kwargs)

    def status(self, text, ms=8000):
        self.messages.append(text)


def settle(qtbot, cond, timeout=30000):
    qtbot.waitUntil(lambda: (pool().waitForDone(10) or True) and cond(), timeout=timeout)


def open_page(qtbot, ws, lang="en"):
    from dieselwatch.gui.settings_page import SettingsPage

    ctl = Ctl(ws, lang)
    page = SettingsPage(ctl)
    ctl.page = page
    ctl.w.setCentralWidget(page.p)
    qtbot.addWidget(ctl.w)
    page.refresh()
    settle(qtbot, lambda: page.p.versionsTable.rowCount() > 0)
    return ctl, page


def accept_changes(monkeypatch, reason: str, seen: list):
    """Stand in for the officer at the diff dialog: read what it lists, give a reason, press Save."""
    from dieselwatch.gui import settings_page

    class Accepting(settings_page.ChangesDialog):
        def exec(self):
            t = self.table
            seen.extend((t.item(i, 0).toolTip(), t.item(i, 1).text(), t.item(i, 2).text()) for i in range(t.rowCount()))
            self.reason.setText(reason)
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(settings_page, "ChangesDialog", Accepting)


def test_every_rule_key_has_label_unit_range_and_help_in_both_languages(qapp):
    from dieselwatch.gui.rule_editor import RuleEditor, meta_text

    shipped = default_rules()
    keys = {f"{s}.{k}" for s, d in shipped.items() if isinstance(d, dict) for k in d if not k.startswith("_")}
    fields = {f.name: f for sec in rule_sections() for f in sec.fields}
    assert set(fields) == keys
    for f in fields.values():
        assert f.label and f.help and f.minimum <= shipped[f.section][f.key] <= f.maximum, f.name
    editor = RuleEditor()
    editor.set_values(shipped)
    assert editor.values() == dict(shipped)  # shown and read back unchanged, shares through percentages
    assert editor.editors["exceedance.share_black"].value() == pytest.approx(5.0)
    assert editor.editors["exceedance.threshold_ppm"].suffix() == " ppm"
    trs = install_translators(qapp, "zh_CN")
    try:
        for sec in rule_sections():
            assert meta_text(sec.label) != sec.label, sec.label
            for f in sec.fields:
                assert meta_text(f.label) != f.label and meta_text(f.help) != f.help, f.name
        assert RuleEditor().sectionList.item(1).text() == "NOx超标"
    finally:
        for t in trs:
            qapp.removeTranslator(t)


def test_storing_activating_and_refusing_rule_sets_from_the_page(qtbot, ws, monkeypatch):
    make_office(ws)
    as_user(ws, "wang")
    _ctl, page = open_page(qtbot, ws)
    assert not page.p.saveRulesButton.isEnabled() and "supervisor" in page.p.saveRulesButton.toolTip()
    assert not page.p.activateButton.isEnabled() and "admin" in page.p.activateButton.toolTip()
    as_user(ws, "li")
    page.refresh()
    settle(qtbot, lambda: page.p.saveRulesButton.isEnabled())
    # A wrong combination is refused on the page, naming the key, and nothing is stored.
    page.editor.editors["scr.efficiency_black"].setValue(90)
    page.p.saveRulesButton.click()
    assert "scr.efficiency_black" in page.p.rulesMessage.text()
    assert page.editor.stack.currentIndex() == 3  # the SCR section is shown
    page.editor.editors["scr.efficiency_black"].setValue(50)
    page.editor.editors["exceedance.threshold_ppm"].setValue(450)
    page.p.versionEdit.setText("2026.4-pingyin-1")
    seen: list = []
    accept_changes(monkeypatch, "县局从严", seen)
    page.p.saveRulesButton.click()
    settle(qtbot, lambda: len(list_rule_sets(ws)) == 2)
    assert seen == [("exceedance.threshold_ppm", "500 ppm", "450 ppm")]
    assert current_rules(ws).version == default_rules().version  # stored, not active
    settle(qtbot, lambda: page.p.versionsTable.rowCount() == 2)
    assert page.p.versionsTable.item(1, 3).text() == "stored, not active"
    # The admin activates it, with a reason.
    as_user(ws, "chief")
    page.refresh()
    settle(qtbot, lambda: page.p.versionsTable.rowCount() == 2 and page.ws.role == "admin")
    page.p.versionsTable.selectRow(1)
    assert page.p.activateButton.isEnabled()
    monkeypatch.setattr("dieselwatch.gui.settings_page.QInputDialog.getText", lambda *a, **k: ("局务会决定", True))
    page.p.activateButton.click()
    settle(qtbot, lambda: current_rules(ws).version == "2026.4-pingyin-1")
    assert current_rules(ws)["exceedance"]["threshold_ppm"] == 450
    ev = auditlog.events(ws, entity="rule_set", entity_id="2026.4-pingyin-1")
    assert [(e["action"], e["actor"]) for e in ev][:2] == [("ruleset.activate", "chief"), ("ruleset.store", "li")]
    assert auditlog.verify(ws).ok


def test_trying_a_rule_set_from_the_page_changes_nothing_the_office_uses(qtbot, loaded_ws, manifest, monkeypatch):
    from dieselwatch.gui import settings_page

    ws = loaded_ws
    office = score_period(ws, date.fromisoformat(manifest["start"]), date.fromisoformat(manifest["end"]))
    _ctl, page = open_page(qtbot, ws)
    page.editor.editors["scr.efficiency_black"].setValue(97)
    page.editor.editors["scr.efficiency_watch"].setValue(98)
    page.p.versionEdit.setText("2026.4-try")
    monkeypatch.setattr(settings_page.PeriodDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    shown = []
    monkeypatch.setattr(settings_page.QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    page.p.tryRulesButton.click()
    settle(qtbot, lambda: bool(shown), timeout=120000)
    assert "Trial of rule set 2026.4-try, 2026-10-01 to 2026-10-05" in shown[0]
    assert f"latest run ({office.run_id}" in shown[0] and "Nothing was saved or activated" in shown[0]
    assert [r["version"] for r in list_rule_sets(ws)] == [default_rules().version]
    assert latest_run(ws).id == office.run_id


def test_account_dialog_asks_the_password_twice(qtbot):
    from dieselwatch.gui.account_dialogs import AccountDialog, PasswordDialog

    d = AccountDialog(None, {"officer": "officer", "admin": "admin"})
    qtbot.addWidget(d)
    ok = d.buttons.button(QDialogButtonBox.StandardButton.Ok)
    d.username.setText("sun")
    d.fields.password.setText("sun-pass-12")
    d.fields.repeat.setText("sun-pass-13")
    assert not ok.isEnabled() and d.fields.message.text() == "The two passwords differ."
    d.fields.repeat.setText("sun-pass-12")
    assert ok.isEnabled() and d.fields.message.text() == ""
    p = PasswordDialog(None, "wang", ask_current=True)
    qtbot.addWidget(p)
    assert p.current is not None and not p.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_accounts_on_the_page_add_reset_and_disable_with_confirmation(qtbot, ws, monkeypatch):
    from dieselwatch.gui import settings_page

    make_office(ws)
    as_user(ws, "chief")
    _ctl, page = open_page(qtbot, ws)
    settle(qtbot, lambda: page.p.usersTable.rowCount() == 5)
    assert not page.p.activeButton.isEnabled() and "Choose an account" in page.p.activeButton.toolTip()

    def fill(self):
        self.username.setText("sun")
        self.display.setText("孙丽")
        self.role.setCurrentIndex(self.role.findData("officer"))
        self.fields.password.setText("sun-pass-12")
        self.fields.repeat.setText("sun-pass-12")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(settings_page.AccountDialog, "exec", fill)
    page.p.addUserButton.click()
    settle(qtbot, lambda: page.p.usersTable.rowCount() == 6)
    assert {u["username"]: u["display_name"] for u in users.list_users(ws)}["sun"] == "孙丽"
    users.login(ws, "sun", "sun-pass-12")
    as_user(ws, "chief")
    row = next(i for i in range(6) if page.p.usersTable.item(i, 0).text() == "sun")
    page.p.usersTable.selectRow(row)
    assert page.p.activeButton.text() == "Disable…"
    asked = []
    monkeypatch.setattr(settings_page.QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel)
    page.p.activeButton.click()
    assert "Disable the account 孙丽 (sun)?" in asked[0]
    assert next(u for u in users.list_users(ws) if u["username"] == "sun")["active"]  # cancelled: still active
    monkeypatch.setattr(settings_page.QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.p.activeButton.click()
    settle(qtbot, lambda: not next(u for u in users.list_users(ws) if u["username"] == "sun")["active"])


def test_first_run_asks_contact_details_and_names(qapp, ws, qtbot):
    from dieselwatch.gui.first_run import FirstRunDialog

    dlg = FirstRunDialog(ws)
    qtbot.addWidget(dlg.d)
    d = dlg.d
    d.bureauEdit.setText("济南市生态环境局平阴分局")
    d.contactEdit.setText("机动车排放监管科 王磊")
    d.phoneEdit.setText("0531-87881234")
    d.addressEdit.setText("平阴县青龙路1号")
    d.adminEdit.setText("chief")
    d.adminNameEdit.setText("陈建国")
    d.passwordEdit.setText("chief-pass-1")
    d.repeatEdit.setText("chief-pass-2")
    assert d.messageLabel.text() == "The two passwords differ."  # said while typing
    dlg.try_accept()
    assert users.user_count(ws) == 0 and d.result() == 0
    d.repeatEdit.setText("chief-pass-1")
    dlg.try_accept()
    assert d.result() == QDialog.DialogCode.Accepted
    b = get_settings(ws)["bureau"]
    assert (b["contact"], b["phone"], b["address"]) == ("机动车排放监管科 王磊", "0531-87881234", "平阴县青龙路1号")
    assert users.list_users(ws)[0]["display_name"] == "陈建国" and users.list_users(ws)[0]["role"] == "admin"
    assert json.dumps(users.list_users(ws)[0]["role"]) == '"admin"'  # the StrEnum stays a plain string in JSON
