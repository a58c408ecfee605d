"""Coverage: the span an export states, what each batch delivered per vehicle, the per-vehicle covered days
(merged), and the migration that back-fills coverage for databases imported before it existed."""

import json
from datetime import date, datetime

import pytest
from exports import V1, V2, days, frame, write
from openpyxl import Workbook
from sqlalchemy import select, text

from dieselwatch.ingest.span import stated_span
from dieselwatch.services.coverage import merge_spans, vehicle_coverage
from dieselwatch.services.imports import import_records
from dieselwatch.storage.models import BatchCoverage, ImportBatch, Vehicle

D = date


@pytest.mark.parametrize("rows, span", [
    ([["查询时间：2026-10-01 00:00:00 至 2026-10-31 23:59:59"]],
     (datetime(2026, 10, 1), datetime(2026, 10, 31, 23, 59, 59))),
    ([["统计时间段 2026-10-01~2026-10-31"]], (datetime(2026, 10, 1), datetime(2026, 10, 31, 23, 59, 59))),
    ([["导出时间: 2026-11-01 09:30:00", "数据区间: 2026-10-01 至 2026-10-05"]],
     (datetime(2026, 10, 1), datetime(2026, 10, 5, 23, 59, 59))),
    ([["开始时间", datetime(2026, 9, 1, 6, 0), "", "结束时间", datetime(2026, 9, 30, 18, 0)]],
     (datetime(2026, 9, 1, 6), datetime(2026, 9, 30, 18))),
    ([["开始时间：2026/9/1"], ["结束时间：2026/9/15 12:00"]], (datetime(2026, 9, 1), datetime(2026, 9, 15, 12))),
    ([["查询时间：2026年10月1日 至 2026年10月7日"]], (datetime(2026, 10, 1), datetime(2026, 10, 7, 23, 59, 59))),
    ([["重型柴油车远程排放监控平台 数据导出"]], None),
    ([["导出时间: 2026-11-01 09:30:00"]], None),  # when the file was written is not what it covers
    ([["查询时间：2026-10-31 至 2026-10-01"]], None),  # backwards: not trusted
])
def test_stated_span(rows, span):
    assert stated_span(rows) == span


def test_merge_spans_joins_overlapping_and_touching_days():
    assert merge_spans([(D(2026, 10, 6), D(2026, 10, 9)), (D(2026, 10, 1), D(2026, 10, 5)),
                        (D(2026, 10, 3), D(2026, 10, 4)), (D(2026, 10, 12), D(2026, 10, 12)),
                        (D(2026, 10, 11), D(2026, 10, 11))]) == [
        (D(2026, 10, 1), D(2026, 10, 9)), (D(2026, 10, 11), D(2026, 10, 12))]
    assert merge_spans([]) == []


def test_vehicle_silent_inside_a_stated_span_is_covered(ws, tmp_path):
    """The export states October; V1 sent on Oct 3 only, V2 on Oct 20 only: both were covered all month."""
    p = write(tmp_path / "oct.csv", [frame(V1, days("2026-10-03", 1)), frame(V2, days("2026-10-20", 1))],
              title="查询时间：2026-10-01 00:00:00 至 2026-10-31 23:59:59", encoding="gbk")
    rep = import_records(ws, p)
    with ws.Session() as s:
        b = s.get(ImportBatch, rep.batch_id)
        assert (b.span_start, b.span_end) == (datetime(2026, 10, 1), datetime(2026, 10, 31, 23, 59, 59))
        assert b.report["span"]["source"] == "stated"
        ids = dict(s.execute(select(Vehicle.vin, Vehicle.id)).all())
        cov = {c.vehicle_id: (c.first_ts, c.last_ts, c.rows) for c in s.scalars(select(BatchCoverage))}
        assert cov[ids[V1]] == (datetime(2026, 10, 3, 8), datetime(2026, 10, 3, 8, 59, 59), 3600)
        assert vehicle_coverage(s) == {ids[V1]: [(D(2026, 10, 1), D(2026, 10, 31))],
                                       ids[V2]: [(D(2026, 10, 1), D(2026, 10, 31))]}
        assert vehicle_coverage(s, [ids[V2]]) == {ids[V2]: [(D(2026, 10, 1), D(2026, 10, 31))]}
        assert vehicle_coverage(s, []) == {}


