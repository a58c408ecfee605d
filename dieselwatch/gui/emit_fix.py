"""PySide6 6.12.0's SignalInstance.emit() returns True without taking a reference to it: every emit from Python
takes one reference from True, and after a few thousand emits (progress updates, job results) the interpreter
aborts with "bool_dealloc: deallocating True or False" (the GUI stress test died so at exit). emit() here gives
the reference back, only while the installed PySide6 is measured to have the bug."""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()


def _emit_takes_a_true() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(4):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    for _ in range(lost):  # give back what the probe took
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return lost == 4


LEAKS_TRUE = _emit_takes_a_true()


def emit(signal, *args) -> None:
    """signal.emit(*args), keeping True's reference count whole."""
    signal.emit(*args)
    if LEAKS_TRUE:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
