"""Exports as real platforms write them (issue 12): other platforms' header lists, workbooks of one sheet per day,
two columns claiming one field, files missing key fields, NOx 'sensor not ready', GBK text cells under pandas 3,
and files that are not monitoring exports at all."""

import json
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook
from sqlalchemy import select

from dieselwatch.cli import main
from dieselwatch.errors import InputError
from dieselwatch.ingest.columns import match_headers, normalise_header, record_fields
from dieselwatch.ingest.vin import with_check_digit
from dieselwatch.services.imports import import_records
from dieselwatch.services.key_fields import KeyFieldsMissing
from dieselwatch.storage.models import ImportBatch, RawPartition

VIN = with_check_digit("LFWADRJF0R1000001")
VIN2 = with_check_digit("LZZ1CLVB0P1000002")
T0 = datetime(2026, 3, 1, 8, 0, 0)

# One plausible sample per field, as a platform would print it.
VALUES = {"vin": VIN, "plate": "鲁A12345", "speed": 42.5, "baro": 99.5, "torque_actual": 55, "torque_friction": 9,
          "rpm": 1250.5, "fuel_rate": 21.45, "nox_up": 412.3, "nox_down": 35.6, "reagent": 62.4, "air_flow": 512.3,
          "scr_in": 312.5, "scr_out": 298.4, "dpf_dp": 2.4, "coolant": 86, "tank": 51.2, "gnss_status": 0,
          "lon": 117.123456, "lat": 36.654321, "odometer": 123456.7, "mil": 0, "dtc_count": 1,
          "dtc_list": "SPN3226 FMI2", "iupr": "0A0B0C", "obd_protocol": "SAE J1939", "cvn": "1A2B3C4D",
          "calid": "CAL-6WP13"}
KEYS = ("nox_down", "nox_up", "scr_in", "coolant", "torque_actual", "torque_friction", "rpm", "air_flow", "fuel_rate")

# Header lists of real platforms (taken from public platform code), header -> field (None: not a record field).
NATIONAL = {  # national/provincial platform CSV, English "vin" and three times of which one is the sample's
    "vin": "vin", "接入标识_协议种类_协议版本": None, "车辆类型": None, "终端报文采集时间": "ts", "服务器时间": None,
    "终端报文发送时间": None, "转发类型": None, "流水号": None, "车速": "speed", "大气压力": "baro",
    "发动机净输出扭矩": "torque_actual", "摩擦扭矩": "torque_friction", "发动机转速": "rpm",
    "发动机燃料流量": "fuel_rate", "SCR上游NOx传感器输出值": "nox_up", "SCR下游NOx传感器输出值": "nox_down",
    "反应剂余量": "reagent", "进气量": "air_flow",
    "SCR入口温度": "scr_in", "SCR出口温度": "scr_out", "DPF压差": "dpf_dp", "发动机冷却液温度": "coolant",
    "油箱液位": "tank", "定位状态": "gnss_status", "经度": "lon", "纬度": "lat", "累计里程": "odometer"}
JT808 = {  # a JT/T 808 terminal platform's OBD extension names, units in brackets, spaces, its own 水温 column
    "车辆识别码(VIN码)": "vin", "GPS时间": "ts", "转速(rpm)": None, "水温(℃)": None, "仪表车速(km/h)": None,
    "扭矩百分比(%)": "torque_actual", "摩擦扭矩百分比(%)": "torque_friction", "发动机燃料流量(L/h)": "fuel_rate",
    "SCR上游NOx传感器输出值(ppm)": "nox_up", "SCR下游NOx传感器输出值(ppm)": "nox_down", "进气量(kg/h)": "air_flow",
    "SCR 入口温度(℃)": "scr_in", "SCR 出口温度(℃)": "scr_out", "DPF压差(kPa)": "dpf_dp",
    "发动机冷却液温度(℃)": "coolant", "尿素液位(%)": "reagent", "OBD状态(MIL故障灯)": "mil", "仪表总里程(Km)": None,
    "累计里程(Km)": "odometer", "故障码总数": "dtc_count", "故障码信息列表": "dtc_list", "IUPR值": "iupr",
    "OBD诊断协议": "obd_protocol", "标定验证码(CVN)": "cvn", "软件标定识别号": "calid", "发动机转速(rpm)": "rpm",
    "尿素箱温度(℃)": None}
