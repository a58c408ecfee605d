"""Undoing an import (imports remove): samples and day statistics go, the file imports again, batches that
shared samples are named and can restore them, and a failure leaves everything as it was."""

import json
from datetime import date
from pathlib import Path

import pytest
from exports import V1, V2, days, frame, write
from sqlalchemy import func, select

from dieselwatch.cli import main
from dieselwatch.errors import InputError, PermissionDenied
from dieselwatch.services import auditlog
from dieselwatch.services.batches import remove_batch
from dieselwatch.services.coverage import vehicle_coverage
from dieselwatch.services.imports import import_records
from dieselwatch.services.samples import vehicle_samples
from dieselwatch.storage.models import (
    AuditEvent,
    BatchCoverage,
    DayStat,
    ImportBatch,
    RawPartition,
    Vehicle,
)
from dieselwatch.workspace import Workspace


def state(ws) -> dict:
    """Everything a removal may change, to compare before and after."""
    with ws.Session() as s:
        out = {m.__tablename__: s.scalar(select(func.count()).select_from(m))
               for m in (ImportBatch, RawPartition, DayStat, BatchCoverage)}
        out["days"] = [tuple(r) for r in s.execute(select(DayStat.vehicle_id, DayStat.day, DayStat.n_records,
                                                          DayStat.n_valid, DayStat.n_exceed, DayStat.sum_down_hot)
                                                   .order_by(DayStat.vehicle_id, DayStat.day))]
        out["coverage"] = [tuple(r) for r in s.execute(select(BatchCoverage.batch_id, BatchCoverage.vehicle_id,
                                                              BatchCoverage.incomplete).order_by(BatchCoverage.batch_id))]
        out["events"] = s.scalar(select(func.count()).select_from(AuditEvent))
    out["files"] = sorted(ws.committed_paths())
    out["on_disk"] = sorted(ws.raw.file_paths())
    return out


def day_stats(ws) -> list[tuple]:
    """Every day_stats column per VIN and day (not vehicle id: two databases number vehicles differently)."""
    with ws.Session() as s:
        rows = s.execute(select(Vehicle.vin, DayStat).join(Vehicle, Vehicle.id == DayStat.vehicle_id)
                         .order_by(Vehicle.vin, DayStat.day)).all()
    cols = [c.name for c in DayStat.__table__.columns if c.name not in ("vehicle_id",)]
    return [(vin, *[getattr(d, c) for c in cols]) for vin, d in rows]


def vid(ws, vin) -> int:
    with ws.Session() as s:
        return s.scalar(select(Vehicle.id).where(Vehicle.vin == vin))


@pytest.fixture()
def three(ws, tmp_path):
    """A (V1 Oct 1-3, 08-09 h), B (V1 Oct 2-5, 08-10 h; V2 Oct 2-5), C (V1 Oct 4-6, 08-09 h), imported in order.
    B stores V1's 09-10 h on Oct 2-3 and all of Oct 4-5 (08-09 h on Oct 2-3 came with A); C then stores only
    Oct 6 (Oct 4-5 came with B)."""
    a = write(tmp_path / "a.csv", [frame(V1, days("2026-10-01", 3))])
    b = write(tmp_path / "b.csv", [frame(V1, days("2026-10-02", 4), hours=(8, 10)), frame(V2, days("2026-10-02", 4))])
    c = write(tmp_path / "c.csv", [frame(V1, days("2026-10-04", 3))])
    reps = [import_records(ws, p) for p in (a, b, c)]
    assert [r.rows_imported for r in reps] == [3 * 3600, 2 * 3600 + 2 * 7200 + 4 * 3600, 3600]
    return ws, {"a": a, "b": b, "c": c}, {k: r.batch_id for k, r in zip("abc", reps, strict=False)}


