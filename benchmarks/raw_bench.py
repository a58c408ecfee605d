"""Raw-capture import speed against importing the same samples as a CSV export, measured in the same run.

  python benchmarks/raw_bench.py [--samples 200000] [--full] [--prefixed] [--work DIR] [--repeat 2]

Writes an HJ 1239.3 hex log (one packet of ten 1 Hz samples a line, each body with its own time) and a UTF-8 CSV
of the same samples with the first header aliases of resources/columns.csv, imports each into a fresh
workspace and prints CSV import time / raw import time (target >= 0.5x). --full runs the issue's 1 M samples
(100k packets)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import best_of

from dieselwatch.ingest.columns import record_fields
from dieselwatch.ingest.frames import STREAM_FIELDS, STREAM_LEN

VEHICLES = 20
BODY = 1 + 6 + STREAM_LEN  # type, own time, stream
T0 = np.datetime64("2026-10-01T06:00:00", "s")


def vins(n: int) -> list[str]:
    from dieselwatch.ingest.vin import check_digit

    out = []
    for i in range(n):
        v = f"LFWADRJF0{i:08d}"
        out.append(v[:8] + check_digit(v) + v[9:])
    return out


def make_raws(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Raw integers per stream field for n samples: plausible, slowly varying driving."""
    t = np.arange(n)
    wave = (np.sin(t / 300.0) + 1) / 2
    return {
        "speed": (wave * 80 * 256).astype(np.int64), "baro": np.full(n, 200),
        "torque_actual": 125 + (wave * 80).astype(int),
        "torque_friction": np.full(n, 135), "rpm": (800 + wave * 1200).astype(np.int64) * 8,
        "fuel_rate": (wave * 600).astype(np.int64), "nox_up": ((600 + wave * 400 + 200) * 20).astype(np.int64),
        "nox_down": ((30 + rng.integers(0, 80, n) + 200) * 20).astype(np.int64), "reagent": 200 - t // 20000 % 100,
        "air_flow": (wave * 12000).astype(np.int64), "scr_in": ((220 + wave * 150 + 273) * 32).astype(np.int64),
        "scr_out": ((210 + wave * 150 + 273) * 32).astype(np.int64), "dpf_dp": rng.integers(10, 60, n),
        "coolant": np.full(n, 125), "tank": 200 - t // 10000 % 100, "gnss_status": np.zeros(n, np.int64),
        "lon": 116_400_000 + t % 100000, "lat": 39_900_000 + t % 70000, "odometer": 1_000_000 + t // 30,
    }


def _be(v: np.ndarray, width: int) -> np.ndarray:
    return np.stack([(v >> (8 * (width - 1 - i))) & 0xFF for i in range(width)], axis=1).astype(np.uint8)


def _time6(ts: np.ndarray) -> np.ndarray:
    s = pd.DatetimeIndex(ts)
    return np.stack([s.year - 2000, s.month, s.day, s.hour, s.minute, s.second], axis=1).astype(np.uint8)


