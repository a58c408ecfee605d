"""A shared office on a real PostgreSQL server: two processes released together by a barrier do what two
workstations do at the same moment, and the database's constraints keep the lists, proposals, day statistics
and the first set-up right. A second workstation pointed at the same raw folder re-scores from the first one's
samples."""

import json
import multiprocessing
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from test_crash_safety import check_integrity
from test_lists import as_user, fake_run, make_office

from dieselwatch.demo.fleet import generate
from dieselwatch.errors import Conflict, InputError
from dieselwatch.services import auditlog, lists
from dieselwatch.services.imports import import_records
from dieselwatch.services.registry import import_registry
from dieselwatch.services.scoring import score_period
from dieselwatch.storage.models import DatabaseIdentity, DayStat, ListEntry, RuleSet, Vehicle
from dieselwatch.workspace import Workspace

pytestmark = pytest.mark.postgres
CTX = multiprocessing.get_context("spawn")  # a clean interpreter per workstation, as on two machines
TIMEOUT = 120


@pytest.fixture(scope="module")
def small_fleet(tmp_path_factory):
    """6 vehicles, 2 days, and the same records split row by row into two files covering the same days."""
    out = tmp_path_factory.mktemp("fleet")
    generate(out, vehicles=6, days=2, minutes_per_day=30)
    lines = (out / "records.csv").read_bytes().splitlines(keepends=True)
    head, body = lines[:3], lines[3:]
    (out / "part_a.csv").write_bytes(b"".join(head + body[0::2]))
    (out / "part_b.csv").write_bytes(b"".join(head + body[1::2]))
    return out


def _run_workstations(jobs: list[tuple], barrier=None):
    """Start one process per (function name, kwargs), released together by a barrier."""
    barrier = barrier or CTX.Barrier(len(jobs))
    queue = CTX.Queue()
    procs = [CTX.Process(target=_workstation, args=(i, name, kw, barrier, queue)) for i, (name, kw) in enumerate(jobs)]
    for p in procs:
        p.start()
    return procs, (queue, barrier)  # the barrier must outlive the start of the children


def _collect(procs, handles) -> list:
    import queue as queue_mod
    import time

    queue, _ = handles
    results, t0 = {}, time.monotonic()
    while len(results) < len(procs):
        try:
            i, ok, value = queue.get(timeout=1)
        except queue_mod.Empty:
            dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            assert not dead and time.monotonic() - t0 < TIMEOUT, f"a workstation died or hung: {dead}"
            continue
        assert ok, f"workstation {i} failed:\n{value}"
        results[i] = value
    for p in procs:
        p.join(TIMEOUT)
    return [results[i] for i in range(len(procs))]


def _workstation(i, name, kw, barrier, queue):
    import traceback

    try:
        queue.put((i, True, globals()[name](barrier=barrier, **kw)))
    except BaseException:  # noqa: BLE001 - reported to the test process
        queue.put((i, False, traceback.format_exc()))


# --- what each workstation does ------------------------------------------------------------------------------
def approve_each(*, barrier, home, db, user, entries):
    """Approve the given entries one by one, each at the same moment as the other workstation's."""
    ws = Workspace.open(home=home, db=db)
    as_user(ws, user)
    out = []
    for entry_id in entries:
        barrier.wait(TIMEOUT)
        try:
            lists.decide(ws, entry_id, True, f"approved by {user}")
            out.append("approved")
        except Conflict:
            out.append("conflict")
        except InputError as exc:
            assert "already on the" in str(exc), exc
            out.append("already listed")
    ws.close()
    return out


def propose_rounds(*, barrier, home, db, user, rounds):
    ws = Workspace.open(home=home, db=db)
    as_user(ws, user)
    out = []
    for run_id in rounds:
        barrier.wait(TIMEOUT)  # the test process has stored the run
        out.append(sum(lists.propose_from_run(ws, run_id).proposed.values()))
        barrier.wait(TIMEOUT)  # the test process checks and clears the round
    ws.close()
    return out


def open_and_import(*, barrier, home, db, raw, file):
    barrier.wait(TIMEOUT)
    ws = Workspace.open(home=home, db=db, raw=raw, user=Path(home).name)
    rep = import_records(ws, file)
    ws.close()
    return rep.rows_imported


def import_at_once(*, barrier, home, db, file, then):
    ws = Workspace.open(home=home, db=db, user=Path(home).name)
    barrier.wait(TIMEOUT)
    rep = import_records(ws, file, chunk_rows=2000)
    barrier.wait(TIMEOUT)
    again = import_records(ws, then)  # both workstations import the same file at the same moment
    ws.close()
    return rep.rows_imported, again.status


