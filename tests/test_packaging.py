"""Packaging: the self-test names what fails, the size tool keeps the budget, the ICU trim keeps what the app shows,
and (when built) the .deb's metadata and layout and the frozen self-test's failure for each removed piece."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "packaging"))
sys.path.insert(0, str(ROOT / "packaging" / "linux"))


def test_selftest_fails_naming_the_missing_platform_plugin_and_skips_what_needs_it(monkeypatch):
    import dieselwatch.selftest as st

    monkeypatch.setitem(st.NATIVE_PLATFORM, sys.platform, "nosuchplatform")
    r = st.run_selftest()
    by = {s["step"]: s for s in r["steps"]}
    assert not r["ok"]
    assert not by["platform"]["ok"] and "nosuchplatform platform plugin is missing" in by["platform"]["detail"]
    for dependent in ("fonts", "translation", "window"):
        assert not by[dependent]["ok"] and by[dependent]["detail"].startswith("not run: needs")
    # the checks that need no display still ran and passed
    assert all(by[n]["ok"] for n in ("postgres-driver", "database", "import", "score", "notice", "audit"))


def test_cli_selftest_prints_each_check_and_exits_1_on_failure(monkeypatch, capsys):
    import dieselwatch.selftest as st
    from dieselwatch.cli import main

    monkeypatch.setattr(st, "APP_PROBE", ("MainWindow", "a text no catalogue translates"))
    assert main(["selftest"]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^FAIL translation: the app's translation is not loaded", out, re.M)
    assert re.search(r"^ok   fonts: ", out, re.M) and re.search(r"^ok   platform: ", out, re.M)


def test_bundle_sizes_ranks_parts_and_enforces_the_budget(tmp_path, capsys):
    import bundle_sizes

    b = tmp_path / "DieselWatch"
    (b / "_internal" / "big" / "sub").mkdir(parents=True)
    (b / "_internal" / "small").mkdir()
    (b / "_internal" / "big" / "sub" / "lib.so").write_bytes(b"x" * 3_000_000)
    (b / "_internal" / "small" / "a.py").write_bytes(b"x" * 1000)
    (b / "DieselWatch").write_bytes(b"x" * 1_000_000)
    assert bundle_sizes.main([str(b), "--max-mb", "10"]) == 0
    out = capsys.readouterr().out
    assert "3.8 MB in 3 files" in out
    folders = out.split("largest folders")[1].split("largest files")[0]
    assert folders.index("big/sub/") < folders.index("(top-level files)") < folders.index("small/")
    assert bundle_sizes.main([str(b), "--max-mb", "3"]) == 1
    assert "over the budget of 3 MB" in capsys.readouterr().err


def test_icu_trim_keeps_chinese_english_and_shared_data():
    from trim_icu import dropped

    for kept in ("zh.res", "zh_Hans_CN.res", "zh_Hant_HK.res", "en_GB.res", "root.res", "coll/zh.res",
                 "coll/ucadata.icu", "brkitr/cjdict.dict", "brkitr/root.res", "supplementalData.res", "pool.res",
                 "curr/pool.res", "zone/en.res", "gb18030.cnv", "unames.icu", "nfkc.nrm", "rbnf/yue.res"):
        assert not dropped(kept), kept
    for gone in ("de.res", "de_.res", "sr_Latn_BA.res", "coll/ja.res", "curr/fr.res", "ibm-943_P15A-2003.cnv",
                 "translit/root.res", "fil.res"):
        assert dropped(gone), gone


def _deb() -> Path | None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    debs = sorted((ROOT / "dist").glob(f"dieselwatch_{version}_*.deb"))
    return debs[0] if debs and shutil.which("dpkg-deb") else None


@pytest.mark.skipif(_deb() is None, reason="no .deb built (packaging/build.sh, then packaging/linux/build_deb.sh)")
def test_deb_metadata_and_layout():
    deb = _deb()
    field = lambda f: subprocess.run(["dpkg-deb", "-f", str(deb), f], capture_output=True, text=True,  # noqa: E731
                                     check=True).stdout.strip()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert field("Package") == "dieselwatch" and field("Version") == version
    assert field("Architecture") == subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                                                   text=True).stdout.strip()
    depends = [d.strip() for d in field("Depends").split(",")]
    for lib in ("libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0", "libxkbcommon-x11-0", "libegl1", "libgl1",
                "libfontconfig1", "libdbus-1-3"):
        assert lib in depends, lib
    assert any(d.startswith("fonts-wqy-microhei |") for d in depends)
    assert re.fullmatch(r"libc6 \(>= 2\.\d+\)", depends[0])
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    paths = {line.split()[5]: line for line in listing.splitlines()}
    assert "./opt/dieselwatch/DieselWatch" in paths and paths["./opt/dieselwatch/DieselWatch"].startswith("-rwxr-xr-x")
    assert "-> /opt/dieselwatch/dieselwatch-cli" in paths["./usr/bin/dieselwatch-cli"]
    assert "-> /opt/dieselwatch/DieselWatch" in paths["./usr/bin/dieselwatch"]
    assert "./usr/share/applications/dieselwatch.desktop" in paths
    assert "./usr/share/icons/hicolor/48x48/apps/dieselwatch.png" in paths
    dirs = {"./", "./opt/", "./usr/", "./usr/bin/", "./usr/share/", "./usr/share/applications/", "./usr/share/doc/",
            "./usr/share/icons/"}
    stray = [p for p in paths if p not in dirs and not p.startswith((
        "./opt/dieselwatch/", "./usr/bin/dieselwatch", "./usr/share/applications/dieselwatch.desktop",
        "./usr/share/icons/hicolor/", "./usr/share/doc/dieselwatch/"))]
    assert not stray, stray  # nothing outside its own places (no /etc, no data folders)
    assert not any("__pycache__" in p or p.startswith(("./home", "./root", "./etc")) for p in paths)
    assert "root/root" in paths["./opt/dieselwatch/DieselWatch"]


@pytest.mark.skipif(not os.environ.get("DIESELWATCH_BUNDLE"),
                    reason="set DIESELWATCH_BUNDLE=dist/DieselWatch to test a built bundle (.ci/run does)")
def test_frozen_selftest_fails_without_each_piece():
    from check_selftest import main

    assert main([os.environ["DIESELWATCH_BUNDLE"]]) == 0
