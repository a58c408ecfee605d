"""What the imported exports cover: per vehicle, the Beijing days on which a silence means something.

A records batch covers a vehicle on every day of the batch's export span (its earliest to its latest record over
all vehicles) if the vehicle appears in the batch: an export of 1-31 October that holds a truck's records on
3 October says it sent nothing on the other days, while a day after the export ends says nothing at all."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dieselwatch.services.sources import batch_vehicles
from dieselwatch.storage.models import Vehicle


def vehicle_coverage(session: Session, vehicle_ids: list[int] | None = None) -> dict[int, list[tuple[date, date]]]:
    """Per vehicle: merged, inclusive Beijing-day spans the imported exports cover."""
    ids = dict(session.execute(select(Vehicle.vin, Vehicle.id)).fetchall())
    wanted = None if vehicle_ids is None else set(vehicle_ids)
    spans: dict[int, list[tuple[date, date]]] = {}
    for _, span, vins in batch_vehicles(session):
        for vin in vins:
            vid = ids.get(vin)
            if vid is not None and (wanted is None or vid in wanted):
                spans.setdefault(vid, []).append(span)
    out = {}
    for vid, lst in spans.items():
        merged: list[list[date]] = []
        for a, b in sorted(lst):
            if merged and a <= merged[-1][1] + timedelta(days=1):
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        out[vid] = [(a, b) for a, b in merged]
    return out
