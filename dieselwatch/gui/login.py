"""Sign-in before the main window, once the database has user accounts (set-up mode has none)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from dieselwatch.errors import PermissionDenied
from dieselwatch.gui.forms import load_form
from dieselwatch.services.users import login
from dieselwatch.workspace import Workspace


class LoginDialog:
    def __init__(self, ws: Workspace, parent=None):
        self.ws = ws
        self.d = load_form("login_dialog.ui", parent)
        self.d.userEdit.setText(ws.user or "")
        (self.d.passwordEdit if ws.user else self.d.userEdit).setFocus()
        ok = self.d.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(QCoreApplication.translate("LoginDialog", "Sign in"))
        self.d.buttons.accepted.connect(self.try_sign_in)
        self.d.buttons.rejected.connect(self.d.reject)

    def try_sign_in(self) -> None:
        try:
            # One indexed query and one scrypt check (about 50 ms): short enough for a modal dialog.
            login(self.ws, self.d.userEdit.text().strip(), self.d.passwordEdit.text())
        except PermissionDenied:
            self.d.messageLabel.setText(QCoreApplication.translate(
                "LoginDialog", "Wrong user name or password, or the account is disabled."))
            self.d.passwordEdit.clear()
            self.d.passwordEdit.setFocus()
            return
        self.d.accept()

    def exec(self) -> bool:
        return self.d.exec() == QDialog.DialogCode.Accepted
