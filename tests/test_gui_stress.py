"""The GUI workflow tests, again and again in one process, under a watchdog: a deadlock between a worker and the GUI
thread (Python's garbage collector once destroyed a QMenu inside a worker's audit.append) shows as a dump of every
thread's stack and a failure, not as a suite that never ends.

CI runs the workflow tests that go through the job runner 20 times (ROUNDS); DIESELWATCH_GUI_STRESS=all runs the
whole of tests/test_gui.py 20 times (about 12 minutes on the 2-core machine, too long for every CI run)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("DIESELWATCH_GUI_STRESS_ROUNDS", "20"))
# Each of these hands work to the runner and shows its result: refresh, vehicle detail and day plot, decisions
# (propose, approve, refuse by role), notices, audit verify and export, the import wizard's preview and import.
# The whole file 20 times takes about 12 minutes here; these five, about 3.
WORKFLOW = ("test_vehicle_table_shows_scores_and_filters or test_lists_page_propose_and_decide_by_role or "
            "test_notices_and_audit_pages or test_vehicle_days_and_one_day_plot or "
            "test_import_wizard_preview_mapping_profile_and_import")


@pytest.mark.slow
def test_gui_workflow_twenty_times_without_a_hang():
    select = [] if os.environ.get("DIESELWATCH_GUI_STRESS") == "all" else ["-k", WORKFLOW]
    env = dict(os.environ, DIESELWATCH_GUI_REPEAT=str(ROUNDS), DIESELWATCH_GUI_WATCHDOG_S="120",
               PYTHONFAULTHANDLER="1")
    r = subprocess.run([sys.executable, "-m", "pytest", "tests/test_gui.py", *select, "-q", "-x",
                        "-p", "no:cacheprovider"], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=60 * 60)
    tail = (r.stdout[-3000:] + "\n" + r.stderr[-12000:])
    assert "Timeout (0:" not in r.stderr, "a GUI test hung; every thread's stack:\n" + tail
    assert r.returncode == 0, tail
    assert f"round{ROUNDS}" in r.stdout or " passed" in r.stdout, tail


def test_none_and_true_outlive_pyside_calls(qapp):
    """PySide6 6.12.0 on Python 3.11 takes a reference from None on every void call and from True on every emit;
    a few hundred thousand calls abort the process (none_dealloc). With the guard the counts stay far from zero."""
    from PySide6.QtCore import QObject, Signal

    from dieselwatch.gui import refcount_guard

    class Source(QObject):
        changed = Signal(object)

    src, seen = Source(), []
    src.changed.connect(seen.append)
    for i in range(50_000):
        src.setObjectName("x")
        src.changed.emit(i)
    assert len(seen) == 50_000
    refcount_guard.top_up()
    if refcount_guard.NEEDED:
        assert min(sys.getrefcount(None), sys.getrefcount(True)) > refcount_guard.RESERVE // 2
    else:  # a fixed PySide6, or immortal singletons (Python 3.12+): nothing to guard
        assert sys.version_info >= (3, 12) or max(refcount_guard._losses()) < 8


def test_jobs_and_garbage_die_on_the_gui_thread(qapp, qtbot):
    """Automatic collection is off once jobs run; a GUI-thread timer collects cycles; what a job's function holds
    is released on the GUI thread, never by the worker's last reference."""
    import gc
    import threading

    from dieselwatch.gui.worker import Job, pool, submit

    died_on = []

    class Held:
        def __del__(self):
            died_on.append(threading.current_thread() is threading.main_thread())

    def make_job():
        held = Held()
        job = Job(lambda progress=None, cancel=None: id(held))
        results = []
        job.signals.finished.connect(results.append)
        submit(job)
        return results

    results = make_job()  # nothing but the job keeps `held`
    qtbot.waitUntil(lambda: bool(results) and pool().activeThreadCount() == 0, timeout=10000)
    assert not gc.isenabled()

    class Cycle:
        pass

    c = Cycle()
    c.me = c
    c.held = Held()
    del c
    for _ in range(800):  # enough garbage to pass generation 0's threshold
        x = Cycle()
        x.me = x
    del x
    qtbot.waitUntil(lambda: len(died_on) == 2, timeout=10000)
    assert died_on == [True, True]