def test_remove_in_the_middle_names_batches_that_shared_samples(three, tmp_path):
    ws, files, ids = three
    r = remove_batch(ws, ids["b"], "wrong export period")
    assert r.rows_removed == 2 * 3600 + 2 * 7200 + 4 * 3600 and r.files_removed == 2
    assert r.vehicles == sorted([V1, V2])
    # V1: Oct 2-3 rebuilt from A's samples; Oct 4-5 and V2's four days are left without data.
    assert (r.days_recomputed, r.days_emptied) == (2, 6)
    # C delivered V1's Oct 4-5 08-09 h, which only B held. A was imported before B: B stored nothing A had.
    assert [(x.batch_id, x.file_name, x.vins, x.first, x.last) for x in r.shared] == [
        (ids["c"], "c.csv", [V1], "2026-10-04 08:00:00", "2026-10-05 09:59:59")]
    with ws.Session() as s:
        assert s.get(ImportBatch, ids["b"]) is None
        assert not s.scalars(select(RawPartition).where(RawPartition.batch_id == ids["b"])).all()
        days_v1 = s.scalars(select(DayStat.day).where(DayStat.vehicle_id == vid(ws, V1)).order_by(DayStat.day)).all()
        assert days_v1 == [date(2026, 10, d) for d in (1, 2, 3, 6)]
        assert s.get(DayStat, (vid(ws, V1), date(2026, 10, 2))).n_records == 3600
        assert s.scalar(select(func.count()).select_from(DayStat).where(DayStat.vehicle_id == vid(ws, V2))) == 0
        # Until C is imported again it does not count as covering V1: only A's days are known.
        cov = vehicle_coverage(s)
    assert cov == {vid(ws, V1): [(date(2026, 10, 1), date(2026, 10, 3))]}
    assert state(ws)["on_disk"] == state(ws)["files"]  # the removed batch's files are gone from disk

    # C again: not refused as already imported; stores only what is missing and is whole again.
    rc = import_records(ws, files["c"])
    assert rc.status == "restored" and rc.batch_id == ids["c"] and rc.rows_imported == 2 * 3600
    with ws.Session() as s:
        c = s.get(ImportBatch, ids["c"])
        assert (c.rows_imported, c.duplicates) == (3 * 3600, 0)
        assert vehicle_coverage(s)[vid(ws, V1)] == [(date(2026, 10, 1), date(2026, 10, 6))]
    assert import_records(ws, files["c"]).status == "already_imported"

    # The day statistics equal those of a fresh database that only ever imported what remains (A and C).
    fresh = Workspace.open(home=str(tmp_path / "fresh"), user="tester")
    try:
        for p in (files["a"], files["c"]):
            import_records(fresh, p)
        assert day_stats(ws) == day_stats(fresh)
    finally:
        fresh.close()


def test_remove_then_import_the_corrected_file(ws, tmp_path):
    wrong = write(tmp_path / "oct.csv", [frame(V1, days("2026-10-01", 2), nox_shift=400)])
    first = import_records(ws, wrong)
    before = vehicle_samples(ws, V1, date(2026, 10, 1), date(2026, 10, 2)).frame
    assert before["nox_down"].min() > 400
    r = remove_batch(ws, first.batch_id, "NOx column shifted by the platform")
    assert r.rows_removed == 7200 and r.shared == [] and (r.days_recomputed, r.days_emptied) == (0, 2)
    s0 = state(ws)
    assert (s0["import_batches"], s0["raw_partitions"], s0["day_stats"], s0["batch_coverage"]) == (0, 0, 0, 0)
    assert s0["on_disk"] == []
    with pytest.raises(InputError, match="no samples of"):
        vehicle_samples(ws, V1, date(2026, 10, 1), date(2026, 10, 2))
    # The same file is no longer "already imported", and the corrected one replaces it.
    fixed = write(tmp_path / "oct-fixed.csv", [frame(V1, days("2026-10-01", 2))])
    rep = import_records(ws, fixed)
    assert rep.status == "imported" and rep.rows_imported == 7200
    after = vehicle_samples(ws, V1, date(2026, 10, 1), date(2026, 10, 2)).frame
    assert after["nox_down"].max() < 100
    assert import_records(ws, wrong).status == "imported"  # the wrong one could come back too: it is new again


@pytest.mark.parametrize("where", ["day_stats", "audit", "cancel"])
def test_failure_mid_removal_changes_nothing(three, monkeypatch, where):
    ws, _, ids = three
    before = state(ws)
    from dieselwatch.services import batches

    calls = {"n": 0}
    if where == "day_stats":
        real = batches.compute_day_stats

        def flaky(*a, **k):  # the second vehicle fails, after the first one's days were replaced
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk read error")
            return real(*a, **k)

        monkeypatch.setattr(batches, "compute_day_stats", flaky)
        exc = RuntimeError
    elif where == "audit":
        monkeypatch.setattr(batches.audit, "append", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("audit")))
        exc = RuntimeError
    else:
        from dieselwatch.errors import Cancelled
        from dieselwatch.progress import CancelToken

        token = CancelToken()
        exc = Cancelled
    with pytest.raises(exc):
        if where == "cancel":
            remove_batch(ws, ids["b"], "x", cancel=token, progress=lambda f, m: token.cancel() if f >= 0.9 else None)
        else:
            remove_batch(ws, ids["b"], "x")
    assert state(ws) == before
    assert all((ws.raw.root / p).exists() for p in before["files"])


def test_file_that_cannot_be_deleted_is_left_as_an_orphan(three, monkeypatch):
    """After the commit no row names the batch's files; one that resists deletion is reported, never named."""
    ws, _, ids = three
    real = Path.unlink

    def stuck(self, *a, **k):
        if f"/b{ids['b']}-" in self.as_posix():
            raise PermissionError("in use")
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "unlink", stuck)
    r = remove_batch(ws, ids["b"], "x")
    assert len(r.files_left) == 2
    committed = ws.committed_paths()
    assert all((ws.raw.root / p).exists() for p in committed)
    assert set(r.files_left).isdisjoint(committed)
    monkeypatch.setattr(Path, "unlink", real)
    assert sorted(ws.raw.sweep_orphans(committed, min_age_s=0)) == sorted(r.files_left)


