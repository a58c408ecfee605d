"""Account dialogs of the settings page: a new account in one form, and a password asked twice (new account,
own change, admin reset). The dialogs only collect and compare; the services check the rules and the role."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)


class PasswordFields:
    """Password and repeat, with the mismatch said at once under them (OK stays off until both agree)."""

    def __init__(self, dialog: QDialog, form: QFormLayout, ok_button):
        self.d, self.ok = dialog, ok_button
        self.password = QLineEdit()
        self.password.setObjectName("passwordEdit")
        self.repeat = QLineEdit()
        self.repeat.setObjectName("repeatEdit")
        for e in (self.password, self.repeat):
            e.setEchoMode(QLineEdit.EchoMode.Password)
            e.textChanged.connect(self.check)
        self.message = QLabel()
        self.message.setObjectName("messageLabel")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        form.addRow(QCoreApplication.translate("PasswordFields", "New password (at least 8 characters):"),
                    self.password)
        form.addRow(QCoreApplication.translate("PasswordFields", "Repeat the password:"), self.repeat)
        form.addRow("", self.message)
        self.check()

    def check(self) -> bool:
        a, b = self.password.text(), self.repeat.text()
        same = a == b
        differ = QCoreApplication.translate("PasswordFields", "The two passwords differ.")
        self.message.setText("" if same or not b else differ)
        self.ok.setEnabled(bool(a) and same)
        return bool(a) and same

    def value(self) -> str:
        return self.password.text()


class PasswordDialog(QDialog):
    """A new password for `username`; with `ask_current` the current one first (users changing their own)."""

    def __init__(self, parent, username: str, ask_current: bool):
        super().__init__(parent)
        self.setObjectName("PasswordDialog")
        self.setWindowTitle(self.tr("Set password of {0}").format(username))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        lay.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.current = None
        if ask_current:
            self.current = QLineEdit()
            self.current.setObjectName("currentEdit")
            self.current.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow(self.tr("Current password:"), self.current)
        self.fields = PasswordFields(self, form, self.buttons.button(QDialogButtonBox.StandardButton.Ok))
        lay.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(420)

    def accept(self) -> None:
        if self.fields.check():
            super().accept()


class AccountDialog(QDialog):
    """A new account: user name, the person's name (signs notices), role, password twice."""

    def __init__(self, parent, roles: Mapping[str, str]):
        super().__init__(parent)
        self.setObjectName("AccountDialog")
        self.setWindowTitle(self.tr("Add account"))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        lay.addLayout(form)
        self.username = QLineEdit()
        self.username.setObjectName("usernameEdit")
        self.display = QLineEdit()
        self.display.setObjectName("displayEdit")
        self.display.setPlaceholderText(self.tr("e.g. 王磊"))
        self.role = QComboBox()
        self.role.setObjectName("roleCombo")
        for key, label in roles.items():
            self.role.addItem(label, key)
        form.addRow(self.tr("User name (to sign in):"), self.username)
        form.addRow(self.tr("The person's name (signs notices):"), self.display)
        form.addRow(self.tr("Role:"), self.role)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.fields = PasswordFields(self, form, self.buttons.button(QDialogButtonBox.StandardButton.Ok))
        lay.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(460)

    def accept(self) -> None:
        if not self.username.text().strip():
            self.fields.message.setText(self.tr("Enter a user name."))
            return
        if self.fields.check():
            super().accept()
