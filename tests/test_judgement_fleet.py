"""Issue 13's bar on a fleet with parked trucks, trucks offline while driving, a period past the exports, an
emulated sensor and starved reagent dosing: the proposals are right and the JSON explains each."""

import json
from datetime import date, timedelta

import numpy as np
import pytest

from dieselwatch.cli import main
from dieselwatch.scoring.daystats import Engine
from dieselwatch.scoring.judge import judge, silent
from dieselwatch.scoring.rules import default_rules

RIGHT = {"clean": {"white"}, "parked": {"none", "white"}, "offline": {"watch"}, "mil_dtc": {"watch"},
         "gappy": {"watch"}, "cold_urban": {"none"}, "emulated_nox": {"black"}, "reagent_starved": {"black"},
         "high_emitter": {"black"}, "reagent_empty": {"black"}, "reagent_frozen": {"black"},
         "down_stuck_zero": {"black"}, "down_stuck_const": {"black"}, "down_gt_up": {"black"}}


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    from dieselwatch.demo.fleet import generate

    out = tmp_path_factory.mktemp("fleet")
    m = generate(out / "d", vehicles=16, seed=5)
    home = str(out / "home")
    assert main(["--home", home, "vehicles", "import", str(out / "d" / "registry.xlsx"), "--json"]) == 0
    assert main(["--home", home, "import", str(out / "d" / "records.csv"), "--json"]) == 0
    return m, home


