"""The evidence behind a vehicle's reasons (services/evidence): panels follow the reasons, the threshold is the
active rule set's, and the shaded spans are exactly the seconds the day statistics counted."""

import json
import shutil
from datetime import date, datetime

import numpy as np
import pytest
from scored_demo import scored_copy, vid_of
from sqlalchemy import select

from dieselwatch.paths import resource
from dieselwatch.services import evidence
from dieselwatch.services.evidence import Panel
from dieselwatch.workspace import Workspace


@pytest.fixture(scope="module")
def scored_home(tmp_path_factory, loaded_home):
    return scored_copy(loaded_home, tmp_path_factory.mktemp("evidence") / "home")


@pytest.fixture()
def scored_ws(scored_home):
    w = Workspace.open(home=str(scored_home), user="tester")
    yield w
    w.close()


def stored_exceed_seconds(ws, vehicle_id, day) -> int:
    from dieselwatch.storage.models import DayStat

    with ws.Session() as s:
        return s.scalar(select(DayStat.n_exceed).where(DayStat.vehicle_id == vehicle_id, DayStat.day == day))


def test_exceedance_vehicle_gets_threshold_and_spans_matching_the_day_statistics(scored_ws, manifest):
    vid = vid_of(scored_ws, manifest, "high_emitter")
    day = evidence.evidence_day(scored_ws, vid)
    ev = evidence.day_evidence(scored_ws, vid, day)
    shipped = json.loads(resource("rules", "default.json").read_text(encoding="utf-8"))["exceedance"]
    assert ev.threshold_ppm == shipped["threshold_ppm"] and ev.window_s == shipped["smoothing_s"]
    assert ev.exceedance and {r.code for r in ev.reasons} >= {"EXC_SHARE"}
    assert ev.panels == (Panel.NOX, Panel.SCR, Panel.SPEED)
    # The shaded seconds are the seconds scoring counted on that day, and only they.
    assert ev.spans and ev.exceed_seconds == stored_exceed_seconds(scored_ws, vid, day) > 600
    df = ev.series
    ts = df["ts"].to_numpy(dtype="datetime64[s]")
    inside = np.zeros(len(df), dtype=bool)
    for sp in ev.spans:
        sel = (ts >= np.datetime64(sp.start)) & (ts < np.datetime64(sp.end))
        assert sel.sum() >= sp.samples
        inside |= sel
        first = df[sel].iloc[0]
        assert first["nox_smooth"] > ev.threshold_ppm and first["valid"]
    assert (df["nox_smooth"][~inside] > ev.threshold_ppm).sum() == 0  # nothing above the threshold left unshaded
    assert all(a.end <= b.start for a, b in zip(ev.spans, ev.spans[1:], strict=False))
    assert all(sp.start.date() == day for sp in ev.spans)


def test_reagent_and_obd_reasons_call_for_their_panels(scored_ws, manifest):
    for behaviour in ("reagent_empty", "reagent_frozen"):
        vid = vid_of(scored_ws, manifest, behaviour)
        ev = evidence.day_evidence(scored_ws, vid, evidence.evidence_day(scored_ws, vid))
        assert Panel.REAGENT in ev.panels and Panel.OBD not in ev.panels
        fuel = ev.series["fuel_cum"].to_numpy()
        assert fuel[-1] > 5 and (np.diff(fuel) >= 0).all()  # litres burnt, never falling
    empty = evidence.day_evidence(scored_ws, vid_of(scored_ws, manifest, "reagent_empty"), date(2026, 10, 2))
    assert empty.series["reagent"].max() < 1
    vid = vid_of(scored_ws, manifest, "mil_dtc")
    ev = evidence.day_evidence(scored_ws, vid, date(2026, 10, 2))
    assert Panel.OBD in ev.panels and Panel.REAGENT not in ev.panels
    assert ev.series["mil"].max() == 1 and ev.series["dtc_count"].max() >= 1


def test_clean_vehicle_gets_neither_threshold_nor_extra_panels(scored_ws, manifest):
    vid = vid_of(scored_ws, manifest, "clean")
    for day in (date(2026, 10, 1), date(2026, 10, 3)):
        ev = evidence.day_evidence(scored_ws, vid, day)
        assert ev.reasons == () and not ev.exceedance and ev.spans == ()
        assert ev.panels == (Panel.NOX, Panel.SCR, Panel.SPEED)
        assert len(ev.series) > 1000


