"""Samples out (dieselwatch samples): what was stored, read back from the JSON, the workbook and the CSV, and
compared with the export that was imported."""

import json
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from exports import V1, V2, days, frame, write
from openpyxl import load_workbook

from dieselwatch.cli import main
from dieselwatch.errors import InputError
from dieselwatch.services.imports import import_records
from dieselwatch.services.samples import vehicle_samples, write_samples

# The export's headers and the fields they map to (resources/columns.csv).
FIELDS = {"车速(km/h)": "speed", "发动机转速(rpm)": "rpm", "发动机净输出扭矩(%)": "torque_actual",
          "摩擦扭矩(%)": "torque_friction", "发动机冷却液温度(℃)": "coolant", "SCR入口温度(℃)": "scr_in",
          "SCR上游NOx传感器输出值(ppm)": "nox_up", "SCR下游NOx传感器输出值(ppm)": "nox_down",
          "反应剂余量(%)": "reagent",
          "进气量(kg/h)": "air_flow", "发动机燃料流量(L/h)": "fuel_rate", "累计里程(km)": "odometer"}


@pytest.fixture()
def imported(ws, tmp_path):
    """Two days of V1 (with an invalid-value code, an empty cell and 无效 planted) and a day of V2."""
    f = frame(V1, days("2026-10-01", 2)).astype(dict.fromkeys(FIELDS, object))
    f.loc[5, "SCR下游NOx传感器输出值(ppm)"] = "3012.75"  # the sensor's invalid code
    f.loc[6, "反应剂余量(%)"] = ""
    f.loc[7, "SCR入口温度(℃)"] = "无效"
    p = write(tmp_path / "export.csv", [f, frame(V2, days("2026-10-01", 1))], encoding="gbk")
    import_records(ws, p)
    return ws, f


def expected(f: pd.DataFrame) -> pd.DataFrame:
    """The export as it should be stored: numbers, invalid markers missing."""
    out = pd.DataFrame({"ts": pd.to_datetime(f["数据采集时间"])})
    for h, name in FIELDS.items():
        out[name] = pd.to_numeric(f[h], errors="coerce")
    out.loc[out["nox_down"] > 3000, "nox_down"] = np.nan
    return out.reset_index(drop=True)