WEB_TABLE = {  # a web platform's history table export, full-width brackets
    "序号": None, "设备号": None, "车牌号": "plate", "车架号（VIN）": "vin", "采集时间": "ts", "行驶里程": "odometer",
    "车速": "speed", "发动机转速": "rpm", "大气压力": "baro", "发动机净输出扭矩": "torque_actual",
    "摩擦扭矩": "torque_friction",
    "发动机燃料流量": "fuel_rate", "SCR上游NOx传感器输出值": "nox_up", "SCR下游NOx传感器输出值": "nox_down",
    "反应剂余量": "reagent", "进气量": "air_flow", "SCR入口温度": "scr_in", "SCR出口温度": "scr_out",
    "DPF压差": "dpf_dp",
    "发动机冷却液温度": "coolant", "油箱液位": "tank", "燃油消耗量": None, "定位状态": "gnss_status", "经度": "lon",
    "纬度": "lat", "海拔": None, "故障指示灯状态": "mil", "故障码个数": "dtc_count", "故障码": "dtc_list", "补传": None}
LOCAL = {  # the variants the issue names: 监控对象, 定位时间, NOx without 值, full-width letters, prefixes, old names
    "监控对象": "vin", "定位时间": "ts", "ＳＣＲ下游ＮＯｘ传感器输出": "nox_down", "SCR上游NOx传感器输出": "nox_up",
    "实际扭矩百分比（%）": "torque_actual", "摩擦扭矩百分比（%）": "torque_friction", "柴油机转速": "rpm",
    "柴油机燃料流量": "fuel_rate", "进气流量": "air_flow", "后处理上游排气温度": "scr_in", "冷却液温度": "coolant",
    "累计行驶里程": "odometer", "OBD_MIL状态": "mil"}


def _cell(field, k, header):
    if field == "ts":
        return (T0 + timedelta(seconds=k)).strftime("%Y-%m-%d %H:%M:%S")
    if field is None:
        return f"x{k}"  # platform extras
    return VALUES[field]


def write_csv(path, headers: dict, n=5, encoding="utf-8"):
    lines = [",".join(headers)] + [",".join(str(_cell(f, k, h)) for h, f in headers.items()) for k in range(n)]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def stored(ws) -> pd.DataFrame:
    with ws.Session() as s:
        paths = list(s.scalars(select(RawPartition.path)))
    return ws.raw.read(paths)


@pytest.mark.parametrize("name,headers", [("national", NATIONAL), ("jt808", JT808), ("web", WEB_TABLE),
                                          ("local", LOCAL)])
def test_other_platforms_exports_import_without_a_profile(ws, tmp_path, name, headers):
    p = write_csv(tmp_path / f"{name}.csv", headers, encoding="gbk")
    rep = import_records(ws, p, allow_missing=[])
    expected = {h: f for h, f in headers.items() if f}
    assert {h: rep.mapping[h] for h in expected} == expected
    assert rep.rows_imported == 5 and rep.rejected == 0
    df = stored(ws)
    for f in set(expected.values()) - {"vin", "ts", "plate"}:
        got = df[f].iloc[0]
        want = VALUES[f]
        assert (got == want) if isinstance(want, str) else got == pytest.approx(want, rel=1e-6), f
    assert rep.missing_key_fields == []


def test_header_normalisation():
    assert normalise_header("车速（km/h）") == normalise_header("车速") == "车速"
    assert normalise_header("SCR下游NOx传感器输出值(ppm)") == normalise_header("ＳＣＲ下游ＮＯｘ传感器输出")
    assert normalise_header("SCR入口温度℃") == normalise_header("SCR 入口温度") == "scr入口温度"
    assert normalise_header("IUPR值") == "iupr"
    m = match_headers(["OBD状态(MIL故障灯)", "OBD状态", "数据流-车速", "故障码", "故障码个数"], record_fields())
    assert m.mapping == {0: "mil", 2: "speed", 3: "dtc_list", 4: "dtc_count"}
    assert m.unknown == ["OBD状态"]  # without the bracket it does not say which lamp


def _rows(n, start, coolant=VALUES["coolant"], water=None):
    out = []
    for k in range(n):
        t = start + timedelta(seconds=k)
        row = {"车辆识别代号": VIN, "数据采集时间": t, "车速": 40.0 + k % 3, "SCR下游NOx传感器输出值": 30.0 + k % 5}
        out.append(row)
    return out


