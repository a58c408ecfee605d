"""The judge's and the day statistics' thresholds at, just below and just above their boundaries (pure functions,
no fleet), and the usage rules: not covered, parked, driving unreported."""

import copy
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from dieselwatch.scoring.daystats import Engine, compute_day_stats
from dieselwatch.scoring.judge import SCORE_BANDS, Figures, judge, offset_sources, peer_reasons, silent, usage
from dieselwatch.scoring.rules import default_rules, power_thresholds

RULES = default_rules()
ENGINE = Engine(2100.0, 330.0, 25.0)
D0 = date(2026, 10, 1)


def clean(**changes) -> Figures:
    """A vehicle any officer would put on the white list; then one figure changed."""
    f = silent(10)
    f.update(n_records=72000, n_running=72000, n_expected=72000, n_valid=50000, n_hot=50000,
             sum_up_hot=50000 * 500.0, sum_down_hot=50000 * 20.0, n_down_valid=72000, n_down_repeat=3000,
             fuel_l=600.0, reagent_drop=50.0, days_with_data=10, kw_n=5000.0, work_kwh=900.0, nox_mass_g=200.0,
             distance_km=1500.0)
    for i in range(len(power_thresholds(RULES))):
        f[f"kw_v{i}"] = 4000.0
    f.update(changes)
    return f


def rules(**sections):
    r = copy.deepcopy(RULES)
    for key, value in sections.items():
        sec, k = key.split("__")
        r[sec][k] = value
    return r


def verdict(m, r=RULES, engine=ENGINE, **kw):
    score, proposal, reasons, metrics = judge(m, r, engine, **kw)
    return proposal, {x["code"]: x["severity"] for x in reasons}, score, metrics


def test_the_clean_vehicle_is_white_with_full_score():
    p, codes, score, _ = verdict(clean())
    assert (p, codes, score) == ("white", {}, 100)


# (figure changes at the boundary, just below, just above) -> expected code and severity where it fires
@pytest.mark.parametrize("name, below, at, above, code, sev", [
    ("exceed share 5 %", dict(n_exceed=2499), dict(n_exceed=2500), dict(n_exceed=2501), "EXC_SHARE", "black"),
    ("hot-SCR efficiency 50 %", dict(sum_down_hot=50000 * 249.5), dict(sum_down_hot=50000 * 250.0),
     dict(sum_down_hot=50000 * 250.5), "SCR_EFF_LOW", "black"),
    ("down > up share 30 %", dict(n_down_gt_up=14999), dict(n_down_gt_up=15000), dict(n_down_gt_up=15001),
     "TAMPER_DOWN_GT_UP", "black"),
    ("down zero share 50 %", dict(n_down_zero_loaded=24999), dict(n_down_zero_loaded=25000),
     dict(n_down_zero_loaded=25001), "TAMPER_DOWN_ZERO", "black"),
    ("constant run 1800 s", dict(max_down_const_s=1799), dict(max_down_const_s=1800), dict(max_down_const_s=1801),
     "TAMPER_DOWN_STUCK", "black"),
    ("repeat share 80 %", dict(n_down_repeat=57599), dict(n_down_repeat=57600), dict(n_down_repeat=57601),
     "TAMPER_DOWN_STUCK", "black"),
    ("reagent zero share 50 %", dict(n_reagent_zero=35999), dict(n_reagent_zero=36000), dict(n_reagent_zero=36001),
     "TAMPER_REAGENT_EMPTY", "black"),
    ("SCR cold under load 600 s", dict(n_scr_cold_high_load=599), dict(n_scr_cold_high_load=600),
     dict(n_scr_cold_high_load=601), "TAMPER_SCR_COLD_LOAD", "black"),
    ("MIL with DTCs 50 %", dict(n_mil_on=35999, dtc_max=2), dict(n_mil_on=36000, dtc_max=2),
     dict(n_mil_on=36001, dtc_max=2), "OBD_MIL", "watch"),
    ("completeness 90 %", dict(n_expected=72000 / 0.9 - 10), dict(n_expected=72000 / 0.9 + 10),
     dict(n_expected=72000 / 0.89), "DATA_INCOMPLETE", "watch"),
    ("field missing 10 %", dict(n_miss_air=7199), dict(n_miss_air=7200), dict(n_miss_air=7201),
     "DATA_FIELDS_MISSING", "watch"),
    ("invalid position 50 %", dict(n_gnss_invalid=35999), dict(n_gnss_invalid=36000), dict(n_gnss_invalid=36001),
     "DATA_GNSS", "watch"),
])
def test_judge_thresholds(name, below, at, above, code, sev):
    inclusive = name.startswith(("exceed", "down >", "down zero", "constant", "repeat", "reagent zero", "SCR cold",
                                 "MIL", "completeness"))
    assert code not in verdict(clean(**below))[1], name
    assert (code in verdict(clean(**at))[1]) == inclusive, name
    p, codes, score, _ = verdict(clean(**above))
    assert codes.get(code) == sev, name
    assert p == sev and SCORE_BANDS[p][0] <= score <= SCORE_BANDS[p][1]