def build(work: Path, samples: int, prefixed: bool = False) -> tuple[Path, Path]:
    rng = np.random.default_rng(7)
    packets = samples // 10
    samples = packets * 10
    per_vehicle = samples // VEHICLES
    vin_list = vins(VEHICLES)
    veh = np.minimum(np.arange(samples) // per_vehicle, VEHICLES - 1)
    ts = T0 + (np.arange(samples) - veh * per_vehicle).astype("timedelta64[s]")
    raws = make_raws(samples, rng)

    # Packets: header(24) + time(6) + serial(2) + 10 bodies + check, assembled as one uint8 array.
    data_len = 8 + 10 * BODY
    pk = np.zeros((packets, 24 + data_len + 1), np.uint8)
    pk[:, 0:2] = 0x7E
    pk[:, 2] = 0x02
    first = np.arange(packets) * 10
    pk[:, 3:20] = np.frombuffer("".join(vin_list[v] for v in veh[first]).encode(), np.uint8).reshape(packets, 17)
    pk[:, 20], pk[:, 21] = 0x06, 0x01
    pk[:, 22:24] = _be(np.full(packets, data_len), 2)
    pk[:, 24:30] = _time6(ts[first])
    pk[:, 30:32] = _be(np.arange(packets) % 65536, 2)
    body = np.zeros((samples, BODY), np.uint8)
    body[:, 0] = 0x02
    body[:, 1:7] = _time6(ts)
    for name, off, width, _, _ in STREAM_FIELDS:
        body[:, 7 + off:7 + off + width] = _be(raws[name].astype(np.int64), width)
    pk[:, 32:32 + 10 * BODY] = body.reshape(packets, 10 * BODY)
    pk[:, -1] = np.bitwise_xor.reduce(pk[:, 2:-1], axis=1)
    log = work / "capture.log"
    with open(log, "w", encoding="ascii") as fh:
        for row, t in zip(pk, pd.DatetimeIndex(ts[first]).strftime("%Y-%m-%d %H:%M:%S"), strict=False):
            if prefixed:  # as many platform logs write them: time, direction, spaced hex
                fh.write(f"{t} RECV: {row.tobytes().hex(' ').upper()}\n")
            else:
                fh.write(row.tobytes().hex())
                fh.write("\n")

    fields = record_fields()
    cols = {fields["vin"].aliases[0]: np.array(vin_list)[veh],
            fields["ts"].aliases[0]: pd.DatetimeIndex(ts).strftime("%Y-%m-%d %H:%M:%S")}
    for name, _, _, res, offset in STREAM_FIELDS:
        v = raws[name] * res + offset
        cols[fields[name].aliases[0]] = np.round(v, 6) if name != "gnss_status" else raws[name]
    csv = work / "capture.csv"
    pd.DataFrame(cols).to_csv(csv, index=False)
    return log, csv


def import_once(path: Path, home: Path):
    from dieselwatch.services.imports import import_records
    from dieselwatch.workspace import Workspace

    shutil.rmtree(home, ignore_errors=True)
    ws = Workspace.open(home=str(home), user="bench")
    rep = import_records(ws, path)
    ws.close()
    return rep


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=200_000)
    ap.add_argument("--full", action="store_true", help="the issue's 1 M samples (100k packets of ten)")
    ap.add_argument("--work", type=Path)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--prefixed", action="store_true", help="log lines with a time and direction prefix, spaced hex")
    a = ap.parse_args()
    n = 1_000_000 if a.full else a.samples
    work = a.work or Path(tempfile.mkdtemp(prefix="dw-raw-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"building a {n:,}-sample HJ 1239 hex log and the same samples as CSV in {work} ...", flush=True)
    log, csv = build(work, n, a.prefixed)
    t_csv, rep_csv = best_of(lambda: import_once(csv, work / "home-csv"), a.repeat)
    t_raw, rep_raw = best_of(lambda: import_once(log, work / "home-raw"), a.repeat)
    assert rep_raw.rows_imported == rep_csv.rows_imported == n, (rep_raw.rows_imported, rep_csv.rows_imported)
    result = {"samples": n, "log_mb": round(log.stat().st_size / 1e6, 1), "csv_mb": round(csv.stat().st_size / 1e6, 1),
              "csv_import_s": round(t_csv, 3), "raw_import_s": round(t_raw, 3), "ratio": round(t_csv / t_raw, 3),
              "frames": {k: rep_raw.frames[k] for k in ("read", "skipped")}}
    print(json.dumps(result, indent=2))
    print(f"raw capture import {result['ratio']:.2f}x the speed of the same samples as CSV (target >= 0.5x): "
          f"{t_raw:.2f} s vs {t_csv:.2f} s for {n:,} samples")
    shutil.rmtree(work / "home-csv", ignore_errors=True)
    shutil.rmtree(work / "home-raw", ignore_errors=True)


if __name__ == "__main__":
    main()
