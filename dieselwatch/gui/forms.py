"""Designer forms (ui/*.ui) loaded at run time, so a form can change without touching code."""

from __future__ import annotations

from PySide6.QtCore import QFile
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from dieselwatch.paths import ui_dir


def load_form(name: str, parent: QWidget | None = None) -> QWidget:
    f = QFile(str(ui_dir() / name))
    if not f.open(QFile.OpenModeFlag.ReadOnly):
        raise RuntimeError(f"cannot open form {name}")
    try:
        w = QUiLoader().load(f, parent)
    finally:
        f.close()
    if w is None:
        raise RuntimeError(f"cannot load form {name}")
    return w
