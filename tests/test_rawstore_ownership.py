"""A raw store belongs to one database. Opening a home with another database (`--db other`) deletes nothing
and refuses to write or read raw samples, naming both databases; a killed import's staging folder is swept at
the next start, a running import's never."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from dieselwatch.demo.fleet import generate
from dieselwatch.errors import InputError
from dieselwatch.services.imports import import_records
from dieselwatch.services.scoring import score_period
from dieselwatch.storage.models import DayStat
from dieselwatch.storage.rawstore import MARKER, STAGING
from dieselwatch.workspace import Workspace

CLI = [sys.executable, "-m", "dieselwatch"]


def cli(*args, env=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def forty_files(tmp_path_factory):
    """21 vehicles over a month boundary: 40 raw files or more (vehicle x month; the demo's silent truck
    sends nothing some days)."""
    out = tmp_path_factory.mktemp("forty")
    generate(out, vehicles=21, days=2, start=date(2026, 10, 31), minutes_per_day=10)
    return out


def _age(root, days: float = 2) -> None:
    """Make every raw file old enough for any sweep (the grace period is a day)."""
    t = time.time() - days * 86400
    for p in root.rglob("*.parquet"):
        os.utime(p, (t, t))


def test_foreign_database_deletes_nothing_and_refuses_raw_writes(tmp_path, forty_files):
    home = tmp_path / "H"
    ws = Workspace.open(home=str(home), user="tester")
    import_records(ws, forty_files / "records.csv")
    files = ws.raw.file_paths()
    assert len(files) >= 40 and files == ws.committed_paths()
    with ws.Session() as s:
        n_days = s.scalar(select(func.count()).select_from(DayStat))
    own = ws.database_id
    marker = json.loads((ws.raw.root / MARKER).read_text(encoding="utf-8"))
    assert marker["database_id"] == own and "dieselwatch.sqlite3" in marker["database"]
    ws.close()
    _age(home / "raw")

    other = f"sqlite:///{(tmp_path / 'other.sqlite3').as_posix()}"
    r = cli("--home", str(home), "--db", other, "imports")  # the open that used to sweep all 40 files
    assert r.returncode == 0, r.stderr
    assert {p.relative_to(home / "raw").as_posix() for p in (home / "raw").rglob("*.parquet")} == files

    r = cli("--home", str(home), "--db", other, "import", str(forty_files / "records.csv"))
    assert r.returncode == 3, r.stderr
    msg = " ".join(r.stderr.split())
    assert "belongs to the database" in msg and "dieselwatch.sqlite3" in msg and "other.sqlite3" in msg
    assert own[:8] in msg and "--raw" in msg
    assert "Traceback" not in r.stderr

    foreign = Workspace.open(home=str(home), db=other, user="tester")
    assert foreign.raw.refusal is not None
    with pytest.raises(InputError, match="belongs to the database"):
        foreign.raw.read(sorted(files)[:1])
    foreign.sweep()
    assert foreign.raw.sweep_orphans(set(), min_age_s=0) == []
    foreign.close()

    # Its own database still has every sample: re-scoring from raw works.
    ws = Workspace.open(home=str(home), user="tester")
    assert ws.raw.refusal is None and ws.raw.file_paths() == files
    res = score_period(ws, date(2026, 10, 31), date(2026, 11, 1), from_raw=True)
    assert res.recomputed_days == n_days and len(res.vehicles) == 21
    ws.close()


def test_an_unmarked_store_is_claimed_only_by_a_database_that_names_its_files(tmp_path, forty_files):
    """A home from before the marker existed: a database that names none of its files does not claim it."""
    home = tmp_path / "H"
    ws = Workspace.open(home=str(home), user="tester")
    import_records(ws, forty_files / "records.csv")
    files = ws.raw.file_paths()
    ws.close()
    (home / "raw" / MARKER).unlink()
    _age(home / "raw")

    empty = Workspace.open(home=str(home), db=f"sqlite:///{(tmp_path / 'empty.sqlite3').as_posix()}", user="t")
    assert empty.raw.refusal is not None and "names none of its files" in str(empty.raw.refusal)
    assert not (home / "raw" / MARKER).exists()
    with pytest.raises(InputError, match="another database"):
        import_records(empty, forty_files / "records.csv")
    empty.close()
    assert {p.relative_to(home / "raw").as_posix() for p in (home / "raw").rglob("*.parquet")} == files

    ws = Workspace.open(home=str(home), user="tester")  # its own database names the files: claimed
    assert ws.raw.refusal is None
    assert json.loads((home / "raw" / MARKER).read_text(encoding="utf-8"))["database_id"] == ws.database_id
    ws.close()


def test_own_sweep_removes_only_old_files_no_row_names(tmp_path, forty_files):
    ws = Workspace.open(home=str(tmp_path / "H"), user="tester")
    import_records(ws, forty_files / "records.csv")
    committed = ws.committed_paths()
    some = sorted(committed)[0]
    young = ws.raw.root / "LYOUNGXXXXXXXXXXX" / "2026-10" / "b9-young.parquet"
    old = ws.raw.root / "LOLDXXXXXXXXXXXXX" / "2026-10" / "b9-old.parquet"
    for p in (young, old):
        p.parent.mkdir(parents=True)
        p.write_bytes((ws.raw.root / some).read_bytes())
    _age(ws.raw.root)
    os.utime(young, None)
    ws.close()
    ws = Workspace.open(home=str(tmp_path / "H"), user="tester")  # the sweep at start-up
    assert ws.raw.file_paths() == committed | {"LYOUNGXXXXXXXXXXX/2026-10/b9-young.parquet"}
    ws.close()


def _staging_dirs(root):
    base = root / STAGING
    return sorted(d.name for d in base.iterdir()) if base.is_dir() else []


def _wait_for_staging(root, proc, timeout=120):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        dirs = _staging_dirs(root)
        if any(any((root / STAGING / d).rglob("*.arrow")) for d in dirs):
            return dirs
        assert proc.poll() is None, "the import ended before it staged anything"
        time.sleep(0.02)
    raise AssertionError("no staging folder appeared")


def test_kill_9_leaves_staging_that_the_next_start_sweeps(tmp_path, demo_dir):
    home = tmp_path / "H"
    Workspace.open(home=str(home)).close()
    # Small chunks: the import stages many pieces, so it is surely killed while staging.
    code = ("import sys; from dieselwatch.workspace import Workspace; from dieselwatch.services.imports import "
            "import_records; ws = Workspace.open(home=sys.argv[1]); import_records(ws, sys.argv[2], chunk_rows=5000)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(home), str(demo_dir / "records.csv")],
                            stderr=subprocess.PIPE)
    left = _wait_for_staging(home / "raw", proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _staging_dirs(home / "raw") == left  # what kill -9 leaves behind
    assert any((home / "raw" / STAGING / left[0]).rglob("*.arrow"))
    ws = Workspace.open(home=str(home))  # minutes later, not a day: the lock tells the import is gone
    assert _staging_dirs(home / "raw") == []
    assert ws.committed_paths() == set()
    ws.close()


def test_kill_9_while_committing_leaves_nothing_after_the_next_start(tmp_path, demo_dir):
    """Killed after raw files were written but before the commit: the next start removes the staging folder
    and exactly those raw files at once, not a day later."""
    home, writing = tmp_path / "H", tmp_path / "writing"
    Workspace.open(home=str(home)).close()
    # The import stops for good at its first progress report of the commit phase (raw files written by then).
    code = ("import sys, time; from pathlib import Path; from dieselwatch.workspace import Workspace; "
            "from dieselwatch.services.imports import import_records; ws = Workspace.open(home=sys.argv[1]); "
            "hold = lambda f, m: f > 0.5 and (Path(sys.argv[3]).touch(), time.sleep(600)); "
            "import_records(ws, sys.argv[2], progress=hold)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(home), str(demo_dir / "records.csv"), str(writing)],
                            stderr=subprocess.PIPE)
    t0 = time.monotonic()
    while not writing.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() - t0 < 120
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    raw = home / "raw"
    assert list(raw.glob("*/*/*.parquet")) and _staging_dirs(raw)  # what kill -9 leaves behind
    ws = Workspace.open(home=str(home))
    assert list(raw.glob("*/*/*.parquet*")) == [] and _staging_dirs(raw) == []
    assert ws.committed_paths() == set()
    rep = import_records(ws, demo_dir / "records.csv")  # and the file imports completely afterwards
    assert rep.status == "imported" and ws.raw.file_paths() == ws.committed_paths()
    ws.close()


def test_a_running_import_keeps_its_staging(tmp_path, demo_dir):
    home, go = tmp_path / "H", tmp_path / "go"
    Workspace.open(home=str(home)).close()
    # The import pauses at its first progress report (after staging a chunk) until the test says go.
    code = ("import sys, json, os, time; from pathlib import Path; from dieselwatch.workspace import Workspace; "
            "from dieselwatch.services.imports import import_records; ws = Workspace.open(home=sys.argv[1]); "
            "wait = lambda f, m: [time.sleep(0.02) for _ in iter(lambda: Path(sys.argv[3]).exists(), True)]; "
            "print(json.dumps(import_records(ws, sys.argv[2], chunk_rows=5000, progress=wait).rows_imported))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(home), str(demo_dir / "records.csv"), str(go)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    live = _wait_for_staging(home / "raw", proc)
    other = Workspace.open(home=str(home))  # a second start while the import runs: its sweep keeps the folder
    assert proc.poll() is None and _staging_dirs(home / "raw") == live
    other.close()
    go.touch()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert json.loads(out) > 0 and _staging_dirs(home / "raw") == []


def test_settings_page_keeps_this_workstations_raw_folder(qtbot, ws, tmp_path):
    from dieselwatch.gui.app import settings_for
    from dieselwatch.gui.main_window import MainController

    ctl = MainController(ws, "en", settings_for(ws.home))
    qtbot.addWidget(ctl.w)
    page = ctl.settings_page
    assert str(ws.raw.root) in page.rawStatus.text()
    share = str(tmp_path / "office-share" / "raw")
    page.rawEdit.setText(share)
    page.p.saveLocalButton.click()
    assert settings_for(ws.home).value("raw/folder") == share  # what the app opens the next time it starts
    page.refresh()
    assert page.rawEdit.text() == share
