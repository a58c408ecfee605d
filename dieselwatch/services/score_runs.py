"""Scoring runs as the scoring page lists them: every run, and every vehicle's score in one run with its reasons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from dieselwatch.messages import sentences
from dieselwatch.storage.models import Score, ScoreRun, Vehicle
from dieselwatch.workspace import Workspace


@dataclass(frozen=True)
class RunInfo:
    id: int
    period_from: date
    period_to: date
    ruleset_version: str
    source: str  # day_stats | raw
    created_at: datetime
    created_by: str
    vehicles: int
    trial: bool = False  # scored with a rule set the office has not activated: lists never propose from it


@dataclass(frozen=True)
class ScoreRow:
    vehicle_id: int
    vin: str
    plate: str
    owner: str
    county: str
    score: int
    proposal: str  # black | watch | white | none
    reasons: str  # every reason's sentence, joined
    codes: tuple[str, ...]  # reason codes, for search and filters


def list_runs(ws: Workspace) -> list[RunInfo]:
    """Newest first, with how many vehicles each run scored."""
    with ws.Session() as s:
        counts = dict(s.execute(select(Score.run_id, func.count()).group_by(Score.run_id)).all())
        return [RunInfo(r.id, r.period_from, r.period_to, r.ruleset_version, r.source, r.created_at, r.created_by,
                        int(counts.get(r.id, 0)), bool(r.trial))
                for r in s.scalars(select(ScoreRun).order_by(ScoreRun.id.desc()))]


def run_rows(ws: Workspace, run_id: int, lang: str = "zh_CN") -> list[ScoreRow]:
    """Every vehicle scored in the run, worst first (lowest score), then by VIN."""
    key = "text" if lang.startswith("zh") else "text_en"
    with ws.Session() as s:
        q = (select(Vehicle.id, Vehicle.vin, Vehicle.plate, Vehicle.owner, Vehicle.county, Score.score,
                    Score.proposal, Score.reasons)
             .join(Score, Score.vehicle_id == Vehicle.id).where(Score.run_id == run_id)
             .order_by(Score.score, Vehicle.vin))
        return [ScoreRow(vid, vin, plate or "", owner or "", county or "", score, proposal or "none",
                         sentences(r.get(key) or r.get("text") or "" for r in (reasons or [])),
                         tuple(r.get("code", "") for r in (reasons or [])))
                for vid, vin, plate, owner, county, score, proposal, reasons in s.execute(q)]
