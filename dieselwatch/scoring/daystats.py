"""Per vehicle and Beijing day: the aggregates of docs/domain.md sections 3 and 4, computed from raw samples.

Computed at import for the days an import touches (merged with what was stored before) and again from the
raw store when a rule set changes. Everything is vectorised over one vehicle's sorted, de-duplicated rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dieselwatch.scoring.exceedance import smoothed_down, valid_operation
from dieselwatch.scoring.rules import MAX_POWER_STEPS, RuleSet, power_thresholds

KW_COLUMNS = ["kw_n", *[f"kw_v{i}" for i in range(MAX_POWER_STEPS)], *[f"kw_o{i}" for i in range(MAX_POWER_STEPS)]]
CS_COLUMNS = ["cs_n", "cs_u", "cs_d", "cs_l", "cs_uu", "cs_dd", "cs_ll", "cs_ud", "cs_dl"]
DAY_COLUMNS = [
    "n_records", "n_running", "n_expected", "n_trips", "n_gaps", "gap_s", "max_gap_s", "n_position_jumps",
    "n_valid", "n_exceed", "n_hot", "sum_up_hot", "sum_down_hot", "n_low_eff", "n_down_gt_up",
    "n_down_zero_loaded", "max_down_const_s", "n_down_repeat", "n_down_valid", "n_scr_cold_high_load", "nox_mass_g",
    "work_kwh", "bs_windows",
    "bs_windows_over", "distance_km", "fuel_l", "n_miss_down", "n_miss_scr_temp", "n_miss_reagent", "n_miss_air",
    "reagent_first", "reagent_last", "reagent_min", "reagent_drop", "n_reagent_zero", "n_mil_on", "dtc_max",
    "calids", "n_odo_back", "n_gnss_invalid",
    # Revision 0009: readings at the day's edges (parked or driven across a silence), Annex K work-based windows
    # (complete windows, and per power-threshold step the valid ones and those over the conformity factor),
    # moments of 10 s means of hot operation (does downstream NOx follow upstream and load?), and the lowest hot
    # loaded downstream reading (a platform that forgot the -200 ppm offset never goes below 200).
    "odo_first", "odo_last", "lat_first", "lon_first", "lat_last", "lon_last",
    *KW_COLUMNS, *CS_COLUMNS, "down_min_hot",
]
EARTH_KM = 6371.0088
INT_COLUMNS = [c for c in DAY_COLUMNS if c.startswith(("n_", "max_", "bs_", "gap_s", "dtc_", "kw_")) or c == "cs_n"]
BUCKET_S = 10  # seconds per mean for the correlation moments: averages out sensor noise and response lag


@dataclass(frozen=True)
class Engine:
    """What the registry says about a vehicle's engine (per vehicle, or per engine model when the vehicle lacks it).
    Work needs the reference torque; GB 17691 Annex K windows need rated power and WHTC work as well."""
    ref_torque_nm: float | None = None
    rated_power_kw: float | None = None
    whtc_work_kwh: float | None = None

    @property
    def annex_k(self) -> bool:
        return bool(self.ref_torque_nm and self.rated_power_kw and self.whtc_work_kwh)


def _col(df: pd.DataFrame, name: str) -> np.ndarray:
    if name in df:
        return df[name].to_numpy(dtype="float64", na_value=np.nan)
    return np.full(len(df), np.nan)


def _runs_max(flag: np.ndarray, t: np.ndarray, day_idx: np.ndarray, n_days: int) -> np.ndarray:
    """Longest duration (s) per day of consecutive rows where flag holds (flag[i] links row i-1 to row i)."""
    out = np.zeros(n_days, dtype="int64")
    if not flag.any():
        return out
    start = np.flatnonzero(flag & ~np.r_[False, flag[:-1]])  # first linked row of each run
    stop = np.flatnonzero(flag & ~np.r_[flag[1:], False])
    dur = t[stop] - t[start - 1]
    np.maximum.at(out, day_idx[stop], dur)
    return out


def compute_day_stats(df: pd.DataFrame, rules: RuleSet, engine: Engine | float | None) -> pd.DataFrame:
    """df: one vehicle's rows, sorted by ts, unique ts. engine: the registry's engine data (a bare number is the
    reference torque alone). Returns one row per day (index: datetime.date)."""
    if df.empty:
        return pd.DataFrame(columns=DAY_COLUMNS)
    if not isinstance(engine, Engine):
        engine = Engine(ref_torque_nm=engine)
    v, ex, tp, dr = rules["validity"], rules["exceedance"], rules["tamper"], rules["data"]
    ts = df["ts"].to_numpy(dtype="datetime64[s]")
    t = ts.astype("int64")
    days_all = ts.astype("datetime64[D]")
    uniq_days, day_idx = np.unique(days_all, return_inverse=True)
    nd = len(uniq_days)

    def per_day(values, mask=None) -> np.ndarray:
        w = values if mask is None else np.where(mask, values, 0)
        return np.bincount(day_idx, weights=np.nan_to_num(w.astype("float64")), minlength=nd)

    rpm, speed = _col(df, "rpm"), _col(df, "speed")
    coolant, scr_in = _col(df, "coolant"), _col(df, "scr_in")
    act, fric = _col(df, "torque_actual"), _col(df, "torque_friction")
    up, down = _col(df, "nox_up"), _col(df, "nox_down")
    air, fuel = _col(df, "air_flow"), _col(df, "fuel_rate")
    reagent, odo = _col(df, "reagent"), _col(df, "odometer")
    net = act - np.nan_to_num(fric)  # friction torque missing: judge on actual torque alone
    with np.errstate(invalid="ignore"):
        running = rpm >= v["rpm_min"]
        warm = coolant >= v["coolant_min_c"]
        hot_scr = scr_in >= v["scr_in_min_c"]
    valid = valid_operation(rpm, coolant, scr_in, net, down, v)

    dt_prev = np.r_[10**9, np.diff(t)]
    same_day = np.r_[False, day_idx[1:] == day_idx[:-1]]
    linked = same_day & (dt_prev <= dr["trip_break_s"]) & running & np.r_[False, running[:-1]]

    # Trips: runs of running rows linked within trip_break_s (and within a day).
    r_idx = np.flatnonzero(running)
    new_trip = running & ~linked
    trip_starts = np.flatnonzero(new_trip)
    n_trips = np.bincount(day_idx[trip_starts], minlength=nd)
    if len(r_idx):
        trip_of_row = np.cumsum(new_trip)[r_idx] - 1
        first_t = t[trip_starts]
        last_t = np.zeros(len(trip_starts), dtype="int64")
        np.maximum.at(last_t, trip_of_row, t[r_idx])
        n_expected: np.ndarray = np.bincount(day_idx[trip_starts], weights=last_t - first_t + 1, minlength=nd)
    else:
        n_expected = np.zeros(nd)
    gap = linked & (dt_prev > dr["gap_min_s"])
    gap_len = np.where(gap, dt_prev - 1, 0)
    max_gap = np.zeros(nd, dtype="int64")
    np.maximum.at(max_gap, day_idx, gap_len)

    # Position jumps: far beyond what speed x dt allows (a terminal that re-sends the wrong fix, or lies).
    lat, lon = np.radians(_col(df, "lat")), np.radians(_col(df, "lon"))
    dlat, dlon = np.diff(lat, prepend=np.nan), np.diff(lon, prepend=np.nan)
    a = np.sin(dlat / 2) ** 2 + np.cos(lat) * np.cos(np.r_[np.nan, lat[:-1]]) * np.sin(dlon / 2) ** 2
    dist = 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    vmax = np.fmax(speed, np.r_[np.nan, speed[:-1]])
    allowed = np.nan_to_num(vmax) / 3600.0 * dt_prev * dr["position_jump_factor"] + dr["position_jump_margin_km"]
    with np.errstate(invalid="ignore"):
        jump = linked & (dist > allowed)

    # Exceedance on valid operation, smoothed over a centred window (docs/domain.md section 3: 20-60 s agree with PEMS).
    smooth = smoothed_down(ts, down, valid, ex["smoothing_s"])
    with np.errstate(invalid="ignore"):
        exceed = valid & (smooth > ex["threshold_ppm"])
        hot = valid & ~np.isnan(up) & (up > 50)  # a ratio needs a real upstream signal
        down_c = np.clip(down, 0, None)
        low_eff = hot & (1 - down_c / up < rules["scr"]["low_eff_sample"])
        down_gt_up = hot & (down > up + tp["down_gt_up_margin_ppm"])
        loaded_hot = running & warm & hot_scr & (net > 20)
        down_zero = loaded_hot & (np.abs(down) <= tp["down_zero_ppm"])
        cold_high = (running & warm & (net >= tp["scr_cold_high_load_torque_pct"])
                     & (scr_in < tp["scr_cold_high_load_c"]))

    # Stuck downstream sensor: identical consecutive valid values while the engine runs. Invalid cells
    # (sentinels) in between do not break a run: a stuck sensor that now and then reports "invalid" is still stuck.
    max_const = np.zeros(nd, dtype="int64")
    n_repeat: np.ndarray = np.zeros(nd)
    sel = np.flatnonzero(running & ~np.isnan(down))
    n_down_valid = np.bincount(day_idx[sel], minlength=nd)
    if len(sel) > 1:
        ds, ts_s, day_s = down[sel], t[sel], day_idx[sel]
        link = np.r_[False, (ds[1:] == ds[:-1]) & (np.diff(ts_s) <= dr["gap_min_s"]) & (day_s[1:] == day_s[:-1])]
        max_const = _runs_max(link, ts_s, day_s, nd)
        n_repeat = np.bincount(day_s, weights=link, minlength=nd)

    # NOx mass [g/s] = 0.001587 x ppm x exhaust flow [kg/h] / 3600 ; work [kWh] per 1 s sample.
    exh = air + fuel * 0.835
    mass_all = 0.001587 * down_c * exh / 3600.0
    mass = np.where(valid & ~np.isnan(exh), mass_all, 0.0)
    work = None
    bs_win = np.zeros(nd)
    bs_over = np.zeros(nd)
    kw = {c: np.zeros(nd) for c in KW_COLUMNS}
    tref = engine.ref_torque_nm
    if tref and tref > 0:
        power_kw = np.clip(net, 0, None) / 100.0 * tref * rpm * 2 * np.pi / 60000.0
        work = np.where(valid & ~np.isnan(power_kw), power_kw / 3600.0, 0.0)
        # Windows run over warm-engine samples with a NOx and exhaust-flow reading, within one trip; motoring
        # counts as zero power (the power threshold, not a sample filter, keeps light load out, as in Annex K).
        incl = running & warm & ~np.isnan(down_c) & ~np.isnan(exh) & ~np.isnan(power_kw)
        trip_id = np.cumsum(new_trip)
        if engine.annex_k:
            kw = work_windows(t, trip_id, incl, power_kw, mass_all, day_idx, nd, engine, rules)
        else:
            bs_win, bs_over = time_windows(t, trip_id, incl, power_kw, mass_all, day_idx, nd, rules)

    # Does downstream NOx follow upstream and load? Moments of 10 s means over hot valid operation, summed per day
    # (a pooled correlation over the period comes out of the sums exactly).
    cs = _bucket_moments(t, hot, up, down_c, net, day_idx, nd)
    with np.errstate(invalid="ignore"):
        min_hot = np.full(nd, np.inf)
        sel_min = loaded_hot & ~np.isnan(down)
        np.minimum.at(min_hot, day_idx[sel_min], down[sel_min])
    down_min_hot = np.where(np.isinf(min_hot), np.nan, min_hot)
    odo_ok = ~np.isnan(odo) & (odo > 0)
    fix = ~np.isnan(lat) & ~np.isnan(lon) & ((np.nan_to_num(_col(df, "gnss_status"), nan=0).astype("int64") & 1) == 0)
    edges = {"odo_first": _first_last(odo, odo_ok, day_idx, nd, first=True),
             "odo_last": _first_last(odo, odo_ok, day_idx, nd, first=False),
             "lat_first": _first_last(np.degrees(lat), fix, day_idx, nd, first=True),
             "lon_first": _first_last(np.degrees(lon), fix, day_idx, nd, first=True),
             "lat_last": _first_last(np.degrees(lat), fix, day_idx, nd, first=False),
             "lon_last": _first_last(np.degrees(lon), fix, day_idx, nd, first=False)}

    step = np.where(linked, np.minimum(dt_prev, dr["gap_min_s"]), 1)
    distance = np.nan_to_num(speed) / 3600.0 * np.where(linked, dt_prev, 0)
    distance = np.where(linked & (dt_prev <= dr["gap_min_s"]), distance, 0.0)
    fuel_l = np.where(running, np.nan_to_num(fuel) / 3600.0 * step, 0.0)

    # Reagent: first/last/min per day and the sum of falls of a 5-minute rolling median (sloshing is noise).
    rmask = running & ~np.isnan(reagent)
    r_first = np.full(nd, np.nan)
    r_last = np.full(nd, np.nan)
    r_min = np.full(nd, np.nan)
    r_drop: np.ndarray = np.zeros(nd)
    if rmask.any():
        rd, rv = day_idx[rmask], reagent[rmask]
        first_pos = np.r_[True, rd[1:] != rd[:-1]]
        last_pos = np.r_[rd[1:] != rd[:-1], True]
        r_first[rd[first_pos]] = rv[first_pos]
        r_last[rd[last_pos]] = rv[last_pos]
        r_min_tmp = np.full(nd, np.inf)
        np.minimum.at(r_min_tmp, rd, rv)
        r_min = np.where(np.isinf(r_min_tmp), np.nan, r_min_tmp)
        # Median level per 5-minute bucket (sloshing is noise), then the falls between consecutive buckets.
        bucket = t[rmask] // 300
        b_med = pd.Series(rv).groupby(bucket, sort=True).median()
        b_day = pd.Series(rd).groupby(bucket, sort=True).first().to_numpy()
        step = np.diff(b_med.to_numpy(), prepend=np.nan)
        same = np.r_[False, b_day[1:] == b_day[:-1]]
        fall = np.where(same & (step < 0) & (step > -5), -step, 0.0)  # > 5 % in 5 min: a glitch, not consumption
        r_drop = np.bincount(b_day, weights=fall, minlength=nd)

    mil = _col(df, "mil")
    dtc = _col(df, "dtc_count")
    dtc_max = np.zeros(nd)
    if not np.isnan(dtc).all():
        np.maximum.at(dtc_max, day_idx, np.nan_to_num(dtc))
    calids = _calid_pairs(df, day_idx, nd)
    odo_back = np.r_[False, np.diff(odo) < -0.1] & same_day
    gs = _col(df, "gnss_status")
    gnss_bad = running & ((np.nan_to_num(gs, nan=1).astype("int64") & 1) == 1)

    cols = {
        "n_records": np.bincount(day_idx, minlength=nd),
        "n_running": per_day(running),
        "n_expected": n_expected,
        "n_trips": n_trips,
        "n_gaps": per_day(gap),
        "gap_s": per_day(gap_len),
        "max_gap_s": max_gap,
        "n_position_jumps": per_day(jump),
        "n_valid": per_day(valid),
        "n_exceed": per_day(exceed),
        "n_hot": per_day(hot),
        "sum_up_hot": per_day(up, hot),
        "sum_down_hot": per_day(down_c, hot),
        "n_low_eff": per_day(low_eff),
        "n_down_gt_up": per_day(down_gt_up),
        "n_down_zero_loaded": per_day(down_zero),
        "max_down_const_s": max_const,
        "n_down_repeat": n_repeat,
        "n_down_valid": n_down_valid,
        "n_scr_cold_high_load": per_day(cold_high),
        "nox_mass_g": per_day(mass),
        "work_kwh": per_day(work) if work is not None else np.full(nd, np.nan),
        "bs_windows": bs_win,
        "bs_windows_over": bs_over,
        "distance_km": per_day(distance),
        "fuel_l": per_day(fuel_l),
        "n_miss_down": per_day(running & np.isnan(down)),
        "n_miss_scr_temp": per_day(running & np.isnan(scr_in)),
        "n_miss_reagent": per_day(running & np.isnan(reagent)),
        "n_miss_air": per_day(running & np.isnan(air)),
        "reagent_first": r_first,
        "reagent_last": r_last,
        "reagent_min": r_min,
        "reagent_drop": r_drop,
        "n_reagent_zero": per_day(running & (reagent <= tp["reagent_zero_pct"])),
        "n_mil_on": per_day(mil == 1),
        "dtc_max": dtc_max,
        "n_odo_back": per_day(odo_back),
        "n_gnss_invalid": per_day(gnss_bad),
        "calids": calids,
        **edges, **kw, **cs, "down_min_hot": down_min_hot,
    }
    for c in INT_COLUMNS:  # counts were summed as floats by bincount: round in numpy (DataFrame ops cost more)
        cols[c] = np.rint(np.asarray(cols[c], dtype="float64")).astype("int64")
    return pd.DataFrame({c: cols[c] for c in DAY_COLUMNS},
                        index=pd.Index(uniq_days.astype("datetime64[D]").astype(object), name="day"))


def _first_last(values: np.ndarray, ok: np.ndarray, day_idx: np.ndarray, nd: int, first: bool) -> np.ndarray:
    """The first (or last) reading per day among rows where ok holds (rows sorted by time); NaN without one."""
    out = np.full(nd, np.nan)
    sel = np.flatnonzero(ok)
    if len(sel):
        d = day_idx[sel]
        pick = np.r_[True, d[1:] != d[:-1]] if first else np.r_[d[1:] != d[:-1], True]
        out[d[pick]] = values[sel[pick]]
    return out


def _window_ends(cum: np.ndarray, target: np.ndarray) -> np.ndarray:
    """For each start i, the index k (into cum) of the first boundary where cum[k] >= target[i]."""
    return np.searchsorted(cum, target, side="left")


def work_windows(t, trip_id, incl, power_kw, mass_g_s, day_idx, nd, engine: Engine, rules: RuleSet) -> dict:
    """GB 17691-2018 Annex K work-based windows: from every included sample, the shortest run of samples whose
    work reaches the engine's WHTC reference work. Per day (the window's end): complete windows, and for every
    power-threshold step the windows whose average power reaches it and those of them whose conformity factor
    (NOx mg/kWh / WHTC limit) exceeds the limit."""
    ww = rules["work_window"]
    out = {c: np.zeros(nd) for c in KW_COLUMNS}
    idx = np.flatnonzero(incl)
    if len(idx) < 2:
        return out
    p = np.clip(np.nan_to_num(power_kw[idx]), 0, None)
    cum_w = np.r_[0.0, np.cumsum(p / 3600.0)]  # kWh at sample boundaries
    cum_m = np.r_[0.0, np.cumsum(np.nan_to_num(mass_g_s[idx]))]
    k = _window_ends(cum_w, cum_w[:-1] + engine.whtc_work_kwh)
    ok = k <= len(idx)
    start = np.flatnonzero(ok)
    if not len(start):
        return out
    end = k[ok] - 1  # last sample of each window
    seg = trip_id[idx]
    same = seg[end] == seg[start]
    start, end = start[same], end[same]
    if not len(start):
        return out
    work = cum_w[end + 1] - cum_w[start]
    mass = cum_m[end + 1] - cum_m[start]
    secs = (t[idx[end]] - t[idx[start]] + 1).astype("float64")
    share = work * 3600.0 / secs / engine.rated_power_kw
    cf = mass / work * 1000.0 / ww["whtc_limit_mg_kwh"]
    day = day_idx[idx[end]]
    out["kw_n"] = np.bincount(day, minlength=nd).astype("float64")
    over = cf > ww["cf_limit"]
    for i, thr in enumerate(power_thresholds(rules)):
        v = share >= thr - 1e-9
        out[f"kw_v{i}"] = np.bincount(day, weights=v, minlength=nd)
        out[f"kw_o{i}"] = np.bincount(day, weights=v & over, minlength=nd)
    return out


def time_windows(t, trip_id, incl, power_kw, mass_g_s, day_idx, nd, rules: RuleSet) -> tuple[np.ndarray, np.ndarray]:
    """The fallback without rated power or WHTC work: fixed windows of fallback_window_s consecutive included
    samples within one trip (at most 1.5 x that of clock time), valid when their average power reaches
    fallback_min_avg_power_kw; over when NOx exceeds cf_limit x the WHTC limit. Not the Annex K method."""
    ww = rules["work_window"]
    n_w = int(ww["fallback_window_s"])
    idx = np.flatnonzero(incl)
    if len(idx) <= n_w or n_w < 1:
        return np.zeros(nd), np.zeros(nd)
    p = np.clip(np.nan_to_num(power_kw[idx]), 0, None)
    cum_w = np.r_[0.0, np.cumsum(p / 3600.0)]
    cum_m = np.r_[0.0, np.cumsum(np.nan_to_num(mass_g_s[idx]))]
    work = cum_w[n_w:] - cum_w[:-n_w]
    mass = cum_m[n_w:] - cum_m[:-n_w]
    s_i, e_i = idx[: len(idx) - n_w + 1], idx[n_w - 1:]
    secs = (t[e_i] - t[s_i] + 1).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        valid = (trip_id[e_i] == trip_id[s_i]) & (secs <= 1.5 * n_w) & \
            (work * 3600.0 / secs >= ww["fallback_min_avg_power_kw"]) & (work > 0)
        over = valid & (mass / work * 1000.0 > ww["whtc_limit_mg_kwh"] * ww["cf_limit"])
    day = day_idx[e_i]
    return np.bincount(day, weights=valid, minlength=nd), np.bincount(day, weights=over, minlength=nd)


def _bucket_moments(t, hot, up, down, load, day_idx, nd) -> dict:
    """Per day: count and sums (x, x², xy) of 10 s means of upstream, downstream NOx and load over hot samples."""
    out = {c: np.zeros(nd) for c in CS_COLUMNS}
    sel = np.flatnonzero(hot & ~np.isnan(load))
    if not len(sel):
        return out
    key = t[sel] // BUCKET_S
    _, b = np.unique(key, return_inverse=True)
    n = np.bincount(b)
    full = n >= BUCKET_S // 2  # a mean of at least half a bucket
    u = np.bincount(b, weights=up[sel])[full] / n[full]
    d = np.bincount(b, weights=down[sel])[full] / n[full]
    ld = np.bincount(b, weights=load[sel])[full] / n[full]
    first = np.r_[True, b[1:] != b[:-1]]
    day = day_idx[sel][first][full]
    for name, w in (("cs_n", None), ("cs_u", u), ("cs_d", d), ("cs_l", ld), ("cs_uu", u * u), ("cs_dd", d * d),
                    ("cs_ll", ld * ld), ("cs_ud", u * d), ("cs_dl", d * ld)):
        out[name] = np.bincount(day, weights=w, minlength=nd)
    return out


def _calid_pairs(df: pd.DataFrame, day_idx: np.ndarray, nd: int) -> list[str]:
    """Distinct CALID|CVN pairs per day, on integer codes (a file has few distinct values, many rows)."""
    out = [""] * nd
    if "calid" not in df and "cvn" not in df:
        return out
    empty = pd.Series([None] * len(df), dtype=object)
    c1, u1 = pd.factorize(df.get("calid", empty), use_na_sentinel=True)
    c2, u2 = pd.factorize(df.get("cvn", empty), use_na_sentinel=True)
    keep = (c1 >= 0) | (c2 >= 0)
    if not keep.any():
        return out
    n2 = len(u2) + 1
    key = (day_idx[keep].astype("int64") * (len(u1) + 1) + (c1[keep] + 1)) * n2 + (c2[keep] + 1)
    names1, names2 = [""] + [str(x) for x in u1], [""] + [str(x) for x in u2]
    per_day: dict[int, list[str]] = {}
    for k in np.unique(key):
        d, rest = divmod(int(k), (len(u1) + 1) * n2)
        a, b = divmod(rest, n2)
        per_day.setdefault(d, []).append(f"{names1[a]}|{names2[b]}")
    for d, pairs in per_day.items():
        out[d] = ";".join(sorted(pairs))
    return out


def to_rows(stats: pd.DataFrame, vehicle_id: int, ruleset_version: str) -> list[dict]:
    """compute_day_stats output as plain rows for a bulk insert into day_stats (NaN -> NULL, numpy -> Python)."""
    rows = stats.reset_index().to_dict("records")
    for r in rows:
        r["vehicle_id"] = int(vehicle_id)
        r["ruleset_version"] = ruleset_version
        r["day"] = pd.Timestamp(r["day"]).date()
        for c in DAY_COLUMNS:
            val = r[c]
            if isinstance(val, float) and np.isnan(val):
                r[c] = None
            elif isinstance(val, np.generic):
                r[c] = val.item()
    return rows