def write_workbook(path, sheets: dict):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        sh = wb.create_sheet(name)
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            sh.append(list(rows[0]))
            for r in rows:
                sh.append(list(r.values()))
        else:
            for r in rows:
                sh.append(r)
    wb.save(path)
    return path


def day_workbook(tmp_path):
    return write_workbook(tmp_path / "三月.xlsx", {
        "说明": [["本文件由平台导出"], ["每个工作表为一天的数据"]],
        "3月1日": _rows(60, datetime(2026, 3, 1, 8)),
        "3月2日": _rows(60, datetime(2026, 3, 2, 8)),
        "3月3日": _rows(60, datetime(2026, 3, 3, 8)),
        "汇总": [["车辆识别代号", "数据采集时间", "车速"], [VIN, datetime(2026, 3, 3, 9), 40.0]],
    })


def test_workbook_every_day_sheet_imports_and_the_others_are_named(ws, tmp_path):
    p = day_workbook(tmp_path)
    rep = import_records(ws, p)
    assert rep.status == "imported" and rep.rows_imported == 180
    got = {x.name: (x.status, x.rows) for x in rep.sheets}
    assert got == {"说明": ("skipped", 0), "3月1日": ("imported", 60), "3月2日": ("imported", 60),
                   "3月3日": ("imported", 60), "汇总": ("skipped", 0)}
    reasons = {x.name: x.reason for x in rep.sheets}
    assert "no VIN or time column" in reasons["说明"]
    assert "differ from sheet “3月1日”" in reasons["汇总"] and "SCR下游NOx传感器输出值" in reasons["汇总"]
    days = pd.to_datetime(stored(ws)["ts"]).dt.day.value_counts().sort_index().to_dict()
    assert days == {1: 60, 2: 60, 3: 60}
    with ws.Session() as s:
        batches = s.scalars(select(ImportBatch).order_by(ImportBatch.id)).all()
        assert [(b.sheet, b.rows_imported) for b in batches] == [("3月1日", 60), ("3月2日", 60), ("3月3日", 60)]
    again = import_records(ws, p)
    assert again.status == "already_imported" and len(stored(ws)) == 180
    assert {x.name: x.status for x in again.sheets}["3月2日"] == "already_imported"


def test_one_sheet_first_then_the_rest_later(ws, tmp_path):
    p = day_workbook(tmp_path)
    one = import_records(ws, p, sheet="3月2日")
    assert one.rows_imported == 60 and [x.name for x in one.sheets if x.status == "imported"] == ["3月2日"]
    rest = import_records(ws, p)
    status = {x.name: x.status for x in rest.sheets}
    assert status["3月2日"] == "already_imported" and status["3月1日"] == status["3月3日"] == "imported"
    assert rest.rows_imported == 120 and len(stored(ws)) == 180
    assert import_records(ws, p).status == "already_imported"
    assert import_records(ws, p, sheet="3月1日").status == "already_imported"


def test_rows_repeated_across_sheets_are_stored_once(ws, tmp_path):
    p = write_workbook(tmp_path / "x.xlsx", {"上午": _rows(30, T0), "补发": _rows(40, T0 + timedelta(seconds=20))})
    rep = import_records(ws, p)
    assert rep.rows_read == 70 and rep.rows_imported == 60 and rep.duplicates == 10
    assert len(stored(ws)) == 60


def test_a_failing_sheet_stores_no_sheet(ws, tmp_path, monkeypatch):
    from dieselwatch.errors import Cancelled
    from dieselwatch.progress import CancelToken

    p = day_workbook(tmp_path)
    token = CancelToken()
    calls = []

    def progress(f, msg):
        calls.append(f)
        if f > 0.6:  # during the commit of a later sheet
            token.cancel()

    with pytest.raises(Cancelled):
        import_records(ws, p, progress=progress, cancel=token)
    with ws.Session() as s:
        assert s.scalars(select(ImportBatch)).all() == [] and s.scalars(select(RawPartition)).all() == []
    assert import_records(ws, p).rows_imported == 180


