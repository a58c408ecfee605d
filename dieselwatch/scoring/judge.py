"""From per-vehicle-day statistics to period metrics, reasons, a 0-100 score and a list proposal.

Pure functions over a DataFrame: no database here, so the same judgement serves scoring runs, tests and the
vehicle detail view. Reasons carry stable codes; their texts are in Chinese and English."""

from __future__ import annotations


import numpy as np

from dieselwatch.messages import Msg
from dieselwatch.scoring.rules import RuleSet

SEVERITY_FACTOR = {"black": 1.0, "watch": 0.5, "info": 0.15}

# code: (category, zh, en). Texts take the figures by name.
REASONS = {
    "EXC_SHARE": ("emission", "有效工况下游NOx(平滑{win}s)超过{thr}ppm的时间占比{share:.1%}",
                  "Smoothed ({win} s) tailpipe NOx above {thr} ppm for {share:.1%} of valid operation"),
    "EXC_DAYS": ("emission", "超标天数{days}天(每天超标≥{mins}分钟):{day_list}",
                 "{days} exceedance days (>= {mins} min each): {day_list}"),
    "BSNOX": ("emission", "{share:.1%}的{win}s功基窗口比排放超过{limit}mg/kWh(参考扭矩{tref:g}N·m)",
              "{share:.1%} of {win} s work windows above {limit} mg/kWh (reference torque {tref:g} N m)"),
    "SCR_EFF_LOW": ("emission", "SCR热态转化效率仅{eff:.0%}(正常应>80%)",
                    "SCR conversion efficiency when hot only {eff:.0%} (a working SCR converts > 80 %)"),
    "SCR_EFF_WEAK": ("emission", "SCR热态转化效率{eff:.0%},低于80%",
                     "SCR conversion efficiency when hot {eff:.0%}, below 80 %"),
    "NOX_FEW_VALID": ("emission", "有效工况样本不足({valid}个,SCR入口温度≥{scr}℃的热态运行太少),无法判定NOx",
                      "Too little valid operation ({valid} samples with SCR inlet >= {scr} degC) to judge NOx"),
    "TAMPER_DOWN_GT_UP": ("tamper", "热态时下游NOx高于上游的样本占{share:.0%}",
                          "Downstream NOx above upstream in {share:.0%} of hot samples"),
    "TAMPER_DOWN_ZERO": ("tamper", "负载下下游NOx恒为零的样本占{share:.0%}",
                         "Downstream NOx at zero under load in {share:.0%} of samples"),
    "TAMPER_DOWN_STUCK": ("tamper", "下游NOx读数{share:.0%}与上一秒完全相同,最长连续{secs}秒不变(传感器卡滞或被替换)",
                          "Downstream NOx repeats its previous value in {share:.0%} of samples, constant for up to "
                          "{secs} s (stuck or emulated sensor)"),
    "TAMPER_REAGENT_EMPTY": ("tamper", "发动机运行时反应剂余量为零的时间占{share:.0%}",
                             "Reagent level at zero for {share:.0%} of engine running time"),
    "TAMPER_REAGENT_STATIC": ("tamper", "消耗燃油{fuel:.0f}L期间反应剂余量几乎不下降(共下降{drop:.1f}%)",
                              "Reagent level hardly falls ({drop:.1f} %) while {fuel:.0f} L of fuel were burnt"),
    "TAMPER_SCR_COLD_LOAD": ("tamper", "高负载下SCR入口温度低于{temp}℃共{secs}秒(温度信号不可信)",
                             "SCR inlet below {temp} degC under high load for {secs} s (implausible)"),
    "TAMPER_CALID": ("tamper", "标定识别号/标定验证码在期间内变化:{values}",
                     "Calibration ID / CVN changed during the period: {values}"),
    "TAMPER_ODO_BACK": ("tamper", "累计里程倒退{count}次", "Odometer ran backwards {count} times"),
    "OBD_MIL": ("obd", "故障指示灯(MIL)点亮的记录占{share:.0%},故障码最多{dtc}个",
                "MIL on in {share:.0%} of records, up to {dtc} trouble codes"),
    "OBD_MIL_SOME": ("obd", "故障指示灯(MIL)曾点亮({share:.1%}的记录)", "MIL on in {share:.1%} of records"),
    "DATA_OFFLINE_LONG": ("data", "最长连续离线{days}天(超过{limit}天)",
                          "Offline for {days} days in a row (more than {limit})"),
    "DATA_OFFLINE": ("data", "最长连续离线{days}天", "Offline for {days} days in a row"),
    "DATA_ONLINE_LOW": ("data", "上线率{rate:.0%}(白名单要求≥{need:.0%})",
                        "Online rate {rate:.0%} (white list needs >= {need:.0%})"),
    "DATA_INCOMPLETE": ("data", "数据完整率{rate:.0%}(行程内缺失{gaps}段,共{gap_s}秒)",
                        "Data completeness {rate:.0%} ({gaps} gaps inside trips, {gap_s} s in all)"),
    "DATA_FIELDS_MISSING": ("data", "关键字段缺失率{rate:.0%}({fields})", "Key fields missing in {rate:.0%} of records ({fields})"),
    "DATA_GNSS": ("data", "定位无效的记录占{share:.0%}", "No valid position in {share:.0%} of records"),
    "DATA_POSITION_JUMPS": ("data", "位置跳变{count}次(远超车速允许的距离)",
                            "Position jumped {count} times (far beyond what speed allows)"),
    "DATA_INSUFFICIENT": ("data", "数据不足:{days}天有数据,发动机运行{hours:.1f}小时",
                          "Insufficient data: {days} days with data, {hours:.1f} h of engine running"),
}

