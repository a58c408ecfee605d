"""Open and save dialogs that start where the officer last was for the same purpose (imports, exports, notices),
remembered per workstation in QSettings; the workspace's exports folder when nothing is remembered yet.

    path = save_file(parent, settings, Purpose.EXPORTS, title, "名单.xlsx", excel_filter(), fallback=exports_dir)
    files = open_files(parent, settings, Purpose.IMPORTS, title, filter, fallback=exports_dir)
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QFileDialog, QWidget


class Purpose(StrEnum):
    IMPORTS = "imports"
    EXPORTS = "exports"
    NOTICES = "notices"


def _key(purpose: str) -> str:
    return f"folders/{purpose}"


def excel_filter() -> str:
    return QCoreApplication.translate("FileDialogs", "Excel workbook (*.xlsx)")


def last_folder(settings: QSettings | None, purpose: str, fallback: Path | str | None = None) -> Path:
    """The folder the last dialog of this purpose ended in, while it still exists; else the fallback (the
    workspace's exports folder), else the home folder."""
    if settings is not None:
        value = settings.value(_key(purpose))
        if value and Path(str(value)).is_dir():
            return Path(str(value))
    if fallback is not None and Path(fallback).is_dir():
        return Path(fallback)
    return Path.home()


def remember_folder(settings: QSettings | None, purpose: str, chosen: Path | str) -> None:
    """Remember the folder of a chosen file (or a chosen folder itself)."""
    if settings is None:
        return
    p = Path(chosen)
    folder = p if p.is_dir() else p.parent
    settings.setValue(_key(purpose), str(folder))


def save_file(parent: QWidget | None, settings: QSettings | None, purpose: str, title: str, default_name: str,
              name_filter: str | None = None, *, fallback: Path | str | None = None) -> Path | None:
    """Ask where to save; None when cancelled. An .xlsx filter adds the extension a typed name lacks."""
    start = last_folder(settings, purpose, fallback) / default_name
    path, _ = QFileDialog.getSaveFileName(parent, title, str(start), name_filter or excel_filter())
    if not path:
        return None
    chosen = Path(path)
    if "*.xlsx" in (name_filter or "*.xlsx") and chosen.suffix.lower() != ".xlsx":
        chosen = chosen.with_name(chosen.name + ".xlsx")
    remember_folder(settings, purpose, chosen)
    return chosen


def open_file(parent: QWidget | None, settings: QSettings | None, purpose: str, title: str,
              name_filter: str = "", *, fallback: Path | str | None = None) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, str(last_folder(settings, purpose, fallback)), name_filter)
    if not path:
        return None
    remember_folder(settings, purpose, path)
    return Path(path)


def open_files(parent: QWidget | None, settings: QSettings | None, purpose: str, title: str,
               name_filter: str = "", *, fallback: Path | str | None = None) -> list[Path]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, str(last_folder(settings, purpose, fallback)),
                                            name_filter)
    if paths:
        remember_folder(settings, purpose, paths[0])
    return [Path(p) for p in paths]


def choose_folder(parent: QWidget | None, settings: QSettings | None, purpose: str, title: str, *,
                  fallback: Path | str | None = None) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, title, str(last_folder(settings, purpose, fallback)))
    if not folder:
        return None
    remember_folder(settings, purpose, folder)
    return Path(folder)