def conflict_csv(path, water_first=True):
    """水温 (a JT/T 808 extension, mostly empty) before the GB column 发动机冷却液温度."""
    head = ["车辆识别代号", "数据采集时间", "水温", "发动机冷却液温度"]
    lines = [",".join(head if water_first else [head[0], head[1], head[3], head[2]])]
    for k in range(20):
        water = "" if k % 4 else "30"
        gb = str(80 + k % 3)
        lines.append(",".join([VIN, (T0 + timedelta(seconds=k)).strftime("%Y-%m-%d %H:%M:%S")]
                              + ([water, gb] if water_first else [gb, water])))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_standard_column_wins_over_platform_extension_and_the_other_is_reported(ws, tmp_path):
    rep = import_records(ws, conflict_csv(tmp_path / "x.csv"))
    assert rep.mapping["发动机冷却液温度"] == "coolant" and "水温" not in rep.mapping
    (lo,) = rep.left_out_columns
    assert lo["header"] == "水温" and lo["field"] == "coolant" and lo["kept"] == "发动机冷却液温度"
    assert "standard (GB 17691) name" in lo["reason"]
    assert "水温" not in rep.unknown_columns
    assert stored(ws)["coolant"].tolist()[:3] == [80, 81, 82]


def test_profile_overrides_the_standard_name(ws, tmp_path):
    rep = import_records(ws, conflict_csv(tmp_path / "x.csv"), profile={"水温": "coolant"})
    assert rep.mapping["水温"] == "coolant"
    assert rep.left_out_columns[0]["header"] == "发动机冷却液温度"
    assert "mapping gives coolant to 水温" in rep.left_out_columns[0]["reason"]


def test_two_platform_names_the_one_with_more_valid_values_wins(tmp_path):
    from dieselwatch.ingest.tables import open_table

    p = tmp_path / "x.csv"
    lines = ["车辆识别代号,数据采集时间,冷却液温度,发动机水温"]
    for k in range(30):
        first = "FF" if k % 3 else "85"  # mostly invalid
        lines.append(f"{VIN},2026-03-01 08:00:{k:02d},{first},{80 + k % 4}")
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t = open_table(p, record_fields(), ("vin", "ts"))
    assert t.mapping[3] == "coolant" and 2 not in t.mapping
    assert t.left_out[0].header == "冷却液温度"
    assert "more valid values in the first 30 rows (30 against 10)" in t.left_out[0].reason


def test_monitored_object_holding_plates_loses_the_vin_to_the_vin_column(tmp_path):
    from dieselwatch.ingest.tables import open_table

    p = tmp_path / "x.csv"
    lines = ["监控对象,定位时间,车速,车辆识别号"] + [f"鲁A1234{k},2026-03-01 08:00:0{k},40,{VIN}" for k in range(5)]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t = open_table(p, record_fields(), ("vin", "ts"))
    assert t.mapping == {1: "ts", 2: "speed", 3: "vin"}
    assert t.left_out[0].header == "监控对象" and "no valid value" in t.left_out[0].reason


def test_an_empty_standard_column_does_not_win(tmp_path):
    from dieselwatch.ingest.tables import open_table

    p = tmp_path / "x.csv"
    lines = ["车辆识别代号,数据采集时间,发动机冷却液温度,水温"] + [
        f"{VIN},2026-03-01 08:00:{k:02d},,{80 + k % 4}" for k in range(10)]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t = open_table(p, record_fields(), ("vin", "ts"))
    assert t.mapping[3] == "coolant" and "no valid value" in t.left_out[0].reason


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_refuses_missing_key_fields_with_exit_3_and_names_them(capsys, tmp_path):
    home = str(tmp_path / "h")
    headers = {h: f for h, f in NATIONAL.items() if f not in ("nox_up", "coolant")}
    p = write_csv(tmp_path / "no_up.csv", headers)
    code, err, _ = run(capsys, "--home", home, "import", str(p))
    assert code == 3 and "NOT imported" in err
    assert "SCR上游NOx传感器输出值 (nox_up)" in err and "发动机冷却液温度 (coolant)" in err
    assert "SCR conversion efficiency" in err and "NOx is not judged at all" in err
    assert "--allow-missing nox_up coolant" in err
    code, out, _ = run(capsys, "--home", home, "imports", "--json")
    assert json.loads(out)["batches"] == []  # nothing stored
    code, err, _ = run(capsys, "--home", home, "import", str(p), "--allow-missing", "nox_up")
    assert code == 3 and "coolant" in err and "(nox_up)" not in err
    code, out, _ = run(capsys, "--home", home, "import", str(p), "--allow-missing", "nox_up", "coolant", "--json")
    assert code == 0
    f = json.loads(out)["files"][0]
    assert f["missing_key_fields"] == f["allowed_missing"] == ["nox_up", "coolant"]
    code, out, _ = run(capsys, "--home", home, "imports", "--json")
    assert json.loads(out)["batches"][0]["missing_key_fields"] == ["nox_up", "coolant"]
    code, _, err = run(capsys, "--home", home, "import", str(p), "--allow-missing", "nox_upp")
    assert code == 3 and "nox_upp" in err