# --- the tests -------------------------------------------------------------------------------------------------
def _db(ws) -> str:
    return ws.engine.url.render_as_string(hide_password=False)


def _current_per_vehicle(ws) -> dict[int, int]:
    with ws.Session() as s:
        return dict(s.execute(select(ListEntry.vehicle_id, func.count()).where(
            ListEntry.status.in_(("active", "removal_pending"))).group_by(ListEntry.vehicle_id)).all())


def test_white_and_watch_approved_at_once_never_leave_two_lists(pg_ws, small_fleet, tmp_path):
    make_office(pg_ws)
    as_user(pg_ws, "wang")
    import_registry(pg_ws, small_fleet / "registry.xlsx")
    with pg_ws.Session() as s:
        vids = sorted(s.scalars(select(Vehicle.id)))
    # Two later runs proposed both a watch and a white entry for every vehicle.
    lists.propose_from_run(pg_ws, fake_run(pg_ws, dict.fromkeys(vids, "watch"), date(2026, 10, 1), date(2026, 10, 5)))
    lists.propose_from_run(pg_ws, fake_run(pg_ws, dict.fromkeys(vids, "white"), date(2026, 10, 6), date(2026, 10, 9)))
    by_kind = {k: [e["id"] for e in lists.entries(pg_ws, kind=k, status="proposed")] for k in ("white", "watch")}
    assert len(by_kind["white"]) == len(by_kind["watch"]) == len(vids)
    db = _db(pg_ws)
    procs, q = _run_workstations([
        ("approve_each", {"home": str(tmp_path / "a"), "db": db, "user": "zhou", "entries": by_kind["white"]}),
        ("approve_each", {"home": str(tmp_path / "b"), "db": db, "user": "li", "entries": by_kind["watch"]})])
    white, watch = _collect(procs, q)
    assert _current_per_vehicle(pg_ws) == dict.fromkeys(vids, 1)  # every vehicle on exactly one list, never two
    with pg_ws.Session() as s:
        active = set(s.scalars(select(ListEntry.id).where(ListEntry.status == "active")))
    for w_id, x_id, w, x in zip(by_kind["white"], by_kind["watch"], white, watch, strict=False):
        # Somebody's decision stood and the other was told why not; an approved watch entry is never ended by a
        # white one, and an approved white entry stays unless a watch approval came after it.
        assert "approved" in (w, x) and {w, x} <= {"approved", "conflict", "already listed"}
        assert active & {w_id, x_id} == ({x_id} if x == "approved" else {w_id})
    st = auditlog.verify(pg_ws)
    assert st.ok, st.message
    print(f"white+watch at once: {len(vids)} vehicles, outcomes white {white}, watch {watch}")


def test_two_workstations_proposing_at_once_make_no_duplicates(pg_ws, small_fleet, tmp_path):
    make_office(pg_ws)
    as_user(pg_ws, "li")
    import_registry(pg_ws, small_fleet / "registry.xlsx")
    with pg_ws.Session() as s:
        vids = sorted(s.scalars(select(Vehicle.id)))
    rounds = 3
    barrier = CTX.Barrier(3)  # two workstations and this test, which stores each run and checks each round
    runs = []
    db = _db(pg_ws)
    procs, q = _run_workstations([
        ("propose_rounds", {"home": str(tmp_path / "a"), "db": db, "user": "wang",
                            "rounds": list(range(1, rounds + 1))}),
        ("propose_rounds", {"home": str(tmp_path / "b"), "db": db, "user": "zhou",
                            "rounds": list(range(1, rounds + 1))})],
        barrier=barrier)
    kinds = ("black", "white", "watch")
    for r in range(rounds):
        runs.append(fake_run(pg_ws, {v: kinds[(i + r) % 3] for i, v in enumerate(vids)}, date(2026, 10, 1),
                             date(2026, 10, 5)))
        assert runs[-1] == r + 1
        barrier.wait(TIMEOUT)
        barrier.wait(TIMEOUT)
        with pg_ws.Session() as s:
            open_ = s.execute(select(ListEntry.vehicle_id, ListEntry.list_kind, func.count())
                              .where(ListEntry.status == "proposed")
                              .group_by(ListEntry.vehicle_id, ListEntry.list_kind)).all()
        assert len(open_) == len(vids) and all(n == 1 for _, _, n in open_), open_
        for e in lists.entries(pg_ws, status="proposed"):  # clear the round so the next one proposes again
            lists.decide(pg_ws, e["id"], False, "next round")
    a, b = _collect(procs, q)
    assert [x + y for x, y in zip(a, b, strict=False)] == [len(vids)] * rounds  # each proposal made once, none lost
    st = auditlog.verify(pg_ws)
    assert st.ok, st.message
    with pg_ws.engine.connect() as c:
        seqs = [r[0] for r in c.execute(text("SELECT seq FROM audit_events ORDER BY seq"))]
    assert seqs == list(range(1, len(seqs) + 1))