def test_span_from_samples_and_gaps_between_batches(ws, tmp_path):
    """Without a stated span a batch covers its first to last sample; a vehicle absent from a batch is not
    covered by it, and separate batches leave the days between them uncovered."""
    a = write(tmp_path / "a.csv", [frame(V1, days("2026-10-01", 3)), frame(V2, days("2026-10-02", 1))])
    b = write(tmp_path / "b.csv", [frame(V1, days("2026-10-10", 2))])
    ra = import_records(ws, a)
    import_records(ws, b)
    with ws.Session() as s:
        ba = s.get(ImportBatch, ra.batch_id)
        assert (ba.span_start, ba.span_end) == (datetime(2026, 10, 1, 8), datetime(2026, 10, 3, 8, 59, 59))
        assert ba.report["span"]["source"] == "samples"
        ids = dict(s.execute(select(Vehicle.vin, Vehicle.id)).all())
        assert vehicle_coverage(s) == {
            ids[V1]: [(D(2026, 10, 1), D(2026, 10, 3)), (D(2026, 10, 10), D(2026, 10, 11))],
            ids[V2]: [(D(2026, 10, 1), D(2026, 10, 3))]}  # batch a's span, though V2 sent on one day


def test_duplicate_only_batch_still_covers(ws, tmp_path):
    """A later, longer export whose samples of V1 were all stored already still delivered them: it covers V1
    over its own span."""
    import_records(ws, write(tmp_path / "a.csv", [frame(V1, days("2026-10-01", 2))]))
    rep = import_records(ws, write(tmp_path / "b.csv", [frame(V1, days("2026-10-01", 2))],
                                   title="统计时间段 2026-10-01~2026-10-15"))
    assert rep.rows_imported == 0 and rep.duplicates == 7200
    with ws.Session() as s:
        assert s.scalar(select(BatchCoverage.rows).where(BatchCoverage.batch_id == rep.batch_id)) == 7200
        assert list(vehicle_coverage(s).values()) == [[(D(2026, 10, 1), D(2026, 10, 15))]]


def test_end_at_midnight_closes_the_day_before(ws, tmp_path):
    p = write(tmp_path / "x.csv", [frame(V1, days("2026-10-02", 1))],
              title="查询时间：2026-10-01 00:00:00 至 2026-10-08 00:00:00")
    import_records(ws, p)
    with ws.Session() as s:
        assert list(vehicle_coverage(s).values()) == [[(D(2026, 10, 1), D(2026, 10, 7))]]


def test_span_stated_in_a_workbook_title_row(ws, tmp_path):
    wb = Workbook()
    sh = wb.active
    sh.append(["开始时间", "2026-10-01 00:00:00", "结束时间", "2026-10-04 23:59:59"])
    f = frame(V1, days("2026-10-02", 1))
    sh.append(list(f.columns))
    for row in f.head(100).itertuples(index=False):
        sh.append(list(row))
    wb.save(tmp_path / "w.xlsx")
    rep = import_records(ws, tmp_path / "w.xlsx")
    with ws.Session() as s:
        b = s.get(ImportBatch, rep.batch_id)
        assert (b.span_start, b.span_end) == (datetime(2026, 10, 1), datetime(2026, 10, 4, 23, 59, 59))


def test_demo_export_states_its_period(loaded_ws, manifest):
    with loaded_ws.Session() as s:
        b = s.scalar(select(ImportBatch).where(ImportBatch.file_name == "records.csv"))
        assert (b.span_start.date().isoformat(), b.span_end.date().isoformat()) == (manifest["start"], manifest["end"])
        assert len(vehicle_coverage(s)) == len(manifest["vehicles"])


