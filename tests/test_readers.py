"""Reading real-shaped exports: encodings, delimiters, title rows, units in headers, aliases, sentinels, times."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from dieselwatch.errors import InputError
from dieselwatch.ingest.columns import normalise_header, record_fields
from dieselwatch.ingest.tables import iter_chunks, open_table
from dieselwatch.ingest.values import ValueReport, convert_records, parse_times
from dieselwatch.ingest.vin import with_check_digit

VIN = with_check_digit("LFWADRJF0R1000001")
HEADER = ["车牌号", "车辆识别代号", "数据采集时间", "车速(km/h)", "SCR下游NOx传感器输出值(ppm)", "反应剂余量(%)"]


def write(path, rows, encoding="utf-8", sep=",", title_rows=(), header=HEADER):
    lines = list(title_rows) + [sep.join(header)] + [sep.join(map(str, r)) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def read(path, **kw):
    t = open_table(path, record_fields(), required=("vin", "ts"), **kw)
    rep = ValueReport()
    headers = {f: t.header_of(f) for f in t.mapping.values()}
    frames = [convert_records(c, first, record_fields(), headers, rep, now=datetime(2026, 12, 1))
              for first, c in iter_chunks(t, 1000, {"vin", "plate", "ts", "calid", "cvn"})]
    return t, pd.concat(frames, ignore_index=True), rep


ROWS = [["鲁A12345", VIN, "2026-03-01 08:00:00", 35.5, 120.3, 55.2],
        ["鲁A12345", VIN, "2026-03-01 08:00:01", 36.0, 3012.75, "FF"],
        ["鲁A12345", VIN, "2026-03-01 08:00:02", 999, "无效", 55.2]]


@pytest.mark.parametrize("encoding,expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gbk"),
                                               ("gb18030", "gbk")])
def test_encodings_detected_and_reported(tmp_path, encoding, expected):
    t, df, _ = read(write(tmp_path / "x.csv", ROWS, encoding=encoding))
    assert t.encoding == expected
    assert df["vin"].tolist() == [VIN] * 3


def test_gb18030_only_characters(tmp_path):
    # 𠀀 (U+20000) exists in GB18030 but not in GBK: the detector must not settle for GBK and fail later.
    rows = [["鲁A12345", VIN, "2026-03-01 08:00:00", 1, 2, 3]]
    p = write(tmp_path / "x.csv", rows, encoding="gb18030", title_rows=["导出人: 𠀀"])
    t, df, _ = read(p)
    assert t.encoding == "gb18030" and len(df) == 1


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
@pytest.mark.parametrize("char_at", [1, 2, 5])
def test_large_file_with_a_character_cut_by_the_sniffed_sample(tmp_path, encoding, char_at):
    # The encoding is sniffed from the first MiB; wherever that cut falls inside a multi-byte plate, the
    # file is still recognised (a 120 MB demo export once was not). char_at: where the plate's first
    # character starts, counted back from the end of the sample.
    from dieselwatch.ingest.tables import SNIFF_BYTES

    head = ",".join(HEADER).encode(encoding) + b"\n"
    row = f"鲁A12345,{VIN},2026-03-01 08:00:00,1,2,3\n".encode(encoding)
    n = SNIFF_BYTES // len(row) + 10
    pad = (SNIFF_BYTES - char_at - len(head)) % len(row)  # ASCII title bytes that put a plate where wanted
    body = (b"x" * (pad - 1) + b"\n" + head) if pad else head
    data = body + row * n
    assert data[SNIFF_BYTES - char_at:].startswith("鲁".encode(encoding))
    p = tmp_path / "big.csv"
    p.write_bytes(data)
    t = open_table(p, record_fields(), required=("vin", "ts"))
    assert t.encoding == encoding


@pytest.mark.parametrize("sep", [",", "\t", ";"])
def test_delimiters(tmp_path, sep):
    t, df, _ = read(write(tmp_path / "x.csv", ROWS, sep=sep))
    assert t.delimiter == sep
    assert df["speed"].iloc[0] == pytest.approx(35.5)


def test_title_rows_above_header(tmp_path):
    t, df, _ = read(write(tmp_path / "x.csv", ROWS,
                          title_rows=["重型柴油车远程监控平台 数据导出", "导出时间: 2026-03-02,,"]))
    assert t.header_row == 2 and t.first_data_row == 4 and len(df) == 3


def test_units_and_aliases_map_to_fields():
    assert normalise_header("车速（km/h）") == normalise_header("车速") == "车速"
    t = ["车架号", "采集时间", "后处理下游氮氧浓度[ppm]", "尿素箱液位(%)", "something else"]
    from dieselwatch.ingest.columns import map_headers

    mapping, unknown = map_headers(t, record_fields())
    assert mapping == {0: "vin", 1: "ts", 2: "nox_down", 3: "reagent"}
    assert unknown == ["something else"]


def test_sentinels_and_out_of_range_become_missing_and_are_counted(tmp_path):
    _, df, rep = read(write(tmp_path / "x.csv", ROWS))
    nox = df["nox_down"].to_numpy()
    assert nox[0] == pytest.approx(120.3) and np.isnan(nox[1]) and np.isnan(nox[2])
    assert np.isnan(df["reagent"].iloc[1])
    assert np.isnan(df["speed"].iloc[2])  # 999 km/h is out of range
    assert rep.sentinel["SCR下游NOx传感器输出值(ppm)"] == 1
    assert rep.out_of_range["车速(km/h)"] == 1
    assert rep.missing["SCR下游NOx传感器输出值(ppm)"] == 1  # 无效
    assert rep.missing["反应剂余量(%)"] == 1  # FF


def test_text_in_numeric_column_is_missing_with_row_and_column(tmp_path):
    rows = [*ROWS, ["鲁A12345", VIN, "2026-03-01 08:00:03", "fast", 100, 50]]
    _, df, rep = read(write(tmp_path / "x.csv", rows))
    assert np.isnan(df["speed"].iloc[3])
    ex = rep.not_a_number_examples[0]
    assert (ex.row, ex.column, ex.value) == (5, "车速(km/h)", "fast")


def test_time_formats():
    s = pd.Series(["2026-03-01 08:00:00", "2026/3/1 8:00:05", "20260301080010", "46082.3333449074", None,
                   "yesterday"], dtype=object)
    got = parse_times(s)
    assert got.iloc[0] == pd.Timestamp("2026-03-01 08:00:00")
    assert got.iloc[1] == pd.Timestamp("2026-03-01 08:00:05")
    assert got.iloc[2] == pd.Timestamp("2026-03-01 08:00:10")
    assert got.iloc[3] == pd.Timestamp("2026-03-01 08:00:01")  # Excel serial date as text
    assert pd.isna(got.iloc[4]) and pd.isna(got.iloc[5])


def test_excel_cells_datetime_and_serial():
    s = pd.Series([datetime(2026, 3, 1, 8, 0, 0), 46082.5, "2026-03-01 12:00:01"], dtype=object)
    got = parse_times(s)
    assert got.tolist() == [pd.Timestamp("2026-03-01 08:00:00"), pd.Timestamp("2026-03-01 12:00:00"),
                            pd.Timestamp("2026-03-01 12:00:01")]


def test_bad_rows_rejected_with_row_and_column(tmp_path):
    rows = [["鲁A12345", VIN, "2026-03-01 08:00:00", 1, 2, 3],
            ["鲁A12345", "NOTAVIN", "2026-03-01 08:00:01", 1, 2, 3],
            ["鲁A12345", "", "2026-03-01 08:00:02", 1, 2, 3],
            ["鲁A12345", VIN, "not a time", 1, 2, 3],
            ["鲁A12345", VIN, "2031-01-01 00:00:00", 1, 2, 3]]
    _, df, rep = read(write(tmp_path / "x.csv", rows))
    assert len(df) == 1
    got = [(r.row, r.column, r.reason) for r in rep.rejects]
    assert got == [(3, "车辆识别代号", "VIN malformed (17 characters, no I, O or Q)"),
                   (4, "车辆识别代号", "VIN missing"),
                   (5, "数据采集时间", "time not understood"),
                   (6, "数据采集时间", "time before 2015 or in the future")]


def test_wrong_check_digit_is_a_warning_not_a_reject(tmp_path):
    bad = VIN[:8] + ("1" if VIN[8] != "1" else "2") + VIN[9:]
    _, df, rep = read(write(tmp_path / "x.csv", [["鲁A12345", bad, "2026-03-01 08:00:00", 1, 2, 3]]))
    assert len(df) == 1 and rep.wrong_check_digit == {bad}


def test_vin_normalised(tmp_path):
    _, df, _ = read(write(tmp_path / "x.csv", [["鲁A12345", " " + VIN.lower() + " ", "2026-03-01 08:00:00", 1, 2, 3]]))
    assert df["vin"].iloc[0] == VIN


def test_missing_required_column_names_it_and_what_was_found(tmp_path):
    p = write(tmp_path / "x.csv", [["鲁A12345", VIN, 1]], header=["车牌号", "车辆识别代号", "车速"])
    with pytest.raises(InputError) as e:
        read(p)
    msg = str(e.value)
    assert "x.csv" in msg and "数据采集时间 (ts)" in msg and "车牌号, 车辆识别代号, 车速" in msg


def test_gnss_flags_sign_and_invalid_fix(tmp_path):
    header = ["车辆识别代号", "数据采集时间", "定位状态", "经度", "纬度"]
    rows = [[VIN, "2026-03-01 08:00:00", 0, 117.1, 36.6], [VIN, "2026-03-01 08:00:01", 6, 117.1, 36.6],
            [VIN, "2026-03-01 08:00:02", 1, 117.1, 36.6]]
    _, df, _ = read(write(tmp_path / "x.csv", rows, header=header))
    assert df[["lon", "lat"]].iloc[1].tolist() == [-117.1, -36.6]
    assert df[["lon", "lat"]].iloc[2].isna().all()


def test_xlsx_with_title_row_and_any_sheet(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本文件为导出说明"])
    ws = wb.create_sheet("数据")
    ws.append(["平台导出"])
    ws.append(["车架号", "采集时间", "车速"])
    ws.append([VIN, datetime(2026, 3, 1, 8, 0, 0), 12.5])
    ws.append([VIN, 46082.33334490741, 13.0])
    wb.save(tmp_path / "x.xlsx")
    t, df, _ = read(tmp_path / "x.xlsx")
    assert t.sheet == "数据" and t.header_row == 1
    assert df["ts"].tolist() == [pd.Timestamp("2026-03-01 08:00:00"), pd.Timestamp("2026-03-01 08:00:01")]
    assert df["speed"].tolist() == [12.5, 13.0]