def test_scr_efficiency_watch_band_and_hot_sample_minimum():
    assert verdict(clean(sum_down_hot=50000 * 100.0))[1].get("SCR_EFF_WEAK") is None  # exactly 80 %
    assert verdict(clean(sum_down_hot=50000 * 100.5))[1]["SCR_EFF_WEAK"] == "watch"
    few = clean(n_hot=599, n_valid=599, sum_up_hot=599 * 500.0, sum_down_hot=599 * 400.0, n_down_gt_up=599)
    assert verdict(few)[2 - 1].keys() & {"SCR_EFF_LOW", "TAMPER_DOWN_GT_UP"} == set()
    enough = clean(n_hot=600, n_valid=600, sum_up_hot=600 * 500.0, sum_down_hot=600 * 400.0)
    assert verdict(enough)[1]["SCR_EFF_LOW"] == "black"


def test_exceedance_days_watch_then_black():
    assert verdict(clean(), exceed_days=[D0])[1]["EXC_DAYS"] == "watch"
    assert verdict(clean(), exceed_days=[D0, D0 + timedelta(1)])[1]["EXC_DAYS"] == "black"


def test_reagent_static_needs_40_litres_and_a_fall_below_half_a_point():
    assert "TAMPER_REAGENT_STATIC" not in verdict(clean(fuel_l=39.9, reagent_drop=0.0))[1]
    assert verdict(clean(fuel_l=40.0, reagent_drop=0.49))[1]["TAMPER_REAGENT_STATIC"] == "black"
    assert "TAMPER_REAGENT_STATIC" not in verdict(clean(fuel_l=40.0, reagent_drop=0.5))[1]


def test_calibration_change_and_odometer():
    assert "TAMPER_CALID" not in verdict(clean(), calid_pairs={"A|1"})[1]
    assert verdict(clean(), calid_pairs={"A|1", "B|2"})[1]["TAMPER_CALID"] == "black"
    assert "TAMPER_ODO_BACK" not in verdict(clean(n_odo_back=0))[1]
    assert verdict(clean(n_odo_back=1))[1]["TAMPER_ODO_BACK"] == "black"


def test_mil_without_trouble_codes_or_with_them_is_watch_never_black_alone():
    assert verdict(clean(n_mil_on=72000, dtc_max=0))[1] == {"OBD_MIL_SOME": "watch"}
    p, codes, score, _ = verdict(clean(n_mil_on=72000, dtc_max=3))
    assert (p, codes) == ("watch", {"OBD_MIL": "watch"}) and 50 <= score <= 89
    p, codes, _, _ = verdict(clean(n_mil_on=72000, dtc_max=3, n_odo_back=2))
    assert p == "black"  # a tamper reason makes it black


# --- Annex K windows --------------------------------------------------------------------------------------

def kwin(valid_by_step, over_by_step, n=1000.0):
    f = clean(kw_n=n)
    for i in range(len(power_thresholds(RULES))):
        f[f"kw_v{i}"] = valid_by_step[i] if i < len(valid_by_step) else valid_by_step[-1]
        f[f"kw_o{i}"] = over_by_step[i] if i < len(over_by_step) else over_by_step[-1]
    return f


