"""Long work off the GUI thread: one serial executor (as Anki does) so database work never interleaves,
results delivered back to the GUI thread by signal. Widgets are never touched from the worker.

No Qt object may die on the worker either. Python's cyclic garbage collector runs in whichever thread happens to
allocate, so a cycle holding a Qt wrapper (a menu, a dialog) could be destroyed inside a worker's audit.append
while the GUI thread held Shiboken's lock: the suite deadlocked that way. As pyqtgraph's GarbageCollector does,
automatic collection is switched off once jobs run, and a timer on the GUI thread collects instead. What a Job's
function and arguments hold is likewise released on the GUI thread, once the pool is idle, never by the
worker's last reference. (The Job itself is kept by Shiboken: QThreadPool.start takes it over.)"""

from __future__ import annotations

import gc
import traceback
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal

from dieselwatch.gui.refcount_guard import top_up
from dieselwatch.progress import CancelToken

_POOL: QThreadPool | None = None
_COLLECTOR: GuiThreadCollector | None = None
_LIVE: set = set()  # submitted jobs, released by the collector on the GUI thread once the pool is idle


def pool() -> QThreadPool:
    global _POOL
    if _POOL is None:
        _POOL = QThreadPool()
        _POOL.setMaxThreadCount(1)
    return _POOL


class GuiThreadCollector(QObject):
    """Disables automatic garbage collection and collects from a GUI-thread timer, generation by generation with
    Python's own thresholds (pyqtgraph's util/garbage_collector.py)."""

    def __init__(self, parent: QObject, interval_ms: int = 500):
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        top_up()  # PySide6 6.12 on Python 3.11 loses references to None and True (refcount_guard.py)
        if _POOL is not None and _POOL.activeThreadCount() == 0:
            done = [j for j in _LIVE if j.returned]
            for job in done:
                job.fn = job.args = job.kwargs = None
            _LIVE.difference_update(done)
        l0, l1, l2 = gc.get_count()
        if l0 > self.threshold[0]:
            gc.collect(0)
            if l1 > self.threshold[1]:
                gc.collect(1)
                if l2 > self.threshold[2]:
                    gc.collect(2)


def collect_on_gui_thread() -> GuiThreadCollector | None:
    """Install the collector once, on the application object (call from the GUI thread)."""
    global _COLLECTOR
    app = QCoreApplication.instance()
    if _COLLECTOR is None and app is not None:
        _COLLECTOR = GuiThreadCollector(app)
    return _COLLECTOR


class JobSignals(QObject):
    progress = Signal(float, object)  # object, not str: a Msg keeps its template for core_text across threads
    finished = Signal(object)
    failed = Signal(object, str)  # the exception, and its traceback text for the log


class Job(QRunnable):
    """Runs fn(progress=..., cancel=...) on the pool. Progress arrives on the GUI thread as a queued signal."""

    def __init__(self, fn: Callable, *args, **kwargs):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = JobSignals()
        self.cancel = CancelToken()
        self.returned = False
        self.setAutoDelete(False)  # Python keeps the Job (and its signals) alive, and frees it on the GUI thread

    def run(self) -> None:
        try:
            result = self.fn(*self.args, progress=self.signals.progress.emit, cancel=self.cancel, **self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI, which decides what to show
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.finished.emit(result)
        finally:
            self.returned = True


def submit(job: Job) -> Job:
    collect_on_gui_thread()
    _LIVE.add(job)
    pool().start(job)
    return job
