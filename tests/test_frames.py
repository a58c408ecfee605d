"""Raw terminal captures (GB 17691-2018 Annex Q `##`, HJ 1239.3-2021 `~~`): frames built by tests/frame_encoder.py
are imported through import_records, and what is stored is read back from the raw store."""

import json
import math
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
import frame_encoder as enc

from dieselwatch.cli import main
from dieselwatch.errors import InputError
from dieselwatch.ingest import frames as fr
from dieselwatch.ingest.captures import frame_bytes
from dieselwatch.ingest.columns import record_fields
from dieselwatch.services.imports import import_records
from dieselwatch.services.sessions import days_terminal_on
from dieselwatch.storage.models import DayStat, ImportBatch, RawPartition, TerminalSession, Vehicle

VIN = "LFWADRJF011002346"
VIN2 = "LZZ1CLVB3KW123455"
T0 = datetime(2026, 10, 1, 8, 0, 0)
STREAM_NAMES = [s[0] for s in enc.STREAM]


def stored(ws, vin=VIN) -> pd.DataFrame:
    with ws.Session() as s:
        paths = s.scalars(select(RawPartition.path).join(Vehicle, Vehicle.id == RawPartition.vehicle_id)
                          .where(Vehicle.vin == vin)).all()
    return ws.raw.read(list(paths)).set_index("ts")


def at(df: pd.DataFrame, t: datetime) -> pd.Series:
    return df.loc[pd.Timestamp(t)]


def close(a, b) -> bool:
    return not pd.isna(a) and math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-3)


def max_raw(name: str) -> int:
    """The largest raw value inside the standard's range as resources/columns.csv states it."""
    w, res, off = next((w, r, o) for n, w, r, o in enc.STREAM if n == name)
    f = record_fields()[name]
    return min(enc.MAX_RAW[w], math.floor((f.max - off) / res + 1e-9))


def min_raw(name: str) -> int:
    return 1 if name in ("nox_up", "nox_down") else 0  # NOx raw 0 is "not ready", tested on its own


# The capture of the issue: login, real-time with OBD and stream bodies (GB), an OBD-only frame, an HJ packet,
# a pre-standard dialect frame, logout; written as a log with prefixes, spaced and lower-case hex, a torn frame.
def six_frames() -> list[bytes]:
    stream_invalid = enc.stream_body({"speed": 0xFFFF, "baro": 0xFE, "scr_in": 0xFEFF, "nox_up": 0xFFF0,
                                      "nox_down": 0, "dpf_dp": 0xFEFF, "coolant": 0xFF, "odometer": 0xFFFFFFFF})
    cvn = bytes.fromhex("1A2B3C4D")
    return [
        enc.login(VIN, T0, 7, iccid="89860412345678901234"),
        enc.gb_realtime(VIN, T0 + timedelta(seconds=1), [
            (1, enc.obd_body(VIN, mil=1, calid=b"CAL-SX-0427  \x00\x00 ", cvn=cvn,
                             dtcs=[0x00_0F_A1_03, 0x00_0E_11_02])),
            (2, enc.stream_body()),
            (2, stream_invalid),
        ]),
        enc.gb_realtime(VIN, T0 + timedelta(seconds=30), [(1, enc.obd_body(VIN, mil=0xFE, dtc_count=0xFE,
                                                                           calid=b"\xff" * 18, cvn=b"\xff" * 18))]),
        enc.hj_packet_of_ten(VIN, T0 + timedelta(seconds=10), 1, [{"speed": 256 * k} for k in range(10)]),
        enc.dialect_realtime(VIN, T0 + timedelta(seconds=40), 9, [(2, enc.stream_body()), (0x80, b"\x01\x02\x03")]),
        enc.logout(VIN, T0 + timedelta(minutes=5), 7),
    ]


