"""The demo fleet imported and scored over its five days, built once per test module that asks for it."""

import shutil
from datetime import date
from pathlib import Path

from dieselwatch.services import evidence
from dieselwatch.workspace import Workspace


def scored_copy(loaded_home: Path, target: Path) -> Path:
    from dieselwatch.services.scoring import score_period

    shutil.copytree(loaded_home, target)
    w = Workspace.open(home=str(target), user="tester")
    score_period(w, date(2026, 10, 1), date(2026, 10, 5))
    w.close()
    return target


def vid_of(ws, manifest, behaviour) -> int:
    vin = next(v["vin"] for v in manifest["vehicles"] if v["behaviour"] == behaviour)
    vid = evidence.vehicle_id(ws, vin)
    assert vid is not None
    return vid
