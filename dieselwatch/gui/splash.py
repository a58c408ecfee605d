"""`dieselwatch --demo` on a fresh demo home: a splash with the preparation's progress (writing the demo exports,
importing them, scoring) instead of a silent wait of several seconds before any window appears."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QSplashScreen

from dieselwatch.gui import jobs
from dieselwatch.gui.core_text import core_text
from dieselwatch.paths import resource


def _pixmap() -> QPixmap:
    pm = QPixmap(520, 300)
    pm.fill(QColor("#f4f7fb"))
    p = QPainter(pm)
    icon = QPixmap(str(resource("icons", "dieselwatch.png")))
    if not icon.isNull():
        p.drawPixmap(30, 30, icon.scaled(96, 96, Qt.AspectRatioMode.KeepAspectRatio,
                                         Qt.TransformationMode.SmoothTransformation))
    p.setPen(QColor("#1f3b5c"))
    f = QFont()
    f.setPointSize(20)
    f.setBold(True)
    p.setFont(f)
    p.drawText(150, 70, "DieselWatch")
    f.setPointSize(11)
    f.setBold(False)
    p.setFont(f)
    p.drawText(150, 100, QCoreApplication.translate("Splash", "Remote OBD monitoring review"))
    p.end()
    return pm


def prepare_demo(ws) -> dict | None:
    """Run ensure_demo on the worker behind a splash; returns its result, or None when it failed (the error was
    shown)."""
    from dieselwatch.demo.setup import ensure_demo

    splash = QSplashScreen(_pixmap())
    title = QCoreApplication.translate("Splash", "Preparing the demo fleet (first start only)…")
    align = Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft
    splash.showMessage(title, align, QColor("#1f3b5c"))
    splash.show()
    loop = QEventLoop()
    out: dict = {}

    def progress(f: float, m) -> None:
        splash.showMessage(f"{title}\n{f:.0%}  {core_text(m)}", align, QColor("#1f3b5c"))

    def done(result) -> None:
        out["result"] = result
        loop.quit()

    job = jobs.run(ensure_demo, ws, on_done=done, on_failed=lambda _: loop.quit())
    job.signals.progress.connect(progress)
    loop.exec()
    splash.close()
    splash.deleteLater()
    return out.get("result")