# Short names of the reasons for tables (the full text with figures is in "text" / "text_en"); Msg, so the app
# shows them translated.
LABELS = {
    "EXC_SHARE": Msg("NOx exceedance share"), "EXC_DAYS": Msg("NOx exceedance days"),
    "BSNOX": Msg("brake-specific NOx"), "SCR_EFF_LOW": Msg("SCR efficiency low"),
    "SCR_EFF_WEAK": Msg("SCR efficiency weak"), "NOX_FEW_VALID": Msg("too little valid operation"),
    "TAMPER_DOWN_GT_UP": Msg("downstream NOx above upstream"), "TAMPER_DOWN_ZERO": Msg("downstream NOx at zero"),
    "TAMPER_DOWN_STUCK": Msg("downstream NOx stuck"), "TAMPER_REAGENT_EMPTY": Msg("reagent empty"),
    "TAMPER_REAGENT_STATIC": Msg("reagent level not falling"), "TAMPER_SCR_COLD_LOAD": Msg("SCR temperature implausible"),
    "TAMPER_CALID": Msg("calibration changed"), "TAMPER_ODO_BACK": Msg("odometer backwards"),
    "OBD_MIL": Msg("MIL on"), "OBD_MIL_SOME": Msg("MIL on at times"), "DATA_OFFLINE_LONG": Msg("long offline"),
    "DATA_OFFLINE": Msg("offline"), "DATA_ONLINE_LOW": Msg("online rate low"),
    "DATA_INCOMPLETE": Msg("data incomplete"), "DATA_FIELDS_MISSING": Msg("key fields missing"),
    "DATA_GNSS": Msg("no valid position"), "DATA_POSITION_JUMPS": Msg("position jumps"),
    "DATA_INSUFFICIENT": Msg("insufficient data"),
}


def reason(code: str, severity: str, **figures) -> dict:
    cat, zh, en = REASONS[code]
    return {"code": code, "category": cat, "severity": severity, "text": zh.format(**figures),
            "text_en": en.format(**figures), "figures": {k: _plain(v) for k, v in figures.items()}}


def _plain(v):
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, float):
        return round(v, 6)
    return v


SUM_COLUMNS = ["n_records", "n_running", "n_expected", "n_gaps", "gap_s", "n_position_jumps", "n_valid", "n_exceed",
               "n_hot", "sum_up_hot", "sum_down_hot", "n_low_eff", "n_down_gt_up", "n_down_zero_loaded",
               "n_down_repeat", "n_down_valid", "n_scr_cold_high_load", "nox_mass_g", "bs_windows",
               "bs_windows_over", "distance_km", "fuel_l", "n_miss_down", "n_miss_scr_temp", "n_miss_reagent",
               "n_miss_air", "reagent_drop", "n_reagent_zero", "n_mil_on", "n_odo_back", "n_gnss_invalid"]
MAX_COLUMNS = ["max_gap_s", "max_down_const_s", "dtc_max"]