def test_threshold_follows_the_active_rule_set(scored_home, tmp_path, manifest):
    from dieselwatch.services.rulesets import current_rules, save_rules

    home = tmp_path / "home"
    shutil.copytree(scored_home, home)
    ws = Workspace.open(home=str(home), user="tester")
    try:
        vid = vid_of(ws, manifest, "high_emitter")
        day = evidence.evidence_day(ws, vid)
        before = evidence.day_evidence(ws, vid, day)
        edited = dict(current_rules(ws))
        edited["exceedance"] = {**edited["exceedance"], "threshold_ppm": 400}
        edited["version"] = "test-400"
        with ws.Session.begin() as s:
            save_rules(s, edited, "tester", reason="lower screening threshold")
        after = evidence.day_evidence(ws, vid, day)
        active = current_rules(ws)["exceedance"]["threshold_ppm"]
        assert after.threshold_ppm == active and evidence.exceedance_rule(ws).threshold_ppm == active
        if active == 400:  # a lower threshold shades more of the same day
            assert after.exceed_seconds > before.exceed_seconds
            smooth = after.series["nox_smooth"]
            assert after.exceed_seconds == int((smooth > 400).sum())
    finally:
        ws.close()


def test_unknown_vehicle_or_day_without_samples_is_empty(scored_ws, manifest):
    ev = evidence.day_evidence(scored_ws, 999999, date(2026, 10, 1))
    assert ev.empty and ev.vin == "" and ev.spans == ()
    vid = vid_of(scored_ws, manifest, "clean")
    assert evidence.day_evidence(scored_ws, vid, date(2025, 1, 1)).empty
    assert evidence.evidence_day(scored_ws, 999999) is None


def test_spans_break_at_non_exceeding_samples_and_silences():
    ts = np.array(["2026-10-01T08:00:00", "2026-10-01T08:00:01", "2026-10-01T08:00:02", "2026-10-01T08:00:03",
                   "2026-10-01T08:00:04", "2026-10-01T08:05:00", "2026-10-01T08:05:01"], dtype="datetime64[s]")
    exceed = np.array([True, True, False, True, True, True, True])
    spans = evidence.exceedance_spans(ts, exceed, max_gap_s=30)
    assert [(s.start, s.end, s.samples) for s in spans] == [
        (datetime(2026, 10, 1, 8, 0, 0), datetime(2026, 10, 1, 8, 0, 2), 2),
        (datetime(2026, 10, 1, 8, 0, 3), datetime(2026, 10, 1, 8, 0, 5), 2),
        (datetime(2026, 10, 1, 8, 5, 0), datetime(2026, 10, 1, 8, 5, 2), 2)]
    assert evidence.exceedance_spans(ts, np.zeros(7, dtype=bool), 30) == ()


def test_example_vehicles_for_screenshots_have_the_reasons(scored_ws, manifest):
    examples = evidence.example_vehicles(scored_ws)
    by_vid = {vid_of(scored_ws, manifest, v["behaviour"]): v["behaviour"] for v in manifest["vehicles"]}
    assert set(examples) == {Panel.NOX, Panel.REAGENT, Panel.OBD}
    assert by_vid[examples[Panel.OBD]] == "mil_dtc"
    assert by_vid[examples[Panel.REAGENT]].startswith("reagent") or by_vid[examples[Panel.REAGENT]] == "emulated_nox"
    day = evidence.evidence_day(scored_ws, examples[Panel.NOX])
    assert evidence.day_evidence(scored_ws, examples[Panel.NOX], day).spans


def test_spans_match_the_day_statistics_across_midnight(ws, tmp_path):
    """A trip from 23:00 to 01:00, tailpipe NOx 1000 ppm before midnight and 200 after: the centred smoothing
    window reaches across midnight for the evidence as for the statistics scoring counts, so the first seconds
    after midnight (mean above 500 ppm only with the evening's samples) are shaded and counted alike."""
    from exports import V1, frame, write

    from dieselwatch.services.imports import import_records

    rows = frame(V1, [date(2026, 10, 30)], hours=(23, 25))
    after = rows["数据采集时间"].str.startswith("2026-10-31")
    rows["SCR下游NOx传感器输出值(ppm)"] = np.where(after, 200.0, 1000.0)
    import_records(ws, write(tmp_path / "night.csv", [rows]))
    vid = evidence.vehicle_id(ws, V1)
    for day in (date(2026, 10, 30), date(2026, 10, 31)):
        ev = evidence.day_evidence(ws, vid, day)
        assert len(ev.series) == 3600 and (ev.series["ts"].dt.date == day).all()
        assert ev.exceed_seconds == stored_exceed_seconds(ws, vid, day)
    first = evidence.day_evidence(ws, vid, date(2026, 10, 31)).spans[0]
    assert first.start == datetime(2026, 10, 31) and 0 < first.samples < 15
