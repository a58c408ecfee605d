"""Draw the application icon (a truck's exhaust under a magnifier, in the list colours) and write
resources/icons/dieselwatch.png and .ico.   python tools/make_icon.py"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPen

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"


def draw(size: int) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    p.setBrush(QBrush(QColor("#1f4e79")))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 40 * s, 40 * s)
    # truck body and cab
    p.setBrush(QBrush(QColor("#ffffff")))
    p.drawRect(QRectF(36 * s, 112 * s, 110 * s, 60 * s))
    p.drawRect(QRectF(150 * s, 128 * s, 50 * s, 44 * s))
    p.setBrush(QBrush(QColor("#1f4e79")))
    p.drawRect(QRectF(160 * s, 136 * s, 24 * s, 16 * s))
    # wheels
    p.setBrush(QBrush(QColor("#222222")))
    for x in (62, 120, 178):
        p.drawEllipse(QRectF((x - 14) * s, 164 * s, 28 * s, 28 * s))
    # exhaust stack and a puff in black and white
    p.setBrush(QBrush(QColor("#ffffff")))
    p.drawRect(QRectF(190 * s, 88 * s, 8 * s, 40 * s))
    p.setBrush(QBrush(QColor("#e0e0e0")))
    p.drawEllipse(QRectF(176 * s, 48 * s, 30 * s, 30 * s))
    p.setBrush(QBrush(QColor("#404040")))
    p.drawEllipse(QRectF(200 * s, 30 * s, 34 * s, 34 * s))
    # magnifier ring
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(QColor("#f2c14e"), 12 * s))
    p.drawEllipse(QRectF(28 * s, 28 * s, 92 * s, 92 * s))
    p.drawLine(int(106 * s), int(106 * s), int(132 * s), int(132 * s))
    p.end()
    return img


if __name__ == "__main__":
    app = QGuiApplication([])
    OUT.mkdir(parents=True, exist_ok=True)
    draw(256).save(str(OUT / "dieselwatch.png"))
    draw(256).save(str(OUT / "dieselwatch.ico"))
    print("wrote", *sorted(p.name for p in OUT.iterdir()))
