"""Long work off the GUI thread: one serial executor (as Anki does) so database work never interleaves,
results delivered back to the GUI thread by signal. Widgets are never touched from the worker."""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from dieselwatch.progress import CancelToken

_POOL: QThreadPool | None = None


def pool() -> QThreadPool:
    global _POOL
    if _POOL is None:
        _POOL = QThreadPool()
        _POOL.setMaxThreadCount(1)
    return _POOL


class JobSignals(QObject):
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object, str)  # the exception, and its traceback text for the log


class Job(QRunnable):
    """Runs fn(progress=..., cancel=...) on the pool. Progress arrives on the GUI thread as a queued signal."""

    def __init__(self, fn: Callable, *args, **kwargs):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = JobSignals()
        self.cancel = CancelToken()
        self.setAutoDelete(False)  # the caller keeps the Job (and its signals) alive until it reports

    def run(self) -> None:
        try:
            result = self.fn(*self.args, progress=self.signals.progress.emit, cancel=self.cancel, **self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI, which decides what to show
            self.signals.failed.emit(exc, traceback.format_exc())
            return
        self.signals.finished.emit(result)


def submit(job: Job) -> Job:
    pool().start(job)
    return job