def test_key_field_present_but_never_valid_is_missing(ws, tmp_path):
    headers = dict(NATIONAL)
    p = tmp_path / "x.csv"
    lines = [",".join(headers)]
    for k in range(5):
        cells = [str(_cell(f, k, h)) for h, f in headers.items()]
        cells[list(headers).index("SCR下游NOx传感器输出值")] = ["无效", "FFFF", "", "-200", "3212.75"][k]
        lines.append(",".join(cells))
    p.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    with pytest.raises(KeyFieldsMissing) as e:
        import_records(ws, p, allow_missing=[])
    assert e.value.empty == ["nox_down"] and e.value.unmapped == []
    rep = import_records(ws, p, allow_missing=["all"])
    assert rep.missing_key_fields == ["nox_down"] and rep.rows_imported == 5


def test_nox_minus_200_is_sensor_not_ready_not_a_measurement(ws, tmp_path):
    p = tmp_path / "x.csv"
    lines = ["车辆识别代号,数据采集时间,SCR上游NOx传感器输出值,SCR下游NOx传感器输出值,发动机净输出扭矩"]
    vals = [("-200", "-200", "-100"), ("-199.95", "-200.0", "-50"), ("400", "35", "-125"), ("-200", "12", "20")]
    for k, (up, down, tq) in enumerate(vals):
        lines.append(f"{VIN},2026-03-01 08:00:0{k},{up},{down},{tq}")
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rep = import_records(ws, p)
    df = stored(ws)
    assert np.isnan(df["nox_up"].to_numpy()).tolist() == [True, False, False, True]
    assert df["nox_up"].iloc[1] == pytest.approx(-199.95)  # a reading just above: kept
    assert np.isnan(df["nox_down"].to_numpy()).tolist() == [True, True, False, False]
    assert df["torque_actual"].tolist() == [-100, -50, -125, 20]  # -200 means nothing special elsewhere
    assert rep.invalid_values["SCR上游NOx传感器输出值"]["not_ready"] == 2
    assert rep.invalid_values["SCR下游NOx传感器输出值"]["not_ready"] == 2


def test_gbk_invalid_markers_under_pandas3_str_columns(ws, tmp_path):
    """pandas 3 reads a numeric column holding text as its "str" dtype, not object: 无效 and 异常 are markers
    (missing), other text is "not a number" and shown as written, never as ÎÞÐ§."""
    from dieselwatch.ingest.tables import iter_chunks, open_table

    assert pd.api.types.is_string_dtype(pd.Series(["a"])) and pd.Series(["a"]).dtype != object  # pandas 3 str
    p = tmp_path / "gbk.csv"
    lines = ["车牌号,车辆识别代号,数据采集时间,SCR下游NOx传感器输出值(ppm),反应剂余量(%)"]
    cells = [("120.5", "60"), ("无效", "60"), ("异常", "无效"), ("传感器故障", "60"), ("  FFFF ", "61")]
    for k, (nox, urea) in enumerate(cells):
        lines.append(f"鲁A12345,{VIN},2026-03-01 08:00:0{k},{nox},{urea}")
    p.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    t = open_table(p, record_fields(), ("vin", "ts"))
    assert t.encoding == "gbk"
    (_first, chunk), = iter_chunks(t, 1000, {"vin", "plate", "ts"})
    assert "ÎÞÐ§" not in chunk.astype(str).to_numpy().ravel().tolist()
    rep = import_records(ws, p)
    nox = rep.invalid_values["SCR下游NOx传感器输出值(ppm)"]
    assert nox["missing"] == 3 and nox["not_a_number"] == 1  # 无效, 异常, FFFF; 传感器故障
    assert rep.invalid_values["反应剂余量(%)"]["missing"] == 1
    assert [(x["row"], x["value"]) for x in rep.invalid_examples] == [(5, "传感器故障")]
    assert rep.coverage[0]["rows"] == 5
    with ws.Session() as s:
        assert s.scalars(select(ImportBatch)).one().sheet == ""


