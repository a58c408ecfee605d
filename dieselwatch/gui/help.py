"""Help menu: the user guide (docs/guide_<lang>.md, shipped with the package and the bundle) in a non-modal
window with its headings as a table of contents, and the About box with what a support call asks first."""

from __future__ import annotations

import html
import platform
import re
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QUrl, qVersion
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QImageReader,
    QKeySequence,
    QShortcut,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

import dieselwatch
from dieselwatch.gui.core_text import core_text
from dieselwatch.paths import docs_dir, guide
from dieselwatch.services.users import role_name
from dieselwatch.workspace import Workspace

GUIDE_OBJECT = "userGuideDialog"
MAX_IMAGE_WIDTH = 900  # screenshots are taken at 1400 px; wider than this they only cost scrolling


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading (lower case, punctuation dropped, spaces to hyphens), so a guide's
    [link](#anchor) works on the web and here. Chinese characters are word characters and stay."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


class GuideDialog(QDialog):
    """The guide: contents on the left, the Markdown rendered on the right, a find field, Back after a link.
    A screenshot is shown fitted to the width; the guides link each one to itself, so a click opens it full size."""

    def __init__(self, parent: QWidget | None, lang: str):
        super().__init__(parent)
        self.setObjectName(GUIDE_OBJECT)
        self.setWindowTitle(QCoreApplication.translate("Help", "DieselWatch user guide"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1180, 820)
        self.lang = lang
        self.history: list[Path] = []
        self.path: Path | None = None

        self.contents = QTreeWidget()
        self.contents.setObjectName("guideContents")
        self.contents.setHeaderHidden(True)
        self.contents.itemActivated.connect(self._go_to_item)
        self.contents.itemClicked.connect(self._go_to_item)
        self.browser = QTextBrowser()
        self.browser.setObjectName("guideBrowser")
        self.browser.setOpenLinks(False)  # links are ours: sections, other notes, the web (_follow)
        self.browser.anchorClicked.connect(self._follow)
        self.browser.viewport().installEventFilter(self)
        self.browser.verticalScrollBar().valueChanged.connect(self._follow_scroll)
        self.items: dict[int, QTreeWidgetItem] = {}  # block number of a heading -> its line in the contents
        self.find_edit = QLineEdit()
        self.find_edit.setObjectName("guideFind")
        self.find_edit.setPlaceholderText(QCoreApplication.translate("Help", "Find in the guide (Enter: next)"))
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.returnPressed.connect(self.find_next)
        self.back_button = QPushButton(QCoreApplication.translate("Help", "Back to the guide"))
        self.back_button.setObjectName("guideBack")
        self.back_button.clicked.connect(self.back)
        self.back_button.setVisible(False)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.find_edit.setFocus)

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.find_edit, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.contents)
        split.addWidget(self.browser)
        split.setStretchFactor(1, 1)
        split.setSizes([320, 860])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.show_file(guide(lang))

    # --- content ----------------------------------------------------------------------------------------
    def show_file(self, path: Path, remember: bool = False) -> None:
        if remember and self.path is not None:
            self.history.append(self.path)
        self.path = path
        # Relative image and link names resolve against the file's folder (the screenshots sit under it).
        self.browser.setSearchPaths([str(path.parent), str(docs_dir())])
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(path.parent) + "/"))
        self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        self._fit_images()
        self._build_contents()
        self.back_button.setVisible(bool(self.history))
        self.browser.verticalScrollBar().setValue(0)

    def back(self) -> None:
        if self.history:
            self.show_file(self.history.pop())

    def headings(self) -> list[tuple[int, str, int]]:
        """(level, text, block number) of every heading of the shown document."""
        out = []
        block = self.browser.document().begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if level:
                out.append((level, block.text().strip(), block.blockNumber()))
            block = block.next()
        return out

    def _build_contents(self) -> None:
        self.contents.clear()
        self.items = {}
        parents: list[QTreeWidgetItem] = []
        for level, text, number in self.headings():
            if level > 3:
                continue
            del parents[level - 1:]
            item = QTreeWidgetItem([text])
            item.setData(0, Qt.ItemDataRole.UserRole, number)
            item.setToolTip(0, text)
            self.items[number] = item
            (parents[-1].addChild(item) if parents else self.contents.addTopLevelItem(item))
            while len(parents) < level - 1:  # a skipped level: keep the item at the depth it has
                parents.append(item)
            parents.append(item)
        self.contents.expandAll()

    def image_names(self) -> list[str]:
        """The image names the document refers to, in order."""
        names = []
        block = self.browser.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fmt = it.fragment().charFormat()
                if fmt.isImageFormat():
                    names.append(fmt.toImageFormat().name())
                it += 1
            block = block.next()
        return names

    def _image_file(self, name: str) -> Path | None:
        url = QUrl(name)
        if url.isLocalFile():
            return Path(url.toLocalFile())
        if url.scheme() or self.path is None:
            return None
        return self.path.parent / url.path()

    def _fit_images(self) -> None:
        """Screenshots no wider than the reading area (and at most MAX_IMAGE_WIDTH): the height follows."""
        doc = self.browser.document()
        room = max(240, min(MAX_IMAGE_WIDTH, self.browser.viewport().width() - 40))
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                fmt = frag.charFormat()
                if fmt.isImageFormat():
                    img = fmt.toImageFormat()
                    f = self._image_file(img.name())
                    size = QImageReader(str(f)).size() if f is not None else None
                    if size is not None and size.isValid():
                        width = min(size.width(), room)
                        if abs(img.width() - width) > 1:
                            img.setWidth(width)
                            img.setHeight(size.height() * width / size.width())
                            cur = QTextCursor(doc)
                            cur.setPosition(frag.position())
                            cur.setPosition(frag.position() + frag.length(), QTextCursor.MoveMode.KeepAnchor)
                            cur.setCharFormat(img)
                it += 1
            block = block.next()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.browser.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_images()
        return super().eventFilter(obj, event)

    # --- navigation -------------------------------------------------------------------------------------
    def _go_to_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.go_to_block(int(item.data(0, Qt.ItemDataRole.UserRole)))

    def _follow_scroll(self, value: int) -> None:
        """The contents mark the section being read: the last heading at or above the top of the view."""
        doc = self.browser.document()
        layout = doc.documentLayout()
        current = None
        for number, item in self.items.items():
            if layout.blockBoundingRect(doc.findBlockByNumber(number)).top() > value + 4:
                break
            current = item
        if current is not None and current is not self.contents.currentItem():
            self.contents.setCurrentItem(current)
            self.contents.scrollToItem(current)

    def go_to_block(self, number: int) -> None:
        """The heading at the top of the reading area."""
        doc = self.browser.document()
        block = doc.findBlockByNumber(number)
        if not block.isValid():
            return
        self.browser.setTextCursor(QTextCursor(block))
        top = doc.documentLayout().blockBoundingRect(block).top()
        self.browser.verticalScrollBar().setValue(int(top))

    def go_to_anchor(self, anchor: str) -> bool:
        for _level, text, number in self.headings():
            if slug(text) == anchor.lower():
                self.go_to_block(number)
                return True
        return False

    def _follow(self, url: QUrl) -> None:
        """A section of this page, another note shipped with the guide (domain.md), or the web."""
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
            return
        if not url.path() and url.hasFragment():
            self.go_to_anchor(url.fragment())
            return
        target = Path(url.toLocalFile()) if url.isLocalFile() else (self.path or guide(self.lang)).parent / url.path()
        if target.suffix == ".md" and target.is_file():
            self.show_file(target, remember=True)
            if url.hasFragment():
                self.go_to_anchor(url.fragment())
        elif target.exists():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    def find_next(self) -> None:
        text = self.find_edit.text()
        if text and not self.browser.find(text):
            self.browser.moveCursor(QTextCursor.MoveOperation.Start)  # wrap round once
            self.browser.find(text)