def test_power_threshold_steps_follow_the_rule_set():
    assert power_thresholds(RULES) == [0.2, 0.19, 0.18, 0.17, 0.16, 0.15]


def test_annex_k_percentile_boundary():
    # 90th percentile of the conformity factors above 1.5 <=> more than 10 % of the valid windows above 1.5.
    assert "BSNOX" not in verdict(kwin([600], [60]))[1]  # exactly 10 %
    _p, codes, _, m = verdict(kwin([600], [61]))
    assert codes["BSNOX"] == "black" and m["bs_method"] == "annex_k" and m["bs_power_threshold"] == 0.2
    assert "BSNOX" not in verdict(kwin([600], [59]))[1]


def test_annex_k_lowers_the_power_threshold_until_half_the_windows_are_valid():
    # 20 %: 499 of 1000 valid (below half) -> 19 %: 500 valid, of which 51 over.
    _, codes, _, m = verdict(kwin([499, 500], [499, 51]))
    assert m["bs_power_threshold"] == 0.19 and m["bs_valid_windows"] == 500 and codes["BSNOX"] == "black"
    _, codes, _, m = verdict(kwin([100, 200, 300, 400, 450, 499], [100]))
    assert m["bs_power_threshold"] == 0.15 and codes == {"KWIN_FEW_VALID": "info", "WHITE_EVIDENCE": "info"}


def test_annex_k_needs_minimum_valid_windows_for_a_verdict():
    assert "BSNOX" not in verdict(kwin([299], [299], n=400))[1]
    assert verdict(kwin([300], [300], n=400))[1]["BSNOX"] == "black"


def test_without_rated_power_fixed_time_windows_are_named_and_only_watched():
    m = clean(kw_n=0.0, bs_windows=100.0, bs_windows_over=11.0)
    p, codes, _, met = verdict(m, engine=Engine(2100.0, None, None))
    assert codes == {"ENGINE_DATA_MISSING": "info", "BSNOX_TIME": "watch"} and p == "watch"
    assert met["bs_method"] == "time_300s"
    _, _, reasons, _ = judge(m, RULES, Engine(2100.0, None, None))
    text = next(r for r in reasons if r["code"] == "BSNOX_TIME")["text"]
    assert "固定300秒时间窗口" in text and "不是GB 17691附录K的功基窗口法" in text
    assert "BSNOX_TIME" not in verdict(clean(kw_n=0.0, bs_windows=100.0, bs_windows_over=10.0),
                                       engine=Engine(2100.0, None, None))[1]
    assert "BSNOX_TIME" not in verdict(clean(kw_n=0.0, bs_windows=9.0, bs_windows_over=9.0),
                                       engine=Engine(2100.0, None, None))[1]


# --- evidence for white, insufficient data -------------------------------------------------------------

@pytest.mark.parametrize("change, need", [
    (dict(days_with_data=4), "data on 4 days (needs 5)"),
    (dict(n_valid=7199), "2.0 h of valid operation (needs 2 h)"),
    (dict(**{f"kw_v{i}": 299.0 for i in range(6)}, kw_n=500.0), "299 valid brake-specific windows (needs 300)"),
])
def test_white_needs_evidence(change, need):
    p, codes, score, _ = verdict(clean(**change))
    _, _, reasons, _ = judge(clean(**change), RULES, ENGINE)
    assert p == "none" and codes == {"WHITE_EVIDENCE": "info"} and score <= 89
    assert need in reasons[0]["text_en"]


def test_white_at_the_evidence_boundaries():
    at = clean(days_with_data=5, n_valid=7200, kw_n=300.0, **{f"kw_v{i}": 300.0 for i in range(6)})
    assert verdict(at)[0] == "white"


def test_insufficient_data_is_none_or_watch_never_black():
    little = clean(days_with_data=1, n_running=7199, n_records=7199, n_expected=7199)
    p, codes, _, _ = verdict(little)
    assert p == "none" and codes.get("DATA_INSUFFICIENT") == "info"
    assert verdict(clean(days_with_data=1, n_running=7200, n_records=7200, n_expected=7200))[1].get(
        "DATA_INSUFFICIENT") is None
    assert verdict(little, rules(data__insufficient_watch=1))[0] == "watch"
    assert verdict(silent(30))[0] == "none"


