"""A ready-to-try demo home: generate the fleet, import it (registry first) and score it, once."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from dieselwatch.demo.fleet import generate
from dieselwatch.progress import CancelToken, ProgressFn
from dieselwatch.services.imports import import_records
from dieselwatch.services.registry import import_registry
from dieselwatch.services.scoring import score_period
from dieselwatch.storage.models import ImportBatch
from dieselwatch.workspace import Workspace


def ensure_demo(ws: Workspace, progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> dict:
    """Load the demo fleet into an empty workspace; a workspace that already holds data is left alone. Takes the
    job runner's cancel token like every long task, so the app's first-run "load the demo fleet" can run it."""
    with ws.Session() as s:
        if s.scalar(select(func.count()).select_from(ImportBatch)):
            return {"loaded": False}
    out = ws.home.exports_dir / "demo"
    step = (lambda a, b: (lambda f, m: progress(a + (b - a) * f, m))) if progress else (lambda a, b: None)
    manifest = generate(out, progress=step(0.0, 0.3))
    import_registry(ws, out / manifest["files"]["registry"])
    for k in ("records_csv", "records_xlsx"):
        if k in manifest["files"]:
            import_records(ws, out / manifest["files"][k], progress=step(0.3, 0.85), cancel=cancel)
    res = score_period(ws, date.fromisoformat(manifest["start"]), date.fromisoformat(manifest["end"]),
                       progress=step(0.85, 1.0), cancel=cancel)
    (out / "scores.json").write_text(json.dumps(res.counts()), encoding="utf-8")
    return {"loaded": True, "folder": str(out), "manifest": manifest, "result": res}
