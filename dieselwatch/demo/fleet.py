"""A realistic synthetic export set following docs/domain.md.

Each vehicle drives 1 Hz trips: cold starts (coolant and SCR from ambient), SCR warm-up with load, urban and
highway segments, upstream NOx following load and SCR efficiency following inlet temperature. Planted
behaviours are listed in manifest.json with the proposal a fair judgement should reach. Exports carry the
quirks of real platform exports: title rows, units in headers, GBK, sentinels, re-sent and duplicate rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from dieselwatch.ingest.vin import with_check_digit
from dieselwatch.messages import Msg

BEHAVIOURS = {
    # name: (description, the proposal a fair judgement should reach)
    "clean": ("Working SCR, complete reporting", "white"),
    "high_emitter": ("SCR fault: conversion efficiency about 25 % when hot", "black"),
    "reagent_empty": ("Reagent tank reported empty while driving", "black"),
    "reagent_frozen": ("Reagent level never falls while the engine works (emulator)", "black"),
    "down_stuck_zero": ("Downstream NOx stuck at zero under load", "black"),
    "down_stuck_const": ("Downstream NOx stuck at a constant value", "black"),
    "down_gt_up": ("Downstream NOx above upstream when hot", "black"),
    "mil_dtc": ("MIL on with diagnostic trouble codes: a defect to repair, not an emission or tamper finding", "watch"),
    "offline": ("Drives every day but its terminal sends nothing on the middle days (odometer moves on)", "not white"),
    "gappy": ("Loses 15 % of its packets and has outages inside trips", "not white"),
    "cold_urban": ("Slow urban duty: SCR inlet stays below 250 degC, high raw ppm but no valid exceedance",
                   "not black"),
    "parked": ("Parked on the middle days: no records, odometer and position unchanged (not a fault)", "not black"),
    "emulated_nox": ("Emulated tailpipe NOx: plausible 20-50 ppm that ignores load and upstream NOx, reagent level "
                     "falling far slower than the fuel burnt asks for", "black"),
    "reagent_starved": ("Reagent dosing starved: the level falls at a sixth of the rate its peers' does", "black"),
}
# With few vehicles, the most instructive behaviours first.
PRIORITY = ["clean", "high_emitter", "cold_urban", "reagent_frozen", "offline", "down_stuck_zero", "gappy",
            "mil_dtc", "down_gt_up", "reagent_empty", "down_stuck_const", "parked", "emulated_nox", "reagent_starved"]
TAMPER_OR_EMISSION = [b for b, (_, p) in BEHAVIOURS.items() if p == "black"]

# (model, reference torque N m, rated power kW, WHTC reference work kWh). The last model's registry rows lack
# rated power and WHTC work, as real registries sometimes do: its trucks are judged by fixed time windows.
ENGINES = [("WP13.550E62", 2550.0, 405.0, 30.0), ("YCK11450-60", 2100.0, 331.0, 25.0),
           ("MC11.44-60", 2100.0, 324.0, 24.5), ("D12.42-60", 2000.0, 309.0, 23.5),
           ("WP10H.400E62", 1900.0, 294.0, 22.0), ("CA6DM3-50E6", 2400.0, None, None)]
COUNTIES = ["历城区", "章丘区", "长清区", "平阴县", "商河县", "济阳区", "莱芜区", "钢城区"]
COMPANY = ["鲁通", "齐运", "泉城", "华骏", "恒达", "顺丰源", "金桥", "远航", "鑫泰", "宏运", "东岳", "黄河"]
SURNAMES = ["张", "王", "李", "赵", "刘", "陈", "杨", "孙", "周", "吴"]
WMI = ["LFW", "LZZ", "LGA", "LRD", "LFN", "LJC"]

CSV_HEADERS = {
    "plate": "车牌号", "vin": "车辆识别代号", "ts": "数据采集时间", "speed": "车速(km/h)", "baro": "大气压力(kPa)",
    "torque_actual": "发动机净输出扭矩(%)", "torque_friction": "摩擦扭矩(%)", "rpm": "发动机转速(rpm)",
    "fuel_rate": "发动机燃料流量(L/h)", "nox_up": "SCR上游NOx传感器输出值(ppm)",
    "nox_down": "SCR下游NOx传感器输出值(ppm)", "reagent": "反应剂余量(%)", "air_flow": "进气量(kg/h)",
    "scr_in": "SCR入口温度(℃)", "scr_out": "SCR出口温度(℃)", "dpf_dp": "DPF压差(kPa)",
    "coolant": "发动机冷却液温度(℃)", "tank": "油箱液位(%)", "gnss_status": "定位状态", "lon": "经度", "lat": "纬度",
    "odometer": "累计里程(km)", "mil": "MIL状态", "dtc_count": "故障码总数", "calid": "软件标定识别号",
    "cvn": "标定验证码",
}
XLSX_HEADERS = {  # another platform's aliases: the importer must map both
    "vin": "车架号", "plate": "号牌号码", "ts": "采集时间", "speed": "车速", "torque_actual": "实际扭矩百分比",
    "torque_friction": "摩擦扭矩百分比", "rpm": "发动机转速", "fuel_rate": "发动机燃料流量",
    "nox_up": "后处理上游氮氧浓度",
    "nox_down": "后处理下游氮氧浓度", "reagent": "尿素箱液位", "air_flow": "进气流量", "scr_in": "后处理上游排气温度",
    "scr_out": "后处理下游排气温度", "coolant": "冷却液温度", "lon": "经度", "lat": "纬度", "odometer": "总行驶里程",
}
RESOLUTION = {"speed": 1 / 256, "baro": 0.5, "torque_actual": 1, "torque_friction": 1, "rpm": 0.125, "fuel_rate": 0.05,
              "nox_up": 0.05, "nox_down": 0.05, "reagent": 0.4, "air_flow": 0.05, "scr_in": 0.03125,
              "scr_out": 0.03125, "dpf_dp": 0.1, "coolant": 1, "tank": 0.4, "odometer": 0.1}


@dataclass
class DemoVehicle:
    vin: str
    plate: str
    behaviour: str
    owner: str
    county: str
    engine_model: str
    ref_torque_nm: float
    rated_power_kw: float | None
    whtc_work_kwh: float | None
    calid: str
    cvn: str


def make_vehicles(n: int, rng: np.random.Generator) -> list[DemoVehicle]:
    if n <= len(PRIORITY):
        behaviours = PRIORITY[:n]
    else:  # one of each, then 60 % clean and the rest cycling through the faults
        others = [b for b in PRIORITY if b != "clean"]
        behaviours = list(PRIORITY)
        for i in range(n - len(PRIORITY)):
            behaviours.append("clean" if rng.random() < 0.6 else others[i % len(others)])
    out, plates = [], set()
    for b in behaviours:
        body = rng.choice(WMI) + "".join(rng.choice(list("ABCDEFGHJKLMNPRSTUVWXYZ0123456789"), 5)) + "0" + \
            "R" + "".join(rng.choice(list("0123456789"), 7))
        vin = with_check_digit(body[:17])
        while True:
            plate = "鲁" + str(rng.choice(list("ABCDEFGHJKLMNPQRSUV"))) \
                + "".join(rng.choice(list("0123456789ABCDEFGHJK"), 5))
            if plate not in plates:
                plates.add(plate)
                break
        eng, tref, rated, whtc = ENGINES[int(rng.integers(len(ENGINES)))]
        owner = f"济南{rng.choice(COMPANY)}{rng.choice(['物流', '运输', '货运'])}有限公司" if rng.random() < 0.8 \
            else f"{rng.choice(SURNAMES)}{rng.choice(['伟', '强', '磊', '军', '勇', '杰'])}"
        out.append(DemoVehicle(vin, plate, b, owner, str(rng.choice(COUNTIES)), eng, tref, rated, whtc,
                               f"CAL{eng[:4]}{int(rng.integers(100, 999))}", f"{int(rng.integers(0, 2**32)):08X}"))
    return out


def _q(x: np.ndarray, res: float) -> np.ndarray:
    return np.round(np.round(x / res) * res, 6)  # 6 decimals: no 8.200000000000001 in the export


def _trip(rng: np.random.Generator, seconds: int, highway: bool, gentle: bool, t0_cool: float, t0_scr: float):
    """One trip's physical signals at 1 Hz."""
    seg_len = rng.integers(20, 240, size=seconds // 20 + 2)
    if highway:
        targets = rng.uniform(60, 88, size=len(seg_len))
        targets[rng.random(len(seg_len)) < 0.08] = rng.uniform(20, 45)
    else:
        top = 28 if gentle else 45
        targets = rng.uniform(10, top, size=len(seg_len))
        targets[rng.random(len(seg_len)) < 0.35] = 0.0  # lights and jams
    target = np.repeat(targets, seg_len)[:seconds]
    target[:30] = 0  # idle after start
    target[-20:] = 0
    speed = pd.Series(target).ewm(alpha=0.04 if highway else 0.07, adjust=False).mean().to_numpy()
    speed = np.clip(speed + rng.normal(0, 0.3, seconds), 0, None)
    speed[speed < 0.8] = 0
    accel = np.diff(speed, prepend=speed[0])
    load = np.clip(0.08 + 0.0055 * speed + 0.9 * accel + rng.normal(0, 0.04, seconds), 0, 1)
    if gentle:
        load *= 0.55
    motoring = accel < -0.35
    load[motoring] = 0
    rpm = np.where(speed < 1, 650 + rng.normal(0, 8, seconds),
                   950 + 9 * (speed % 20) + 550 * load + rng.normal(0, 15, seconds))
    fric = 9 + 2.5 * rpm / 2000
    act = np.where(motoring, 0.0, fric + load * 78)
    t = np.arange(seconds)
    coolant = 88 - (88 - t0_cool) * np.exp(-t / 420)
    load_s = pd.Series(load).ewm(alpha=1 / 60, adjust=False).mean().to_numpy()
    scr_target = (105 + 170 * load_s) if gentle else (150 + 360 * load_s)
    scr = pd.Series(np.r_[t0_scr, scr_target]).ewm(alpha=1 / (240 if gentle else 150),
                                                   adjust=False).mean().to_numpy()[1:]
    if gentle:
        scr = np.minimum(scr, 232 + rng.normal(0, 2, seconds))
    scr_out = pd.Series(scr).ewm(alpha=1 / 40, adjust=False).mean().to_numpy() - 12
    up = np.clip(140 + 1050 * load + rng.normal(0, 25, seconds), 20, None)
    up[motoring] = rng.uniform(10, 40, int(motoring.sum()))
    eta = np.clip((scr - 165) / 85, 0, 1) * 0.96  # light-off near 170 degC, about 95 % from 250 degC
    fuel = np.clip(1.6 + 52 * load + rng.normal(0, 0.4, seconds), 0.4, None)
    fuel[motoring] = 0.0
    air = np.clip(110 + 950 * load * rpm / 1500 + rng.normal(0, 8, seconds), 60, None)
    return dict(speed=speed, rpm=rpm, torque_friction=fric, torque_actual=act, coolant=coolant, scr_in=scr,
                scr_out=scr_out, nox_up=up, eta=eta, fuel_rate=fuel, air_flow=air, load=load)


def vehicle_days(v: DemoVehicle, start: date, days: int, minutes_per_day: int, seed: int) -> pd.DataFrame:
    """All of one vehicle's records for the period, in the order the platform exported them."""
    rng = np.random.default_rng(seed)
    b = v.behaviour
    lat, lon = 36.4 + rng.uniform(0, 0.5), 116.8 + rng.uniform(0, 0.7)
    heading = rng.uniform(0, 2 * np.pi)
    odo = rng.uniform(8000, 300000)
    reagent = rng.uniform(45, 90)
    tank = rng.uniform(40, 95)
    frames = []
    # offline: drives on, unreported, from the second day to the day before the last; parked: stands still then.
    quiet = set(range(1, days - 1)) if b in ("offline", "parked") and days >= 3 else set()
    for d in range(days):
        if d in quiet and b == "parked":
            continue
        day0 = datetime.combine(start + timedelta(days=d), datetime.min.time())
        n_trips = int(rng.integers(1, 3)) if minutes_per_day >= 40 else 1  # short days: one trip, so the SCR warms
        budget = int(minutes_per_day * 60 * rng.uniform(0.85, 1.15))
        starts = sorted(rng.uniform(6 * 3600, 19 * 3600, n_trips))
        t_cursor = 0.0
        for k in range(n_trips):
            secs = max(300, budget // n_trips)
            begin = max(starts[k], t_cursor + 1800)
            t_cursor = begin + secs
            highway = b != "cold_urban" and rng.random() < 0.65
            amb = rng.uniform(5, 22)
            sig = _trip(rng, secs, highway, b == "cold_urban", amb, amb + 5)
            n = secs
            up = sig["nox_up"]
            eta = sig["eta"]
            if b == "high_emitter":
                eta = eta * 0.25
            down = up * (1 - eta) + rng.normal(0, 4, n)
            if b == "down_gt_up":
                down = np.where(sig["scr_in"] > 230, up * 1.3 + 40, down)
            elif b == "down_stuck_zero":
                down = np.zeros(n)
            elif b == "down_stuck_const":
                down = np.full(n, 45.25)
            elif b == "emulated_nox":  # a slow, plausible wander that knows nothing of load or upstream NOx
                phase = rng.uniform(0, 2 * np.pi)
                down = 35 + 12 * np.sin(np.arange(n) / rng.uniform(500, 900) + phase) + rng.normal(0, 1.5, n)
            down = np.clip(down, -5, 3000)
            fuel_l = np.cumsum(sig["fuel_rate"]) / 3600.0
            if reagent < 15:
                reagent = rng.uniform(85, 98)  # refilled at the depot before the trip
            dosing = {"reagent_starved": 1 / 6, "emulated_nox": 1 / 8}.get(b, 1.0)
            level = reagent - fuel_l * 0.045 * dosing / 55.0 * 100 + rng.normal(0, 0.25, n)
            reagent = float(level[-1])
            if b == "reagent_empty":
                level = np.zeros(n)
            elif b == "reagent_frozen":
                level = np.full(n, 72.0)
            tank_l = tank - fuel_l / 6.0
            tank = float(tank_l[-1]) if tank_l[-1] > 20 else rng.uniform(80, 98)
            heading_t = heading + np.cumsum(rng.normal(0, 0.01, n))
            step_km = sig["speed"] / 3600.0
            lat_t = lat + np.cumsum(step_km * np.cos(heading_t)) / 111.0
            lon_t = lon + np.cumsum(step_km * np.sin(heading_t)) / (111.0 * np.cos(np.radians(lat)))
            lat, lon, heading = float(lat_t[-1]), float(lon_t[-1]), float(heading_t[-1])
            odo_t = odo + np.cumsum(step_km)
            odo = float(odo_t[-1])
            ts = np.datetime64(day0 + timedelta(seconds=float(int(begin)))) + np.arange(n).astype("timedelta64[s]")
            if d in quiet:  # offline while driving: the trip happened, nothing reached the platform
                continue
            frames.append({
                "ts": ts,
                "speed": sig["speed"], "baro": np.full(n, 100.5), "torque_actual": sig["torque_actual"],
                "torque_friction": sig["torque_friction"], "rpm": sig["rpm"], "fuel_rate": sig["fuel_rate"],
                "nox_up": up, "nox_down": down, "reagent": np.clip(level, 0, 100), "air_flow": sig["air_flow"],
                "scr_in": sig["scr_in"], "scr_out": sig["scr_out"], "dpf_dp": 1.5 + 9 * sig["load"],
                "coolant": sig["coolant"], "tank": np.clip(tank_l, 0, 100), "gnss_status": 0,
                "lon": np.round(lon_t, 6), "lat": np.round(lat_t, 6), "odometer": odo_t,
            })
    if not frames:
        return pd.DataFrame(columns=list(CSV_HEADERS))
    # One DataFrame per vehicle, not per trip: building frames dominated generation time.
    cols = {k: np.concatenate([np.broadcast_to(f[k], len(f["ts"])) for f in frames]) for k in frames[0]}
    n_all = len(cols["ts"])
    df = pd.DataFrame({"plate": np.full(n_all, v.plate, dtype=object), "vin": np.full(n_all, v.vin, dtype=object),
                       **cols, "mil": np.full(n_all, 1 if b == "mil_dtc" else 0),
                       "dtc_count": np.full(n_all, 2 if b == "mil_dtc" else 0),
                       "calid": np.full(n_all, v.calid, dtype=object), "cvn": np.full(n_all, v.cvn, dtype=object)})
    for col, res in RESOLUTION.items():
        df[col] = _q(df[col].to_numpy(dtype="float64"), res)
    return _transmission(df, rng, gappy=b == "gappy")


def _transmission(df: pd.DataFrame, rng: np.random.Generator, gappy: bool) -> pd.DataFrame:
    """Packets of ten records: lost (gappy), re-sent later out of order (补发), or sent twice."""
    packet = np.arange(len(df)) // 10
    n_pk = int(packet.max()) + 1
    fate = rng.random(n_pk)
    lost = fate < (0.15 if gappy else 0.0)
    if gappy:  # and a few outages of 2-5 minutes inside trips
        for s in rng.integers(0, n_pk, size=max(1, n_pk // 400)):
            lost[s: s + int(rng.integers(12, 30))] = True
    late = (fate >= 0.15 if gappy else True) & (fate < (0.17 if gappy else 0.02))
    twice = rng.random(n_pk) < 0.005
    on_time = df[~lost[packet] & ~late[packet]]
    resent = df[late[packet]]
    dup = df[twice[packet] & ~lost[packet]]
    out = pd.concat([on_time, resent, dup], ignore_index=True)
    # Sentinels and invalid cells as platforms export them (docs/domain.md section 2). Text markers are kept as
    # flags (TEXT_MARKERS) and written as text by the exporters, so the data stay numeric and fast.
    n = len(out)
    out.loc[rng.random(n) < 0.002, "nox_down"] = 3012.75
    out.loc[rng.random(n) < 0.001, "scr_in"] = np.nan  # an empty cell
    out["_mark_reagent"] = rng.random(n) < 0.001
    out["_mark_scr_in"] = rng.random(n) < 0.0005
    return out


TEXT_MARKERS = {"reagent": ("_mark_reagent", "FF"), "scr_in": ("_mark_scr_in", "无效")}


def write_registry(path: Path, vehicles: list[DemoVehicle], rng: np.random.Generator) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.worksheets[0]
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = "车辆登记"
    ws.append(["重型柴油车登记信息(演示数据)"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["车辆识别代号", "车牌号", "车辆所有人", "联系电话", "联系地址", "所属区县", "排放阶段", "车辆类型",
               "发动机型号", "参考扭矩(N·m)", "终端编号", "额定功率(kW)", "WHTC循环功(kWh)"])
    for c in ws[2]:
        c.font = Font(bold=True)
    for v in vehicles:
        ws.append([v.vin, v.plate, v.owner, f"13{int(rng.integers(100000000, 999999999))}",
                   f"山东省济南市{v.county}{rng.choice(['工业北路', '经十路', '旅游路', '二环东路'])}"
                   f"{int(rng.integers(1, 999))}号",
                   v.county, "国六", "重型半挂牵引车", v.engine_model, v.ref_torque_nm,
                   f"T{int(rng.integers(10**9, 10**10))}", v.rated_power_kw, v.whtc_work_kwh])
    for col, w in zip("ABCDEFGHIJKLM", (22, 12, 28, 14, 40, 10, 10, 16, 16, 14, 14, 16, 14), strict=True):
        ws.column_dimensions[col].width = w
    wb.save(path)


def _csv_bytes(df: pd.DataFrame, header: bool) -> bytes:
    """pyarrow's CSV writer is several times faster than DataFrame.to_csv; it writes UTF-8, we transcode."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    cols = {}
    for c in CSV_HEADERS:
        s = df[c]
        if c == "ts":
            cols[c] = pc.strftime(pa.array(s.to_numpy(dtype="datetime64[s]")), format="%Y-%m-%d %H:%M:%S")
        elif c in TEXT_MARKERS:
            flag, text = TEXT_MARKERS[c]
            as_text = pc.cast(pa.array(s.to_numpy(dtype="float64"), from_pandas=True), pa.string())
            cols[c] = pc.if_else(pa.array(df[flag].to_numpy()), text, as_text)
        else:
            cols[c] = pa.array(s.to_numpy(), from_pandas=True)
    sink = pa.BufferOutputStream()
    pacsv.write_csv(pa.table(cols), sink, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    body = sink.getvalue().to_pybytes().decode("utf-8")
    head = ",".join(CSV_HEADERS.values()) + "\n" if header else ""
    return (head + body).encode("gbk")


def write_xlsx_records(path: Path, df: pd.DataFrame) -> None:
    """Another platform's export: different aliases, real Excel datetimes, a title row."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("监控数据")
    ws.append(["远程在线监控数据导出"])
    cols = list(XLSX_HEADERS)
    ws.append([XLSX_HEADERS[c] for c in cols])
    data = df[cols].copy()
    data["ts"] = pd.to_datetime(data["ts"])
    for c, (flag, text) in TEXT_MARKERS.items():
        if c in data:
            data[c] = data[c].astype(object).where(~df[flag], text)
    for row in data.itertuples(index=False):
        ws.append([(x.to_pydatetime() if isinstance(x, pd.Timestamp)
                    else (None if (isinstance(x, float) and np.isnan(x)) else x)) for x in row])
    wb.save(path)


def generate(out: Path, vehicles: int = 14, days: int = 5, seed: int = 7, start: date = date(2026, 10, 1),
             minutes_per_day: int = 70, progress: Callable[[float, str], None] | None = None) -> dict:
    """Write registry.xlsx, records.csv (GBK), records_other_platform.xlsx and manifest.json into out."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    fleet = make_vehicles(vehicles, rng)
    write_registry(out / "registry.xlsx", fleet, rng)
    csv_path = out / "records.csv"
    total = 0
    xlsx_part = []
    with open(csv_path, "wb") as fh:
        fh.write("重型柴油车远程排放监控平台 数据导出\n".encode("gbk"))
        fh.write(f"导出时间: {datetime(2026, 11, 1, 9, 30):%Y-%m-%d %H:%M:%S},数据区间: {start} 至 "
                 f"{start + timedelta(days=days - 1)}\n".encode("gbk"))
        header = True
        for i, v in enumerate(fleet):
            df = vehicle_days(v, start, days, minutes_per_day, seed * 100003 + i)
            total += len(df)
            fh.write(_csv_bytes(df, header))
            header = False
            if i < 2 and len(df):  # the first day of two vehicles also arrives through another platform
                first_day = pd.to_datetime(df["ts"]).dt.date == start
                xlsx_part.append(df[first_day].head(1500))
            if progress:
                progress((i + 1) / len(fleet), Msg("demo vehicle {vin} generated", vin=v.vin))
    files = {"registry": "registry.xlsx", "records_csv": "records.csv"}
    if xlsx_part:
        write_xlsx_records(out / "records_other_platform.xlsx", pd.concat(xlsx_part, ignore_index=True))
        files["records_xlsx"] = "records_other_platform.xlsx"
    manifest = {
        "generator": "dieselwatch demo", "seed": seed, "start": start.isoformat(),
        "end": (start + timedelta(days=days - 1)).isoformat(), "days": days, "minutes_per_day": minutes_per_day,
        "rows": total, "files": files,
        "vehicles": [{"vin": v.vin, "plate": v.plate, "behaviour": v.behaviour,
                      "description": BEHAVIOURS[v.behaviour][0], "expected": BEHAVIOURS[v.behaviour][1],
                      "engine_model": v.engine_model, "ref_torque_nm": v.ref_torque_nm,
                      "rated_power_kw": v.rated_power_kw, "whtc_work_kwh": v.whtc_work_kwh} for v in fleet],
        "notes": ["records.csv is GBK with two title rows above the header, units in brackets, sentinel values "
                  "(3012.75 ppm, FF, 无效, empty), re-sent packets out of order and duplicate packets.",
                  "records_other_platform.xlsx repeats part of the first day of two vehicles with other header "
                  "aliases: importing both shows duplicates stored once."],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest
