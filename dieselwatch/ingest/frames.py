"""Raw terminal messages of GB 17691-2018 Annex Q (`##`) and HJ 1239.3-2021 (`~~`): find frames in a byte
buffer, check them, and decode their real-time bodies into samples (docs/domain.md section 6).

Finding frames is one Python step per frame (lengths chain the frames, so it is sequential), with the XOR
check taken from a prefix-XOR array in O(1). Everything per body (layout walk, field decoding, times) is numpy
over all frames at once: a 1 Hz body is never decoded in a Python loop."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dieselwatch.messages import Msg

HEADER = 24  # start(2) command VIN(17) version encryption length(2)
MARKERS = (b"##", b"~~")
COMMANDS = {1: "login", 2: "realtime", 3: "resent", 4: "logout", 5: "time_sync", 6: "removal_alarm",
            7: "activation_request", 8: "activation_reply"}
INFO_TYPES = {1: "obd", 2: "diesel", 3: "gas_twc", 4: "hybrid", 5: "gas_nox"}
ENCRYPTION = {2: "RSA", 3: "SM2", 0xFE: "abnormal", 0xFF: "invalid"}
STREAM_LEN = 37  # the diesel data-stream body (docs/domain.md section 6)
OBD_FIXED = 96  # the OBD body up to and including the DTC count
HYBRID_LEN = 8
MAX_SKIPPED_DETAILS = 100

# The diesel stream: (field, byte offset in the body, width, resolution, offset). GNSS status is kept as bits.
STREAM_FIELDS = (
    ("speed", 0, 2, 1 / 256, 0.0), ("baro", 2, 1, 0.5, 0.0), ("torque_actual", 3, 1, 1.0, -125.0),
    ("torque_friction", 4, 1, 1.0, -125.0), ("rpm", 5, 2, 0.125, 0.0), ("fuel_rate", 7, 2, 0.05, 0.0),
    ("nox_up", 9, 2, 0.05, -200.0), ("nox_down", 11, 2, 0.05, -200.0), ("reagent", 13, 1, 0.4, 0.0),
    ("air_flow", 14, 2, 0.05, 0.0), ("scr_in", 16, 2, 0.03125, -273.0), ("scr_out", 18, 2, 0.03125, -273.0),
    ("dpf_dp", 20, 2, 0.1, 0.0), ("coolant", 22, 1, 1.0, -40.0), ("tank", 23, 1, 0.4, 0.0),
    ("gnss_status", 24, 1, 1.0, 0.0), ("lon", 25, 4, 1e-6, 0.0), ("lat", 29, 4, 1e-6, 0.0),
    ("odometer", 33, 4, 0.1, 0.0),
)
# Lowest raw value that means "invalid" per width: J1939 error (0xFE, 0xFExx) and not-available (all ones).
INVALID_FROM = {1: 0xFE, 2: 0xFE00, 4: 0xFE000000}
NOX_FIELDS = ("nox_up", "nox_down")


@dataclass
class FrameStats:
    """What reading a capture did, for the import report: every frame read or skipped, and why."""

    read: int = 0
    skipped: int = 0
    skipped_bytes: int = 0
    by_command: Counter = field(default_factory=Counter)
    by_type: Counter = field(default_factory=Counter)
    encrypted: int = 0
    gbt32960: int = 0
    dialect: int = 0
    samples: int = 0
    lines_without_frame: int = 0
    skipped_first: list[dict] = field(default_factory=list)

    def skip(self, where: dict, reason: str, nbytes: int = 0, frames: int = 1) -> None:
        self.skipped += frames
        self.skipped_bytes += nbytes
        if len(self.skipped_first) < MAX_SKIPPED_DETAILS:
            self.skipped_first.append({**where, "reason": reason})

    def as_dict(self) -> dict:
        return {"read": self.read, "skipped": self.skipped, "skipped_bytes": self.skipped_bytes,
                "by_command": dict(sorted(self.by_command.items())), "by_type": dict(sorted(self.by_type.items())),
                "encrypted": self.encrypted, "gbt32960": self.gbt32960, "dialect": self.dialect,
                "samples": self.samples, "lines_without_frame": self.lines_without_frame,
                "skipped_first": list(self.skipped_first)}


class Where:
    """Turns an offset in the scanned buffer into what an officer can find in the file: a byte offset of a
    binary capture, or the line (row) and the byte offset inside that line's frame bytes of a hex capture."""

    def __init__(self, base: int = 0, line_starts: np.ndarray | None = None, line_numbers: np.ndarray | None = None,
                 unit: str = "line"):
        self.base, self.line_starts, self.line_numbers, self.unit = base, line_starts, line_numbers, unit

    def __call__(self, pos: int) -> dict:
        if self.line_starts is None or self.line_numbers is None:
            return {"offset": self.base + int(pos)}
        i = max(int(np.searchsorted(self.line_starts, pos, side="right")) - 1, 0)
        return {self.unit: int(self.line_numbers[i]), "offset": int(pos - self.line_starts[i])}


