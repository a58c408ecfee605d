"""From per-vehicle-day statistics to period metrics, reasons, a 0-100 score and a list proposal.

Pure functions over plain data: no database here, so the same judgement serves scoring runs, tests and the
vehicle detail view. Reasons carry stable codes (ids in JSON); their texts are sentences with the figures, in
Chinese and English, and never print the codes. A ppm figure is the office's screening threshold (筛查阈值), never
a limit: no regulation sets a tailpipe ppm limit for remote data."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np

from dieselwatch.messages import Msg
from dieselwatch.scoring.daystats import CS_COLUMNS, KW_COLUMNS, Engine
from dieselwatch.scoring.rules import RuleSet, power_thresholds

# Info reasons explain; they take no points.
SEVERITY_FACTOR = {"black": 1.0, "watch": 0.5, "info": 0.0}
# The score stays inside its proposal's band, so the score orders vehicles as the proposals do.
SCORE_BANDS = {"black": (0, 49), "watch": (50, 89), "none": (50, 89), "white": (90, 100)}

# code: (category, zh, en). Texts take the figures by name.
REASONS = {
    "EXC_SHARE": ("emission", "有效工况下游NOx（{win}秒平滑）高于筛查阈值{thr}ppm的时间占{share:.1%}"
                              "（本规则集自{need:.0%}起判定）。",
                  "In valid operation, tailpipe NOx (smoothed over {win} s) was above the screening threshold of "
                  "{thr} ppm for {share:.1%} of the time; this rule set acts from {need:.0%}."),
    "EXC_DAYS": ("emission", "共{days}天有效工况下游NOx高于筛查阈值{thr}ppm累计{mins}分钟以上：{day_list}。",
                 "On {days} days tailpipe NOx was above the screening threshold of {thr} ppm for {mins} minutes or "
                 "more: {day_list}."),
    "BSNOX": ("emission", "按GB 17691-2018附录K功基窗口法（每个窗口为WHTC循环功{work:g}kWh，平均功率不低于额定功率"
                          "{rated:g}kW的{thr:.0%}），{n}个有效窗口中{share:.1%}的NOx比排放超过{over:g}mg/kWh"
                          "（符合因子{cf:g}倍于{lim:g}mg/kWh），第{pct:.0%}百分位符合因子超过{cf:g}（至多允许"
                          "{allow:.0%}的窗口超过）。",
              "By the work-based window method of GB 17691-2018 Annex K (each window the WHTC work of {work:g} kWh, "
              "average power at least {thr:.0%} of the rated {rated:g} kW), {share:.1%} of {n} valid windows "
              "emitted more than {over:g} mg/kWh NOx (conformity factor {cf:g} x {lim:g} mg/kWh): the {pct:.0%} "
              "percentile conformity factor exceeds {cf:g} (at most {allow:.0%} of the windows may)."),
    "BSNOX_TIME": ("emission", "按固定{win}秒时间窗口（不是GB 17691附录K的功基窗口法）计算，"
                               "{n}个平均功率不低于{kw:g}kW的窗口中"
                               "{share:.1%}的NOx比排放超过{over:g}mg/kWh；仅供关注，须补充额定功率和WHTC循环功后按附录K判定。",
                   "By fixed {win} s time windows (not the work-based window method of GB 17691 Annex K), "
                   "{share:.1%} of {n} windows of at least {kw:g} kW average emitted more than {over:g} mg/kWh NOx; "
                   "for watching only until rated power and WHTC work allow the Annex K method."),
    "KWIN_FEW_VALID": ("emission", "功基窗口中平均功率达到额定功率{thr:.0%}的有效窗口仅占{share:.0%}（附录K要求至少"
                                   "{need:.0%}），不作比排放判定。",
                       "Only {share:.0%} of the work-based windows reach {thr:.0%} of rated power (Annex K needs "
                       "{need:.0%}): no brake-specific NOx verdict."),
    "ENGINE_DATA_MISSING": ("emission", "车辆登记信息缺少{missing_zh}，"
                                        "无法按GB 17691-2018附录K功基窗口法计算比排放{fallback_zh}。",
                            "The registry lacks {missing_en}: brake-specific NOx cannot be judged by the "
                            "work-based windows of GB 17691-2018 Annex K{fallback_en}."),
    "SCR_EFF_LOW": ("emission", "热态运行时SCR转化效率仅为{eff:.0%}（正常工作的国六SCR应高于80%）。",
                    "SCR conversion efficiency when hot was only {eff:.0%} (a working China VI SCR converts more "
                    "than 80 %)."),
    "SCR_EFF_WEAK": ("emission", "热态运行时SCR转化效率为{eff:.0%}，低于80%。",
                     "SCR conversion efficiency when hot was {eff:.0%}, below 80 %."),
    "NOX_FEW_VALID": ("emission", "有效工况样本仅{valid}个（SCR入口温度达到{scr}℃的热态运行太少），无法判定NOx排放。",
                      "Only {valid} samples of valid operation (too little running with the SCR inlet at {scr} "
                      "degC or more): NOx cannot be judged."),
    "TAMPER_DOWN_GT_UP": ("tamper", "热态运行时，下游NOx高于上游NOx的样本占{share:.0%}。",
                          "When hot, downstream NOx was above upstream NOx in {share:.0%} of the samples."),
    "TAMPER_DOWN_ZERO": ("tamper", "负载运行时，下游NOx读数为零的样本占{share:.0%}。",
                         "Under load, downstream NOx read zero in {share:.0%} of the samples."),
    "TAMPER_DOWN_STUCK": ("tamper", "下游NOx读数有{share:.0%}与前一秒完全相同，"
                                    "最长{secs}秒不变（传感器卡滞或信号被替换）。",
                          "Downstream NOx repeated its previous value in {share:.0%} of the samples and stayed "
                          "constant for up to {secs} s (stuck or substituted sensor)."),
    "TAMPER_DOWN_EMULATED": ("tamper", "下游NOx读数保持在看似合理的水平（平均{mean:.0f}ppm），却不随上游NOx和负荷变化："
                                       "与上游NOx的相关系数{r_up:.2f}、与负荷的相关系数{r_load:.2f}；{group_zh}"
                                       "（{n}辆车）与上游的相关系数为{lo:.2f}至{hi:.2f}；其波动（标准差）{sd:.1f}ppm，"
                                       "同类车辆为{sd_lo:.1f}至{sd_hi:.1f}ppm。信号疑被模拟器替换。",
                             "Downstream NOx stays at a plausible level (mean {mean:.0f} ppm) but does not follow "
                             "upstream NOx or load: correlation {r_up:.2f} with upstream and {r_load:.2f} with "
                             "load; {group_en} ({n} vehicles) correlate {lo:.2f} to {hi:.2f} with upstream. It "
                             "varies by {sd:.1f} ppm (standard deviation), its peers by {sd_lo:.1f} to {sd_hi:.1f} "
                             "ppm. The signal looks emulated."),
    "TAMPER_REAGENT_EMPTY": ("tamper", "发动机运行时反应剂余量为零的时间占{share:.0%}。",
                             "The reagent level read zero for {share:.0%} of the engine running time."),
    "TAMPER_REAGENT_STATIC": ("tamper", "消耗燃油{fuel:.0f}升期间反应剂余量几乎不下降（共下降{drop:.1f}个百分点）。",
                              "The reagent level hardly fell ({drop:.1f} percentage points) while {fuel:.0f} L of "
                              "fuel were burnt."),
    "TAMPER_REAGENT_LOW_USE": ("tamper", "每消耗100升燃油，反应剂余量仅下降{rate:.1f}个百分点；{group_zh}（{n}辆车）为"
                                         "{lo:.1f}至{hi:.1f}，中位数{med:.1f}。尿素喷射明显不足。",
                               "Reagent use {rate:.1f} percentage points of the tank per 100 L of fuel; {group_en} "
                               "({n} vehicles) {lo:.1f} to {hi:.1f}, median {med:.1f}. Far too little reagent "
                               "is dosed."),
    "TAMPER_SCR_COLD_LOAD": ("tamper", "高负荷下SCR入口温度低于{temp}℃共{secs}秒，温度信号不可信。",
                             "Under high load the SCR inlet read below {temp} degC for {secs} s: the temperature "
                             "signal is implausible."),
    "TAMPER_CALID": ("tamper", "期间内标定识别号/标定验证码发生变化：{values}。",
                     "The calibration ID / CVN changed during the period: {values}."),
    "TAMPER_ODO_BACK": ("tamper", "累计里程倒退{count}次。", "The odometer ran backwards {count} times."),
    "OBD_MIL": ("obd", "{share:.0%}的记录中故障指示灯（MIL）点亮，故障码最多{dtc}个，须到维修站排除故障。",
                "The malfunction lamp (MIL) was on in {share:.0%} of the records with up to {dtc} trouble codes: "
                "the fault must be repaired at a maintenance station."),
    "OBD_MIL_SOME": ("obd", "故障指示灯（MIL）在{share:.1%}的记录中点亮。",
                     "The malfunction lamp (MIL) was on in {share:.1%} of the records."),
    "DATA_OFFLINE_LONG": ("data", "{span}期间车辆{used_zh}，但终端连续{days}天没有任何记录（超过{limit}天）。",
                          "Between {span} the vehicle {used_en} while its terminal sent no record for {days} days "
                          "in a row (more than {limit})."),
    "DATA_OFFLINE": ("data", "{span}期间车辆{used_zh}，但终端{days}天没有任何记录。",
                     "Between {span} the vehicle {used_en} while its terminal sent no record for {days} days."),
    "DATA_ONLINE_LOW": ("data", "上线率{rate:.0%}：使用的{use}天中{days}天有数据（白名单要求不低于{need:.0%}）。",
                        "Online rate {rate:.0%}: data on {days} of the {use} days in use (the white list needs "
                        "{need:.0%} or more)."),
    "DATA_INCOMPLETE": ("data", "数据完整率{rate:.0%}：行程内缺失{gaps}段，共{gap_s}秒。",
                        "Data completeness {rate:.0%}: {gaps} gaps inside trips, {gap_s} s in all."),
    "DATA_FIELDS_MISSING": ("data", "关键字段缺失率{rate:.0%}（{fields}）。",
                            "Key fields were missing in {rate:.0%} of the records ({fields})."),
    "DATA_GNSS": ("data", "定位无效的记录占{share:.0%}。", "{share:.0%} of the records had no valid position."),
    "DATA_POSITION_JUMPS": ("data", "位置跳变{count}次，远超车速允许的距离。",
                            "The position jumped {count} times, far beyond what the speed allows."),
    "DATA_INSUFFICIENT": ("data", "数据不足，不作判定：期内{days}天有数据，"
                                  "发动机运行{hours:.1f}小时（至少需要{need_days}天、"
                                  "{need_hours:g}小时）。",
                          "Insufficient data, not judged: {days} days with data and {hours:.1f} h of engine running "
                          "in the period (at least {need_days} days and {need_hours:g} h are needed)."),
    "DATA_NOT_COVERED": ("data", "期内有{days}天不在已导入数据的覆盖范围内（{spans}），这些天不作判定。",
                         "{days} days of the period lie outside what the imported exports cover ({spans}); they are "
                         "not judged."),
    "DATA_SOURCE_OFFSET": ("data", "该数据来源（{source}）的全部{n}辆车热态负载下下游NOx从不低于{min:.0f}ppm，"
                                   "疑为平台未减去"
                                   "200ppm偏移：属数据来源问题而非车辆故障，NOx指标不作判定。",
                           "Every one of the {n} vehicles of this data source ({source}) reads at least {min:.0f} "
                           "ppm downstream NOx when hot and loaded: the platform seems to omit the -200 ppm offset. "
                           "A data-source problem, not a vehicle fault: NOx figures are not judged."),
    "WHITE_EVIDENCE": ("data", "证据不足以列入白名单：{what_zh}。",
                       "Not enough evidence for the white list: {what_en}."),
}

# Short names of the reasons for tables (the full text with figures is in "text" / "text_en"); Msg, so the app
# shows them translated.
LABELS = {
    "EXC_SHARE": Msg("NOx above screening threshold"), "EXC_DAYS": Msg("days above screening threshold"),
    "BSNOX": Msg("brake-specific NOx (Annex K windows)"), "BSNOX_TIME": Msg("brake-specific NOx (fixed time windows)"),
    "KWIN_FEW_VALID": Msg("too few valid work windows"), "ENGINE_DATA_MISSING": Msg("engine data missing"),
    "SCR_EFF_LOW": Msg("SCR efficiency low"),
    "SCR_EFF_WEAK": Msg("SCR efficiency weak"), "NOX_FEW_VALID": Msg("too little valid operation"),
    "TAMPER_DOWN_GT_UP": Msg("downstream NOx above upstream"), "TAMPER_DOWN_ZERO": Msg("downstream NOx at zero"),
    "TAMPER_DOWN_STUCK": Msg("downstream NOx stuck"), "TAMPER_DOWN_EMULATED": Msg("downstream NOx emulated"),
    "TAMPER_REAGENT_EMPTY": Msg("reagent empty"),
    "TAMPER_REAGENT_STATIC": Msg("reagent level not falling"),
    "TAMPER_REAGENT_LOW_USE": Msg("reagent use far below peers"),
    "TAMPER_SCR_COLD_LOAD": Msg("SCR temperature implausible"),
    "TAMPER_CALID": Msg("calibration changed"), "TAMPER_ODO_BACK": Msg("odometer backwards"),
    "OBD_MIL": Msg("MIL on"), "OBD_MIL_SOME": Msg("MIL on at times"), "DATA_OFFLINE_LONG": Msg("long offline"),
    "DATA_OFFLINE": Msg("offline"), "DATA_ONLINE_LOW": Msg("online rate low"),
    "DATA_INCOMPLETE": Msg("data incomplete"), "DATA_FIELDS_MISSING": Msg("key fields missing"),
    "DATA_GNSS": Msg("no valid position"), "DATA_POSITION_JUMPS": Msg("position jumps"),
    "DATA_INSUFFICIENT": Msg("insufficient data"), "DATA_NOT_COVERED": Msg("days not covered"),
    "DATA_SOURCE_OFFSET": Msg("data source offset"), "WHITE_EVIDENCE": Msg("not enough evidence for white"),
}


def reason(code: str, severity: str, **figures) -> dict:
    cat, zh, en = REASONS[code]
    return {"code": code, "category": cat, "severity": severity, "text": zh.format(**figures),
            "text_en": en.format(**figures), "figures": {k: _plain(v) for k, v in figures.items()}}


def _plain(v):
    t = type(v)
    if t is float:
        return None if v != v else round(v, 6)  # v != v: NaN
    if t is int or t is str or v is None:
        return v
    if isinstance(v, np.generic):
        return _plain(v.item())
    return v


SUM_COLUMNS = ["n_records", "n_running", "n_expected", "n_gaps", "gap_s", "n_position_jumps", "n_valid", "n_exceed",
               "n_hot", "sum_up_hot", "sum_down_hot", "n_low_eff", "n_down_gt_up", "n_down_zero_loaded",
               "n_down_repeat", "n_down_valid", "n_scr_cold_high_load", "nox_mass_g", "bs_windows",
               "bs_windows_over", "distance_km", "fuel_l", "n_miss_down", "n_miss_scr_temp", "n_miss_reagent",
               "n_miss_air", "reagent_drop", "n_reagent_zero", "n_mil_on", "n_odo_back", "n_gnss_invalid",
               *KW_COLUMNS, *CS_COLUMNS]
MAX_COLUMNS = ["max_gap_s", "max_down_const_s", "dtc_max"]
MIN_COLUMNS = ["down_min_hot"]


class Figures(dict):
    """A vehicle's period aggregates: m.n_records reads like a row, costs like a dict."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def silent(days: int) -> Figures:
    """The figures of a vehicle with no data at all in the period."""
    f = Figures(dict.fromkeys(SUM_COLUMNS + MAX_COLUMNS, 0.0))
    f.update(down_min_hot=None, work_kwh=None, days_with_data=0, days_in_period=days, last_day=None)
    return f


