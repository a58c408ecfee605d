"""The CLI contract later issues build on: names, --json documents, exit codes."""

import json
import subprocess
import sys

import pytest

from dieselwatch import __version__
from dieselwatch.cli import main


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and __version__ in capsys.readouterr().out


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["score", "--from", "2026-10-01"])
    assert e.value.code == 2


def test_demo_import_score_json(capsys, tmp_path):
    home, out = str(tmp_path / "home"), tmp_path / "demo"
    code, stdout, _ = run(capsys, "--home", home, "demo", "--out", str(out), "--vehicles", "3", "--days", "2",
                          "--json")
    assert code == 0
    man = json.loads(stdout)["manifest"]
    code, stdout, _ = run(capsys, "--home", home, "vehicles", "import", str(out / "registry.xlsx"), "--json")
    assert code == 0 and json.loads(stdout)["created"] == 3
    code, stdout, _ = run(capsys, "--home", home, "import", str(out / "records.csv"),
                          str(out / "records_other_platform.xlsx"), "--json")
    doc = json.loads(stdout)
    assert code == 0
    for k in ("rows_read", "rows_imported", "duplicates", "rejected", "rejects"):
        assert k in doc
    assert doc["rows_read"] == man["rows"] + 3000 and doc["duplicates"] >= 3000
    code, stdout, _ = run(capsys, "--home", home, "score", "--from", man["start"], "--to", man["end"], "--json")
    doc = json.loads(stdout)
    assert code == 0 and len(doc["vehicles"]) == 3
    for v in doc["vehicles"]:
        assert set(v) >= {"vin", "score", "proposal", "reasons", "metrics"}
        assert 0 <= v["score"] <= 100 and v["proposal"] in ("black", "white", "watch", "none")
        for r in v["reasons"]:
            assert set(r) >= {"code", "category", "text"}
    code, stdout, _ = run(capsys, "--home", home, "audit", "verify", "--json")
    assert code == 0 and json.loads(stdout)["ok"] is True