def write_log(path: Path, frames: list[bytes], torn: bytes | None = None) -> Path:
    prefixes = ["2026-10-01 08:00:01 RECV: ", "<< ", "[Rx] ", "", "2026-10-01 08:00:23 ", "RECV:"]
    lines = []
    for i, f in enumerate(frames):
        h = f.hex(" ") if i % 2 else f.hex().upper()
        lines.append(prefixes[i % len(prefixes)] + h)
        if i == 2 and torn is not None:
            lines.append("[Rx] " + torn.hex(" ")[: len(torn) * 3 // 2])  # cut in the middle
            lines.append("heartbeat ok")  # a line with no frame
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def test_six_frame_log_decodes_to_the_standard_scaling(ws, tmp_path):
    frames = six_frames()
    torn = enc.gb_realtime(VIN, T0 + timedelta(seconds=50), [(2, enc.stream_body())])
    rep = import_records(ws, write_log(tmp_path / "capture.log", frames, torn))
    f = rep.frames
    assert rep.status == "imported" and rep.encoding == "hex" and rep.header_row is None
    assert f["read"] == 6 and f["by_command"] == {"login": 1, "logout": 1, "realtime": 4}
    assert f["by_type"] == {"diesel": 12, "obd": 2}
    assert f["lines_without_frame"] == 1 and f["dialect"] == 1
    reasons = {x["line"]: x["reason"] for x in f["skipped_first"]}
    assert "torn" in reasons[4] and "dialect" in reasons[7]
    assert f["skipped"] == 2  # the torn frame and the dialect frame
    # 2 GB stream samples + 10 HJ samples + one sample of the OBD-only frame
    assert rep.rows_read == 13 and rep.rows_imported == 13 and rep.rejected == 0

    df = stored(ws)
    good = at(df, T0 + timedelta(seconds=1))
    for name, w, res, off in enc.STREAM:
        raw = int.from_bytes(enc.stream_body()[sum(enc.WIDTH[n] for n in STREAM_NAMES[:STREAM_NAMES.index(name)]):][:w])
        assert close(good[name], raw * res + off), name
    assert close(good["nox_down"], 60.0) and close(good["scr_in"], 300.0) and close(good["lat"], 39.9)
    # The OBD body of the packet joins its samples; CALID loses its padding, the binary CVN becomes hex.
    assert good["mil"] == 1 and good["dtc_count"] == 2 and good["calid"] == "CAL-SX-0427" and good["cvn"] == "1A2B3C4D"
    # The second stream body of a GB packet sits one second after the first.
    bad = at(df, T0 + timedelta(seconds=2))
    for name in ("speed", "baro", "scr_in", "nox_up", "nox_down", "dpf_dp", "coolant", "odometer"):
        assert pd.isna(bad[name]), name
    assert close(bad["rpm"], 1400) and bad["mil"] == 1
    # HJ: every body carries its own time.
    for k in range(10):
        assert close(at(df, T0 + timedelta(seconds=10 + k))["speed"], k)
    # The OBD-only frame with invalid MIL, DTC count, CALID and CVN: a row of its own, all null.
    obd = at(df, T0 + timedelta(seconds=30))
    assert all(pd.isna(obd[n]) for n in ("mil", "dtc_count", "calid", "cvn", "speed", "nox_down"))
    assert pd.Timestamp(T0 + timedelta(seconds=40)) not in df.index  # the dialect frame was not guessed into numbers

    with ws.Session() as s:
        sess = s.scalars(select(TerminalSession)).all()
        assert [(x.login_ts, x.logout_ts, x.serial, x.iccid) for x in sess] == [
            (T0, T0 + timedelta(minutes=5), 7, "89860412345678901234")]
        days = s.scalar(select(DayStat.n_records).where(DayStat.day == date(2026, 10, 1)))
        assert days == 13


def test_every_stream_field_at_min_max_and_invalid(ws, tmp_path):
    mins = {n: min_raw(n) for n in STREAM_NAMES}
    maxs = {n: max_raw(n) for n in STREAM_NAMES}
    ones = {n: enc.ALL_ONES[enc.WIDTH[n]] for n in STREAM_NAMES}
    errs = {n: enc.J1939_ERROR[enc.WIDTH[n]] for n in STREAM_NAMES}
    for d in (ones, errs):
        d["gnss_status"] = 0xFF
    bodies = [mins, maxs, ones, errs, {"nox_up": 0, "nox_down": 0xFFF0}]
    gb = enc.gb_realtime(VIN, T0, [(2, enc.stream_body(b)) for b in bodies])
    hj = enc.hj_realtime(VIN2, T0, 3, [(2, T0 + timedelta(seconds=k), enc.stream_body(b))
                                       for k, b in enumerate(bodies)])
    path = tmp_path / "fields.bin"
    path.write_bytes(gb + hj)
    rep = import_records(ws, path)
    assert rep.encoding == "binary" and rep.rows_imported == 10
    for vin in (VIN, VIN2):
        df = stored(ws, vin)
        lo, hi = at(df, T0), at(df, T0 + timedelta(seconds=1))
        for n in STREAM_NAMES:
            want_lo, want_hi = enc.physical(n, mins[n]), enc.physical(n, maxs[n])
            assert close(lo[n], want_lo), (vin, n, lo[n], want_lo)
            if n == "gnss_status":  # 7 = invalid fix, south, west: no position
                assert hi[n] == 7 and pd.isna(hi["lon"]) and pd.isna(hi["lat"])
            elif n not in ("lon", "lat"):
                assert close(hi[n], want_hi), (vin, n, hi[n], want_hi)
            for k in (2, 3):
                assert pd.isna(at(df, T0 + timedelta(seconds=k))[n]), (vin, n, k)
        nox = at(df, T0 + timedelta(seconds=4))
        assert pd.isna(nox["nox_up"]) and pd.isna(nox["nox_down"])  # raw 0 = not ready; 0xFFF0 = error


def test_gnss_hemisphere_bits_sign_the_position(ws, tmp_path):
    bodies = [enc.stream_body({"gnss_status": 2, "lat": 33_500_000, "lon": 70_250_000}),
              enc.stream_body({"gnss_status": 4, "lat": 33_500_000, "lon": 70_250_000}),
              enc.stream_body({"gnss_status": 1, "lat": 33_500_000, "lon": 70_250_000})]
    path = tmp_path / "gnss.bin"
    path.write_bytes(enc.gb_realtime(VIN, T0, [(2, b) for b in bodies]))
    import_records(ws, path)
    df = stored(ws)
    south, west, nofix = (at(df, T0 + timedelta(seconds=k)) for k in range(3))
    assert close(south["lat"], -33.5) and close(south["lon"], 70.25)
    assert close(west["lat"], 33.5) and close(west["lon"], -70.25)
    assert pd.isna(nofix["lat"]) and pd.isna(nofix["lon"])


def test_binary_stream_with_garbage_between_frames(ws, tmp_path):
    a = enc.hj_packet_of_ten(VIN, T0, 1, [{}] * 10)
    b = enc.hj_packet_of_ten(VIN, T0 + timedelta(seconds=10), 2, [{}] * 10)
    c = enc.gb_realtime(VIN, T0 + timedelta(seconds=20), [(2, enc.stream_body())])
    garbled = bytearray(b)
    garbled[60] ^= 0x55  # one flipped byte: the check fails, the frame is skipped, not half-read
    blob = b"\x00\x17JUNK" + a + b"\xde\xad\xbe\xef" + bytes(garbled) + c + b"##\x02tail"
    path = tmp_path / "stream.dat"
    path.write_bytes(blob)
    rep = import_records(ws, path)
    f = rep.frames
    assert rep.encoding == "binary" and f["read"] == 2 and rep.rows_imported == 11
    offsets = {x["offset"]: x["reason"] for x in f["skipped_first"]}
    assert offsets[0].startswith("6 bytes before")
    assert "4 garbled bytes" in offsets[6 + len(a)]
    assert "check byte" in offsets[10 + len(a)]
    assert "torn" in offsets[len(blob) - 7]
    assert f["skipped"] == 2 and f["skipped_bytes"] == 6 + 4 + len(b) + 7


def test_frame_column_of_a_csv_export(ws, tmp_path):
    frames = [enc.gb_realtime(VIN, T0 + timedelta(seconds=k), [(2, enc.stream_body({"rpm": 8 * (1000 + k)}))])
              for k in range(5)]
    rows = ["车辆识别代号,接收时间,原始报文",
            *(f"{VIN},2026-10-01 08:00:0{k},{f.hex(' ')}" for k, f in enumerate(frames))]
    rows.insert(3, f"{VIN},2026-10-01 08:00:09,--")
    path = tmp_path / "报文导出.csv"
    path.write_bytes(("\n".join(rows) + "\n").encode("gbk"))
    rep = import_records(ws, path)
    assert rep.encoding == "gbk" and rep.header_row == 1 and rep.rows_imported == 5
    assert rep.frames["read"] == 5 and rep.frames["lines_without_frame"] == 1
    df = stored(ws)
    assert [float(x) for x in df["rpm"]] == [1000.0, 1001.0, 1002.0, 1003.0, 1004.0]


def test_frame_column_of_a_workbook(ws, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    sh = wb.active
    sh.append(["时间", "报文"])
    for k in range(3):
        f = enc.hj_packet_of_ten(VIN, T0 + timedelta(seconds=10 * k), k, [{}] * 10)
        sh.append([f"2026-10-01 08:00:{10 * k:02d}", f.hex().upper()])
    wb.save(tmp_path / "frames.xlsx")
    rep = import_records(ws, tmp_path / "frames.xlsx")
    assert rep.rows_imported == 30 and rep.frames["by_command"] == {"realtime": 3}


def test_reimport_is_a_no_op_and_resent_frames_count_once(ws, tmp_path):
    pkt = enc.hj_packet_of_ten(VIN, T0, 1, [{}] * 10)
    resent = enc.hj_packet_of_ten(VIN, T0, 1, [{}] * 10, cmd=3)
    path = write_log(tmp_path / "a.log", [enc.login(VIN, T0, 1), pkt, resent, pkt])
    rep = import_records(ws, path)
    assert rep.rows_read == 30 and rep.rows_imported == 10 and rep.duplicates == 20
    assert rep.frames["by_command"] == {"login": 1, "realtime": 2, "resent": 1}
    with ws.Session() as s:
        before = (s.scalar(select(ImportBatch.id)), len(s.scalars(select(TerminalSession)).all()))
    again = import_records(ws, path)
    assert again.status == "already_imported"
    with ws.Session() as s:
        assert (s.scalar(select(ImportBatch.id)), len(s.scalars(select(TerminalSession)).all())) == before
        assert len(s.scalars(select(ImportBatch)).all()) == 1
    # The same frames in another file: nothing new stored, the session not doubled.
    rep2 = import_records(ws, write_log(tmp_path / "b.log", [enc.login(VIN, T0, 1), resent, pkt]))
    assert rep2.rows_imported == 0 and rep2.duplicates == 20 and rep2.frames["sessions"] == 0


def test_gbt32960_capture_is_refused_by_name(ws, tmp_path, capsys):
    path = tmp_path / "ev.log"
    path.write_text("\n".join(enc.gbt32960(VIN, T0 + timedelta(seconds=k)).hex() for k in range(3)) + "\n")
    with pytest.raises(InputError, match="GB/T 32960") as err:
        import_records(ws, path)
    assert err.value.file == "ev.log"
    with ws.Session() as s:
        assert s.scalar(select(ImportBatch.id)) is None
    code = main(["--home", str(ws.home.root), "import", str(path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 3 and out["errors"][0]["file"].endswith("ev.log") and "32960" in out["errors"][0]["error"]


def test_file_without_decodable_frames_is_refused(ws, tmp_path):
    path = tmp_path / "enc.log"
    frames = [enc.frame(2, VIN, enc.t6(T0) + bytes(40), enc.GB, enc=3), enc.frame(2, VIN, bytes(30), enc.HJ, enc=2),
              enc.dialect_realtime(VIN, T0, 1, [(0x81, b"\x00" * 10)])]
    write_log(path, frames)
    with pytest.raises(InputError, match="no decodable") as err:
        import_records(ws, path)
    assert err.value.file == "enc.log" and "2 encrypted" in str(err.value)


def test_encrypted_frames_are_counted_and_hj_gas_bodies_reported(ws, tmp_path):
    gas = enc.hj_realtime(VIN, T0, 4, [(2, T0, enc.stream_body()), (3, T0 + timedelta(seconds=1), bytes(30))])
    gas_only = enc.hj_realtime(VIN, T0 + timedelta(seconds=5), 5, [(5, T0 + timedelta(seconds=5), bytes(30))])
    sm2 = enc.frame(2, VIN, enc.t6(T0) + bytes(40), enc.HJ, enc=3)
    path = write_log(tmp_path / "gas.log", [gas, sm2, gas_only])
    rep = import_records(ws, path)
    assert rep.frames["encrypted"] == 1 and rep.frames["by_type"] == {"diesel": 1, "gas_nox": 1, "gas_twc": 1}
    reasons = [x["reason"] for x in rep.frames["skipped_first"]]
    assert any("0x03 (gas_twc)" in r for r in reasons) and any("0x05 (gas_nox)" in r for r in reasons)
    assert rep.rows_imported == 1


def test_cli_prints_frames(ws, tmp_path, capsys):
    path = write_log(tmp_path / "c.log", six_frames())
    code = main(["--home", str(ws.home.root), "import", str(path)])
    out = capsys.readouterr().out
    assert code == 0 and "frames: 6 read, 1 skipped" in out and "dialect" in out


def test_days_terminal_on(ws, tmp_path):
    frames = [enc.login(VIN, datetime(2026, 10, 1, 22, 0), 1), enc.logout(VIN, datetime(2026, 10, 3, 1, 0), 1),
              enc.login(VIN, datetime(2026, 10, 5, 9, 0), 2), enc.login(VIN2, datetime(2026, 9, 30, 9, 0), 1),
              enc.hj_packet_of_ten(VIN, datetime(2026, 10, 1, 22, 0, 5), 1, [{}] * 10)]
    import_records(ws, write_log(tmp_path / "s.log", frames))
    with ws.Session() as s:
        ids = dict(s.execute(select(Vehicle.vin, Vehicle.id)).all())
        got = days_terminal_on(s, None, date(2026, 10, 1), date(2026, 10, 31))
        only = days_terminal_on(s, [ids[VIN2]], date(2026, 9, 1), date(2026, 9, 30))
    assert got == {ids[VIN]: {date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3), date(2026, 10, 5)}}
    assert only == {ids[VIN2]: {date(2026, 9, 30)}}
    # A logout in a later file closes the session its login opened.
    later = [enc.logout(VIN, datetime(2026, 10, 6, 8, 0), 2),
             enc.hj_packet_of_ten(VIN, datetime(2026, 10, 6, 7, 0), 5, [{}] * 10)]
    import_records(ws, write_log(tmp_path / "t.log", later))
    with ws.Session() as s:
        got = days_terminal_on(s, [ids[VIN]], date(2026, 10, 5), date(2026, 10, 10))
    assert got == {ids[VIN]: {date(2026, 10, 5), date(2026, 10, 6)}}


@pytest.mark.parametrize("line", [
    "2026-10-01 23:23:23 RECV: {h}", "<< {h}", "[Rx] {h}", "{h}", "2026-10-01 08:00:01 [Rx] >> {h}  ",
])
def test_prefixes_and_spacing(line):
    f = enc.gb_realtime(VIN, T0, [(2, enc.stream_body())])
    for h in (f.hex(), f.hex(" "), f.hex().upper(), f.hex(" ").upper()):
        assert frame_bytes(line.format(h=h)) == f


raw_for = {n: st.integers(min_raw(n), max_raw(n)) for n in STREAM_NAMES if n != "gnss_status"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(samples=st.lists(st.fixed_dictionaries({**raw_for, "gnss_status": st.integers(0, 7)}), min_size=1,
                        max_size=12),
       layout=st.sampled_from(["GB", "HJ"]), split=st.integers(0, 5))
def test_random_samples_round_trip(samples, layout, split):
    if layout == "GB":
        buf = enc.gb_realtime(VIN, T0, [(2, enc.stream_body(r)) for r in samples])
    else:
        buf = enc.hj_realtime(VIN, T0, 1, [(2, T0 + timedelta(seconds=k), enc.stream_body(r))
                                           for k, r in enumerate(samples)])
    buf = bytes(split) + buf  # junk before the frame: skipped, not read
    stats = fr.FrameStats()
    where = fr.Where()
    dec = fr.decode(buf, fr.locate(buf, stats, where), stats, where)
    df = dec.samples
    assert stats.read == 1 and len(df) == len(samples)
    assert list(df["ts"]) == [pd.Timestamp(T0 + timedelta(seconds=k)) for k in range(len(samples))]
    for k, r in enumerate(samples):
        for n in STREAM_NAMES:
            got = df[n].iloc[k]
            assert close(got, enc.physical(n, r[n])), (n, r[n], got)


def test_ten_body_gb_packet_times_and_large_file_blocks(tmp_path, monkeypatch):
    """GB bodies without own times are one second apart; a binary capture read in small blocks gives the same
    samples as read whole (a frame cut by a block boundary is carried into the next block)."""
    from dieselwatch.ingest import captures

    pkts = b"".join(enc.gb_realtime(VIN, T0 + timedelta(seconds=10 * i),
                                    [(2, enc.stream_body({"rpm": 8 * (i * 10 + k)})) for k in range(10)])
                    for i in range(20))
    path = tmp_path / "x.bin"
    path.write_bytes(pkts)
    monkeypatch.setattr(captures, "BINARY_BLOCK", 1000)
    cap = captures.open_capture(path)
    got = pd.concat([c for _, c in cap.chunks(50)], ignore_index=True)
    assert cap.frames.read == 20 and cap.frames.skipped == 0 and len(got) == 200
    assert (np.diff(got["ts"].to_numpy()) == np.timedelta64(1, "s")).all()
    assert [float(x) for x in got["rpm"]] == [float(i) for i in range(200)]


def test_app_imports_a_capture_without_the_mapping_wizard(qtbot, ws, tmp_path, monkeypatch):
    """A dropped capture has no headers to map: the app imports it straight away and shows its frames."""
    from test_gui import settle

    from dieselwatch.gui.import_wizard import ImportWizard
    from dieselwatch.gui.main_window import MainController

    monkeypatch.setattr(ImportWizard, "exec", lambda self: pytest.fail("no wizard for a capture"))
    path = write_log(tmp_path / "drop.log", six_frames())
    ctl = MainController(ws, "en")
    qtbot.addWidget(ctl.w)
    ctl.imports_page.import_with_wizard([path])
    settle(qtbot, ctl, lambda: "drop.log" in ctl.imports_page.p.importReport.toPlainText())
    text = ctl.imports_page.p.importReport.toPlainText()
    assert "frames: 6 read, 1 skipped, 0 encrypted" in text and "line 5, byte 0: local dialect" in text


def test_capture_import_and_sessions_on_postgres(pg_ws, tmp_path):
    rep = import_records(pg_ws, write_log(tmp_path / "pg.log", six_frames()))
    assert rep.rows_imported == 13 and rep.frames["sessions"] == 1
    with pg_ws.Session() as s:
        vid = s.scalar(select(Vehicle.id).where(Vehicle.vin == VIN))
        assert days_terminal_on(s, [vid], date(2026, 10, 1), date(2026, 10, 1)) == {vid: {date(2026, 10, 1)}}
    assert import_records(pg_ws, tmp_path / "pg.log").status == "already_imported"


def test_a_capture_with_sessions_can_be_removed_and_imported_again(ws, tmp_path):
    """`imports remove` of a capture takes its login/logout sessions with it (they once held the batch row in
    place: a foreign-key error), and importing the file again brings samples and sessions back."""
    from dieselwatch.services.batches import remove_batch

    path = write_log(tmp_path / "c.log", six_frames())
    rep = import_records(ws, path)

    def state():
        with ws.Session() as s:
            return (len(s.scalars(select(TerminalSession)).all()), s.scalar(select(func.count(RawPartition.id))),
                    sorted((d.day, d.n_records) for d in s.scalars(select(DayStat))))

    before = state()
    assert before[0] == 1 and before[1] >= 1
    removed = remove_batch(ws, rep.batch_id, "wrong terminal")
    assert removed.rows_removed == rep.rows_imported
    assert state()[:2] == (0, 0)
    again = import_records(ws, path)
    assert again.status == "imported" and state() == before
