"""Designer forms (ui/*.ui) loaded at run time, so a form can change without touching code."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QFile
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from dieselwatch.paths import ui_dir


def load_form(name: str, parent: QWidget | None = None) -> Any:
    """The form's top widget. Its child widgets are attributes named by their objectName in the .ui file, known
    only at run time: hence Any (tests/test_architecture.py checks every name the code uses exists)."""
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
