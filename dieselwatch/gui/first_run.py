"""First start on a new database: the bureau, the first administrator, and optionally the demo fleet.
Cancelling leaves the database in set-up mode (imports and scoring work; lists wait for accounts)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog

from dieselwatch.errors import DieselWatchError
from dieselwatch.gui.forms import load_form
from dieselwatch.services.settings import update_settings
from dieselwatch.services.users import create_user
from dieselwatch.gui.core_text import core_text
from dieselwatch.workspace import Workspace


class FirstRunDialog:
    def __init__(self, ws: Workspace, parent=None):
        self.ws = ws
        self.d = load_form("first_run_dialog.ui", parent)
        self.d.adminEdit.setText(ws.user or "admin")
        self.d.buttons.accepted.connect(self.try_accept)
        self.d.buttons.rejected.connect(self.d.reject)
        self.demo = False

    def try_accept(self) -> None:
        d = self.d
        if d.passwordEdit.text() != d.repeatEdit.text():
            d.messageLabel.setText(QCoreApplication.translate("FirstRunDialog", "The two passwords differ."))
            return
        if not d.bureauEdit.text().strip():
            d.messageLabel.setText(QCoreApplication.translate("FirstRunDialog", "The bureau needs a name."))
            return
        try:
            # A user and a settings row: two small writes, done here so the dialog can show what went wrong.
            create_user(self.ws, d.adminEdit.text().strip(), d.passwordEdit.text(), "admin")
            changes = {"bureau.name": d.bureauEdit.text().strip()}
            if d.codeEdit.text().strip():
                changes["bureau.code"] = d.codeEdit.text().strip()
            update_settings(self.ws, changes, reason="first-run set-up")
        except DieselWatchError as exc:
            d.messageLabel.setText(core_text(exc))
            return
        self.demo = d.demoCheck.isChecked()
        d.accept()

    def exec(self) -> bool:
        return self.d.exec() == QDialog.DialogCode.Accepted