def test_bad_input_exits_3_and_names_file(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    code, stdout, err = run(capsys, "--home", str(tmp_path / "h"), "import", str(bad), "--json")
    assert code == 3
    doc = json.loads(stdout)
    assert doc["rows_imported"] == 0 and "bad.csv" in doc["errors"][0]["error"]
    code, _, err = run(capsys, "--home", str(tmp_path / "h"), "score", "--from", "2026-13-01", "--to", "2026-10-01")
    assert code == 3 and "YYYY-MM-DD" in err


def test_registry_rejects_whole_file_with_rows(capsys, tmp_path):
    from dieselwatch.ingest.vin import with_check_digit

    p = tmp_path / "reg.csv"
    v = with_check_digit("LFWADRJF0R1000001")
    p.write_text(f"车辆识别代号,车牌号,参考扭矩\n{v},鲁A12345,2100\nBADVIN,鲁A00000,2100\n{v},鲁A12345,lots\n",
                 encoding="utf-8")
    code, stdout, _ = run(capsys, "--home", str(tmp_path / "h"), "vehicles", "import", str(p), "--json")
    doc = json.loads(stdout)
    assert code == 3 and doc["rejected"] == 2
    assert [(r["row"], r["column"]) for r in doc["rejects"]] == [(3, "车辆识别代号"), (4, "车辆识别代号")]
    code, stdout, _ = run(capsys, "--home", str(tmp_path / "h"), "vehicles", "list", "--json")
    assert json.loads(stdout)["vehicles"] == []  # nothing half-written


def test_internal_error_exits_1_without_traceback(tmp_path):
    # A database URL for a driver that is not installed is a configuration error (3); a broken home is 1.
    r = subprocess.run([sys.executable, "-m", "dieselwatch", "--db", "nosuchdb://x", "imports"],
                       capture_output=True, text=True)
    assert r.returncode in (1, 3) and "Traceback" not in r.stderr.split("dieselwatch:")[-1]


def test_headless_demo_prints_scores(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = subprocess.run([sys.executable, "-m", "dieselwatch", "--home", str(tmp_path / "h"), "--demo"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "No display here" in r.stderr and "black" in r.stdout and "white" in r.stdout


def test_saved_profile_and_rejects_workbook(capsys, tmp_path):
    from openpyxl import load_workbook

    from dieselwatch.ingest.vin import with_check_digit

    vin = with_check_digit("LFWADRJF0R1000001")
    home = str(tmp_path / "h")
    data = tmp_path / "odd.csv"
    data.write_text(f"车辆编码,时刻,尾排氮氧\n{vin},2026-03-01 08:00:00,12.5\n"
                    f"=cmd|' /C calc'!A0,2026-03-01 08:00:01,1\n{vin},soon,3\n", encoding="utf-8")
    prof = tmp_path / "p.json"
    prof.write_text(json.dumps({"车辆编码": "vin", "时刻": "ts", "尾排氮氧": "nox_down"}), encoding="utf-8")
    code, out, _ = run(capsys, "--home", home, "import", str(data), "--profile", str(prof), "--save-profile",
                       "平台A", "--allow-missing", "all", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["rows_imported"] == 1 and doc["rejected"] == 2
    data2 = tmp_path / "odd2.csv"
    data2.write_text(f"车辆编码,时刻,尾排氮氧\n{vin},2026-03-02 08:00:00,12.5\n", encoding="utf-8")
    code, out, _ = run(capsys, "--home", home, "import", str(data2), "--profile", "平台A", "--allow-missing", "all",
                       "--json")
    assert code == 0 and json.loads(out)["rows_imported"] == 1
    batch = doc["files"][0]["batch_id"]
    xlsx = tmp_path / "report.xlsx"
    code, out, _ = run(capsys, "--home", home, "imports", "--export", str(batch), "--out", str(xlsx))
    assert code == 0
    wb = load_workbook(xlsx)
    rej = wb["拒绝行 Rejected rows"]
    rows = [[c.value for c in r] for r in rej.iter_rows(min_row=2)]
    assert rows[0][:3] == [3, "车辆编码", "VIN malformed (17 characters, no I, O or Q)"]
    assert rows[0][3].startswith("'=")  # neutralised: Excel shows the text, never runs it
    assert rows[1][:3] == [4, "时刻", "time not understood"]
    summary = {r[0].value: r[1].value for r in wb["概要 Summary"].iter_rows(min_row=2) if r[0].value}
    assert summary["拒绝 Rejected"] == 2 and summary["导入 Imported"] == 1
    code, _, err = run(capsys, "--home", home, "import", str(data2), "--profile", "nosuch")
    assert code == 3 and "nosuch" in err


def test_users_sign_in_and_list_decisions_from_the_cli(capsys, tmp_path, loaded_home, monkeypatch):
    import shutil

    home = tmp_path / "home"
    shutil.copytree(loaded_home, home)
    h = ["--home", str(home)]
    assert run(capsys, *h, "score", "--from", "2026-10-01", "--to", "2026-10-05")[0] == 0
    monkeypatch.setenv("DIESELWATCH_NEW_PASSWORD", "chief-pass-1")
    code, out, _ = run(capsys, *h, "users", "add", "chief", "--role", "admin", "--json")
    assert code == 0 and json.loads(out)["role"] == "admin"
    # From now on every command signs in.
    code, out, _err = run(capsys, *h, "lists", "show", "--json")
    assert code == 3 and "--user" in json.loads(out)["error"]
    monkeypatch.setenv("DIESELWATCH_USER", "chief")
    monkeypatch.setenv("DIESELWATCH_PASSWORD", "wrong-password")
    code, out, _ = run(capsys, *h, "lists", "show", "--json")
    assert code == 3 and json.loads(out)["type"] == "PermissionDenied"
    monkeypatch.setenv("DIESELWATCH_PASSWORD", "chief-pass-1")
    for name, role in (("wang", "officer"), ("li", "supervisor")):
        monkeypatch.setenv("DIESELWATCH_NEW_PASSWORD", f"{name}-pass-12")
        assert run(capsys, *h, "users", "add", name, "--role", role)[0] == 0
    monkeypatch.setenv("DIESELWATCH_USER", "wang")
    monkeypatch.setenv("DIESELWATCH_PASSWORD", "wang-pass-12")
    code, out, _ = run(capsys, *h, "lists", "propose", "--json")
    assert code == 0 and json.loads(out)["proposed"]["black"] >= 8
    code, out, _ = run(capsys, *h, "lists", "show", "--list", "black", "--json")
    black = json.loads(out)["entries"]
    code, out, _ = run(capsys, *h, "lists", "approve", str(black[0]["id"]), "--reason", "ok", "--json")
    assert code == 3 and "supervisor" in json.loads(out)["failed"][0]["error"]
    monkeypatch.setenv("DIESELWATCH_USER", "li")
    monkeypatch.setenv("DIESELWATCH_PASSWORD", "li-pass-12")
    ids = [str(e["id"]) for e in black]
    code, out, _ = run(capsys, *h, "lists", "approve", *ids, "--reason", "复核属实", "--json")
    assert code == 0 and {e["status"] for e in json.loads(out)["decided"]} == {"active"}
    code, out, _ = run(capsys, *h, "lists", "history", black[0]["vin"], "--json")
    assert [e["action"] for e in json.loads(out)["events"]] == ["list.propose", "list.approve"]
    code, out, _ = run(capsys, *h, "audit", "verify", "--json")
    assert code == 0 and json.loads(out)["ok"] and json.loads(out)["head_seq"] > len(ids)