# --- usage: coverage, parked, driving unreported -----------------------------------------------------------

def use(spans, first=None, last=None, data=0, silences=(), on=None, end=D0 + timedelta(9)):
    return usage(D0, end, spans, first, last, data, list(silences), on, RULES)


def test_days_outside_coverage_are_not_covered_never_offline():
    u = use([(D0, D0 + timedelta(4))], D0, D0 + timedelta(4), 5)
    assert (u["covered_days"], u["not_covered_days"], u["unreported_days"], u["online_rate"]) == (5, 5, 0, 1.0)
    _, codes, _, _ = verdict(clean(days_with_data=5), use=u)
    assert codes.get("DATA_NOT_COVERED") == "info" and "DATA_OFFLINE" not in codes


@pytest.mark.parametrize("km, kind", [(1.9, "parked"), (2.0, "parked"), (2.1, "driven")])
def test_parked_or_driven_across_a_silence(km, kind):
    u = use([(D0, D0 + timedelta(9))], D0, D0 + timedelta(9), 2, [(D0, D0 + timedelta(9), km, None)])
    assert u["parked_days"] == (8 if kind == "parked" else 0)
    assert u["unreported_days"] == (8 if kind == "driven" else 0)
    p, codes, _, _ = verdict(clean(days_with_data=2), use=u)
    if kind == "parked":
        assert p != "black" and not {"DATA_OFFLINE", "DATA_OFFLINE_LONG"} & set(codes)
    else:
        assert codes["DATA_OFFLINE_LONG"] == "black" and u["online_rate"] == pytest.approx(0.2)


def test_position_tells_when_the_odometer_is_missing_and_unknown_without_either():
    u = use([(D0, D0 + timedelta(9))], D0, D0 + timedelta(9), 2, [(D0, D0 + timedelta(9), None, 35.0)])
    assert u["unreported_days"] == 8 and u["unreported_km"] == 35.0
    u = use([(D0, D0 + timedelta(9))], D0, D0 + timedelta(9), 2, [(D0, D0 + timedelta(9), None, None)])
    assert u["unknown_days"] == 8 and u["unreported_days"] == 0


@pytest.mark.parametrize("days, sev", [(7, "watch"), (8, "black")])
def test_offline_black_after_seven_days(days, sev):
    nxt = D0 + timedelta(days + 1)
    u = use([(D0, D0 + timedelta(9))], D0, nxt, 2, [(D0, nxt, 300.0, None)])
    code = "DATA_OFFLINE_LONG" if sev == "black" else "DATA_OFFLINE"
    assert verdict(clean(days_with_data=2), use=u)[1][code] == sev


def test_terminal_sessions_count_as_days_in_use():
    on = {D0 + timedelta(7), D0 + timedelta(8)}
    u = use([(D0, D0 + timedelta(9))], D0, D0 + timedelta(5), 6, on=on)
    assert u["unreported_days"] == 2 and u["unknown_days"] == 2 and u["online_rate"] == pytest.approx(0.75)
    _, _, reasons, _ = judge(clean(days_with_data=6), RULES, ENGINE, use=u)
    r = next(r for r in reasons if r["code"] == "DATA_OFFLINE")
    assert r["severity"] == "watch" and "终端登录记录" in r["text"] and "公里" not in r["text"]


# --- peers -------------------------------------------------------------------------------------------------

def sig(rate=8.0, r_up=0.95, r_load=0.95, mean=20.0):
    return {"reagent_pct_per_100l": rate, "down_corr_up": r_up, "down_corr_load": r_load, "down_mean_ppm": mean,
            "down_sd_ppm": 5.0}


