"""Progress and cancel as plain Python, so the CLI, tests and the GUI share one long-work idiom."""

from __future__ import annotations

import threading
from collections.abc import Callable

from dieselwatch.errors import Cancelled
from dieselwatch.messages import Msg

ProgressFn = Callable[[float, str], None]


class CancelToken:
    """Set from any thread; the worker checks it between chunks and raises Cancelled."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled(Msg("cancelled by the user"))


class Throttled:
    """Wraps a progress callback and only forwards when the rounded percentage changes."""

    def __init__(self, fn: ProgressFn | None):
        self._fn = fn
        self._last = -1

    def __call__(self, fraction: float, message: str = "") -> None:
        if self._fn is None:
            return
        pct = int(max(0.0, min(1.0, fraction)) * 100)
        if pct != self._last:
            self._last = pct
            self._fn(pct / 100.0, message)