@dataclass
class Located:
    """Frames that passed the length and XOR checks: numpy arrays, one entry per frame."""

    start: np.ndarray  # offset of the start bytes
    length: np.ndarray  # data-unit length
    consumed: int  # bytes of the buffer dealt with (a frame cut by the end of a non-final block stays)


def _next_marker(buf: bytes, pos: int, cache: list[int]) -> int:
    """Next `##` or `~~` at or after pos (-1 if none). cache holds the last find of each marker so a file of
    one standard does not rescan to its end for the other marker at every frame."""
    best = -1
    for i, m in enumerate(MARKERS):
        c = cache[i]
        if c != -1 and c < pos:
            c = buf.find(m, pos)
            cache[i] = c
        if c != -1 and (best == -1 or c < best):
            best = c
    return best


def locate(buf: bytes, stats: FrameStats, where: Where, final: bool = True) -> Located:
    """Walk the buffer frame by frame: check start bytes, length and XOR; resync on the next start bytes after
    anything torn or garbled, counting what was skipped."""
    n = len(buf)
    arr = np.frombuffer(buf, dtype=np.uint8)
    px = np.bitwise_xor.accumulate(arr).tobytes() if n else b""
    starts: list[int] = []
    lengths: list[int] = []
    cache = [buf.find(m) for m in MARKERS]
    p = _next_marker(buf, 0, cache)
    if p > 0:
        stats.skip(where(0), Msg("{n} bytes before the first frame", n=p), p, frames=0)
    if p == -1:
        if n:
            stats.skip(where(0), Msg("no frame start bytes (## or ~~) in {n} bytes", n=n), n, frames=0)
        return Located(np.zeros(0, np.int64), np.zeros(0, np.int64), n)
    while p != -1:
        if p + HEADER + 1 > n:
            if not final:
                return _located(starts, lengths, p)
            stats.skip(where(p), Msg("torn frame: cut off by the end of the data"), n - p)
            break
        length = (buf[p + 22] << 8) | buf[p + 23]
        end = p + HEADER + length + 1
        reason = None
        if end > n:
            if not final:
                return _located(starts, lengths, p)
            reason = Msg("frame shorter than its length field says ({length} data bytes): torn or cut off",
                         length=length)
        elif px[end - 2] ^ px[p + 1] != buf[end - 1]:
            reason = Msg("check byte does not match (torn or garbled frame)")
        if reason is None:
            starts.append(p)
            lengths.append(length)
            q = end if end < n and buf[end:end + 2] in MARKERS else _next_marker(buf, end, cache)
            if q == -1 and end < n:
                stats.skip(where(end), Msg("{n} bytes after the last frame", n=n - end), n - end, frames=0)
            elif q > end:
                stats.skip(where(end), Msg("{n} garbled bytes between frames", n=q - end), q - end, frames=0)
            p = q
            continue
        q = _next_marker(buf, p + 1, cache)  # +1: start bytes may overlap ("###")
        stats.skip(where(p), reason, (q if q != -1 else n) - p)
        p = q
    return _located(starts, lengths, n)


def _located(starts, lengths, consumed) -> Located:
    return Located(np.asarray(starts, dtype=np.int64), np.asarray(lengths, dtype=np.int64), consumed)


