"""The public job runner: a plain function runs on the worker, its result comes back to the GUI thread.

`run(fn, *args, parent=..., title=..., on_done=...)` passes `progress` and `cancel` only to functions that take
them, so pages hand over service functions as they are instead of wrapping each in a lambda. A title shows a
window-modal progress dialog whose Cancel reaches the job's CancelToken. Failures are shown (core errors in the
officer's language, anything else logged with its traceback) and then on_failed lets the caller go on."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from shiboken6 import isValid

from dieselwatch.errors import Cancelled, DieselWatchError
from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.worker import Job, submit

log = logging.getLogger(__name__)

# Where "details are in the log file" points; the app sets it once the workspace is open.
LOG_FILE: str = "dieselwatch.log"


def _takes(fn: Callable, name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # builtins without a signature
        return False
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def show_error(parent: QWidget | None, exc: BaseException, tb: str = "",
               status: Callable[[str, int], None] | None = None) -> None:
    if isinstance(exc, Cancelled):
        if status:
            status(QCoreApplication.translate("Jobs", "Cancelled: nothing was stored."), 8000)
        return
    if isinstance(exc, DieselWatchError):
        QMessageBox.warning(parent, "DieselWatch", core_text(exc))
        return
    log.error("unexpected error in a job:\n%s", tb)
    QMessageBox.critical(parent, QCoreApplication.translate("Jobs", "Unexpected error"), QCoreApplication.translate(
        "Jobs", "An unexpected error occurred: {0}\n\nDetails are in the log file:\n{1}").format(exc, LOG_FILE))


def run(fn: Callable[..., Any], *args: Any, parent: QWidget | None = None, title: str | None = None,
        on_done: Callable[[Any], None] | None = None, on_failed: Callable[[BaseException], None] | None = None,
        status: Callable[[str, int], None] | None = None, **kwargs: Any) -> Job:
    """Run fn(*args, **kwargs) on the worker. on_done(result) and on_failed(exc) run on the GUI thread, and only
    while parent still exists (a window closed under a running job has nothing left to show it in); a failure is
    shown before on_failed runs."""
    takes_progress, takes_cancel = _takes(fn, "progress"), _takes(fn, "cancel")

    def call(progress=None, cancel=None):
        extra = {}
        if takes_progress:
            extra["progress"] = progress
        if takes_cancel:
            extra["cancel"] = cancel
        return fn(*args, **kwargs, **extra)

    job = Job(call)
    dlg: QProgressDialog | None = None
    if title:
        dlg = QProgressDialog(title, QCoreApplication.translate("Jobs", "Cancel"), 0, 100, parent)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(300)
        dlg.canceled.connect(job.cancel.cancel)
        shown = dlg

        def progress(f: float, m: Any) -> None:
            shown.setValue(int(f * 100))
            shown.setLabelText(f"{title}\n{core_text(m)}")

        job.signals.progress.connect(progress)

    def alive() -> bool:
        return parent is None or isValid(parent)

    def finish(result):
        if not alive():
            return
        if dlg is not None:
            dlg.reset()
        if on_done is not None:
            on_done(result)

    def fail(exc, tb):
        if not alive():
            log.error("job failed after its window closed:\n%s", tb)
            return
        if dlg is not None:
            dlg.reset()
        show_error(parent, exc, tb, status)  # shown first, then the caller goes on (e.g. to the next file)
        if on_failed is not None:
            on_failed(exc)

    job.signals.finished.connect(finish)
    job.signals.failed.connect(fail)
    return submit(job)