class Figures(dict):
    """A vehicle's period aggregates: m.n_records reads like a row, costs like a dict."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def silent(days: int) -> Figures:
    """The figures of a vehicle with no data at all in the period."""
    f = Figures({c: 0.0 for c in SUM_COLUMNS + MAX_COLUMNS})
    f.update(work_kwh=None, days_with_data=0, days_in_period=days, longest_offline_days=days, last_day=None)
    return f


def judge(m: Figures, rules: RuleSet, ref_torque: float | None, exceed_days: list | None = None,
          calid_pairs: set[str] | None = None) -> tuple[int, str, list[dict], dict]:
    """One vehicle's (score, proposal, reasons, metrics) from its period figures, the days on which it exceeded
    for day_min_minutes or more, and the CALID|CVN pairs it reported."""
    ex, ww, scr, tp, dr, ob, v = (rules["exceedance"], rules["work_window"], rules["scr"], rules["tamper"],
                                  rules["data"], rules["obd"], rules["validity"])
    run, valid, hot = float(m.n_running), float(m.n_valid), float(m.n_hot)
    rec = max(float(m.n_records), 1.0)
    metrics = {
        "days_in_period": int(m.days_in_period), "days_with_data": int(m.days_with_data),
        "records": int(m.n_records), "running_hours": round(run / 3600, 2),
        "online_rate": m.days_with_data / m.days_in_period,
        "completeness": min(1.0, run / m.n_expected) if m.n_expected else None,
        "longest_offline_days": int(m.longest_offline_days), "gaps_in_trips": int(m.n_gaps),
        "gap_seconds": int(m.gap_s), "max_gap_s": int(m.max_gap_s), "position_jumps": int(m.n_position_jumps),
        "valid_share": valid / run if run else None, "valid_samples": int(valid),
        "exceed_share": m.n_exceed / valid if valid else None,
        "scr_efficiency": 1 - m.sum_down_hot / m.sum_up_hot if hot >= scr["min_hot_samples"] and m.sum_up_hot > 0 else None,
        "nox_mass_g": round(float(m.nox_mass_g), 3), "distance_km": round(float(m.distance_km), 2),
        "nox_g_per_km": m.nox_mass_g / m.distance_km if m.distance_km > 1 else None,
        "work_kwh": None if m.work_kwh is None else round(float(m.work_kwh), 3),
        "bsnox_mg_kwh": (m.nox_mass_g / m.work_kwh * 1000) if m.work_kwh is not None and m.work_kwh > 1 else None,
        "bs_windows": int(m.bs_windows), "bs_windows_over_share": m.bs_windows_over / m.bs_windows if m.bs_windows else None,
        "fuel_l": round(float(m.fuel_l), 2), "reagent_drop_pct": round(float(m.reagent_drop), 2),
        "field_missing": {k: (getattr(m, f"n_miss_{k}") / run if run else None) for k in ("down", "scr_temp", "reagent", "air")},
        "mil_share": m.n_mil_on / rec, "dtc_max": int(m.dtc_max),
        "gnss_invalid_share": m.n_gnss_invalid / run if run else None,
        "last_day_with_data": str(m.last_day),
    }
    reasons: list[dict] = []
    add = reasons.append
    # Data first: it decides whether anything else can be judged.
    insufficient = m.days_with_data < dr["min_days_with_data"] or run / 3600 < dr["min_running_hours"]
    if insufficient:
        add(reason("DATA_INSUFFICIENT", "info", days=int(m.days_with_data), hours=run / 3600))
    off = int(m.longest_offline_days)
    if off > dr["offline_black_days"]:
        add(reason("DATA_OFFLINE_LONG", "black", days=off, limit=dr["offline_black_days"]))
    elif off >= dr["offline_watch_days"]:
        add(reason("DATA_OFFLINE", "watch", days=off))
    if metrics["online_rate"] < dr["white_online_rate"] and off < dr["offline_watch_days"]:
        add(reason("DATA_ONLINE_LOW", "watch", rate=metrics["online_rate"], need=dr["white_online_rate"]))
    comp = metrics["completeness"]
    if comp is not None and comp < dr["white_completeness"]:
        add(reason("DATA_INCOMPLETE", "watch", rate=comp,
                   gaps=int(m.n_gaps), gap_s=int(m.gap_s)))
    missing = {k: r for k, r in metrics["field_missing"].items() if r is not None and r > dr["field_missing_watch"]}
    if missing:
        add(reason("DATA_FIELDS_MISSING", "watch", rate=max(missing.values()), fields=", ".join(missing)))
    if metrics["gnss_invalid_share"] is not None and metrics["gnss_invalid_share"] > dr["gnss_invalid_watch"]:
        add(reason("DATA_GNSS", "watch", share=metrics["gnss_invalid_share"]))
    if m.n_position_jumps > max(3, 0.001 * run):
        add(reason("DATA_POSITION_JUMPS", "watch", count=int(m.n_position_jumps)))

    # Emissions, on valid operation only.
    if valid < scr["min_hot_samples"]:
        if not insufficient:
            add(reason("NOX_FEW_VALID", "info", valid=int(valid), scr=v["scr_in_min_c"]))
    else:
        share = metrics["exceed_share"] or 0.0
        if share >= ex["share_black"]:
            add(reason("EXC_SHARE", "black", win=ex["smoothing_s"], thr=ex["threshold_ppm"], share=share))
        if exceed_days:
            sev = "black" if len(exceed_days) >= ex["days_black"] else "watch"
            add(reason("EXC_DAYS", sev, days=len(exceed_days), mins=ex["day_min_minutes"],
                       day_list=", ".join(str(d) for d in sorted(exceed_days)[:10])))
        bs_share = metrics["bs_windows_over_share"]
        if bs_share is not None and m.bs_windows >= 10 and bs_share >= ww["share_black"]:
            add(reason("BSNOX", "black", share=bs_share, win=ww["window_s"], limit=ww["limit_mg_kwh"],
                       tref=ref_torque))
        eff = metrics["scr_efficiency"]
        if eff is not None and eff < scr["efficiency_black"]:
            add(reason("SCR_EFF_LOW", "black", eff=eff))
        elif eff is not None and eff < scr["efficiency_watch"]:
            add(reason("SCR_EFF_WEAK", "watch", eff=eff))

    # Tampering signatures (domain.md section 4).
    if hot >= scr["min_hot_samples"] and m.n_down_gt_up / hot >= tp["down_gt_up_share"]:
        add(reason("TAMPER_DOWN_GT_UP", "black", share=m.n_down_gt_up / hot))
    if valid >= scr["min_hot_samples"] and m.n_down_zero_loaded / valid >= tp["down_zero_share"]:
        add(reason("TAMPER_DOWN_ZERO", "black", share=m.n_down_zero_loaded / valid))
    elif m.max_down_const_s >= tp["down_const_run_s"] or (
            m.n_down_valid >= tp["down_repeat_min_samples"] and m.n_down_repeat / m.n_down_valid >= tp["down_repeat_share"]):
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

    mil = metrics["mil_share"]
    if mil >= ob["mil_share_black"]:
        add(reason("OBD_MIL", "black", share=mil, dtc=int(m.dtc_max)))
    elif mil > 0:
        add(reason("OBD_MIL_SOME", "watch", share=mil))

    score = _score(reasons, rules)
    proposal = _propose(reasons, metrics, insufficient, rules, valid)
    return score, proposal, reasons, {k: _plain(v) if not isinstance(v, dict) else {a: _plain(b) for a, b in v.items()}
                                      for k, v in metrics.items()}


def _score(reasons: list[dict], rules: RuleSet) -> int:
    w = rules["weights"]
    worst: dict[str, float] = {}
    for r in reasons:
        worst[r["category"]] = max(worst.get(r["category"], 0.0), SEVERITY_FACTOR[r["severity"]])
    return int(round(max(0.0, 100.0 - sum(w[c] * f for c, f in worst.items()))))


def _propose(reasons, metrics, insufficient, rules, valid) -> str:
    sev = {r["severity"] for r in reasons}
    if "black" in sev:
        return "black"
    if insufficient:
        return "none"
    if "watch" in sev:
        return "watch"
    dr = rules["data"]
    white = (metrics["online_rate"] >= dr["white_online_rate"]
             and (metrics["completeness"] or 0) >= dr["white_completeness"]
             and valid >= rules["scr"]["min_hot_samples"] and metrics["mil_share"] == 0)
    return "white" if white else "none"

