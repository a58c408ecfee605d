"""The settings page: office settings (admin), the rule-set editor that saves a new version (supervisor), and
this workstation's database, raw sample folder and language (QSettings, applied at the next start)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QCheckBox, QInputDialog, QLabel, QLineEdit, QSpinBox, QTableWidgetItem

from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.forms import load_form
from dieselwatch.services.rulesets import current_rules, save_edited_rules
from dieselwatch.services.settings import DEFAULTS, get_settings, update_settings
from dieselwatch.services.users import ROLE_NAMES, create_user, list_users, update_user
from dieselwatch.services.users import set_password as set_user_password
from dieselwatch.storage.db import check_connection


class SettingsPage(QObject):
    def __init__(self, ctl):
        super().__init__(ctl)
        self.ctl, self.ws = ctl, ctl.ws
        self.p = load_form("settings_page.ui")
        labels = {
            "bureau.name": self.tr("Bureau name"), "bureau.code": self.tr("Bureau code (in notice numbers)"),
            "bureau.address": self.tr("Address"), "bureau.phone": self.tr("Phone"), "bureau.contact": self.tr("Contact"),
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
        self.fields: dict[str, QObject] = {}
        for section, keys in DEFAULTS.items():
            for key, default in keys.items():
                name = f"{section}.{key}"
                if isinstance(default, bool):
                    w = QCheckBox()
                elif isinstance(default, int):
                    w = QSpinBox()
                    w.setRange(0, 3650)
                else:
                    w = QLineEdit()
                self.fields[name] = w
                self.p.officeForm.addRow(labels.get(name, name), w)
        self.p.rulesTable.setColumnCount(3)
        self.p.rulesTable.setHorizontalHeaderLabels([self.tr("Section"), self.tr("Key"), self.tr("Value")])
        self.p.rulesTable.horizontalHeader().setStretchLastSection(True)
        self.p.rulesTable.verticalHeader().hide()
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
        self.rules: dict = {}
        self.roles = {k: core_text(name) for k, name in ROLE_NAMES.items()}  # the core's names, translated
        u = self.p.usersTable
        u.setColumnCount(4)
        u.setHorizontalHeaderLabels([self.tr("User name"), self.tr("Name"), self.tr("Role"), self.tr("Active")])
        u.horizontalHeader().setStretchLastSection(True)
        u.verticalHeader().hide()
        u.setEditTriggers(u.EditTrigger.NoEditTriggers)
        self.p.addUserButton.clicked.connect(self.add_user)
        self.p.roleButton.clicked.connect(self.change_role)
        self.p.activeButton.clicked.connect(self.toggle_active)
        self.p.passwordButton.clicked.connect(self.set_password)
        self.p.nameButton.clicked.connect(self.set_name)
        self.p.legalButton.clicked.connect(self.edit_legal)
        self.users: list[dict] = []

    def refresh(self) -> None:
        self.ctl.run(lambda progress=None, cancel=None, ws=self.ws: (get_settings(ws), current_rules(ws), list_users(ws)),
                      on_done=self._show)
        qs = self.ctl.settings
        if qs is not None:
            self.p.dbEdit.setText(qs.value("database/url", "") or "")
            self.rawEdit.setText(qs.value("raw/folder", "") or "")
            i = self.p.languageCombo.findData(qs.value("ui/language", self.ctl.lang))
            self.p.languageCombo.setCurrentIndex(max(i, 0))

    def _show(self, data) -> None:
        cfg, rules, self.users = data
        u = self.p.usersTable
        u.setRowCount(len(self.users))
        for i, user in enumerate(self.users):
            for j, text in enumerate((user["username"], user["display_name"] or "", self.roles[user["role"]],
                                      self.tr("yes") if user["active"] else self.tr("no"))):
                u.setItem(i, j, QTableWidgetItem(text))
        u.resizeColumnsToContents()
        admin = self.ws.role == "admin"
        for b in (self.p.addUserButton, self.p.roleButton, self.p.nameButton, self.p.activeButton):
            b.setEnabled(admin)
        self.p.passwordButton.setEnabled(self.ws.role is not None)
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
        self.p.saveOfficeButton.setEnabled(self.ws.role == "admin")
        self.rules = dict(rules)
        rows = [(sec, k, v) for sec, keys in rules.items() if isinstance(keys, dict)
                for k, v in keys.items() if not k.startswith("_")]
        t = self.p.rulesTable
        t.setRowCount(len(rows))
        for i, (sec, k, v) in enumerate(rows):
            for j, text in enumerate((sec, k, str(v))):
                it = QTableWidgetItem(text)
                if j < 2:
                    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
                t.setItem(i, j, it)
        t.resizeColumnsToContents()
        can_edit = self.ws.role in ("supervisor", "admin") or self.ws.role is None
        t.setEnabled(can_edit)
        self.p.saveRulesButton.setEnabled(can_edit)
        self.p.rulesHint.setText(self.tr("Active rule set {0}. An edited copy is saved under a new version; the next "
                                         "scoring re-applies it to the raw samples.").format(rules.version))
        if not self.p.versionEdit.text():
            self.p.versionEdit.setText(f"{rules.version}-{self.ws.user}-1")

    def edited_rules(self) -> dict:
        data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.rules.items()}
        t = self.p.rulesTable
        for i in range(t.rowCount()):
            sec, key, text = (t.item(i, j).text() for j in range(3))
            try:
                data[sec][key] = int(text) if text.strip().lstrip("-").isdigit() else float(text)
            except ValueError:
                data[sec][key] = text  # the service refuses it with the key's name
        data["version"] = self.p.versionEdit.text().strip()
        return data

    def save_rules(self) -> None:
        reason, ok = QInputDialog.getText(self.p, self.tr("Save rule set"), self.tr("Why is the rule set changed?"))
        if not ok:
            return
        data = self.edited_rules()
        self.ctl.run(lambda progress=None, cancel=None, ws=self.ws: save_edited_rules(ws, data, reason or None),
                      on_done=lambda r: (self.ctl.w.statusbar.showMessage(
                          self.tr("Rule set {0} saved and active.").format(r.version), 10000), self.refresh()))

    def save_office(self) -> None:
        changes = {}
        for name, w in self.fields.items():
            changes[name] = w.isChecked() if isinstance(w, QCheckBox) else \
                w.value() if isinstance(w, QSpinBox) else w.text()
        self.ctl.run(lambda progress=None, cancel=None, ws=self.ws: update_settings(ws, changes),
                      on_done=lambda _: self.ctl.w.statusbar.showMessage(self.tr("Settings saved."), 8000))

    def test_db(self) -> None:
        url = self.p.dbEdit.text().strip() or self.ws.home.default_db_url
        self.p.dbStatus.setText(self.tr("Connecting…"))

        def done(text):
            self.p.dbStatus.setText(self.tr("Connected: {0}").format(core_text(text)))

        job = self.ctl.run(lambda progress=None, cancel=None: check_connection(url), on_done=done)
        job.signals.failed.connect(lambda exc, _tb: self.p.dbStatus.setText(core_text(exc)))

    def save_local(self) -> None:
        qs = self.ctl.settings
        if qs is None:
            return
        qs.setValue("database/url", self.p.dbEdit.text().strip())
        qs.setValue("raw/folder", self.rawEdit.text().strip())
        qs.setValue("ui/language", self.p.languageCombo.currentData())
        qs.sync()
        self.ctl.w.statusbar.showMessage(self.tr("Saved for this workstation; applies at the next start."), 8000)

    # --- accounts (admin; anyone for their own password) ---------------------------------------------------
    def _selected_user(self) -> str | None:
        row = self.p.usersTable.currentRow()
        return self.users[row]["username"] if 0 <= row < len(self.users) else None

    def _password(self, title: str) -> str | None:
        pw, ok = QInputDialog.getText(self.p, title, self.tr("Password (at least 8 characters):"),
                                      QLineEdit.EchoMode.Password)
        return pw if ok else None

    def _users_job(self, fn, message: str) -> None:
        self.ctl.run(lambda progress=None, cancel=None: fn(),
                      on_done=lambda _: (self.ctl.w.statusbar.showMessage(message, 8000), self.refresh()))

    def add_user(self) -> None:
        name, ok = QInputDialog.getText(self.p, self.tr("Add account"), self.tr("User name:"))
        if not ok or not name.strip():
            return
        role, ok = QInputDialog.getItem(self.p, self.tr("Add account"), self.tr("Role:"),
                                        list(self.roles.values()), 0, False)
        if not ok:
            return
        display, ok = QInputDialog.getText(self.p, self.tr("Add account"),
                                           self.tr("The person's name (signs notices):"))
        if not ok:
            return
        pw = self._password(self.tr("Add account"))
        if pw is None:
            return
        key = next(k for k, v in self.roles.items() if v == role)
        self._users_job(lambda ws=self.ws: create_user(ws, name.strip(), pw, key, display.strip() or None),
                        self.tr("Account {0} created.").format(name.strip()))

    def change_role(self) -> None:
        name = self._selected_user()
        if name is None:
            return
        role, ok = QInputDialog.getItem(self.p, self.tr("Change role"), self.tr("Role of {0}:").format(name),
                                        list(self.roles.values()), 0, False)
        if ok:
            key = next(k for k, v in self.roles.items() if v == role)
            self._users_job(lambda ws=self.ws: update_user(ws, name, role=key), self.tr("Role changed."))

    def set_name(self) -> None:
        name = self._selected_user()
        if name is None:
            return
        current = next(u["display_name"] for u in self.users if u["username"] == name) or ""
        display, ok = QInputDialog.getText(self.p, self.tr("Set name"),
                                           self.tr("Name of {0} (signs notices):").format(name), text=current)
        if ok:
            self._users_job(lambda ws=self.ws: update_user(ws, name, display_name=display), self.tr("Account updated."))

    def edit_legal(self) -> None:
        from dieselwatch.gui.legal_dialog import LegalDialog

        if LegalDialog(self.ws, self.p).exec():
            self.ctl.w.statusbar.showMessage(self.tr("Legal texts saved."), 8000)

    def toggle_active(self) -> None:
        name = self._selected_user()
        if name is not None:
            active = next(u["active"] for u in self.users if u["username"] == name)
            self._users_job(lambda ws=self.ws: update_user(ws, name, active=not active), self.tr("Account updated."))

    def set_password(self) -> None:
        name = self._selected_user() or self.ws.user
        if self.ws.role != "admin":
            name = self.ws.user  # officers and supervisors change their own password, with the old one
        old = None
        if self.ws.role != "admin":
            old, ok = QInputDialog.getText(self.p, self.tr("Set password"), self.tr("Current password:"),
                                           QLineEdit.EchoMode.Password)
            if not ok:
                return
        pw = self._password(self.tr("Set password"))
        if pw is not None:
            self._users_job(lambda ws=self.ws: set_user_password(ws, name, pw, old_password=old),
                            self.tr("Password of {0} changed.").format(name))
