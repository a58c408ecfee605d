"""First start on a new database: the bureau and its contact details (printed on every notice), the first
administrator with the person's name (signs notices), and optionally the demo fleet. Cancelling leaves the
database in set-up mode (imports and scoring work; lists wait for accounts)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog

from dieselwatch.errors import DieselWatchError
from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.forms import load_form
from dieselwatch.services.settings import update_settings
from dieselwatch.services.users import Role, create_user
from dieselwatch.workspace import Workspace


class FirstRunDialog:
    def __init__(self, ws: Workspace, parent=None):
        self.ws = ws
        self.d = load_form("first_run_dialog.ui", parent)
        self.d.adminEdit.setText(ws.user or "admin")
        self.d.buttons.accepted.connect(self.try_accept)
        self.d.buttons.rejected.connect(self.d.reject)
        self.d.repeatEdit.textChanged.connect(self._compare)
        self.d.passwordEdit.textChanged.connect(self._compare)
        self.d.bureauEdit.setFocus()
        self.demo = False
        self.created = False  # the account is made once, even when the settings then need a correction

    def _compare(self) -> None:
        d = self.d
        differ = bool(d.repeatEdit.text()) and d.passwordEdit.text() != d.repeatEdit.text()
        d.messageLabel.setText(QCoreApplication.translate("FirstRunDialog", "The two passwords differ.") if differ
                               else "")

    def try_accept(self) -> None:
        d = self.d
        if not d.bureauEdit.text().strip():
            d.messageLabel.setText(QCoreApplication.translate("FirstRunDialog", "The bureau needs a name."))
            d.bureauEdit.setFocus()
            return
        if d.passwordEdit.text() != d.repeatEdit.text():
            d.messageLabel.setText(QCoreApplication.translate("FirstRunDialog", "The two passwords differ."))
            d.repeatEdit.setFocus()
            return
        changes = {"bureau.name": d.bureauEdit.text().strip()}
        for key, edit in (("code", d.codeEdit), ("contact", d.contactEdit), ("phone", d.phoneEdit),
                          ("address", d.addressEdit)):
            if edit.text().strip():
                changes[f"bureau.{key}"] = edit.text().strip()
        try:
            # A user and a settings row: two small writes, done here so the dialog can show what went wrong.
            if not self.created:
                create_user(self.ws, d.adminEdit.text().strip(), d.passwordEdit.text(), Role.ADMIN,
                            d.adminNameEdit.text().strip() or None)
                self.created = True
            update_settings(self.ws, changes, reason="first-run set-up")
        except DieselWatchError as exc:
            d.messageLabel.setText(core_text(exc))
            return
        self.demo = d.demoCheck.isChecked()
        d.accept()

    def exec(self) -> bool:
        return self.d.exec() == QDialog.DialogCode.Accepted
