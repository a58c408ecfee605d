"""Importing monitoring records: counts, duplicates, idempotence, all-or-nothing, cancel, day statistics."""

import shutil

import pandas as pd
import pytest
from sqlalchemy import func, select

from dieselwatch.errors import Cancelled, InputError
from dieselwatch.progress import CancelToken
from dieselwatch.services.imports import import_records
from dieselwatch.storage.models import DayStat, ImportBatch, RawPartition, Vehicle


def snapshot(ws) -> dict:
    """Everything an import may change, to compare before and after."""
    with ws.Session() as s:
        counts = {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                  for m in (ImportBatch, RawPartition, DayStat, Vehicle)}
        stats = s.execute(select(Vehicle.vin, DayStat.day, DayStat.n_records, DayStat.n_valid, DayStat.n_exceed,
                                 DayStat.n_gaps, DayStat.reagent_drop)
                          .join(Vehicle, Vehicle.id == DayStat.vehicle_id).order_by(Vehicle.vin, DayStat.day)).all()
    counts["day_rows"] = stats
    counts["committed_files"] = sorted(ws.committed_paths())
    return counts


def stored_rows(ws) -> int:
    with ws.Session() as s:
        return s.scalar(select(func.sum(RawPartition.rows))) or 0


def test_demo_csv_import_counts(ws, demo_dir, manifest):
    rep = import_records(ws, demo_dir / "records.csv")
    assert rep.status == "imported" and rep.encoding == "gbk" and rep.header_row == 3
    assert rep.rows_read == manifest["rows"]
    assert rep.rejected == 0
    # The demo re-sends about 0.5 % of packets twice: stored once, counted as duplicates.
    assert 0.002 < rep.duplicates / rep.rows_read < 0.01
    assert rep.rows_imported + rep.duplicates == rep.rows_read
    assert stored_rows(ws) == rep.rows_imported
    assert rep.invalid_values["SCR下游NOx传感器输出值(ppm)"]["sentinel"] > 0
    assert rep.invalid_values["反应剂余量(%)"]["missing"] > 0
    assert len(rep.coverage) == len(manifest["vehicles"])
    # Stored rows are unique per vehicle and time, and in time order.
    with ws.Session() as s:
        paths = s.scalars(select(RawPartition.path)).all()
    for p in paths:
        df = ws.raw.read([p], columns=["ts"])
        assert df["ts"].is_unique and df["ts"].is_monotonic_increasing


def test_reimport_same_file_changes_nothing(loaded_ws, demo_dir):
    before = snapshot(loaded_ws)
    rep = import_records(loaded_ws, demo_dir / "records.csv")
    assert rep.status == "already_imported"
    assert snapshot(loaded_ws) == before


def test_overlapping_file_stores_duplicates_once(loaded_ws, demo_dir):
    rows_before = stored_rows(loaded_ws)
    rep = import_records(loaded_ws, demo_dir / "records_other_platform.xlsx")
    assert rep.status == "imported" and rep.rows_read == 3000
    assert rep.rows_imported == 0 and rep.duplicates == 3000
    assert stored_rows(loaded_ws) == rows_before


def test_copy_of_file_with_new_rows_merges_day_stats(ws, demo_dir, tmp_path):
    """Two halves of one export imported separately give the same day statistics as the whole file."""
    raw = (demo_dir / "records.csv").read_bytes().split(b"\n")
    head, body = raw[:3], [r for r in raw[3:] if r]
    mid = len(body) // 2
    (tmp_path / "a.csv").write_bytes(b"\n".join(head + body[:mid]) + b"\n")
    (tmp_path / "b.csv").write_bytes(b"\n".join(head + body[mid - 5000:]) + b"\n")  # overlaps by 5,000 rows
    import_records(ws, tmp_path / "a.csv")
    rb = import_records(ws, tmp_path / "b.csv")
    assert rb.duplicates >= 5000
    split = snapshot(ws)["day_rows"]

    from dieselwatch.workspace import Workspace

    other = Workspace.open(home=str(tmp_path / "whole"), user="t")
    import_records(other, demo_dir / "records.csv")
    assert snapshot(other)["day_rows"] == split
    other.close()


def test_bad_file_leaves_store_untouched(loaded_ws, demo_dir, tmp_path):
    before = snapshot(loaded_ws)
    data = (demo_dir / "records.csv").read_bytes()
    bad = tmp_path / "broken.csv"
    # Valid GBK for megabytes, then bytes that are no GBK at all: the reader fails after chunks were staged.
    lines = data.split(b"\n")
    lines.insert(len(lines) * 3 // 4, b"\xff\xfe\xff\xfe," * 5)
    bad.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError) as e:
        import_records(loaded_ws, bad, chunk_rows=20_000)
    assert "broken.csv" in str(e.value) and "gbk" in str(e.value)
    assert snapshot(loaded_ws) == before
    assert loaded_ws.raw.file_paths() == set(before["committed_files"])  # no stray files either


