"""Vehicles known to the database: created from the registry, or from monitoring data for unknown VINs."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from dieselwatch.storage.models import Vehicle
from dieselwatch.storage.upsert import insert_missing, table_of
from dieselwatch.workspace import Workspace


class VehicleListing(TypedDict):
    """One vehicle as `dieselwatch vehicles` lists it."""

    vin: str
    plate: str | None
    owner: str | None
    county: str | None
    engine_model: str | None
    ref_torque_nm: float | None
    in_registry: bool


def list_vehicles(ws: Workspace) -> list[VehicleListing]:
    """Every vehicle, by VIN."""
    with ws.Session() as s:
        return [VehicleListing(vin=v.vin, plate=v.plate, owner=v.owner, county=v.county, engine_model=v.engine_model,
                               ref_torque_nm=v.ref_torque_nm, in_registry=v.in_registry)
                for v in s.scalars(select(Vehicle).order_by(Vehicle.vin))]


def ensure_vehicles(s: Session, vins: list[str], plates: dict[str, str] | None = None) -> dict[str, Vehicle]:
    """VIN -> Vehicle, creating rows for VINs the registry has not told us about yet. The rows are locked for the
    rest of the transaction (PostgreSQL; SQLite serialises writers itself), in id order so two imports never
    wait on each other in a circle: a second import of the same vehicles waits, then sees the first one's data."""
    plates = plates or {}
    now = datetime.now()
    known: set[str] = set()
    for i in range(0, len(vins), 500):
        known.update(s.scalars(select(Vehicle.vin).where(Vehicle.vin.in_(vins[i: i + 500]))))
    # Another workstation may create the same VIN at the same moment: the database settles it.
    insert_missing(s, table_of(Vehicle), [
        {"vin": vin, "plate": plates.get(vin), "in_registry": False, "created_at": now, "updated_at": now,
         "version": 1} for vin in vins if vin not in known], ["vin"])
    ids: list[int] = []
    for i in range(0, len(vins), 500):
        ids += s.scalars(select(Vehicle.id).where(Vehicle.vin.in_(vins[i: i + 500])))
    ids.sort()
    found: dict[str, Vehicle] = {}
    for i in range(0, len(ids), 500):
        q = (select(Vehicle).where(Vehicle.id.in_(ids[i: i + 500])).order_by(Vehicle.id).with_for_update()
             .execution_options(populate_existing=True))
        found.update({v.vin: v for v in s.scalars(q)})
    for vin in vins:
        if found[vin].plate is None and plates.get(vin):
            found[vin].plate = plates[vin]
            found[vin].updated_at = now
    s.flush()
    return found