def score_json(capsys, home, start, end):
    capsys.readouterr()
    assert main(["--home", home, "score", "--from", str(start), "--to", str(end), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_proposals_are_right_and_explained(fleet, capsys):
    m, home = fleet
    doc = score_json(capsys, home, m["start"], m["end"])
    beh = {v["vin"]: v["behaviour"] for v in m["vehicles"]}
    assert doc["warnings"] == [] and doc["coverage"]["covered_days"] == 5
    for v in doc["vehicles"]:
        b = beh[v["vin"]]
        assert v["proposal"] in RIGHT[b], (b, v["proposal"], [r["text_en"] for r in v["reasons"]])
        if v["proposal"] != "white":  # every other proposal says why, in words with figures
            assert v["reasons"] and all(r["text"] and r["figures"] for r in v["reasons"]), b
        assert "限值" not in json.dumps(v["reasons"], ensure_ascii=False)
        mets = v["metrics"]
        if b == "parked":
            assert mets["parked_days"] == 3 and mets["unreported_days"] == 0 and mets["online_rate"] == 1.0
        if b == "offline":
            assert mets["unreported_days"] == 3 and mets["unreported_km"] > 20 and mets["online_rate"] == 0.4
            r = next(r for r in v["reasons"] if r["code"] == "DATA_OFFLINE")
            assert "公里" in r["text"] and r["figures"]["days"] == 3
        if b == "emulated_nox":
            r = next(r for r in v["reasons"] if r["code"] == "TAMPER_DOWN_EMULATED")
            assert r["severity"] == "black" and r["figures"]["n"] >= 5 and r["figures"]["lo"] > 0.5
            assert r["figures"]["r_up"] < 0.3 and "相关系数" in r["text"]
        if b == "reagent_starved":
            r = next(r for r in v["reasons"] if r["code"] == "TAMPER_REAGENT_LOW_USE")
            assert r["figures"]["rate"] < 0.5 * r["figures"]["med"] and "100升燃油" in r["text"]
        if b in ("clean", "parked"):
            assert v["proposal"] != "black"
    blacks = [v["score"] for v in doc["vehicles"] if v["proposal"] == "black"]
    others = [v["score"] for v in doc["vehicles"] if v["proposal"] != "black"]
    whites = [v["score"] for v in doc["vehicles"] if v["proposal"] == "white"]
    assert max(blacks) < min(others) and min(whites) > max(others_ for others_ in others if others_ not in whites)


def test_a_period_past_the_exports_warns_and_blackens_nobody_new(fleet, capsys):
    m, home = fleet
    inside = score_json(capsys, home, m["start"], m["end"])
    end = date.fromisoformat(m["end"]) + timedelta(days=20)
    past = score_json(capsys, home, m["start"], end)
    assert past["warnings"] and "not judged" in past["warnings"][0]
    assert past["coverage"]["spans"] == [[m["start"], m["end"]]] and past["coverage"]["period_days"] == 25
    before = {v["vin"]: v["proposal"] for v in inside["vehicles"]}
    for v in past["vehicles"]:
        assert v["proposal"] == before[v["vin"]] or (before[v["vin"]] == "white" and v["proposal"] == "none")
        assert v["metrics"]["not_covered_days"] == 20
        assert "DATA_OFFLINE_LONG" not in {r["code"] for r in v["reasons"]}
    capsys.readouterr()
    assert main(["--home", home, "score", "--from", m["start"], "--to", str(end)]) == 0
    assert "WARNING: The period" in capsys.readouterr().out


def test_score_orders_vehicles_as_proposals_do_on_a_random_fleet():
    """No black vehicle scores above a watch, none or white one; white scores above all others."""
    rules = default_rules()
    rng = np.random.default_rng(3)
    results = []
    for _ in range(400):
        f = silent(30)
        run = float(rng.integers(0, 200_000))
        valid = run * rng.uniform(0, 0.9)
        f.update(n_records=run, n_running=run, n_expected=run / rng.uniform(0.7, 1.0), n_valid=valid, n_hot=valid,
                 sum_up_hot=valid * 500, sum_down_hot=valid * 500 * rng.uniform(0.01, 0.9),
                 n_exceed=valid * rng.choice([0, 0.01, 0.2]), n_mil_on=run * rng.choice([0, 0, 0.1, 0.9]),
                 dtc_max=float(rng.integers(0, 3)), n_odo_back=float(rng.choice([0, 0, 0, 1])),
                 days_with_data=int(rng.integers(0, 31)), fuel_l=run / 3600 * 20,
                 reagent_drop=run / 3600 * 20 * 0.08 * rng.choice([1, 1, 0]), kw_n=2000.0,
                 **{f"kw_v{i}": 1500.0 for i in range(6)},
                 **{f"kw_o{i}": float(rng.choice([0, 400])) for i in range(6)})
        results.append(judge(f, rules, Engine(2100.0, 330.0, 25.0))[:2])
    by = {p: [s for s, q in results if q == p] for p in ("black", "watch", "none", "white")}
    assert all(by.values()), {p: len(v) for p, v in by.items()}
    assert max(by["black"]) < min(by["watch"] + by["none"] + by["white"])
    assert min(by["white"]) > max(by["watch"] + by["none"])


def test_registry_engine_figures_by_alias_per_model_and_refused_when_absurd(ws, tmp_path):
    from openpyxl import Workbook

    from dieselwatch.errors import InputError
    from dieselwatch.ingest.vin import with_check_digit
    from dieselwatch.services.engines import engine_specs
    from dieselwatch.services.registry import import_registry
    from dieselwatch.storage.models import Vehicle

    vins = [with_check_digit(f"LFWEN6000R12345{i:02d}") for i in range(3)]
    wb = Workbook()
    sh = wb.active
    sh.append(["车架号", "发动机型号", "参考扭矩", "最大净功率（kW）", "WHTC循环功(kWh)"])
    sh.append([vins[0], "WP13.550E62", 2550, 405, 30.5])
    sh.append([vins[1], "WP13.550E62", 2550, None, None])  # the model's figures serve it
    sh.append([vins[2], "OTHER", 2000, None, None])
    wb.save(tmp_path / "reg.xlsx")
    rep = import_registry(ws, tmp_path / "reg.xlsx")
    assert rep.created == 3 and rep.mapping["最大净功率（kW）"] == "rated_power_kw"
    with ws.Session() as s:
        ids = {v.vin: v.id for v in s.query(Vehicle)}
        eng = engine_specs(s)
    assert eng[ids[vins[0]]] == Engine(2550.0, 405.0, 30.5) and eng[ids[vins[1]]] == Engine(2550.0, 405.0, 30.5)
    assert not eng[ids[vins[2]]].annex_k
    sh.append([with_check_digit("LFWEN6000R1234599"), "X", 2000, 5000, 30])
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError, match="rated power") as err:
        import_registry(ws, tmp_path / "bad.xlsx")
    assert err.value.row == 5 and "最大净功率" in err.value.column


def test_scoring_page_warns_before_scoring_a_period_past_the_exports(qtbot, loaded_ws, manifest):
    from PySide6.QtCore import QDate
    from test_gui import scored_window

    from dieselwatch.gui.worker import pool

    ctl = scored_window(qtbot, loaded_ws)
    label = ctl.scoring_page.p.coverageWarning
    end = date.fromisoformat(manifest["end"])
    ctl.scoring_page.p.toDate.setDate(QDate(end.year, end.month, end.day))
    qtbot.waitUntil(lambda: (pool().waitForDone(10) or True) and label.isHidden())
    later = end + timedelta(days=10)
    ctl.scoring_page.p.toDate.setDate(QDate(later.year, later.month, later.day))
    qtbot.waitUntil(lambda: (pool().waitForDone(10) or True) and not label.isHidden())
    assert "not judged" in label.text() and manifest["end"] in label.text()