def check(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert len(got) == len(want)
    assert (pd.to_datetime(got["ts"]).to_numpy() == want["ts"].to_numpy()).all()
    for name in FIELDS.values():
        g, w = got[name].to_numpy(dtype="float64", na_value=np.nan), want[name].to_numpy(dtype="float64")
        assert (np.isnan(g) == np.isnan(w)).all(), name
        assert np.allclose(g[~np.isnan(g)], w[~np.isnan(w)], rtol=0, atol=1e-9), name


def test_service_returns_what_was_imported(imported):
    ws, f = imported
    vs = vehicle_samples(ws, V1.lower(), date(2026, 10, 1), date(2026, 10, 2))
    assert vs.vin == V1 and vs.rows == 7200
    check(vs.frame, expected(f))
    assert [c.header for c in vs.columns[:3]] == ["数据采集时间", "车辆识别代号", "车速(km/h)"]
    assert {c.field: c.header for c in vs.columns}["scr_in"] == "SCR入口温度(℃)"
    one_day = vehicle_samples(ws, V1, date(2026, 10, 2), date(2026, 10, 2))
    assert one_day.rows == 3600 and one_day.frame["ts"].min() == datetime(2026, 10, 2, 8)


def test_json_output(imported, capsys):
    ws, f = imported
    home = str(ws.home.root)
    assert main(["--home", home, "samples", V1, "--from", "2026-10-01", "--to", "2026-10-02", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["vin"] == V1 and doc["rows"] == 7200
    assert {"field": "nox_down", "header": "SCR下游NOx传感器输出值(ppm)", "unit": "ppm"} in doc["columns"]
    got = pd.DataFrame(doc["samples"])
    assert got.loc[0, "ts"] == "2026-10-01 08:00:00"  # Beijing time, as in the export
    assert doc["samples"][5]["nox_down"] is None and doc["samples"][6]["reagent"] is None
    assert doc["samples"][7]["scr_in"] is None and doc["samples"][0]["calid"] is None
    check(got, expected(f))
    # Values keep the digits they were written with, not float32 noise.
    assert doc["samples"][0]["nox_down"] == float(f.loc[0, "SCR下游NOx传感器输出值(ppm)"])


def test_xlsx_and_csv_read_back_equal_the_export(imported, tmp_path):
    ws, f = imported
    vs = vehicle_samples(ws, V1, date(2026, 10, 1), date(2026, 10, 2))
    names = {c.header: c.field for c in vs.columns}
    (tmp_path / "out").mkdir()
    x = write_samples(vs, tmp_path / "out" / "v1.xlsx")
    wb = load_workbook(x)
    sh = wb[V1]
    assert sh.freeze_panes == "A2" and sh.column_dimensions["A"].width >= 19
    rows = list(sh.iter_rows(values_only=True))
    assert rows[0][:3] == ("数据采集时间", "车辆识别代号", "车速(km/h)") and len(rows) == 7201
    assert isinstance(rows[1][0], datetime) and rows[1][0] == datetime(2026, 10, 1, 8)
    check(pd.DataFrame(rows[1:], columns=rows[0]).rename(columns=names), expected(f))
    c = write_samples(vs, tmp_path / "v1.csv")
    assert c.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    back = pd.read_csv(c, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    assert list(back.columns) == [c.header for c in vs.columns]
    check(back.rename(columns=names), expected(f))


def test_written_csv_imports_again_as_the_same_samples(imported, tmp_path):
    """The columns are named as exports name them: the file is itself an export DieselWatch reads."""
    from dieselwatch.workspace import Workspace

    ws, f = imported
    out = write_samples(vehicle_samples(ws, V1, date(2026, 10, 1), date(2026, 10, 2)), tmp_path / "v1.csv")
    other = Workspace.open(home=str(tmp_path / "other"), user="tester")
    try:
        rep = import_records(other, out)
        assert rep.rows_imported == 7200 and rep.rejected == 0
        check(vehicle_samples(other, V1, date(2026, 10, 1), date(2026, 10, 2)).frame, expected(f))
    finally:
        other.close()


def test_refuses_to_overwrite_unless_forced(imported, tmp_path, capsys):
    ws, _ = imported
    home, out = str(ws.home.root), tmp_path / "v2.xlsx"
    out.write_text("an officer's own file")
    args = ["--home", home, "samples", V2, "--from", "2026-10-01", "--to", "2026-10-01", "--out", str(out)]
    assert main(args) == 3
    assert "already exists" in capsys.readouterr().err and out.read_text() == "an officer's own file"
    assert main([*args, "--force"]) == 0
    assert load_workbook(out)[V2].max_row == 3601
    assert not list(tmp_path.glob("*.tmp"))


def test_unknown_vin_and_empty_range_are_explained(imported, capsys):
    ws, _ = imported
    with pytest.raises(InputError, match="no vehicle with VIN LZZ00000000000000"):
        vehicle_samples(ws, "LZZ00000000000000", date(2026, 10, 1), date(2026, 10, 2))
    with pytest.raises(InputError, match="stored samples run from 2026-10-01 to 2026-10-02"):
        vehicle_samples(ws, V1, date(2026, 11, 1), date(2026, 11, 30))
    with pytest.raises(InputError, match="ends"):
        vehicle_samples(ws, V1, date(2026, 10, 2), date(2026, 10, 1))
    assert main(["--home", str(ws.home.root), "samples", V1, "--from", "2026-12-01", "--to", "2026-12-02"]) == 3
    assert "no samples of" in capsys.readouterr().err
    with pytest.raises(InputError, match=r"\.xlsx or \.csv"):
        write_samples(vehicle_samples(ws, V1, date(2026, 10, 1), date(2026, 10, 1)), ws.home.root / "x.txt")


def test_text_output_is_a_table(imported, capsys):
    ws, _ = imported
    assert main(["--home", str(ws.home.root), "samples", V2, "--from", "2026-10-01", "--to", "2026-10-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[:2] == ["数据采集时间", "车辆识别代号"] and len(lines) == 3601
    assert lines[1].startswith("2026-10-01 08:00:00\t" + V2)



def test_samples_of_any_period_and_out_to_a_missing_folder(tmp_path, capsys):
    """0001-01-01..9999-12-31 means everything stored (once an OverflowError); --out into a folder that does not
    exist is a message and exit 3, as for every --out, not a folder silently created."""
    from dieselwatch.cli import main

    home = str(tmp_path / "h")
    assert main(["--home", home, "demo", "--out", str(tmp_path / "d"), "--vehicles", "1", "--days", "1",
                 "--load"]) == 0
    import json as _json

    vin = _json.loads((tmp_path / "d" / "manifest.json").read_text(encoding="utf-8"))["vehicles"][0]["vin"]
    capsys.readouterr()
    assert main(["--home", home, "samples", vin, "--from", "0001-01-01", "--to", "9999-12-31", "--json"]) == 0
    assert _json.loads(capsys.readouterr().out)["rows"] > 0
    code = main(["--home", home, "samples", vin, "--from", "2026-10-01", "--to", "2026-10-01", "--out",
                 str(tmp_path / "nowhere" / "x.xlsx")])
    assert code == 3 and "does not exist" in capsys.readouterr().err and not (tmp_path / "nowhere").exists()