def test_migration_backfills_coverage_from_import_reports(tmp_path):
    from dieselwatch.storage.db import make_engine, migrate, upgrade

    eng = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(eng, "0003")  # a database imported into before batch_coverage existed
    report = json.dumps({"coverage": [
        {"vin": V1, "rows": 3600, "first": "2026-10-01 08:00:00", "last": "2026-10-02 08:59:59", "days": 2},
        {"vin": V2, "rows": 10, "first": "2026-10-05 10:00:00", "last": "2026-10-05 10:00:09", "days": 1}]})
    with eng.begin() as c:
        for i, vin in enumerate((V1, V2), start=1):
            c.execute(text("INSERT INTO vehicles (id, vin, in_registry, created_at, updated_at, version) "
                           "VALUES (:i, :v, 0, '2026-10-06', '2026-10-06', 1)"), {"i": i, "v": vin})
        c.execute(text("INSERT INTO import_batches (id, kind, file_name, file_hash, file_size, imported_at, "
                       "imported_by, rows_read, rows_imported, duplicates, rejected, report) "
                       "VALUES (1, 'records', 'old.csv', 'h', 1, '2026-10-06', 'x', 3610, 3610, 0, 0, :r)"),
                  {"r": report})
        c.execute(text("INSERT INTO import_batches (id, kind, file_name, file_hash, file_size, imported_at, "
                       "imported_by, rows_read, rows_imported, duplicates, rejected, report) "
                       "VALUES (2, 'registry', 'reg.xlsx', 'g', 1, '2026-10-06', 'x', 2, 2, 0, 0, '{}')"))
    migrate(eng, tmp_path / "bk")
    from sqlalchemy.orm import Session

    with Session(eng) as s:
        rows = s.execute(select(BatchCoverage.batch_id, BatchCoverage.vehicle_id, BatchCoverage.first_ts,
                                BatchCoverage.last_ts, BatchCoverage.rows, BatchCoverage.incomplete)
                         .order_by(BatchCoverage.vehicle_id)).all()
        assert [tuple(r) for r in rows] == [
            (1, 1, datetime(2026, 10, 1, 8), datetime(2026, 10, 2, 8, 59, 59), 3600, False),
            (1, 2, datetime(2026, 10, 5, 10), datetime(2026, 10, 5, 10, 0, 9), 10, False)]
        b = s.get(ImportBatch, 1)
        assert (b.span_start, b.span_end) == (datetime(2026, 10, 1, 8), datetime(2026, 10, 5, 10, 0, 9))
        assert s.get(ImportBatch, 2).span_start is None
        assert vehicle_coverage(s) == {1: [(D(2026, 10, 1), D(2026, 10, 5))], 2: [(D(2026, 10, 1), D(2026, 10, 5))]}
    eng.dispose()


@pytest.mark.postgres
def test_coverage_and_removal_on_postgres(pg_ws, tmp_path):
    from dieselwatch.services.batches import remove_batch

    a = import_records(pg_ws, write(tmp_path / "a.csv", [frame(V1, days("2026-10-01", 2))]))
    pb = write(tmp_path / "b.csv", [frame(V1, days("2026-10-02", 2))], title="查询时间：2026-10-01 至 2026-10-31")
    b = import_records(pg_ws, pb)
    r = remove_batch(pg_ws, a.batch_id, "test")
    assert [x.batch_id for x in r.shared] == [b.batch_id] and (r.days_recomputed, r.days_emptied) == (0, 2)
    with pg_ws.Session() as s:
        assert vehicle_coverage(s) == {}  # b lost its Oct 2 with a: not trusted until imported again
    assert import_records(pg_ws, pb).status == "restored"
    with pg_ws.Session() as s:
        assert list(vehicle_coverage(s).values()) == [[(D(2026, 10, 1), D(2026, 10, 31))]]
    assert import_records(pg_ws, tmp_path / "a.csv").rows_imported == 3600  # Oct 1 only: Oct 2 came back with b


def test_source_members_name_every_vehicle_a_file_delivered(loaded_ws, demo_dir, manifest):
    """The vehicles of one import file (a platform's export) are judged together for a platform offset bug: a
    file whose rows were all stored before still names its vehicles."""
    from dieselwatch.services.coverage import source_members
    from dieselwatch.services.imports import import_records

    rep = import_records(loaded_ws, demo_dir / "records_other_platform.xlsx")
    assert rep.rows_imported == 0 and rep.duplicates == rep.rows_read > 0
    with loaded_ws.Session() as s:
        members = source_members(s)
    assert len(members["records.csv"]) == len(manifest["vehicles"])
    assert 0 < len(members["records_other_platform.xlsx"]) <= len(manifest["vehicles"])