def open_guide(parent: QWidget | None, lang: str) -> GuideDialog:
    """Show the user guide beside the window (non-modal); a second call brings the open one to the front."""
    dlg = parent.findChild(GuideDialog, GUIDE_OBJECT) if parent is not None else None
    if dlg is None or dlg.lang != lang:
        dlg = GuideDialog(parent, lang)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    dlg.raise_()
    dlg.activateWindow()
    return dlg


def version() -> str:
    """The running code's version (dieselwatch/__init__.py, which the packaging reads too); an installed
    distribution's metadata may belong to another copy when the source tree is first on the path."""
    return dieselwatch.__version__


def about_html(ws: Workspace) -> str:
    e = html.escape
    role = (core_text(role_name(ws.role)) if ws.role else
            QCoreApplication.translate("Help", "set-up mode, no accounts yet"))
    raw = str(ws.raw.root) + ("" if ws.raw.refusal is None else " — " + core_text(ws.raw.refusal))
    rows = [(QCoreApplication.translate("Help", "Version"), version()),
            (QCoreApplication.translate("Help", "Database"), ws.db_url),  # the URL without its password
            (QCoreApplication.translate("Help", "User"),
             QCoreApplication.translate("Help", "{0} ({1})").format(ws.user, role)),
            (QCoreApplication.translate("Help", "Raw sample folder"), raw),
            (QCoreApplication.translate("Help", "Data folder"), str(ws.home.root)),
            (QCoreApplication.translate("Help", "Log file"), str(ws.home.logs_dir / "dieselwatch.log")),
            ("Qt / PySide6 / Python", f"{qVersion()} / {PySide6.__version__} / {platform.python_version()}"),
            (QCoreApplication.translate("Help", "System"), platform.platform())]
    table = "".join(f"<tr><td style='padding-right:12px'><b>{e(k)}</b></td><td>{e(v)}</td></tr>" for k, v in rows)
    what = QCoreApplication.translate(
        "Help", "Review of the remote OBD monitoring data of China VI heavy-duty diesel vehicles: import, "
                "scoring with evidence, black and white lists, rectification notices.")
    licence = QCoreApplication.translate(
        "Help", "DieselWatch is free software under the MIT licence. It uses Qt through PySide6 (LGPL v3) "
                "and other open-source libraries under their own licences.")
    duty = QCoreApplication.translate(
        "Help", "The screening threshold, the rule set and the legal texts of the notices are the office’s "
                "choices: check them before notices go out.")
    return (f"<h3>DieselWatch {e(version())}</h3><p>{e(what)}</p><table>{table}</table>"
            f"<p>{e(licence)}</p><p>{e(duty)}</p>")


