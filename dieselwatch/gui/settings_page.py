"""The settings page: office settings (admin); rule sets (edit a copy, try it on a period, store it as a new
version: supervisor; activate a version: admin, each an audited act of its own); accounts (admin; anyone for
their own password); this workstation's database, raw sample folder and language (QSettings, next start)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QObject
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QTableWidgetItem,
)

from dieselwatch.errors import ConfigError
from dieselwatch.gui.account_dialogs import AccountDialog, PasswordDialog
from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.forms import load_form
from dieselwatch.gui.rule_editor import ChangesDialog, PeriodDialog, RuleEditor
from dieselwatch.services.rulesets import (
    activate_rule_set,
    check_rules,
    current_rules,
    list_rule_sets,
    rule_changes,
    save_edited_rules,
    stored_rules,
)
from dieselwatch.services.scoring import latest_office_run, score_period
from dieselwatch.services.settings import (
    DEFAULTS,
    check_database,
    get_settings,
    update_settings,
)
from dieselwatch.services.users import (
    ROLE_NAMES,
    Role,
    create_user,
    list_users,
    update_user,
)
from dieselwatch.services.users import set_password as set_user_password


def _load(ws):
    """Everything the page shows, read on the worker."""
    return get_settings(ws), current_rules(ws), list_rule_sets(ws), list_users(ws)


class SettingsPage(QObject):
    def __init__(self, ctl):
        super().__init__(ctl)
        self.ctl, self.ws = ctl, ctl.ws
        self.p = load_form("settings_page.ui")
        labels = {
            "bureau.name": self.tr("Bureau name"), "bureau.code": self.tr("Bureau code (in notice numbers)"),
            "bureau.address": self.tr("Address"), "bureau.phone": self.tr("Phone"),
            "bureau.contact": self.tr("Contact"),
            "notices.number_pattern": self.tr("Notice number pattern"),
            "notices.deadline_days": self.tr("Rectification deadline (days)"),
            "notices.recheck_days": self.tr("Re-check within (days)"),
            "bureau.reconsideration_body": self.tr("Administrative reconsideration body (e.g. 平阴县人民政府)"),
            "bureau.court": self.tr("Court for administrative suits (empty: the competent court)"),
            "lists.two_person_rule": self.tr("Two-person rule for decisions"),
            "lists.white_valid_days": self.tr("White entry valid for (days)"),
            "lists.black_review_days": self.tr("Black and watch review after (days)"),
            "lists.removal_clean_days": self.tr("Clean days before a black removal"),
        }
        self.fields: dict[str, QCheckBox | QSpinBox | QLineEdit] = {}
        heads = {"bureau": self.tr("The bureau (printed on every notice)"), "notices": self.tr("Notices"),
                 "lists": self.tr("Lists")}
        for section, keys in DEFAULTS.items():
            head = QLabel(heads.get(section, section))
            head.setStyleSheet("font-weight: bold; margin-top: 6px;")
            self.p.officeForm.addRow(head)
            for key, default in keys.items():
                name = f"{section}.{key}"
                w: QCheckBox | QSpinBox | QLineEdit
                if isinstance(default, bool):
                    w = QCheckBox()
                elif isinstance(default, int):
                    w = QSpinBox()
                    w.setRange(0, 3650)
                    w.setMaximumWidth(140)
                else:
                    w = QLineEdit()
                if isinstance(w, QLineEdit) and name in ("bureau.contact", "bureau.phone", "bureau.address"):
                    w.setPlaceholderText(self.tr("needed on every notice"))
                self.fields[name] = w
                self.p.officeForm.addRow(labels.get(name, name), w)
        # The rule-set editor: typed fields per key, grouped by section (gui/rule_editor.py).
        self.editor = RuleEditor()
        self.p.rulesEditorLayout.addWidget(self.editor)
        self.p.rulesSplit.setStretchFactor(1, 1)
        self.p.rulesSplit.setSizes([130, 500])
        v = self.p.versionsTable
        v.setColumnCount(4)
        v.setHorizontalHeaderLabels([self.tr("Version"), self.tr("Saved"), self.tr("By"), self.tr("State")])
        v.horizontalHeader().setStretchLastSection(True)
        v.horizontalHeader().setMinimumSectionSize(110)
        v.verticalHeader().hide()
        v.setEditTriggers(v.EditTrigger.NoEditTriggers)
        v.itemSelectionChanged.connect(self._version_selected)
        v.itemDoubleClicked.connect(lambda _it: self.edit_copy())
        self.p.editCopyButton.clicked.connect(self.edit_copy)
        self.p.activateButton.clicked.connect(self.activate)
        self.p.resetRulesButton.clicked.connect(lambda: self.editor.set_values(self.editor.base))
        self.p.tryRulesButton.clicked.connect(self.try_rules)
        # The raw sample folder sits next to the database URL: an office sharing one database points every
        # workstation at one shared folder, or re-scoring on one cannot read what another imported.
        self.rawEdit = QLineEdit()
        self.rawEdit.setObjectName("rawEdit")
        self.rawEdit.setPlaceholderText(self.tr("empty: raw/ in the data folder; an office sharing one database: the "
                                                "same network folder on every workstation"))
        self.p.workstationForm.insertRow(2, self.tr("Raw sample folder:"), self.rawEdit)
        self.rawStatus = QLabel(core_text(self.ws.raw.refusal) if self.ws.raw.refusal is not None
                                else self.tr("In use: {0}").format(self.ws.raw.root))
        self.rawStatus.setWordWrap(True)
        self.p.workstationForm.insertRow(3, "", self.rawStatus)
        self.p.languageCombo.addItem("简体中文", "zh_CN")
        self.p.languageCombo.addItem("English", "en")
        self.p.saveOfficeButton.clicked.connect(self.save_office)
        self.p.saveRulesButton.clicked.connect(self.save_rules)
        self.p.testDbButton.clicked.connect(self.test_db)
        self.p.saveLocalButton.clicked.connect(self.save_local)
        self.active_version = ""
        self.versions: list = []
        self.roles = {str(k): core_text(name) for k, name in ROLE_NAMES.items()}  # the core's names, translated
        u = self.p.usersTable
        u.setColumnCount(4)
        u.setHorizontalHeaderLabels([self.tr("User name"), self.tr("Name"), self.tr("Role"), self.tr("Active")])
        u.horizontalHeader().setStretchLastSection(True)
        u.horizontalHeader().setMinimumSectionSize(120)
        u.verticalHeader().hide()
        u.setEditTriggers(u.EditTrigger.NoEditTriggers)
        u.itemSelectionChanged.connect(self._user_selected)
        self.p.addUserButton.clicked.connect(self.add_user)
        self.p.roleButton.clicked.connect(self.change_role)
        self.p.activeButton.clicked.connect(self.toggle_active)
        self.p.passwordButton.clicked.connect(self.set_password)
        self.p.nameButton.clicked.connect(self.set_name)
        self.p.legalButton.clicked.connect(self.edit_legal)
        self.users: list = []

    def refresh(self) -> None:
        self.ctl.run(_load, self.ws, on_done=self._show)
        qs = self.ctl.settings
        if qs is not None:
            self.p.dbEdit.setText(qs.value("database/url", "") or "")
            self.rawEdit.setText(qs.value("raw/folder", "") or "")
            i = self.p.languageCombo.findData(qs.value("ui/language", self.ctl.lang))
            self.p.languageCombo.setCurrentIndex(max(i, 0))

    def _show(self, data) -> None:
        cfg, rules, self.versions, self.users = data
        self._show_users()
        for name, w in self.fields.items():
            section, key = name.split(".")
            v = cfg[section][key]
            if isinstance(w, QCheckBox):
                w.setChecked(bool(v))
            elif isinstance(w, QSpinBox):
                w.setValue(int(v))
            else:
                w.setText(str(v))
            w.setEnabled(self.ws.role == "admin" or self.ws.role is None)
        admin_why = "" if self.ws.role == "admin" else self.tr("Only an admin can change this.")
        self.p.saveOfficeButton.setEnabled(self.ws.role == "admin")
        self.p.saveOfficeButton.setToolTip(admin_why)
        self._show_rules(rules)

    # --- rule sets -------------------------------------------------------------------------------------------
    def _show_rules(self, rules) -> None:
        self.active_version = rules.version
        t = self.p.versionsTable
        t.setRowCount(len(self.versions))
        for i, r in enumerate(self.versions):
            state = self.tr("active: scoring uses it") if r["active"] else self.tr("stored, not active")
            by = self.tr("shipped with the program") if r["created_by"] == "system" else r["created_by"]
            for j, text in enumerate((r["version"], r["created_at"].strftime("%Y-%m-%d %H:%M"), by, state)):
                it = QTableWidgetItem(text)
                it.setToolTip(r["name"])
                t.setItem(i, j, it)
        t.resizeColumnsToContents()
        if not self.editor.base:  # keep an edit in progress across refreshes
            self.editor.set_values(rules)
            self.p.versionEdit.setText(self._next_version(rules.version))
        t.selectRow(0)
        can_edit = self.ws.role in ("supervisor", "admin") or self.ws.role is None
        self.editor.set_read_only(not can_edit)
        why = "" if can_edit else self.tr("Storing a rule set needs the supervisor role.")
        for b in (self.p.saveRulesButton, self.p.tryRulesButton, self.p.resetRulesButton):
            b.setEnabled(can_edit)
            b.setToolTip(why)
        self.p.rulesHint.setText(self.tr(
            "Scoring uses the active rule set {0}. Edit a copy below: “Try on a period” scores with it without saving "
            "anything; “Save as a new version” stores it (supervisor) without changing what scoring uses; an admin "
            "then activates it. Point at a value for its help.").format(rules.version))
        self._version_selected()

    def _next_version(self, base: str) -> str:
        taken = {r["version"] for r in self.versions}
        stem = f"{base.split('-')[0]}-{self.ws.user}"
        n = 1
        while f"{stem}-{n}" in taken:
            n += 1
        return f"{stem}-{n}"

    def _selected_version(self):
        row = self.p.versionsTable.currentRow()
        return self.versions[row] if 0 <= row < len(self.versions) else None

    def _version_selected(self) -> None:
        r = self._selected_version()
        admin = self.ws.role == "admin"
        self.p.activateButton.setEnabled(admin and r is not None and not r["active"])
        self.p.activateButton.setToolTip(
            self.tr("Only an admin can activate a rule set.") if not admin else
            self.tr("This version is already the active one.") if r is not None and r["active"] else "")
        self.p.editCopyButton.setEnabled(r is not None)

    def edit_copy(self) -> None:
        r = self._selected_version()
        if r is None:
            return
        self.ctl.run(stored_rules, self.ws, r["version"], on_done=self._edit_loaded)

    def _edit_loaded(self, rules) -> None:
        self.editor.set_values(rules)
        self.p.versionEdit.setText(self._next_version(rules.version))
        self.p.rulesMessage.clear()
        self.ctl.status(self.tr("Editing a copy of rule set {0}.").format(rules.version))

    def edited_rules(self) -> dict | None:
        """The editor's values under the new version, checked; None (and the key shown) when a value is wrong."""
        data = self.editor.values()
        data["version"] = self.p.versionEdit.text().strip()
        self.p.rulesMessage.clear()
        if not data["version"] or data["version"] == self.active_version:
            self.p.rulesMessage.setText(self.tr("Give the edited rule set a new version."))
            self.p.versionEdit.setFocus()
            return None
        try:
            check_rules(data)
        except ConfigError as exc:
            self.p.rulesMessage.setText(core_text(exc))
            key = next((n for n in self.editor.fields if f"“{n}”" in str(exc)), None)
            if key:
                self.editor.show_field(key)
            return None
        return data

    def save_rules(self) -> None:
        data = self.edited_rules()
        if data is None:
            return
        self.ctl.run(current_rules, self.ws, on_done=lambda active: self._confirm_save(data, active))

    def _confirm_save(self, data: dict, active) -> None:
        dlg = ChangesDialog(self.p, self.editor, rule_changes(active, data), active.version, data["version"])
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        reason = dlg.reason.text().strip() or None
        self.ctl.run(save_edited_rules, self.ws, data, reason, on_done=self._saved)

    def _saved(self, rules) -> None:
        self.ctl.status(self.tr("Rule set {0} stored (not active: an admin activates it).").format(rules.version),
                        10000)
        self.editor.base = {}
        self.refresh()

    def activate(self) -> None:
        r = self._selected_version()
        if r is None or r["active"]:
            return
        reason, ok = QInputDialog.getText(
            self.p, self.tr("Activate rule set {0}").format(r["version"]),
            self.tr("From now on every scoring uses rule set {0} instead of {1}, and the next run re-applies it to the "
                    "raw samples. Why is it activated?").format(r["version"], self.active_version))
        if not ok:
            return
        if not reason.strip():
            self.p.rulesMessage.setText(self.tr("Activating a rule set needs a reason."))
            return
        self.ctl.run(activate_rule_set, self.ws, r["version"], reason.strip(), on_done=self._activated)

    def _activated(self, rules) -> None:
        self.ctl.status(self.tr("Rule set {0} is now active.").format(rules.version), 10000)
        self.ctl.refresh()

    def try_rules(self) -> None:
        data = self.edited_rules()
        if data is None:
            return
        self.ctl.run(latest_office_run, self.ws, on_done=lambda run: self._ask_period(data, run))

    def _ask_period(self, data: dict, run) -> None:
        end = run.period_to if run else date.today() - timedelta(days=1)
        start = run.period_from if run else end - timedelta(days=6)
        dlg = PeriodDialog(self.p, QDate(start.year, start.month, start.day), QDate(end.year, end.month, end.day))
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        a, b = dlg.start.date().toPython(), dlg.end.date().toPython()
        self.ctl.run(score_period, self.ws, a, b, rules=data,
                     title=self.tr("Trying rule set {0}").format(data["version"]),
                     on_done=lambda res: self._tried(res, run))

    def _tried(self, res, run) -> None:
        c = res.counts()
        text = self.tr("Trial of rule set {0}, {1} to {2}: black {3}, watch {4}, white {5}, none {6}.").format(
            res.ruleset_version, res.period_from, res.period_to, c["black"], c["watch"], c["white"], c["none"])
        if run is not None:
            o = run.counts
            text += "\n" + self.tr("The office's latest run ({0}, rule set {1}): black {2}, watch {3}, white {4}, "
                                   "none {5}.").format(run.run_id, run.ruleset_version, o["black"], o["watch"],
                                                       o["white"], o["none"])
        text += "\n\n" + self.tr("Nothing was saved or activated. The trial is kept as run {0}, marked as a trial; "
                                 "lists never propose from it.").format(res.run_id)
        QMessageBox.information(self.p, self.tr("Trial run"), text)
        self.ctl.status(self.tr("Trial run {0} with rule set {1} done.").format(res.run_id, res.ruleset_version))

    # --- office and workstation -----------------------------------------------------------------------------
    def save_office(self) -> None:
        changes: dict[str, object] = {}
        for name, w in self.fields.items():
            changes[name] = w.isChecked() if isinstance(w, QCheckBox) else \
                w.value() if isinstance(w, QSpinBox) else w.text()
        self.ctl.run(update_settings, self.ws, changes, on_done=lambda _: self.ctl.status(self.tr("Settings saved.")))

    def test_db(self) -> None:
        url = self.p.dbEdit.text().strip() or self.ws.home.default_db_url
        self.p.dbStatus.setText(self.tr("Connecting…"))
        self.ctl.run(check_database, url,
                     on_done=lambda text: self.p.dbStatus.setText(self.tr("Connected: {0}").format(core_text(text))),
                     on_failed=lambda exc, *_: self.p.dbStatus.setText(core_text(exc)))

    def save_local(self) -> None:
        qs = self.ctl.settings
        if qs is None:
            return
        qs.setValue("database/url", self.p.dbEdit.text().strip())
        qs.setValue("raw/folder", self.rawEdit.text().strip())
        qs.setValue("ui/language", self.p.languageCombo.currentData())
        qs.sync()
        self.ctl.status(self.tr("Saved for this workstation; applies at the next start."))

    def edit_legal(self) -> None:
        from dieselwatch.gui.legal_dialog import LegalDialog

        if LegalDialog(self.ws, self.p).exec():
            self.ctl.status(self.tr("Legal texts saved."))

    # --- accounts (admin; anyone for their own password) ---------------------------------------------------
    def _show_users(self) -> None:
        u = self.p.usersTable
        u.setRowCount(len(self.users))
        for i, user in enumerate(self.users):
            for j, text in enumerate((user["username"], user["display_name"] or "", self.roles[user["role"]],
                                      self.tr("yes") if user["active"] else self.tr("no"))):
                u.setItem(i, j, QTableWidgetItem(text))
        u.resizeColumnsToContents()
        self._user_selected()

    def _selected_user(self):
        row = self.p.usersTable.currentRow()
        return self.users[row] if 0 <= row < len(self.users) else None

    def _user_selected(self) -> None:
        admin = self.ws.role == "admin"
        chosen = self._selected_user() is not None
        why = self.tr("Only an admin can change accounts.") if not admin else \
            self.tr("Choose an account in the table first.")
        self.p.addUserButton.setEnabled(admin)
        self.p.addUserButton.setToolTip("" if admin else why)
        for b in (self.p.roleButton, self.p.nameButton, self.p.activeButton):
            b.setEnabled(admin and chosen)
            b.setToolTip("" if admin and chosen else why)
        user = self._selected_user()
        self.p.activeButton.setText(self.tr("Enable…") if user is not None and not user["active"] else
                                    self.tr("Disable…"))
        self.p.passwordButton.setEnabled(self.ws.role is not None)
        self.p.passwordButton.setToolTip("" if self.ws.role is not None else self.tr("Sign in first."))

    def _users_job(self, fn, *args, message: str, **kwargs) -> None:
        def done(_result) -> None:
            self.ctl.status(message)
            self.refresh()

        self.ctl.run(fn, *args, on_done=done, **kwargs)

    def add_user(self) -> None:
        dlg = AccountDialog(self.p, self.roles)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        name = dlg.username.text().strip()
        self._users_job(create_user, self.ws, name, dlg.fields.value(), dlg.role.currentData(),
                        dlg.display.text().strip() or None, message=self.tr("Account {0} created.").format(name))

    def change_role(self) -> None:
        user = self._selected_user()
        if user is None:
            return
        keys = list(self.roles)
        role, ok = QInputDialog.getItem(self.p, self.tr("Change role"),
                                        self.tr("Role of {0}:").format(user["username"]),
                                        list(self.roles.values()), keys.index(user["role"]), False)
        if ok:
            key = Role(keys[list(self.roles.values()).index(role)])
            self._users_job(update_user, self.ws, user["username"], role=key, message=self.tr("Role changed."))

    def set_name(self) -> None:
        user = self._selected_user()
        if user is None:
            return
        display, ok = QInputDialog.getText(self.p, self.tr("Set name"),
                                           self.tr("Name of {0} (signs notices):").format(user["username"]),
                                           text=user["display_name"] or "")
        if ok:
            self._users_job(update_user, self.ws, user["username"], display_name=display,
                            message=self.tr("Account updated."))

    def toggle_active(self) -> None:
        user = self._selected_user()
        if user is None:
            return
        name = user["username"]
        if user["active"]:
            shown = f"{user['display_name']} ({name})" if user["display_name"] else name
            ask = QMessageBox.question(
                self.p, self.tr("Disable account"),
                self.tr("Disable the account {0}? They can no longer sign in; their past decisions stay in the "
                        "history.").format(shown),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
            if ask != QMessageBox.StandardButton.Yes:
                return
        self._users_job(update_user, self.ws, name, active=not user["active"],
                        message=self.tr("Account {0} disabled.").format(name) if user["active"] else
                        self.tr("Account {0} enabled.").format(name))

    def set_password(self) -> None:
        admin = self.ws.role == "admin"
        user = self._selected_user()
        # Officers and supervisors change their own password, with the current one; an admin resets anyone's.
        name = user["username"] if admin and user is not None else self.ws.user
        dlg = PasswordDialog(self.p, name, ask_current=not admin)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        old = dlg.current.text() if dlg.current is not None else None
        self._users_job(set_user_password, self.ws, name, dlg.fields.value(), old_password=old,
                        message=self.tr("Password of {0} changed.").format(name))
