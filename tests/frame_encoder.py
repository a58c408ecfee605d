"""Builds terminal frames of GB 17691-2018 Annex Q and HJ 1239.3-2021 for the tests, written from the tables
of docs/domain.md section 6 independently of the decoder (struct packing, one body at a time)."""

from __future__ import annotations

import struct
from datetime import datetime, timedelta
from functools import reduce

GB, HJ = "GB", "HJ"
START = {GB: b"##", HJ: b"~~"}

# field: (width, resolution, offset) in body order; GNSS status is raw bits.
STREAM = [
    ("speed", 2, 1 / 256, 0), ("baro", 1, 0.5, 0), ("torque_actual", 1, 1, -125), ("torque_friction", 1, 1, -125),
    ("rpm", 2, 0.125, 0), ("fuel_rate", 2, 0.05, 0), ("nox_up", 2, 0.05, -200), ("nox_down", 2, 0.05, -200),
    ("reagent", 1, 0.4, 0), ("air_flow", 2, 0.05, 0), ("scr_in", 2, 0.03125, -273), ("scr_out", 2, 0.03125, -273),
    ("dpf_dp", 2, 0.1, 0), ("coolant", 1, 1, -40), ("tank", 1, 0.4, 0), ("gnss_status", 1, 1, 0),
    ("lon", 4, 1e-6, 0), ("lat", 4, 1e-6, 0), ("odometer", 4, 0.1, 0),
]
WIDTH = {name: w for name, w, _, _ in STREAM}
# Largest valid raw value per width (J1939: above this come error 0xFE.. and not-available 0xFF..).
MAX_RAW = {1: 0xFA, 2: 0xFAFF, 4: 0xFAFFFFFF}
ALL_ONES = {1: 0xFF, 2: 0xFFFF, 4: 0xFFFFFFFF}
J1939_ERROR = {1: 0xFE, 2: 0xFEFF, 4: 0xFEFFFFFF}
FMT = {1: ">B", 2: ">H", 4: ">I"}


def physical(name: str, raw: int) -> float:
    _, _w, res, off = next(s for s in STREAM if s[0] == name)
    return raw * res + off


def t6(t: datetime) -> bytes:
    return bytes([t.year - 2000, t.month, t.day, t.hour, t.minute, t.second])


def frame(cmd: int, vin: str, data: bytes, std: str = GB, enc: int = 1, version: int = 1) -> bytes:
    body = (bytes([cmd]) + vin.encode("ascii").ljust(17, b"\x00") + bytes([version, enc])
            + struct.pack(">H", len(data)) + data)
    return START[std] + body + bytes([reduce(lambda a, b: a ^ b, body, 0)])


def stream_body(raw: dict[str, int] | None = None) -> bytes:
    """37 bytes from raw integers per field (missing fields: a plain mid-range value)."""
    raw = raw or {}
    defaults = {"speed": 60 * 256, "baro": 200, "torque_actual": 175, "torque_friction": 135, "rpm": 1400 * 8,
                "fuel_rate": 400, "nox_up": (800 + 200) * 20, "nox_down": (60 + 200) * 20, "reagent": 150,
                "air_flow": 9000, "scr_in": (300 + 273) * 32, "scr_out": (290 + 273) * 32, "dpf_dp": 30,
                "coolant": 125, "tank": 200, "gnss_status": 0, "lon": 116_400_000, "lat": 39_900_000,
                "odometer": 1_234_567}
    out = b""
    for name, w, _, _ in STREAM:
        out += struct.pack(FMT[w], raw.get(name, defaults[name]))
    assert len(out) == 37
    return out


def stream_raw_from(values: dict[str, float]) -> dict[str, int]:
    """Raw integers for physical values (exactly representable ones round-trip)."""
    out = {}
    for name, _w, res, off in STREAM:
        if name in values:
            out[name] = round((values[name] - off) / res)
    return out


def obd_body(vin: str, *, protocol: int = 2, mil: int = 0, supported: int = 0xFFFF, ready: int = 0x0F0F,
             calid: bytes = b"CAL123", cvn: bytes = bytes.fromhex("1A2B3C4D"), iupr: bytes | None = None,
             dtcs: list[int] = (), dtc_count: int | None = None) -> bytes:
    calid18 = calid.ljust(18, b"\x00")[:18]
    cvn18 = cvn.ljust(18, b"\x00")[:18]
    iupr = iupr if iupr is not None else b"".join(struct.pack(">H", i) for i in range(18))
    count = len(dtcs) if dtc_count is None else dtc_count
    return (bytes([protocol, mil]) + struct.pack(">HH", supported, ready) + vin.encode("ascii").ljust(17, b"\x00")
            + calid18 + cvn18 + iupr + bytes([count]) + b"".join(struct.pack(">I", d) for d in dtcs))


def gb_realtime(vin: str, t: datetime, bodies: list[tuple[int, bytes]], cmd: int = 2, serial0: int = 1) -> bytes:
    """GB 17691 layout: time + {type + serial(2) + body}..."""
    data = t6(t)
    for k, (typ, body) in enumerate(bodies):
        data += bytes([typ]) + struct.pack(">H", serial0 + k) + body
    return frame(cmd, vin, data, GB)


def hj_realtime(vin: str, t: datetime, serial: int, bodies: list[tuple[int, datetime, bytes]], cmd: int = 2) -> bytes:
    """HJ 1239 layout: time + packet serial(2) + {type + own time(6) + body}..."""
    data = t6(t) + struct.pack(">H", serial)
    for typ, bt, body in bodies:
        data += bytes([typ]) + t6(bt) + body
    return frame(cmd, vin, data, HJ, version=6)


def dialect_realtime(vin: str, t: datetime, serial: int, bodies: list[tuple[int, bytes]], std: str = GB) -> bytes:
    """A pre-standard platform: time + serial + {type + body} with no per-body time, user types 0x80-0x82."""
    data = t6(t) + struct.pack(">H", serial)
    for typ, body in bodies:
        data += bytes([typ]) + body
    return frame(2, vin, data, std)


def login(vin: str, t: datetime, serial: int, iccid: str = "89860412345678901234", std: str = GB) -> bytes:
    return frame(1, vin, t6(t) + struct.pack(">H", serial) + iccid.encode("ascii").ljust(20, b"\x00"), std)


def logout(vin: str, t: datetime, serial: int, std: str = GB) -> bytes:
    return frame(4, vin, t6(t) + struct.pack(">H", serial), std)


def gbt32960(vin: str, t: datetime, cmd: int = 2) -> bytes:
    """A GB/T 32960 electric-vehicle frame: `##`, command, response flag 0xFE, VIN, encryption, length."""
    data = t6(t) + bytes([0x01, 0x01, 0x03, 0x01]) + bytes(16)
    body = bytes([cmd, 0xFE]) + vin.encode("ascii") + bytes([1]) + struct.pack(">H", len(data)) + data
    return b"##" + body + bytes([reduce(lambda a, b: a ^ b, body, 0)])


def hj_packet_of_ten(vin: str, t: datetime, serial: int, raws: list[dict[str, int]], cmd: int = 2) -> bytes:
    return hj_realtime(vin, t, serial, [(2, t + timedelta(seconds=k), stream_body(r)) for k, r in enumerate(raws)], cmd)