def test_removal_is_audited_with_reason_file_hash_rows(three):
    ws, _, ids = three
    with ws.Session() as s:
        b = s.get(ImportBatch, ids["b"])
        sha = b.file_hash
    r = remove_batch(ws, ids["b"], "导出时段错误")
    ev = auditlog.events(ws, entity="import_batch", entity_id=str(ids["b"]))
    assert len(ev) == 1 and ev[0]["action"] == "import.remove" and ev[0]["reason"] == "导出时段错误"
    assert ev[0]["before"]["file"] == "b.csv" and ev[0]["before"]["sha256"] == sha
    assert ev[0]["after"]["rows_removed"] == r.rows_removed
    assert ev[0]["after"]["shared_batches"][0]["batch_id"] == ids["c"]
    assert auditlog.verify(ws).ok


def test_removal_needs_an_officer_and_a_reason(three):
    from test_lists import as_user, make_office

    ws, _, ids = three
    with pytest.raises(InputError, match="needs a reason"):
        remove_batch(ws, ids["b"], "  ")
    make_office(ws)
    ws.user, ws.role = "nobody", None  # accounts exist, nobody signed in
    with pytest.raises(PermissionDenied):
        remove_batch(ws, ids["b"], "x")
    as_user(ws, "wang")  # an officer
    assert remove_batch(ws, ids["b"], "x").batch_id == ids["b"]


def test_unknown_and_registry_batches_are_refused(loaded_ws):
    with loaded_ws.Session() as s:
        reg = s.scalar(select(ImportBatch.id).where(ImportBatch.kind == "registry"))
    with pytest.raises(InputError, match="registry import"):
        remove_batch(loaded_ws, reg, "x")
    with pytest.raises(InputError, match="no import batch 999"):
        remove_batch(loaded_ws, 999, "x")


def test_cli_remove_json_and_text(three, capsys):
    ws, _, ids = three
    home = str(ws.home.root)
    ws.close()
    assert main(["--home", home, "imports", "remove", str(ids["b"]), "--reason", "wrong period", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["batch_id"] == ids["b"] and doc["shared"][0]["file_name"] == "c.csv"
    assert main(["--home", home, "imports"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].endswith("a.csv  10,800/10,800 rows")
    assert listing[1].endswith("c.csv  3,600/10,800 rows  (lost samples with a removed batch: import the file again)")
    assert main(["--home", home, "imports", "remove", str(ids["a"]), "--reason", "wrong"]) == 0
    out = capsys.readouterr().out
    assert f"removed batch {ids['a']} (a.csv" in out and "can be imported again" in out
    assert main(["--home", home, "imports", "remove", str(ids["a"]), "--reason", "again"]) == 3
    assert main(["--home", home, "imports", "--json"]) == 0
    assert [b["id"] for b in json.loads(capsys.readouterr().out)["batches"]] == [ids["c"]]


def test_batch_restored_after_the_removed_one_is_named(ws, tmp_path):
    """C was imported before B but restored after it: its restore left to B the samples both delivered, so
    removing B must name C although C's number is lower."""
    x = import_records(ws, write(tmp_path / "x.csv", [frame(V1, days("2026-10-01", 2))]))
    pc = write(tmp_path / "c.csv", [frame(V1, days("2026-10-02", 2))])
    c = import_records(ws, pc)  # stores Oct 3 only
    assert [s.batch_id for s in remove_batch(ws, x.batch_id, "x").shared] == [c.batch_id]
    b = import_records(ws, write(tmp_path / "b.csv", [frame(V1, days("2026-10-02", 1))]))  # stores Oct 2
    assert b.rows_imported == 3600
    assert import_records(ws, pc).status == "restored"  # nothing missing any more: Oct 2 is B's now
    r = remove_batch(ws, b.batch_id, "x")
    assert c.batch_id < b.batch_id and [s.batch_id for s in r.shared] == [c.batch_id]
    assert import_records(ws, pc).rows_imported == 3600


def test_removing_a_batch_that_stored_nothing_keeps_every_sample(loaded_ws, demo_dir):
    """An overlapping export whose rows were all stored already: removing it loses no sample and no day."""
    rep = import_records(loaded_ws, demo_dir / "records_other_platform.xlsx")
    assert rep.rows_imported == 0
    before = state(loaded_ws)
    r = remove_batch(loaded_ws, rep.batch_id, "imported by mistake")
    assert (r.rows_removed, r.files_removed, r.days_recomputed, r.days_emptied, r.shared) == (0, 0, 0, 0, [])
    after = state(loaded_ws)
    assert after["days"] == before["days"] and after["files"] == before["files"]
    assert after["import_batches"] == before["import_batches"] - 1
    assert after["batch_coverage"] == before["batch_coverage"] - 2  # the two vehicles it delivered
