"""Vehicles known to the database: created from the registry, or from monitoring data for unknown VINs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dieselwatch.storage.models import Vehicle


def ensure_vehicles(s: Session, vins: list[str], plates: dict[str, str] | None = None) -> dict[str, Vehicle]:
    """VIN -> Vehicle, creating rows for VINs the registry has not told us about yet."""
    plates = plates or {}
    found: dict[str, Vehicle] = {}
    for i in range(0, len(vins), 500):
        part = vins[i: i + 500]
        found.update({v.vin: v for v in s.scalars(select(Vehicle).where(Vehicle.vin.in_(part)))})
    now = datetime.now()
    for vin in vins:
        if vin not in found:
            v = Vehicle(vin=vin, plate=plates.get(vin), in_registry=False, created_at=now, updated_at=now)
            s.add(v)
            found[vin] = v
        elif found[vin].plate is None and plates.get(vin):
            found[vin].plate = plates[vin]
            found[vin].updated_at = now
    s.flush()
    return found
