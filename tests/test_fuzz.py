"""Hostile and broken files: a clear error naming the file, or a clean import; never a traceback of another
kind, never partial data."""

import io
import zipfile
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from dieselwatch.errors import InputError
from dieselwatch.ingest.vin import with_check_digit
from dieselwatch.services.imports import import_records
from dieselwatch.services.registry import RegistryRejected, import_registry
from dieselwatch.storage.models import DayStat, ImportBatch, RawPartition
from dieselwatch.workspace import Workspace

VIN = with_check_digit("LFWADRJF0R1000001")
GOOD = ("车牌号,车辆识别代号,数据采集时间,车速(km/h),SCR下游NOx传感器输出值(ppm)\n"
        + "".join(f"鲁A12345,{VIN},2026-03-01 08:{i // 60:02d}:{i % 60:02d},{i % 90},{(i * 7) % 400}\n"
                  for i in range(300))).encode("gbk")
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


@pytest.fixture(scope="module")
def fws(tmp_path_factory):
    w = Workspace.open(home=str(tmp_path_factory.mktemp("fuzz")), user="fuzz")
    yield w
    w.close()


def consistent(ws) -> None:
    """Every stored batch is whole: its partitions hold exactly its rows, and day stats cover stored rows."""
    with ws.Session() as s:
        for b in s.scalars(select(ImportBatch).where(ImportBatch.kind == "records")):
            rows = s.scalar(select(func.coalesce(func.sum(RawPartition.rows), 0)).where(RawPartition.batch_id == b.id))
            assert rows == b.rows_imported
        stored = s.scalar(select(func.coalesce(func.sum(RawPartition.rows), 0)))
        assert (s.scalar(select(func.coalesce(func.sum(DayStat.n_records), 0)))) == stored


def attempt(ws, path):
    try:
        import_records(ws, path)
    except InputError as exc:
        assert path.name in str(exc), str(exc)
    consistent(ws)


@FUZZ
@given(data=st.binary(max_size=4000))
def test_random_bytes(fws, tmp_path_factory, data):
    p = tmp_path_factory.mktemp("f") / "random.csv"
    p.write_bytes(data)
    attempt(fws, p)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(GOOD)), junk=st.binary(max_size=40),
       pos=st.integers(min_value=0, max_value=len(GOOD)))
def test_truncated_and_corrupted_csv(fws, tmp_path_factory, cut, junk, pos):
    data = GOOD[:cut]
    data = data[:pos] + junk + data[pos:]
    p = tmp_path_factory.mktemp("f") / "cut.csv"
    p.write_bytes(data)
    attempt(fws, p)


@FUZZ
@given(enc=st.sampled_from(["utf-16", "utf-16-le", "big5", "shift_jis", "latin-1", "utf-32"]))
def test_wrong_encodings(fws, tmp_path_factory, enc):
    p = tmp_path_factory.mktemp("f") / f"enc-{enc}.csv"
    p.write_bytes(GOOD.decode("gbk").encode(enc, errors="replace"))
    attempt(fws, p)


@FUZZ
@given(cell=st.one_of(st.text(max_size=200), st.sampled_from(["=1+1", "=HYPERLINK(\"x\")", "+cmd|' /C calc'!A0",
                                                             "@SUM(1)", "\x00\x01\x02", "\r\n\t", "FFFF", "无效",
                                                             "1e308", "-inf", "nan", "0x1F"])),
       col=st.integers(min_value=0, max_value=4))
def test_hostile_cells_in_xlsx(fws, tmp_path_factory, cell, col):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["车牌号", "车辆识别代号", "数据采集时间", "车速", "尾气NOx"])
    for i in range(5):
        row = ["鲁A12345", VIN, datetime(2026, 3, 1, 9, 0, i), 10.0, 50.0]
        try:
            row[col] = cell
            ws.append(row)
        except Exception:  # noqa: BLE001 - openpyxl refuses some control characters itself
            return
    p = tmp_path_factory.mktemp("f") / "cells.xlsx"
    wb.save(p)
    attempt(fws, p)


def test_huge_cell(ws, tmp_path):
    p = tmp_path / "huge.csv"
    p.write_bytes(GOOD + f"鲁A12345,{'X' * 2_000_000},2026-03-01 09:00:00,1,1\n".encode())
    rep = import_records(ws, p)
    assert rep.rejected == 1 and rep.rejects[0]["row"] == 302 and len(rep.rejects[0]["value"]) <= 80
    consistent(ws)


def test_zip_bomb_posing_as_xlsx(ws, tmp_path):
    p = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            block = b"\0" * (1 << 20)
            for _ in range(300):
                f.write(block)
    with pytest.raises(InputError, match="zip bomb"):
        import_records(ws, p)
    consistent(ws)


def test_zip_that_is_not_a_workbook(ws, tmp_path):
    p = tmp_path / "archive.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    p.write_bytes(buf.getvalue())
    with pytest.raises(InputError, match="not an Excel workbook"):
        import_records(ws, p)


@FUZZ
@given(data=st.binary(max_size=3000))
def test_registry_random_bytes(fws, tmp_path_factory, data):
    p = tmp_path_factory.mktemp("f") / "reg.xlsx"
    p.write_bytes(b"PK\x03\x04" + data)
    with pytest.raises(InputError):
        import_registry(fws, p)


def test_registry_formula_and_long_text(ws, tmp_path):
    p = tmp_path / "reg.csv"
    p.write_text(f"车辆识别代号,车主,联系电话\n{VIN},=HYPERLINK(\"http://x\"),{'9' * 500}\n", encoding="utf-8")
    with pytest.raises(RegistryRejected) as e:
        import_registry(ws, p)
    assert e.value.row == 2 and e.value.column == "联系电话"
