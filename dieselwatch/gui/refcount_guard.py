"""A guard against PySide6 6.12.0 dropping references to None and True on Python 3.11.

Its void methods (setValue, setEnabled, processEvents, ...) return None without taking a reference to it, and
SignalInstance.emit() does the same with True: each call takes one reference away. On Python 3.12 and later
None and True are immortal and nothing happens; on 3.11 a few hundred thousand calls bring the count to zero
and the interpreter aborts ("none_dealloc: deallocating None"): the GUI stress test died so, and a long session
would too. Only when a probe measures the loss, the three singletons get a reference-count reserve so large that
no session can use it up (2**40 calls), topped up from the GUI timer. Their memory is never freed anyway."""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

RESERVE = 1 << 40


class _Probe(QObject):
    ping = Signal()


def _losses() -> tuple[int, int]:
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(8):
        probe.setObjectName("probe")  # a void method: returns None
        probe.ping.emit()  # returns True
    return none_before - sys.getrefcount(None), true_before - sys.getrefcount(True)


def _add(obj, n: int) -> None:
    # ob_refcnt is the first field of every object in a release build of CPython 3.11.
    ctypes.c_ssize_t.from_address(id(obj)).value += n


NEEDED = sys.version_info < (3, 12) and not hasattr(sys, "gettotalrefcount") and max(_losses()) >= 8


def top_up() -> bool:
    """Give None, True and False their reserve back when it runs low. True if the guard is active."""
    if not NEEDED:
        return False
    for obj in (None, True, False):
        if sys.getrefcount(obj) < RESERVE // 2:
            _add(obj, RESERVE)
    return True


top_up()