def show_about(parent: QWidget | None, ws: Workspace) -> QMessageBox:
    """The About box, window-modal without blocking the caller (so tests and the event loop go on)."""
    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle(QCoreApplication.translate("Help", "About DieselWatch"))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_html(ws))
    box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 560px; }")  # paths on one line, not wrapped
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setIconPixmap(box.windowIcon().pixmap(64, 64))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def add_help_menu(window: QMainWindow, lang: str, ws: Workspace) -> QMenu:
    """The Help menu at the end of the window's menu bar: User guide (F1) and About DieselWatch."""
    menu = window.menuBar().addMenu(QCoreApplication.translate("Help", "&Help"))
    menu.setObjectName("menuHelp")
    guide_action = QAction(QCoreApplication.translate("Help", "User guide"), window)
    guide_action.setObjectName("actionUserGuide")
    guide_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))  # F1
    guide_action.triggered.connect(lambda: open_guide(window, lang))
    about_action = QAction(QCoreApplication.translate("Help", "About DieselWatch"), window)
    about_action.setObjectName("actionAbout")
    about_action.setMenuRole(QAction.MenuRole.AboutRole)
    about_action.triggered.connect(lambda: show_about(window, ws))
    menu.addAction(guide_action)
    menu.addAction(about_action)
    return menu