def test_reagent_use_against_peers_at_half_the_median():
    fleet = {i: sig(rate=8.0 + 0.1 * i) for i in range(8)}  # median 8.35
    models = dict.fromkeys(range(10), "WP13")
    for rate, flagged in ((4.2, False), (4.1, True)):
        got = peer_reasons({**fleet, 9: sig(rate=rate)}, models, RULES)
        assert (9 in got) == flagged
    r = peer_reasons({**fleet, 9: sig(rate=0.7)}, models, RULES)[9][0]
    assert r["code"] == "TAMPER_REAGENT_LOW_USE" and "engines of this model (WP13)" in r["text_en"]
    assert "8.1 to 8.6" in r["text_en"] and "0.7" in r["text_en"]


def test_small_groups_compare_with_the_fleet():
    s = {i: sig() for i in range(6)} | {9: sig(rate=0.5)}
    models = dict.fromkeys(range(6), "A") | {9: "RARE"}
    r = peer_reasons(s, models, RULES)[9][0]
    assert "the fleet" in r["text_en"] and "全车队" in r["text"]
    assert peer_reasons({0: sig(), 9: sig(rate=0.5)}, {0: "A", 9: "A"}, RULES) == {}  # too few to compare


def test_emulated_downstream_against_peers():
    fleet = {i: sig() for i in range(8)}
    models = dict.fromkeys(range(10), "M")
    for r_up, r_load, flagged in ((0.29, 0.1, True), (0.3, 0.1, False), (0.1, 0.3, False)):
        got = peer_reasons({**fleet, 9: sig(r_up=r_up, r_load=r_load, mean=35)}, models, RULES)
        assert (9 in got) == flagged, (r_up, r_load)
    # A model whose sensors never follow upstream NOx is not accused.
    flat = {i: sig(r_up=0.1, r_load=0.1) for i in range(9)}
    assert peer_reasons(flat, models, RULES) == {}
    r = peer_reasons({**fleet, 9: sig(r_up=0.0, r_load=0.0, mean=35)}, models, RULES)[9][0]
    p, codes, _, _ = verdict(clean(), extra=[r])
    assert p == "black" and codes["TAMPER_DOWN_EMULATED"] == "black" and "0.95 to 0.95" in r["text_en"]


def test_platform_offset_is_a_source_problem():
    sources = {"a.csv": [1, 2, 3], "b.csv": [4, 5]}
    got = offset_sources({1: 201.0, 2: 195.0, 3: 190.0, 4: 30.0, 5: 250.0}, sources, RULES)
    assert list(got) == ["a.csv"] and got["a.csv"]["min"] == 190.0
    assert offset_sources({1: 189.9, 2: 300.0, 3: 300.0}, sources, RULES) == {}
    assert offset_sources({1: 300.0}, {"c": [1]}, RULES) == {}  # one vehicle is not a fleet
    m = clean(n_exceed=20000)
    p, codes, _, _ = verdict(m, offset_source={"source": "a.csv", "n": 3, "min": 190.0})
    assert "EXC_SHARE" not in codes and codes["DATA_SOURCE_OFFSET"] == "info" and p != "black"


def test_no_reason_text_calls_a_screening_threshold_a_limit():
    from dieselwatch.scoring.judge import REASONS

    for code, (_, zh, en) in REASONS.items():
        assert "限值" not in zh and "功基窗口" not in zh.replace("附录K功基窗口", "").replace("附录K的功基窗口", "") \
            .replace("功基窗口中", "").replace("功基窗口法", ""), code
        assert code not in zh and code not in en
    assert "筛查阈值" in REASONS["EXC_SHARE"][1] and "screening threshold" in REASONS["EXC_SHARE"][2]


# --- day statistics thresholds ---------------------------------------------------------------------------

def frame(n=120, **cols) -> pd.DataFrame:
    t0 = np.datetime64("2026-10-01T08:00:00")
    base = dict(rpm=1200.0, coolant=85.0, scr_in=300.0, torque_actual=50.0, torque_friction=10.0, nox_up=600.0,
                nox_down=30.0, air_flow=600.0, fuel_rate=20.0, reagent=50.0, speed=60.0, gnss_status=0.0,
                lat=36.5, lon=117.0, odometer=1000.0)
    base.update(cols)
    df = pd.DataFrame({k: np.broadcast_to(np.asarray(v, dtype="float64"), n).copy() for k, v in base.items()})
    df.insert(0, "ts", t0 + np.arange(n).astype("timedelta64[s]"))
    df["nox_down"] += np.arange(n) % 7 * 0.05  # a live sensor does not repeat itself
    return df