def test_cancel_mid_import_stores_nothing(ws, demo_dir):
    before = snapshot(ws)
    token = CancelToken()
    seen = []

    def progress(f, msg):
        seen.append(f)
        if f > 0.6:  # during the commit phase, after raw files were written
            token.cancel()

    with pytest.raises(Cancelled):
        import_records(ws, demo_dir / "records.csv", progress=progress, cancel=token)
    assert max(seen) > 0.6
    assert snapshot(ws) == before
    assert ws.raw.file_paths() == set()
    rep = import_records(ws, demo_dir / "records.csv")  # and a clean re-import works
    assert rep.status == "imported" and rep.rows_imported > 0


def test_extra_fields_row_is_rejected_with_its_row(ws, tmp_path):
    from dieselwatch.ingest.vin import with_check_digit

    vin = with_check_digit("LFWADRJF0R1000001")
    p = tmp_path / "x.csv"
    p.write_text("车辆识别代号,数据采集时间,车速\n" + vin + ",2026-03-01 08:00:00,1\n" + ",".join(["1"] * 9) + "\n",
                 encoding="utf-8")
    rep = import_records(ws, p)
    assert rep.rows_imported == 1 and rep.rejects[0]["row"] == 3 and rep.rejects[0]["column"] == "车辆识别代号"


def test_header_only_file_is_an_error(ws, tmp_path):
    p = tmp_path / "empty.csv"
    p.write_text("车辆识别代号,数据采集时间,车速\n", encoding="utf-8")
    with pytest.raises(InputError, match="no data rows"):
        import_records(ws, p)
    assert snapshot(ws)["import_batches"] == 0


def test_unknown_vin_creates_vehicle_with_plate(ws, demo_dir, manifest):
    import_records(ws, demo_dir / "records.csv")
    with ws.Session() as s:
        vs = s.scalars(select(Vehicle)).all()
    assert {v.vin for v in vs} == {v["vin"] for v in manifest["vehicles"]}
    assert all(not v.in_registry for v in vs)
    plates = {v["vin"]: v["plate"] for v in manifest["vehicles"]}
    assert all(v.plate == plates[v.vin] for v in vs)


def test_day_stats_reflect_planted_behaviour(loaded_ws, manifest):
    from dieselwatch.services.scoring import load_day_stats

    stats = load_day_stats(loaded_ws, pd.Timestamp(manifest["start"]).date(), pd.Timestamp(manifest["end"]).date())
    with loaded_ws.Session() as s:
        vin_of = dict(s.execute(select(Vehicle.id, Vehicle.vin)).all())
    behaviour_of = {v["vin"]: v["behaviour"] for v in manifest["vehicles"]}
    stats["behaviour"] = stats["vehicle_id"].map(lambda i: behaviour_of[vin_of[i]])
    by = stats.groupby("behaviour").sum(numeric_only=True)
    gappy, clean = by.loc["gappy"], by.loc["clean"]
    assert gappy["n_running"] / gappy["n_expected"] < 0.9 < clean["n_running"] / clean["n_expected"]
    assert by.loc["cold_urban", "n_valid"] == 0  # a cold SCR never gives a valid sample
    assert by.loc["cold_urban", "n_exceed"] == 0


def test_profile_maps_odd_headers(ws, tmp_path):
    from dieselwatch.ingest.vin import with_check_digit

    vin = with_check_digit("LFWADRJF0R1000001")
    p = tmp_path / "odd.csv"
    p.write_text("车号,车辆编码,时刻,尾排氮氧\n鲁A12345," + vin + ",2026-03-01 08:00:00,12.5\n", encoding="utf-8")
    with pytest.raises(InputError):
        import_records(ws, p)
    rep = import_records(ws, p, profile={"车辆编码": "vin", "时刻": "ts", "尾排氮氧": "nox_down", "车号": "plate"})
    assert rep.rows_imported == 1 and rep.mapping["尾排氮氧"] == "nox_down"


def test_missing_file_is_an_input_error(ws, tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        import_records(ws, tmp_path / "nope.csv")


def test_sweep_removes_only_old_orphans(ws, demo_dir):
    import_records(ws, demo_dir / "records.csv")
    committed = ws.committed_paths()
    orphan = ws.raw.root / "LXXXXXXXXXXXXXXXX" / "2026-10" / "b999-dead.parquet"
    orphan.parent.mkdir(parents=True)
    shutil.copy(ws.raw.root / next(iter(committed)), orphan)
    assert ws.raw.sweep_orphans(committed) == []  # young: may belong to an import still running elsewhere
    assert ws.raw.sweep_orphans(committed, min_age_s=0) == ["LXXXXXXXXXXXXXXXX/2026-10/b999-dead.parquet"]
    assert ws.raw.file_paths() == committed