# --- coverage: not covered, parked, driving unreported ------------------------------------------------------

def _merge(spans) -> list[tuple[date, date]]:
    out: list[list[date]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + timedelta(days=1):
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _overlap(a: date, b: date, spans: list[tuple[date, date]]) -> int:
    return sum(max(0, (min(b, y) - max(a, x)).days + 1) for x, y in spans)


def usage(start: date, end: date, spans, first_day: date | None, last_day: date | None, days_with_data: int,
          silences: list[tuple[date, date, float | None, float | None]], terminal_on: set[date] | None,
          rules: RuleSet) -> dict:
    """What the period holds for one vehicle, from plain facts: `spans` the inclusive day spans the imported
    exports cover for it; the first and last day with data; `silences` (day before, day after, odometer km
    driven across, position km across) for each run of days without data between two days with data; the days a
    raw capture shows its terminal on. A silence is parked when the vehicle did not move more than parked_max_km,
    driving unreported when it did; at the edges of the data nothing tells, so those days are unknown. Days
    outside coverage are not covered, never offline."""
    cov = _merge([(max(a, start), min(b, end)) for a, b in spans if b >= start and a <= end])
    if first_day is not None and last_day is not None:  # data proves coverage where the coverage list is thinner
        cov = _merge([*cov, (first_day, last_day)])
    n_days = (end - start).days + 1
    covered = _overlap(start, end, cov)
    on = {d for d in (terminal_on or ()) if start <= d <= end}
    limit = rules["data"]["parked_max_km"]
    parked = unreported = unknown = 0
    km_unreported = 0.0
    longest = 0
    driven: list[dict] = []
    edges = [(start, end)] if first_day is None or last_day is None else [(start, first_day - timedelta(days=1)),
                                                     (last_day + timedelta(days=1), end)]
    for a, b in edges:
        if a > b:
            continue
        days = _overlap(a, b, cov)
        on_days = sum(1 for d in on if a <= d <= b and _overlap(d, d, cov))
        unreported += on_days
        unknown += days - on_days
        if on_days:
            longest = max(longest, on_days)
            driven.append({"from": a.isoformat(), "to": b.isoformat(), "days": on_days, "km": None})
    for prev, nxt, odo_km, pos_km in silences:
        a, b = prev + timedelta(days=1), nxt - timedelta(days=1)
        days = _overlap(a, b, cov)
        if not days:
            continue
        km = odo_km if odo_km is not None else pos_km
        if km is not None and km > limit:
            unreported += days
            km_unreported += km
            longest = max(longest, days)
            driven.append({"from": a.isoformat(), "to": b.isoformat(), "days": days, "km": round(km, 1)})
            continue
        on_days = sum(1 for d in on if a <= d <= b)
        if km is None:
            unknown += days - on_days
        else:
            parked += days - on_days
        unreported += on_days
        if on_days:
            longest = max(longest, on_days)
            driven.append({"from": a.isoformat(), "to": b.isoformat(), "days": on_days, "km": km})
    in_use = days_with_data + unreported
    return {"days_in_period": n_days, "covered_days": covered, "not_covered_days": n_days - covered,
            "coverage": [(a.isoformat(), b.isoformat()) for a, b in cov], "days_with_data": days_with_data,
            "parked_days": parked, "unreported_days": unreported, "unreported_km": round(km_unreported, 1),
            "unknown_days": unknown, "days_in_use": in_use, "online_rate": days_with_data / in_use if in_use else None,
            "longest_unreported_days": longest, "driven_unreported": driven}


# --- peer comparison ----------------------------------------------------------------------------------------

def _corr(n, a, b, aa, bb, ab) -> float | None:
    var = (n * aa - a * a) * (n * bb - b * b)
    if n < 3 or var <= 0:
        return None
    return float((n * ab - a * b) / math.sqrt(var))


def signals(m: Figures, rules: RuleSet) -> dict:
    """The figures peers are compared on: reagent use per fuel, and how downstream NOx follows upstream and load."""
    pr = rules["peer"]
    n = float(m.cs_n)
    ok = n >= pr["min_buckets"]
    rate = (float(m.reagent_drop) / float(m.fuel_l) * 100.0
            if m.fuel_l >= pr["min_fuel_l"] and m.n_miss_reagent < 0.5 * max(float(m.n_running), 1.0) else None)
    return {
        "reagent_pct_per_100l": rate,
        "down_corr_up": _corr(n, m.cs_u, m.cs_d, m.cs_uu, m.cs_dd, m.cs_ud) if ok else None,
        "down_corr_load": _corr(n, m.cs_l, m.cs_d, m.cs_ll, m.cs_dd, m.cs_dl) if ok else None,
        "down_mean_ppm": float(m.cs_d) / n if ok else None,
        "down_sd_ppm": math.sqrt(max(0.0, m.cs_dd / n - (m.cs_d / n) ** 2)) if ok else None,
    }


def peer_groups(sig: dict[int, dict], model_of: dict[int, str | None], key: str, typical, rules: RuleSet
                ) -> dict[int, dict]:
    """For each vehicle with a value of `key`: its comparison group's figures (engine model, or the whole fleet
    when the model has fewer than min_group other vehicles with a value). The median is over the whole group; the
    range (percentile_low to percentile_high) over its typical members (typical(value, median) holds), so the few
    cheats in a group neither widen the range they are compared with nor move the median much. Each group's
    figures are computed once: a fleet of thousands compares in milliseconds."""
    pr = rules["peer"]
    vals = {vid: s[key] for vid, s in sig.items() if s.get(key) is not None}
    by_model: dict[str, list[int]] = {}
    for vid in vals:
        by_model.setdefault((model_of.get(vid) or "").strip().upper(), []).append(vid)

    def figures(members: list[int]) -> dict:
        xs = np.array([vals[o] for o in members])
        med = float(np.median(xs))
        keep = np.array([bool(typical(x, med)) for x in xs])
        core = xs[keep] if keep.any() else xs
        return {"lo": float(np.quantile(core, pr["percentile_low"])),
                "hi": float(np.quantile(core, pr["percentile_high"])), "median": med}

    fleet = figures(list(vals)) if len(vals) > pr["min_group"] else None
    groups = {model: figures(members) for model, members in by_model.items()
              if model and len(members) > pr["min_group"]}
    out = {}
    for vid in vals:
        model = (model_of.get(vid) or "").strip().upper()
        if model in groups:
            out[vid] = {**groups[model], "n": len(by_model[model]) - 1,
                        "group_zh": f"同型号发动机（{model_of.get(vid)}）车辆",
                        "group_en": f"engines of this model ({model_of.get(vid)})"}
        elif fleet is not None:
            out[vid] = {**fleet, "n": len(vals) - 1, "group_zh": "全车队车辆", "group_en": "the fleet"}
    return out


def peer_reasons(sig: dict[int, dict], model_of: dict[int, str | None], rules: RuleSet) -> dict[int, list[dict]]:
    """Tamper reasons from comparing each vehicle with its peers, with the peer figures in the evidence."""
    pr = rules["peer"]
    share, cmax = pr["reagent_share_of_median"], pr["emulator_corr_max"]
    out: dict[int, list[dict]] = {}
    reagent = peer_groups(sig, model_of, "reagent_pct_per_100l", lambda x, med: x >= share * med, rules)
    for vid, g in reagent.items():
        rate = sig[vid]["reagent_pct_per_100l"]
        if rate < share * g["median"] and rate < g["lo"]:
            out.setdefault(vid, []).append(reason(
                "TAMPER_REAGENT_LOW_USE", "black", rate=rate, lo=g["lo"], hi=g["hi"], med=g["median"], n=g["n"],
                group_zh=g["group_zh"], group_en=g["group_en"]))
    corr = peer_groups(sig, model_of, "down_corr_up", lambda x, med: x >= cmax, rules)
    spread = peer_groups(sig, model_of, "down_sd_ppm", lambda x, med: True, rules)
    for vid, g in corr.items():
        s = sig[vid]
        r_up, r_load, mean = s["down_corr_up"], s["down_corr_load"], s["down_mean_ppm"]
        # Only where the group's sensors do follow upstream NOx: a model whose sensors never do is not a cheat.
        if (r_load is not None and max(r_up, r_load) < cmax and g["median"] >= 2 * cmax and r_up < g["lo"]
                and 0 < mean <= pr["emulator_max_mean_ppm"]):
            sd = spread.get(vid, {"lo": float("nan"), "hi": float("nan")})
            out.setdefault(vid, []).append(reason(
                "TAMPER_DOWN_EMULATED", "black", mean=mean, r_up=r_up, r_load=r_load, lo=g["lo"], hi=g["hi"],
                n=g["n"], group_zh=g["group_zh"], group_en=g["group_en"], sd=s["down_sd_ppm"] or float("nan"),
                sd_lo=sd["lo"], sd_hi=sd["hi"]))
    return out


def offset_sources(down_min: dict[int, float | None], sources: dict[str, list[int]], rules: RuleSet) -> dict[str, dict]:
    """Import sources whose every vehicle with hot loaded data never reads below offset_min_ppm downstream: the
    platform forgot the -200 ppm offset (a data-source problem). Returns source -> {vehicles, min}."""
    pr = rules["peer"]
    out = {}
    for src, vids in sources.items():
        vals = [x for v in vids if (x := down_min.get(v)) is not None]
        if len(vals) >= pr["offset_min_vehicles"] and min(vals) >= pr["offset_min_ppm"]:
            out[src] = {"vehicles": [v for v in vids if down_min.get(v) is not None], "min": float(min(vals))}
    return out


# --- the judgement -------------------------------------------------------------------------------------------

def _windows(m: Figures, rules: RuleSet, engine: Engine) -> tuple[dict, list[dict]]:
    """Brake-specific NOx: GB 17691 Annex K work-based windows where the engine data allow, else fixed time
    windows named as such. Returns (metrics, reasons)."""
    ww = rules["work_window"]
    out: list[dict] = []
    allow = 1 - ww["cf_percentile"]
    tol = 1e-9  # 60 of 600 windows is exactly the 10 % allowed, whatever 1 - 0.9 rounds to
    over_mg = ww["whtc_limit_mg_kwh"] * ww["cf_limit"]
    mets: dict[str, Any] = {"bs_method": None, "bs_valid_windows": 0, "bs_power_threshold": None,
                            "bs_valid_window_share": None, "bs_windows_over_share": None}
    missing = [(zh, en) for ok, zh, en in ((engine.ref_torque_nm, "参考扭矩", "reference torque"),
                                           (engine.rated_power_kw, "额定功率", "rated power"),
                                           (engine.whtc_work_kwh, "WHTC循环功", "WHTC work")) if not ok]
    if engine.annex_k and m.kw_n > 0:
        mets["bs_method"] = "annex_k"
        chosen: tuple[int, float] | None = None
        for i, thr in enumerate(power_thresholds(rules)):
            chosen = (i, thr)
            if m[f"kw_v{i}"] / m.kw_n >= ww["min_valid_window_share"]:
                break
        assert chosen is not None  # power_thresholds() gives at least one step (rules.py checks the step)
        i, thr = chosen
        nv, no = float(m[f"kw_v{i}"]), float(m[f"kw_o{i}"])
        mets.update(bs_power_threshold=thr, bs_valid_window_share=nv / m.kw_n, bs_valid_windows=int(nv),
                    bs_windows_over_share=no / nv if nv else None)
        if nv / m.kw_n < ww["min_valid_window_share"]:
            out.append(reason("KWIN_FEW_VALID", "info", thr=thr, share=nv / m.kw_n, need=ww["min_valid_window_share"]))
            mets["bs_valid_windows"] = 0
        elif nv >= ww["min_valid_windows"] and no / nv > allow + tol:
            out.append(reason("BSNOX", "black", work=engine.whtc_work_kwh, rated=engine.rated_power_kw, thr=thr,
                              n=int(nv), share=no / nv, over=over_mg, cf=ww["cf_limit"], lim=ww["whtc_limit_mg_kwh"],
                              pct=ww["cf_percentile"], allow=allow))
        return mets, out
    if missing:
        fb = engine.ref_torque_nm and m.bs_windows >= ww["fallback_min_windows"]
        out.append(reason("ENGINE_DATA_MISSING", "info", missing_zh="、".join(z for z, _ in missing),
                          missing_en=", ".join(e for _, e in missing),
                          fallback_zh=f"，改用固定{int(ww['fallback_window_s'])}秒时间窗口（另一种方法）" if fb else "",
                          fallback_en=f"; fixed {int(ww['fallback_window_s'])} s time windows (another method) "
                                      "are used instead" if fb else ""))
    if engine.ref_torque_nm and m.bs_windows > 0:
        mets.update(bs_method=f"time_{int(ww['fallback_window_s'])}s", bs_valid_windows=int(m.bs_windows),
                    bs_windows_over_share=m.bs_windows_over / m.bs_windows)
        share = m.bs_windows_over / m.bs_windows
        if m.bs_windows >= ww["fallback_min_windows"] and share > allow + tol:
            out.append(reason("BSNOX_TIME", "watch", win=int(ww["fallback_window_s"]), n=int(m.bs_windows),
                              kw=ww["fallback_min_avg_power_kw"], share=share, over=over_mg))
    return mets, out


def judge(m: Figures, rules: RuleSet, engine: Engine | float | None, exceed_days: list | None = None,
          calid_pairs: set[str] | None = None, use: dict | None = None, extra: list[dict] | None = None,
          offset_source: dict | None = None, sig: dict | None = None) -> tuple[int, str, list[dict], dict]:
    """One vehicle's (score, proposal, reasons, metrics) from its period figures, the days on which it exceeded
    for day_min_minutes or more, the CALID|CVN pairs it reported, its usage (see usage(); without it every day
    counts as covered), reasons from the peer comparison, and the data source whose platform offset makes its
    NOx figures meaningless (if any); `sig` is signals(m, rules) when the caller computed it already."""
    if not isinstance(engine, Engine):
        engine = Engine(ref_torque_nm=engine)
    ex, scr, tp, dr, ob, v = (rules["exceedance"], rules["scr"], rules["tamper"], rules["data"], rules["obd"],
                              rules["validity"])
    run, valid, hot = float(m.n_running), float(m.n_valid), float(m.n_hot)
    rec = max(float(m.n_records), 1.0)
    if use is None:  # nothing known of coverage: every day covered, every silence unknown
        d0 = date(2000, 1, 1)
        d1 = d0 + timedelta(days=int(m.days_in_period) - 1)
        use = usage(d0, d1, [(d0, d1)], None, None, int(m.days_with_data), [], None, rules)
        use["unknown_days"] -= int(m.days_with_data)
        use["days_in_use"] = int(m.days_with_data)
        use["online_rate"] = 1.0 if m.days_with_data else None
        use["coverage"] = []
    win_mets, win_reasons = _windows(m, rules, engine)
    metrics = {
        **use,
        # Offline now means driven without records (a parked or uncovered silence is not offline).
        "longest_offline_days": int(use["longest_unreported_days"]),
        "records": int(m.n_records), "running_hours": round(run / 3600, 2),
        "completeness": min(1.0, run / m.n_expected) if m.n_expected else None,
        "gaps_in_trips": int(m.n_gaps),
        "gap_seconds": int(m.gap_s), "max_gap_s": int(m.max_gap_s), "position_jumps": int(m.n_position_jumps),
        "valid_share": valid / run if run else None, "valid_samples": int(valid),
        "valid_hours": valid / 3600,
        "exceed_share": m.n_exceed / valid if valid else None,
        "scr_efficiency": (1 - m.sum_down_hot / m.sum_up_hot if hot >= scr["min_hot_samples"] and m.sum_up_hot > 0
                           else None),
        "nox_mass_g": round(float(m.nox_mass_g), 3), "distance_km": round(float(m.distance_km), 2),
        "nox_g_per_km": m.nox_mass_g / m.distance_km if m.distance_km > 1 else None,
        "work_kwh": None if m.work_kwh is None else round(float(m.work_kwh), 3),
        "bsnox_mg_kwh": (m.nox_mass_g / m.work_kwh * 1000) if m.work_kwh is not None and m.work_kwh > 1 else None,
        **win_mets,
        "fuel_l": round(float(m.fuel_l), 2), "reagent_drop_pct": round(float(m.reagent_drop), 2),
        **(sig if sig is not None else signals(m, rules)),
        "field_missing": {k: (getattr(m, f"n_miss_{k}") / run if run else None)
                          for k in ("down", "scr_temp", "reagent", "air")},
        "mil_share": m.n_mil_on / rec, "dtc_max": int(m.dtc_max),
        "gnss_invalid_share": m.n_gnss_invalid / run if run else None,
        "down_min_hot_ppm": m.get("down_min_hot"),
        "last_day_with_data": str(m.last_day),
    }
    reasons: list[dict] = []
    add = reasons.append
    # Data first: it decides whether anything else can be judged.
    if use["not_covered_days"]:
        add(reason("DATA_NOT_COVERED", "info", days=use["not_covered_days"],
                   spans=", ".join(f"{a} – {b}" for a, b in use["coverage"]) or "—"))
    insufficient = m.days_with_data < dr["min_days_with_data"] or run / 3600 < dr["min_running_hours"]
    if insufficient:
        add(reason("DATA_INSUFFICIENT", "info", days=int(m.days_with_data), hours=run / 3600,
                   need_days=int(dr["min_days_with_data"]), need_hours=dr["min_running_hours"]))
    off = int(use["longest_unreported_days"])
    if off:
        worst = max(use["driven_unreported"], key=lambda g: g["days"])
        span = f"{worst['from']} – {worst['to']}"
        used = dict(km=worst["km"],
                    used_zh=f"行驶约{worst['km']:.0f}公里" if worst["km"] is not None else "终端登录记录表明在用",
                    used_en=f"drove about {worst['km']:.0f} km" if worst["km"] is not None
                    else "was in use by its terminal's login records",
                    total_days=int(use["unreported_days"]), total_km=float(use["unreported_km"]))
        if off > dr["offline_black_days"]:
            add(reason("DATA_OFFLINE_LONG", "black", days=off, limit=int(dr["offline_black_days"]), span=span, **used))
        elif off >= dr["offline_watch_days"]:
            add(reason("DATA_OFFLINE", "watch", days=off, span=span, **used))
    rate = use["online_rate"]
    if rate is not None and rate < dr["white_online_rate"] and not off:
        add(reason("DATA_ONLINE_LOW", "watch", rate=rate, need=dr["white_online_rate"], days=use["days_with_data"],
                   use=use["days_in_use"]))
    comp = metrics["completeness"]
    if comp is not None and comp < dr["white_completeness"]:
        add(reason("DATA_INCOMPLETE", "watch", rate=comp, gaps=int(m.n_gaps), gap_s=int(m.gap_s)))
    missing = {k: r for k, r in metrics["field_missing"].items() if r is not None and r > dr["field_missing_watch"]}
    if missing:
        add(reason("DATA_FIELDS_MISSING", "watch", rate=max(missing.values()), fields=", ".join(missing)))
    if metrics["gnss_invalid_share"] is not None and metrics["gnss_invalid_share"] > dr["gnss_invalid_watch"]:
        add(reason("DATA_GNSS", "watch", share=metrics["gnss_invalid_share"]))
    if m.n_position_jumps > max(3, 0.001 * run):
        add(reason("DATA_POSITION_JUMPS", "watch", count=int(m.n_position_jumps)))

    # Emissions, on valid operation only; not at all when the source's platform offset spoils every reading.
    if offset_source is not None:
        add(reason("DATA_SOURCE_OFFSET", "info", source=offset_source["source"], n=offset_source["n"],
                   min=offset_source["min"]))
    elif valid < scr["min_hot_samples"]:
        if not insufficient:
            add(reason("NOX_FEW_VALID", "info", valid=int(valid), scr=v["scr_in_min_c"]))
    else:
        share = metrics["exceed_share"] or 0.0
        if share >= ex["share_black"]:
            add(reason("EXC_SHARE", "black", win=ex["smoothing_s"], thr=ex["threshold_ppm"], share=share,
                       need=ex["share_black"]))
        if exceed_days:
            sev = "black" if len(exceed_days) >= ex["days_black"] else "watch"
            add(reason("EXC_DAYS", sev, days=len(exceed_days), mins=ex["day_min_minutes"], thr=ex["threshold_ppm"],
                       day_list="、".join(str(d) for d in sorted(exceed_days)[:10])))
        reasons.extend(win_reasons)
        eff = metrics["scr_efficiency"]
        if eff is not None and eff < scr["efficiency_black"]:
            add(reason("SCR_EFF_LOW", "black", eff=eff))
        elif eff is not None and eff < scr["efficiency_watch"]:
            add(reason("SCR_EFF_WEAK", "watch", eff=eff))

    # Tampering signatures (docs/domain.md section 4).
    if offset_source is None and hot >= scr["min_hot_samples"] and m.n_down_gt_up / hot >= tp["down_gt_up_share"]:
        add(reason("TAMPER_DOWN_GT_UP", "black", share=m.n_down_gt_up / hot))
    if valid >= scr["min_hot_samples"] and m.n_down_zero_loaded / valid >= tp["down_zero_share"]:
        add(reason("TAMPER_DOWN_ZERO", "black", share=m.n_down_zero_loaded / valid))
    elif m.max_down_const_s >= tp["down_const_run_s"] or (
            m.n_down_valid >= tp["down_repeat_min_samples"]
            and m.n_down_repeat / m.n_down_valid >= tp["down_repeat_share"]):
        add(reason("TAMPER_DOWN_STUCK", "black", secs=int(m.max_down_const_s),
                   share=m.n_down_repeat / m.n_down_valid if m.n_down_valid else 0.0))
    if run and m.n_reagent_zero / run >= tp["reagent_zero_share"]:
        add(reason("TAMPER_REAGENT_EMPTY", "black", share=m.n_reagent_zero / run))
    elif m.fuel_l >= tp["reagent_min_fuel_l"] and m.reagent_drop < tp["reagent_min_drop_pct"] \
            and m.n_miss_reagent < 0.5 * run:
        add(reason("TAMPER_REAGENT_STATIC", "black", fuel=float(m.fuel_l), drop=float(m.reagent_drop)))
    if m.n_scr_cold_high_load >= tp["scr_cold_high_load_s"]:
        add(reason("TAMPER_SCR_COLD_LOAD", "black", temp=tp["scr_cold_high_load_c"], secs=int(m.n_scr_cold_high_load)))
    pairs = sorted(calid_pairs or ())
    if len(pairs) > tp["calid_changes"]:
        add(reason("TAMPER_CALID", "black", values=" / ".join(pairs[:4])))
    if m.n_odo_back > 0:
        add(reason("TAMPER_ODO_BACK", "black", count=int(m.n_odo_back)))
    have = {r["code"] for r in reasons}
    for r in extra or ():  # peer comparison; a frozen or empty reagent level is already said
        if r["code"] == "TAMPER_REAGENT_LOW_USE" and have & {"TAMPER_REAGENT_STATIC", "TAMPER_REAGENT_EMPTY"}:
            continue
        if r["code"] == "TAMPER_DOWN_EMULATED" and (offset_source is not None
                                                    or have & {"TAMPER_DOWN_STUCK", "TAMPER_DOWN_ZERO"}):
            continue
        add(r)

    # MIL with trouble codes is a defect to repair: watch; only an emission or tamper reason makes it black.
    mil = metrics["mil_share"]
    if mil >= ob["mil_share_persistent"] and m.dtc_max > 0:
        add(reason("OBD_MIL", "watch", share=mil, dtc=int(m.dtc_max)))
    elif mil > 0:
        add(reason("OBD_MIL_SOME", "watch", share=mil))

    proposal = propose(reasons, metrics, insufficient, rules)
    if proposal == "none" and not insufficient and not any(r["severity"] != "info" for r in reasons):
        short = white_shortfalls(metrics, rules)
        if short:
            add(reason("WHITE_EVIDENCE", "info", what_zh="；".join(z for z, _ in short),
                       what_en="; ".join(e for _, e in short)))
    score = banded_score(reasons, rules, proposal)
    return score, proposal, reasons, {k: _plain(v) if not isinstance(v, dict) else {a: _plain(b) for a, b in v.items()}
                                      for k, v in metrics.items()}


def raw_score(reasons: list[dict], rules: RuleSet) -> float:
    w = rules["weights"]
    worst: dict[str, float] = {}
    for r in reasons:
        worst[r["category"]] = max(worst.get(r["category"], 0.0), SEVERITY_FACTOR[r["severity"]])
    return max(0.0, 100.0 - sum(w[c] * f for c, f in worst.items()))


def banded_score(reasons: list[dict], rules: RuleSet, proposal: str) -> int:
    """The weighted score kept inside the proposal's band: black below watch and none, white above all."""
    lo, hi = SCORE_BANDS[proposal]
    return round(min(hi, max(lo, raw_score(reasons, rules))))


def white_shortfalls(metrics: dict, rules: RuleSet) -> list[tuple[str, str]]:
    """What a vehicle without any fault lacks for the white list: (zh, en) phrases with the figures."""
    dr = rules["data"]
    out = []
    if metrics["days_with_data"] < dr["white_min_days_with_data"]:
        out.append((f"仅{metrics['days_with_data']}天有数据（需{int(dr['white_min_days_with_data'])}天）",
                    f"data on {metrics['days_with_data']} days (needs {int(dr['white_min_days_with_data'])})"))
    if metrics["valid_hours"] < dr["white_min_valid_hours"]:
        out.append((f"有效工况{metrics['valid_hours']:.1f}小时（需{dr['white_min_valid_hours']:g}小时）",
                    f"{metrics['valid_hours']:.1f} h of valid operation (needs {dr['white_min_valid_hours']:g} h)"))
    if metrics["bs_valid_windows"] < dr["white_min_valid_windows"]:
        out.append((f"比排放有效窗口{metrics['bs_valid_windows']}个（需{int(dr['white_min_valid_windows'])}个）",
                    f"{metrics['bs_valid_windows']} valid brake-specific windows "
                    f"(needs {int(dr['white_min_valid_windows'])})"))
    rate = metrics["online_rate"]
    if rate is None or rate < dr["white_online_rate"]:
        out.append(("上线率不足", "online rate too low"))
    if (metrics["completeness"] or 0) < dr["white_completeness"]:
        out.append(("数据完整率不足", "data completeness too low"))
    if metrics["mil_share"] > 0:
        out.append(("故障指示灯曾点亮", "MIL on at times"))
    return out


def propose(reasons: list[dict], metrics: dict, insufficient: bool, rules: RuleSet) -> str:
    """The proposal follows from the reasons' severities: any black reason -> black; any watch reason -> watch;
    insufficient data -> none (or watch where the rule set says), never black on its own; white only with the
    evidence the rule set asks for."""
    sev = {r["severity"] for r in reasons}
    if "black" in sev:
        return "black"
    if "watch" in sev:
        return "watch"
    if insufficient:
        return "watch" if rules["data"]["insufficient_watch"] >= 1 else "none"
    return "none" if white_shortfalls(metrics, rules) else "white"