def test_a_csv_cannot_be_recorded_twice_even_by_a_second_writer(ws, tmp_path):
    """The re-import key holds for a CSV too: its sheet is "" in the unique key, never NULL (NULLs never
    collide)."""
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), ws.Session.begin() as s:
        for _ in range(2):
            s.add(ImportBatch(kind="records", file_name="a.csv", file_hash="ab" * 32, file_size=1, sheet=None,
                              imported_at=datetime.now(), imported_by="x", rows_read=0, rows_imported=0,
                              duplicates=0, rejected=0, report={}))
            s.flush()


def test_not_a_monitoring_export_says_what_was_recognised(ws, tmp_path):
    p = tmp_path / "名单.csv"
    p.write_text("序号,姓名,地址\n1,张三,济南\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        import_records(ws, p)
    assert "is not a monitoring export: no VIN or time column and no other known column" in str(e.value)
    p = tmp_path / "登记.csv"
    p.write_text(f"车辆识别代号,车牌号,车主,发动机型号,基准扭矩\n{VIN},鲁A12345,王五,WP13,2100\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        import_records(ws, p)
    msg = str(e.value)
    assert "no 数据采集时间 (ts) column found" in msg and "recognised: 车辆识别代号 (vin), 车牌号 (plate)" in msg
    assert "looks like a vehicle registry" in msg


def test_monitoring_export_given_as_registry_is_refused(ws, tmp_path):
    from dieselwatch.services.registry import import_registry

    p = write_csv(tmp_path / "records.csv", WEB_TABLE)
    with pytest.raises(InputError) as e:
        import_registry(ws, p)
    assert "is a monitoring export" in str(e.value) and "dieselwatch import" in str(e.value)


def test_raw_pieces_written_before_a_field_was_added_still_read(ws, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rel = f"{VIN}/2026-03/old.parquet"
    (ws.raw.root / rel).parent.mkdir(parents=True)
    pq.write_table(pa.table({"ts": pa.array([T0], pa.timestamp("s")), "speed": pa.array([1.0], pa.float32())}),
                   ws.raw.root / rel)
    df = ws.raw.read([rel])
    assert df["speed"].tolist() == [1.0] and df["dtc_list"].isna().all()
    assert ws.raw.read([rel], columns=["ts", "iupr"])["iupr"].isna().all()


def test_migration_keys_batches_by_sheet_and_keeps_old_ones(tmp_path):
    """A database of the previous release: its CSV batch (sheet NULL) becomes "", still blocks a second copy
    of the same file, and a workbook's other sheets can now be recorded."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from dieselwatch.storage.db import make_engine, migrate, upgrade

    eng = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    upgrade(eng, "0003")
    row = ("INSERT INTO import_batches (kind, file_name, file_hash, file_size, encoding, sheet, imported_at, "
           "imported_by, rows_read, rows_imported, duplicates, rejected, report) VALUES "
           "('records', :name, :hash, 1, NULL, :sheet, '2026-03-01 00:00:00', 'x', 1, 1, 0, 0, '{}')")
    with eng.begin() as c:
        c.execute(text(row), {"name": "a.csv", "hash": "a" * 64, "sheet": None})
        c.execute(text(row), {"name": "b.xlsx", "hash": "b" * 64, "sheet": "3月1日"})
    migrate(eng, tmp_path / "bk")
    with eng.begin() as c:
        assert c.execute(text("SELECT sheet FROM import_batches ORDER BY id")).scalars().all() == ["", "3月1日"]
        c.execute(text(row), {"name": "b.xlsx", "hash": "b" * 64, "sheet": "3月2日"})
    for name, h, sheet in (("a.csv", "a" * 64, ""), ("b.xlsx", "b" * 64, "3月1日")):
        with pytest.raises(IntegrityError), eng.begin() as c:
            c.execute(text(row), {"name": name, "hash": h, "sheet": sheet})
    eng.dispose()


@pytest.mark.postgres
def test_workbook_sheets_on_postgres(pg_ws, tmp_path):
    p = day_workbook(tmp_path)
    assert import_records(pg_ws, p, sheet="3月1日").rows_imported == 60
    rep = import_records(pg_ws, p)
    assert rep.rows_imported == 120 and import_records(pg_ws, p).status == "already_imported"
    with pg_ws.Session() as s:
        assert sorted(s.scalars(select(ImportBatch.sheet))) == ["3月1日", "3月2日", "3月3日"]