def _times(arr: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """6-byte YY MM DD hh mm ss at each pos -> datetime64[s]; NaT where the bytes are no valid time."""
    if len(pos) == 0:
        return np.zeros(0, dtype="datetime64[s]")
    b = arr[np.minimum(pos[:, None] + np.arange(6), len(arr) - 1)].astype(np.int64)
    y, mo, d, h, mi, s = (b[:, i] for i in range(6))
    ok = (mo >= 1) & (mo <= 12) & (d >= 1) & (h < 24) & (mi < 60) & (s < 60) & (pos + 6 <= len(arr))
    month = ((y * 12 + np.clip(mo, 1, 12) - 1).astype("timedelta64[M]") + np.datetime64("2000-01", "M"))
    first = month.astype("datetime64[D]")
    days_in = ((month + 1).astype("datetime64[D]") - first).astype(np.int64)
    ok &= d <= days_in
    t = (first.astype("datetime64[s]") + ((d - 1) * 86400 + h * 3600 + mi * 60 + s).astype("timedelta64[s]"))
    t[~ok] = np.datetime64("NaT")
    return t


def _uint(m: np.ndarray, off: int, width: int) -> np.ndarray:
    v = m[:, off].astype(np.uint32)
    for i in range(1, width):
        v = (v << 8) | m[:, off + i]
    return v


def decode_stream(arr: np.ndarray, pos: np.ndarray) -> dict[str, np.ndarray]:
    """The 37-byte diesel stream at every pos, as one 2-D gather: field -> float64 with NaN for invalid."""
    m = arr[pos[:, None] + np.arange(STREAM_LEN)]
    out = {}
    for name, off, width, res, offset in STREAM_FIELDS:
        raw = _uint(m, off, width)
        # Rounded to the finest resolution's digits: 64254 * 0.05 must be 3212.7, not 3212.7000000000003.
        x = np.round(raw.astype(np.float64) * res + offset, 8)
        bad = raw >= INVALID_FROM[width]
        if name in NOX_FIELDS:
            bad |= raw == 0  # raw 0 = -200 ppm: the sensor is not ready (dew point), not a measurement
        if name == "gnss_status":
            x = raw.astype(np.float64)
        x[bad] = np.nan
        out[name] = x
    # No status, no position: without the fix and hemisphere bits the numbers cannot be placed.
    out["lon"][np.isnan(out["gnss_status"])] = np.nan
    out["lat"][np.isnan(out["gnss_status"])] = np.nan
    return out


def _text(block: bytes) -> str | None:
    s = block.replace(b"\x00", b"").strip(b" \x00")
    if not s or set(s) <= {0xFF}:
        return None
    return s.decode("ascii", errors="replace")


def cvn_text(block: bytes) -> str | None:
    """CVN as text: printable ASCII as it is; otherwise binary (often 4 significant bytes then zeros) as hex."""
    if not block.strip(b"\x00") or set(block) <= {0xFF}:
        return None
    body = block.rstrip(b"\x00")
    if all(0x20 <= c < 0x7F for c in body) and any(chr(c).isalnum() for c in body):
        return body.decode("ascii").strip() or None
    if not block[4:].strip(b"\x00"):
        body = block[:4]
    return body.hex().upper()


def decode_obd(arr: np.ndarray, pos: np.ndarray) -> dict[str, np.ndarray]:
    """The fixed part of every OBD body at pos: MIL, DTC count (numbers, NaN when invalid), CALID and CVN
    (text per distinct value: a fleet has few)."""
    m = arr[pos[:, None] + np.arange(OBD_FIXED)]
    mil = m[:, 1].astype(np.float64)
    mil[m[:, 1] >= 0xFE] = np.nan
    dtc = m[:, 95].astype(np.float64)
    dtc[m[:, 95] >= 0xFE] = np.nan
    out = {"mil": mil, "dtc_count": dtc}
    for name, lo, fn in (("calid", 23, _text), ("cvn", 41, cvn_text)):
        raw = np.ascontiguousarray(m[:, lo:lo + 18]).view("S18").ravel() if len(m) else np.zeros(0, "S18")
        codes, uniques = pd.factorize(pd.Series(raw.tolist(), dtype=object))
        # view("S18") drops trailing NULs; the CVN keeps its width back for the hex form.
        texts = np.array([fn(bytes(u).ljust(18, b"\x00")) for u in uniques] + [None], dtype=object)
        out[name] = texts[codes]
    return out


@dataclass
class Decoded:
    """One buffer's worth of decoded content."""

    samples: pd.DataFrame  # vin, ts, stream fields, mil/dtc_count/calid/cvn
    sessions: list[dict]  # {vin, kind: login|logout, ts, serial, iccid}


# Layouts of the real-time data unit, tried in this order.
HJ, GB = 0, 1


def _walk(arr: np.ndarray, first: np.ndarray, end: np.ndarray, layout: int):
    """Step through the bodies of every frame at once (one numpy round per body position). Returns the body
    list (frame index, position of the type byte, type) and per frame the failure (-1 none, else the offset
    where the walk stopped) and the unknown type met there."""
    pre = 6 if layout == HJ else 2  # HJ: a 6-byte time per body; GB: a 2-byte serial per body
    cur = first.copy()
    active = cur < end
    fail_at = np.full(len(first), -1, dtype=np.int64)
    fail_type = np.full(len(first), -1, dtype=np.int64)
    frames, poss, types = [], [], []
    last = len(arr) - 1
    while active.any():
        idx = np.flatnonzero(active)
        c = cur[idx]
        t = arr[c].astype(np.int64)
        blen = np.full(len(idx), -1, dtype=np.int64)
        blen[t == 2] = 1 + pre + STREAM_LEN
        obd = t == 1
        if obd.any():
            n = arr[np.minimum(c[obd] + 1 + pre + 95, last)].astype(np.int64)
            blen[obd] = 1 + pre + OBD_FIXED + 4 * np.where(n >= 0xFE, 0, n)
        if layout == HJ:
            blen[t == 4] = 1 + pre + HYBRID_LEN
        good = (blen > 0) & (c + blen <= end[idx])
        frames.append(idx[good])
        poss.append(c[good])
        types.append(t[good])
        bad = idx[~good]
        fail_at[bad] = cur[bad]
        fail_type[bad] = t[~good]
        cur[idx[good]] += blen[good]
        active[bad] = False
        active &= cur < end
    def cat(xs):
        return np.concatenate(xs) if xs else np.zeros(0, np.int64)
    return cat(frames), cat(poss), cat(types), fail_at, fail_type


def decode(buf: bytes, loc: Located, stats: FrameStats, where: Where) -> Decoded:
    """Decode the located frames: count commands and encryption, keep login/logout as sessions, and turn the
    readable real-time and re-sent frames into samples."""
    arr = np.frombuffer(buf, dtype=np.uint8)
    start, length = loc.start, loc.length
    if len(start) == 0:
        return Decoded(_empty_samples(), [])
    cmd = arr[start + 2].astype(np.int64)
    enc = arr[start + 21].astype(np.int64)
    ev32960 = (arr[start] == 0x23) & (arr[start + 3] == 0xFE)
    for p in start[ev32960][:MAX_SKIPPED_DETAILS]:
        stats.skip(where(p), Msg("GB/T 32960 electric-vehicle frame (not a diesel terminal's message): refused"),
                   frames=0)
    stats.gbt32960 += int(ev32960.sum())
    stats.skipped += int(ev32960.sum())
    keep = ~ev32960
    known = np.isin(cmd, list(COMMANDS))
    for p, c in zip(start[keep & ~known][:MAX_SKIPPED_DETAILS], cmd[keep & ~known], strict=False):
        stats.skip(where(p), Msg("unknown command 0x{cmd}", cmd=f"{c:02X}"), frames=0)
    stats.skipped += int((keep & ~known).sum())
    keep &= known
    stats.read += int(keep.sum())
    for c, k in Counter(cmd[keep].tolist()).items():
        stats.by_command[COMMANDS[c]] += k
    encrypted = keep & (enc != 1)
    stats.encrypted += int(encrypted.sum())
    keep &= ~encrypted

    vins_all = np.ascontiguousarray(arr[start[:, None] + np.arange(3, 20)]).view("S17").ravel()
    sessions = _sessions(arr, start, length, cmd, keep, vins_all)

    rt = np.flatnonzero(keep & ((cmd == 2) | (cmd == 3)))
    samples = _realtime(arr, start[rt], length[rt], vins_all[rt], stats, where)
    return Decoded(samples, sessions)


def _sessions(arr, start, length, cmd, keep, vins) -> list[dict]:
    out = []
    for kind, c, need in (("login", 1, 8), ("logout", 4, 8)):
        idx = np.flatnonzero(keep & (cmd == c) & (length >= need))
        if not len(idx):
            continue
        d = start[idx] + HEADER
        ts = _times(arr, d)
        serial = (arr[d + 6].astype(np.int64) << 8) | arr[d + 7]
        for j, i in enumerate(idx):
            iccid = None
            if kind == "login" and length[i] >= 28:
                iccid = _text(bytes(arr[d[j] + 8:d[j] + 28])) or None
            out.append({"vin": _vin(vins[i]), "kind": kind, "ts": ts[j], "serial": int(serial[j]), "iccid": iccid})
    return out


def _vin(raw: bytes) -> str:
    return bytes(raw).decode("ascii", errors="replace").strip("\x00 ")


def _empty_samples() -> pd.DataFrame:
    return pd.DataFrame({"vin": pd.Series([], dtype=object), "ts": np.zeros(0, "datetime64[s]")})


def _realtime(arr, start, length, vins, stats: FrameStats, where: Where) -> pd.DataFrame:
    """Detect each frame's layout, walk its bodies, and decode them in one pass per body type."""
    nf = len(start)
    if nf == 0:
        return _empty_samples()
    d = start + HEADER  # data unit: time(6) first in every layout
    end = d + length
    last = len(arr) - 1
    ptime = _times(arr, d)
    hj_first = d + 8
    hj_type = arr[np.minimum(hj_first, last)]
    hj_time = _times(arr, np.minimum(hj_first + 1, last))
    hj_ok = (length >= 9 + 6) & np.isin(hj_type, list(INFO_TYPES)) & ~np.isnat(hj_time)
    gb_ok = (length >= 9) & np.isin(arr[np.minimum(d + 6, last)], (1, 2))
    # A body time far from the packet time means the bytes only look like a time: not this layout.
    both = hj_ok & ~np.isnat(ptime)
    hj_ok = both.copy()
    hj_ok[both] = np.abs((hj_time[both] - ptime[both]).astype(np.int64)) <= 86400
    fr_h, pos_h, typ_h, fail_h, ftyp_h = _walk(arr, hj_first[hj_ok], end[hj_ok], HJ)
    fr_g, pos_g, typ_g, fail_g, ftyp_g = _walk(arr, d[gb_ok] + 6, end[gb_ok], GB)
    layout = np.full(nf, -1)
    hj_idx, gb_idx = np.flatnonzero(hj_ok), np.flatnonzero(gb_ok)
    n_h = np.bincount(fr_h, minlength=len(hj_idx))
    n_g = np.bincount(fr_g, minlength=len(gb_idx))
    # HJ when its walk reads the frame to the end, or stops at a type of unknown length after a valid body time.
    hj_take = (fail_h == -1) | (n_h > 0) | np.isin(ftyp_h, (3, 5))
    layout[hj_idx[hj_take]] = HJ
    gb_full = np.zeros(nf, bool)
    gb_full[gb_idx[fail_g == -1]] = True
    gb_some = np.zeros(nf, bool)
    gb_some[gb_idx[n_g > 0]] = True
    layout[(layout == -1) & gb_full] = GB
    dialect = (layout == -1) & (length >= 9) & np.isin(arr[np.minimum(d + 8, last)], (1, 2, 0x80, 0x81, 0x82))
    layout[(layout == -1) & ~dialect & gb_some] = GB

    for i in np.flatnonzero(dialect):
        stats.dialect += 1
        stats.skip(where(start[i]), Msg("local dialect real-time layout (bodies without their own time, or types "
                                        "0x80-0x82): not decoded"))
    for i in np.flatnonzero((layout == -1) & ~dialect):
        stats.skip(where(start[i]), Msg("unknown real-time layout: not decoded"))

    # Bodies of the chosen layout only, in frame order.
    sel_h = np.isin(fr_h, np.flatnonzero(layout[hj_idx] == HJ))
    sel_g = np.isin(fr_g, np.flatnonzero(layout[gb_idx] == GB))
    frame = np.concatenate([hj_idx[fr_h[sel_h]], gb_idx[fr_g[sel_g]]])
    pos = np.concatenate([pos_h[sel_h], pos_g[sel_g]])
    typ = np.concatenate([typ_h[sel_h], typ_g[sel_g]])
    is_hj = np.concatenate([np.ones(int(sel_h.sum()), bool), np.zeros(int(sel_g.sum()), bool)])
    order = np.lexsort((pos, frame))
    frame, pos, typ, is_hj = frame[order], pos[order], typ[order], is_hj[order]
    for t, k in Counter(typ.tolist()).items():
        stats.by_type[INFO_TYPES.get(t, f"0x{t:02X}")] += k
    # Walks that stopped inside a frame of the chosen layout: the rest of that frame is reported, not guessed.
    for fails, ftypes, idx, lay in ((fail_h, ftyp_h, hj_idx, HJ), (fail_g, ftyp_g, gb_idx, GB)):
        for j in np.flatnonzero((fails != -1) & (layout[idx] == lay)):
            t = int(ftypes[j])
            stats.by_type[INFO_TYPES.get(t, f"0x{t:02X}")] += 1
            reason = (Msg("info type 0x{type} ({name}) is counted but not decoded: rest of the frame skipped",
                          type=f"{t:02X}", name=INFO_TYPES[t]) if t in (3, 5) else
                      Msg("info type 0x{type} unknown or cut off: rest of the frame skipped", type=f"{t:02X}"))
            stats.skip(where(int(fails[j])), reason, int(end[idx[j]] - fails[j]), frames=0)

    # Diesel stream bodies -> samples; OBD bodies -> values joined to the samples of their frame.
    st = typ == 2
    s_frame, s_pos, s_hj = frame[st], pos[st], is_hj[st]
    body = np.where(s_hj, s_pos + 7, s_pos + 3)
    ts = np.empty(len(s_pos), dtype="datetime64[s]")
    ts[s_hj] = _times(arr, s_pos[s_hj] + 1)
    # GB: bodies have no time of their own; the k-th stream body of a packet sits k seconds after the packet time.
    if (~s_hj).any():
        gf = s_frame[~s_hj]
        first_of = np.r_[0, np.flatnonzero(np.diff(gf)) + 1]
        rank = np.arange(len(gf)) - np.repeat(first_of, np.diff(np.r_[first_of, len(gf)]))
        ts[~s_hj] = ptime[gf] + rank.astype("timedelta64[s]")
    bad_t = np.isnat(ts)
    for p in s_pos[bad_t][:MAX_SKIPPED_DETAILS]:
        stats.skip(where(int(p)), Msg("data-stream body with an invalid time: skipped"), frames=0)
    keep = ~bad_t
    s_frame, body, ts = s_frame[keep], body[keep], ts[keep]
    cols = decode_stream(arr, body)
    data = {"vin": vins[s_frame], "ts": ts, **cols}

    ob = typ == 1
    o_frame, o_pos, o_hj = frame[ob], pos[ob], is_hj[ob]
    obd_only = None
    if len(o_frame):
        o_vals = decode_obd(arr, np.where(o_hj, o_pos + 7, o_pos + 3))
        # The last OBD body of a frame speaks for that frame.
        last_of = np.r_[np.flatnonzero(np.diff(o_frame)), len(o_frame) - 1]
        of = o_frame[last_of]
        lookup = np.full(nf, -1)
        lookup[of] = last_of
        hit = lookup[s_frame]
        for name, v in o_vals.items():
            col = np.full(len(s_frame), None if v.dtype == object else np.nan, dtype=v.dtype)
            col[hit >= 0] = v[hit[hit >= 0]]
            data[name] = col
        alone = ~np.isin(of, s_frame)
        if alone.any():
            a = last_of[alone]
            o_ts = np.where(o_hj[a], _times(arr, o_pos[a] + 1), ptime[o_frame[a]])
            obd_only = pd.DataFrame({"vin": vins[o_frame[a]], "ts": o_ts.astype("datetime64[s]"),
                                     **{k: v[a] for k, v in o_vals.items()}})
            obd_only = obd_only[~obd_only["ts"].isna()]
    samples = pd.DataFrame(data)
    if obd_only is not None and len(obd_only):
        samples = _join_obd_only(samples, obd_only)
    samples["vin"] = _decode_vins(samples["vin"].to_numpy())
    return samples


def _join_obd_only(samples: pd.DataFrame, obd: pd.DataFrame) -> pd.DataFrame:
    """An OBD-only packet's values fill the sample of the same vehicle and second when there is one, and make a
    sample of their own (OBD fields only) when there is none."""
    obd = obd.drop_duplicates(["vin", "ts"], keep="last")
    names = ["mil", "dtc_count", "calid", "cvn"]
    if len(samples):
        key_s = pd.MultiIndex.from_arrays([samples["vin"], samples["ts"]])
        key_o = pd.MultiIndex.from_arrays([obd["vin"], obd["ts"]])
        at = key_o.get_indexer(key_s)
        hit = at >= 0
        for n in names:
            if n not in samples:
                samples[n] = np.full(len(samples), None if obd[n].dtype == object else np.nan,
                                     dtype=obd[n].to_numpy().dtype)
            cur = samples[n].to_numpy().copy()
            fill = hit & pd.isna(cur)
            cur[fill] = obd[n].to_numpy()[at[fill]]
            samples[n] = cur
        obd = obd[~key_o.isin(key_s)]
    return pd.concat([samples, obd], ignore_index=True) if len(obd) else samples


def _decode_vins(raw: np.ndarray) -> np.ndarray:
    codes, uniques = pd.factorize(pd.Series(raw, dtype=object))
    return np.array([_vin(u) for u in uniques] + [None], dtype=object)[codes]