def test_two_imports_sharing_one_home_and_database(pg_ws, small_fleet, tmp_path):
    """Two files covering the same vehicles and days, imported at once into one home: both commit, and the
    day statistics equal those of one import of the whole file. Then the same file at once on both: one batch."""
    ref = Workspace.open(home=str(tmp_path / "ref"), user="ref")
    import_records(ref, small_fleet / "records.csv")
    expected = check_integrity(ref)
    ref_days = _day_figures(ref)
    ref.close()
    home, db = str(pg_ws.home.root), _db(pg_ws)
    procs, q = _run_workstations([("import_at_once", {"home": home, "db": db, "file": str(small_fleet / f),
                                                      "then": str(small_fleet / "records.csv")})
                                  for f in ("part_a.csv", "part_b.csv")])
    (a, again_a), (b, again_b) = _collect(procs, q)
    assert a + b == expected == check_integrity(pg_ws)
    assert _day_figures(pg_ws) == ref_days
    assert sorted((again_a, again_b)) == ["already_imported", "imported"]  # one batch, the other told so


def _day_figures(ws) -> dict:
    with ws.Session() as s:
        return {(vin, day): (n, valid, exceed, gaps) for vin, day, n, valid, exceed, gaps in s.execute(
            select(Vehicle.vin, DayStat.day, DayStat.n_records, DayStat.n_valid, DayStat.n_exceed, DayStat.n_gaps)
            .join(Vehicle, Vehicle.id == DayStat.vehicle_id))}


def test_two_first_starts_on_a_new_office_database(empty_pg, small_fleet, tmp_path):
    """Two workstations start at once on an empty database and import at once into one shared raw folder."""
    raw = str(tmp_path / "shared-raw")
    procs, q = _run_workstations([
        ("open_and_import", {"home": str(tmp_path / name), "db": empty_pg, "raw": raw, "file": str(small_fleet / f)})
        for name, f in (("ws1", "part_a.csv"), ("ws2", "part_b.csv"))])
    a, b = _collect(procs, q)
    ws = Workspace.open(home=str(tmp_path / "ws3"), db=empty_pg, raw=raw)
    with ws.Session() as s:
        # Reading the active rule set writes nothing: the shipped one is stored by the first office scoring run.
        assert s.scalar(select(func.count()).select_from(RuleSet)) == 0
        assert s.scalar(select(func.count()).select_from(DatabaseIdentity)) == 1
        assert s.scalar(select(func.count()).select_from(Vehicle)) == 6
    assert a > 0 and b > 0 and a + b == check_integrity(ws)
    assert json.loads((Path(raw) / ".dieselwatch-store.json").read_text())["database_id"] == ws.database_id
    ws.close()


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "dieselwatch", *args], capture_output=True, text=True,
                          timeout=TIMEOUT, env={**os.environ, **(env or {})})


def test_a_second_workstation_rescoring_from_the_first_ones_samples(pg_ws, small_fleet, tmp_path):
    db, raw = _db(pg_ws), str(tmp_path / "office-share" / "raw")
    r = _cli("--home", str(tmp_path / "ws1"), "--db", db, "--raw", raw, "import", str(small_fleet / "part_a.csv"))
    assert r.returncode == 0, r.stderr
    # The second workstation: its own home, the same database, the same raw folder (from the environment).
    ws2 = Workspace.open(home=str(tmp_path / "ws2"), db=db, raw=raw)
    assert import_records(ws2, small_fleet / "part_b.csv").rows_imported > 0
    ws2.close()
    r = _cli("--home", str(tmp_path / "ws2"), "--db", db, "score", "--from", "2026-10-01", "--to", "2026-10-02",
             "--from-raw", "--json", env={"DIESELWATCH_RAW": raw})
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    with pg_ws.Session() as s:
        assert doc["recomputed_days"] == s.scalar(select(func.count()).select_from(DayStat)) >= 10
    assert len(doc["vehicles"]) == 6
    # A third workstation that forgot the shared folder is told so (exit 3), not given a FileNotFoundError.
    ws3 = Workspace.open(home=str(tmp_path / "ws3"), db=db)
    with pytest.raises(InputError, match="every workstation of an office must use the same raw folder"):
        score_period(ws3, date(2026, 10, 1), date(2026, 10, 2), from_raw=True)
    ws3.close()
