"""Shared helpers: build benchmark inputs from the demo generator, time the best of several runs."""

from __future__ import annotations

import time
from pathlib import Path


def best_of(fn, repeat: int = 2) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def demo_export(out: Path, rows: int, seed: int = 5) -> dict:
    """A demo export of about `rows` 1 Hz records (70 min of driving a vehicle-day, about 4,200 rows)."""
    from dieselwatch.demo.fleet import generate

    days = 10
    vehicles = max(1, round(rows / (days * 4200)))
    return generate(out, vehicles=vehicles, days=days, minutes_per_day=70, seed=seed)