def day(df, engine=None, r=RULES):
    return compute_day_stats(df, r, engine).iloc[0]


@pytest.mark.parametrize("col, below, at, above", [
    ("coolant", 69.9, 70.0, 70.1), ("scr_in", 249.9, 250.0, 250.1), ("rpm", 499.9, 500.0, 500.1),
])
def test_validity_boundaries(col, below, at, above):
    assert day(frame(**{col: below})).n_valid == 0
    assert day(frame(**{col: at})).n_valid == 120
    assert day(frame(**{col: above})).n_valid == 120


def test_torque_above_friction_boundary():
    assert day(frame(torque_actual=10.0)).n_valid == 0
    assert day(frame(torque_actual=10.5)).n_valid == 120


@pytest.mark.parametrize("ppm, exceed", [(499.0, 0), (500.0 - 0.15, 0), (500.5, 120)])
def test_screening_threshold_boundary(ppm, exceed):
    df = frame(nox_down=ppm)
    df["nox_down"] = ppm  # constant: the smoothed value is the value
    assert day(df).n_exceed == exceed


def test_gap_boundary_30_s():
    for jump, gaps in ((30, 0), (31, 1)):
        df = frame()
        df.loc[60:, "ts"] = df.loc[60:, "ts"] + np.timedelta64(jump - 1, "s")
        assert day(df).n_gaps == gaps, jump


def test_down_gt_up_margin_and_zero_and_reagent_zero():
    assert day(frame(nox_up=100.0, nox_down=119.0)).n_down_gt_up == 0
    assert day(frame(nox_up=100.0, nox_down=120.5)).n_down_gt_up == 120
    zero = frame()
    zero["nox_down"] = 1.0
    assert day(zero).n_down_zero_loaded == 120
    zero["nox_down"] = 1.05
    assert day(zero).n_down_zero_loaded == 0
    assert day(frame(reagent=0.5)).n_reagent_zero == 120 and day(frame(reagent=0.6)).n_reagent_zero == 0


def test_scr_cold_under_high_load_boundaries():
    # net torque 60 % and SCR inlet below 150 degC
    assert day(frame(torque_actual=70.0, scr_in=149.9)).n_scr_cold_high_load == 120
    assert day(frame(torque_actual=70.0, scr_in=150.0)).n_scr_cold_high_load == 0
    assert day(frame(torque_actual=69.9, scr_in=100.0)).n_scr_cold_high_load == 0


def test_work_windows_at_the_power_threshold():
    # net 40 % of 2100 N m at 1200 rpm = 105.6 kW; rated 528 kW puts the window average at exactly 20 %.
    power = 0.40 * 2100 * 1200 * 2 * np.pi / 60000
    df = frame(n=1200)
    for rated, valid in ((power / 0.2, True), (power / 0.2 * 1.01, False)):
        st = day(df, Engine(2100.0, rated, power * 300 / 3600))  # a 300 s window of work
        assert st.kw_n == 1200 - 300 + 1
        assert (st.kw_v0 == st.kw_n) == valid and (st.kw_v1 == st.kw_n)
    st = day(df, Engine(2100.0, power / 0.2, power * 300 / 3600))
    assert st.kw_o0 == 0  # 30 ppm tailpipe is far below 1.5 x 460 mg/kWh
    dirty = frame(n=1200, nox_down=1500.0)
    assert day(dirty, Engine(2100.0, power / 0.2, power * 300 / 3600)).kw_o0 == st.kw_n


def test_day_edges_for_parked_or_driven():
    df = frame(odometer=0.0)
    df["odometer"] = 1000 + np.arange(120) / 60.0
    st = day(df)
    assert st.odo_first == 1000.0 and st.odo_last == pytest.approx(1000 + 119 / 60.0)
    assert st.lat_first == pytest.approx(36.5) and st.lon_last == pytest.approx(117.0)
