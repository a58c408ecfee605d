"""Start-up timing for benchmarks/gui_bench.py: with DIESELWATCH_EXIT_AFTER_PAINT set, the app prints the wall-clock
time of the main window's first paint and quits, so a frozen and a source start can be timed from outside the
process (process start included, which an in-process timer cannot see)."""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer

ENV = "DIESELWATCH_EXIT_AFTER_PAINT"


def requested() -> bool:
    return bool(os.environ.get(ENV))


class _QuitAfterFirstPaint(QObject):
    def __init__(self, app, window):
        super().__init__(window)
        self._app, self._done = app, False
        window.installEventFilter(self)

    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            print(f"first-paint {time.time():.6f}", flush=True)
            sys.stdout.flush()
            QTimer.singleShot(0, self._app.quit)
        return False


def quit_after_first_paint(app, window) -> None:
    window._first_paint_probe = _QuitAfterFirstPaint(app, window)  # kept alive with the window
