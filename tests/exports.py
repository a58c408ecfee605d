"""Small monitoring exports built in tests: known vehicles, days and hours, deterministic values."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

V1, V2 = "LFN6W24H2R0328904", "LRDWVT931R7763942"
HEADER = ["车辆识别代号", "数据采集时间", "车速(km/h)", "发动机转速(rpm)", "发动机净输出扭矩(%)", "摩擦扭矩(%)",
          "发动机冷却液温度(℃)", "SCR入口温度(℃)", "SCR上游NOx传感器输出值(ppm)", "SCR下游NOx传感器输出值(ppm)",
          "反应剂余量(%)", "进气量(kg/h)", "发动机燃料流量(L/h)", "累计里程(km)"]


def frame(vin: str, days: list[date], hours: tuple[int, int] = (8, 9), seed: int = 0, nox_shift: float = 0.0
          ) -> pd.DataFrame:
    """1 Hz rows of one vehicle from hours[0]:00 to hours[1]:00 on each day. Values depend only on the time
    and seed, so two exports delivering the same second deliver the same sample."""
    ts = np.concatenate([np.arange(np.datetime64(datetime.combine(d, datetime.min.time()) + timedelta(hours=hours[0])),
                                   np.datetime64(datetime.combine(d, datetime.min.time()) + timedelta(hours=hours[1])),
                                   np.timedelta64(1, "s")) for d in days]).astype("datetime64[s]")
    k = (ts.astype("int64") % 100_003).astype("float64") + seed
    n = len(ts)
    return pd.DataFrame({
        "车辆识别代号": vin, "数据采集时间": pd.to_datetime(ts).strftime("%Y-%m-%d %H:%M:%S"),
        "车速(km/h)": np.round(40 + 20 * np.sin(k / 300), 2),
        "发动机转速(rpm)": np.round(1200 + 300 * np.sin(k / 200), 3),
        "发动机净输出扭矩(%)": np.round(40 + 20 * np.sin(k / 90)), "摩擦扭矩(%)": np.full(n, 8.0),
        "发动机冷却液温度(℃)": np.full(n, 85.0), "SCR入口温度(℃)": np.round(300 + 40 * np.sin(k / 500), 2),
        "SCR上游NOx传感器输出值(ppm)": np.round(600 + 100 * np.sin(k / 60), 2),
        "SCR下游NOx传感器输出值(ppm)": np.round(60 + 30 * np.sin(k / 45) + nox_shift, 2),
        "反应剂余量(%)": np.round(80 - (k % 1000) / 100, 1), "进气量(kg/h)": np.round(500 + 50 * np.sin(k / 70), 2),
        "发动机燃料流量(L/h)": np.round(20 + 5 * np.sin(k / 80), 2), "累计里程(km)": np.round(50000 + k / 100, 1),
    })[HEADER]


def write(path: Path, frames: list[pd.DataFrame], title: str | None = None, encoding: str = "utf-8") -> Path:
    body = pd.concat(frames, ignore_index=True).to_csv(index=False, lineterminator="\n")
    path.write_bytes(((title + "\n") if title else "").encode(encoding) + body.encode(encoding))
    return path


def days(first: str, n: int) -> list[date]:
    d0 = date.fromisoformat(first)
    return [d0 + timedelta(days=i) for i in range(n)]
