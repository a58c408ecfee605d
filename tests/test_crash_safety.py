"""All-or-nothing under kill -9: an import process killed at random moments leaves either its whole batch or
nothing, and a later import of the same file completes the store exactly."""

import os
import random
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
from sqlalchemy import func, select

from dieselwatch.services.imports import import_records
from dieselwatch.storage.models import DayStat, ImportBatch, RawPartition
from dieselwatch.workspace import Workspace


def check_integrity(ws) -> int:
    """Every committed batch is complete and consistent; nothing uncommitted is visible. Returns stored rows."""
    with ws.Session() as s:
        batches = s.scalars(select(ImportBatch).where(ImportBatch.kind == "records")).all()
        parts = s.scalars(select(RawPartition)).all()
        n_days = s.scalar(select(func.count()).select_from(DayStat))
        day_records = s.scalar(select(func.sum(DayStat.n_records))) or 0
    by_batch = {}
    for p in parts:
        f = ws.raw.root / p.path
        assert f.is_file(), f"committed file missing: {p.path}"
        assert pq.ParquetFile(f).metadata.num_rows == p.rows
        by_batch[p.batch_id] = by_batch.get(p.batch_id, 0) + p.rows
    for b in batches:
        assert by_batch.get(b.id, 0) == b.rows_imported, "a batch is only partly stored"
    stored = sum(p.rows for p in parts)
    assert day_records == stored, "day statistics do not cover exactly the stored rows"
    assert (n_days > 0) == (stored > 0)
    return stored


def test_kill_at_random_points_then_reimport(tmp_path, demo_dir, loaded_home):
    ref = Workspace.open(home=str(loaded_home))
    with ref.Session() as s:
        expected = s.scalar(select(func.sum(RawPartition.rows)))
    ref.close()
    rng = random.Random(20261124)
    base = [sys.executable, "-m", "dieselwatch", "--home"]
    # Calibrate on this machine (shared and noisy): start-up alone, and a whole import in a scratch home.
    t0 = time.perf_counter()
    subprocess.run([*base, str(tmp_path / "startup"), "imports"], check=True, capture_output=True)
    startup = time.perf_counter() - t0
    t0 = time.perf_counter()
    subprocess.run([*base, str(tmp_path / "scratch"), "import", str(demo_dir / "records.csv")], check=True,
                   capture_output=True)
    whole = time.perf_counter() - t0
    outcomes = []
    for i in range(6):
        home = tmp_path / f"home{i}"  # a fresh office each time, so every run can be killed anywhere
        proc = subprocess.Popen([*base, str(home), "import", str(demo_dir / "records.csv")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Anywhere from reading to committing: the import proper runs from start-up to the whole duration.
        time.sleep(startup + rng.uniform(0.0, 0.9) * max(whole - startup, 0.2))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            outcomes.append("killed")
        else:
            outcomes.append("finished")
        ws = Workspace.open(home=str(home))
        stored = check_integrity(ws)
        assert stored in (0, expected), f"run {i}: {stored} rows stored, neither nothing nor everything"
        # Importing the file again completes the store exactly, whatever the kill left behind.
        rep = import_records(ws, demo_dir / "records.csv")
        assert rep.status == ("already_imported" if stored else "imported")
        assert check_integrity(ws) == expected
        ws.sweep()
        ws.close()
    assert outcomes.count("killed") >= 3, outcomes
