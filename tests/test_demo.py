"""The demo fleet carries the planted behaviours statistically, and the quirks of real exports."""

import numpy as np
import pandas as pd
import pytest

from dieselwatch.demo.fleet import BEHAVIOURS, CSV_HEADERS


@pytest.fixture(scope="module")
def records(demo_dir, manifest):
    df = pd.read_csv(demo_dir / "records.csv", encoding="gbk", skiprows=2, na_values=["FF", "无效"])
    sentinel = df[CSV_HEADERS["nox_down"]] == 3012.75
    df["sentinel_down"] = sentinel
    df.loc[sentinel, CSV_HEADERS["nox_down"]] = np.nan
    df = df.rename(columns={v: k for k, v in CSV_HEADERS.items()})
    beh = {v["vin"]: v["behaviour"] for v in manifest["vehicles"]}
    df["behaviour"] = df["vin"].map(beh)
    return df


def hot(df):
    return df[(df.scr_in >= 280) & (df.coolant >= 70) & (df.torque_actual > df.torque_friction) & (df.nox_up > 200)]


def test_manifest_lists_every_behaviour(manifest):
    assert {v["behaviour"] for v in manifest["vehicles"]} == set(BEHAVIOURS)
    assert all(v["expected"] for v in manifest["vehicles"])


def test_export_is_gbk_with_title_rows_and_units(demo_dir):
    raw = (demo_dir / "records.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lines = raw.decode("gbk").splitlines()
    assert "导出" in lines[0] and "车速(km/h)" in lines[2]


def test_high_emitter_efficiency_low_when_hot(records):
    h = hot(records)
    eff = h.groupby("behaviour").apply(lambda g: 1 - g.nox_down.clip(lower=0).sum() / g.nox_up.sum())
    assert eff["high_emitter"] < 0.4 and eff["clean"] > 0.85


def test_cold_urban_scr_stays_cold_with_high_raw_ppm(records):
    cu = records[records.behaviour == "cold_urban"]
    assert cu.scr_in.max() < 250
    assert cu.nox_down.quantile(0.9) > 300  # high raw tailpipe ppm, legitimately


def test_planted_sensor_and_reagent_faults(records):
    g = records.groupby("behaviour")
    assert g.get_group("down_stuck_zero").nox_down.abs().max() == 0
    assert g.get_group("down_stuck_const").nox_down.dropna().nunique() == 1
    assert g.get_group("reagent_empty").reagent.max() == 0
    assert g.get_group("reagent_frozen").reagent.dropna().nunique() == 1
    clean = g.get_group("clean").sort_values("ts")
    assert clean.reagent.iloc[:500].median() > clean.reagent.iloc[-500:].median()  # it is consumed
    dgu = hot(g.get_group("down_gt_up"))
    assert (dgu.nox_down > dgu.nox_up).mean() > 0.9
    mil = g.get_group("mil_dtc")
    assert (mil.mil == 1).all() and (mil.dtc_count > 0).all()


def test_upstream_nox_follows_load(records):
    c = records[(records.behaviour == "clean") & (records.rpm > 700)]
    load = c.torque_actual - c.torque_friction
    assert np.corrcoef(load, c.nox_up)[0, 1] > 0.8


def test_offline_and_gappy_transmission(records, manifest):
    days = records.assign(day=records.ts.str[:10]).groupby("behaviour").day.nunique()
    assert days["offline"] < manifest["days"] and days["clean"] == manifest["days"]
    gappy = records[records.behaviour == "gappy"].sort_values("ts")
    clean = records[records.behaviour == "clean"].sort_values("ts")
    gap = lambda d: (pd.to_datetime(d.ts).diff().dt.total_seconds().between(2, 600)).mean()  # noqa: E731
    assert gap(gappy) > 5 * gap(clean)


def test_sentinels_resent_and_duplicate_rows(records):
    assert records.sentinel_down.sum() > 0
    assert records.reagent.isna().sum() > 0 and records.scr_in.isna().sum() > 0
    assert records.duplicated(["vin", "ts"]).sum() > 0
    out_of_order = records.groupby("vin").ts.apply(lambda s: (s.values[1:] < s.values[:-1]).sum())
    assert out_of_order.sum() > 0
