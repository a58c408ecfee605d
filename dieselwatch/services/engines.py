"""Each vehicle's engine figures for work and GB 17691 Annex K windows: its own registry values, or those another
vehicle of the same engine model carries (registries often fill type-approval data once per model)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dieselwatch.scoring.daystats import Engine
from dieselwatch.storage.models import Vehicle

FIELDS = ("ref_torque_nm", "rated_power_kw", "whtc_work_kwh")


def engine_specs(s: Session, vehicle_ids: list[int] | None = None) -> dict[int, Engine]:
    rows = s.execute(select(Vehicle.id, Vehicle.engine_model, *[getattr(Vehicle, f) for f in FIELDS])).fetchall()
    by_model: dict[str, dict[str, float]] = {}
    for _, model, *vals in rows:
        if model:
            known = by_model.setdefault(model.strip().upper(), {})
            for f, v in zip(FIELDS, vals, strict=True):
                if v is not None:
                    known.setdefault(f, v)
    wanted = None if vehicle_ids is None else set(vehicle_ids)
    out = {}
    for vid, model, *vals in rows:
        if wanted is not None and vid not in wanted:
            continue
        model_vals = by_model.get((model or "").strip().upper(), {})
        out[vid] = Engine(**{f: (v if v is not None else model_vals.get(f)) for f, v in zip(FIELDS, vals, strict=True)})
    return out


def same_model_vehicles(s: Session, vehicle_ids: list[int]) -> list[int]:
    """The vehicles sharing an engine model with these (their figures may come from them), these included."""
    models = {m.strip().upper() for m in s.scalars(select(Vehicle.engine_model).where(Vehicle.id.in_(vehicle_ids)))
              if m}
    more = [vid for vid, m in s.execute(select(Vehicle.id, Vehicle.engine_model)) if m and m.strip().upper() in models]
    return sorted(set(vehicle_ids) | set(more))
