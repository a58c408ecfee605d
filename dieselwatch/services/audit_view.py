"""The audit history as the app's audit page shows it: each event with the vehicle it is about (so a
double-click can open it), and the names the page needs to put an event's fields into words (registry fields,
reason codes, list kinds, statuses and roles), which live in the core where the app may not reach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from dieselwatch.ingest.columns import registry_fields
from dieselwatch.scoring.judge import LABELS
from dieselwatch.services.auditlog import events as audit_events
from dieselwatch.services.lists import KIND_NAMES, STATUS_NAMES
from dieselwatch.services.users import ROLE_NAMES
from dieselwatch.storage.models import ListEntry, Vehicle
from dieselwatch.workspace import Workspace


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str  # ISO, seconds
    actor: str
    action: str  # code, e.g. "list.approve" (hashed into the chain; the app shows its label)
    entity: str  # code, e.g. "list_entry"
    entity_id: str | None
    before: Any
    after: Any
    reason: str | None
    hash: str
    vin: str | None  # the vehicle the event is about, when it names or points at one


@dataclass(frozen=True)
class FieldName:
    en: str
    zh: str  # the standard Chinese name (first alias), or the English one where there is none


@dataclass(frozen=True)
class AuditNames:
    """Names for codes inside events: Msg values (the GUI translates them with core_text)."""
    registry_fields: dict[str, FieldName]
    reasons: dict[str, str]
    kinds: dict[str, str]
    statuses: dict[str, str]
    roles: dict[str, str]


def _vin_of(e: dict, entry_vins: dict[str, str]) -> str | None:
    if e["entity"] == "vehicle":
        return e["entity_id"]
    for side in (e["after"], e["before"]):
        if isinstance(side, dict) and isinstance(side.get("vin"), str):
            return side["vin"]
    if e["entity"] == "list_entry":
        return entry_vins.get(str(e["entity_id"]))
    return None


def audit_rows(ws: Workspace, limit: int | None = None) -> list[AuditRow]:
    """The newest events first (limit: how many), each with the VIN it is about where there is one."""
    evs = audit_events(ws, limit=limit)
    ids = {int(e["entity_id"]) for e in evs if e["entity"] == "list_entry" and str(e["entity_id"] or "").isdigit()}
    entry_vins: dict[str, str] = {}
    if ids:
        with ws.Session() as s:
            q = select(ListEntry.id, Vehicle.vin).join(Vehicle, Vehicle.id == ListEntry.vehicle_id)
            entry_vins = {str(i): v for i, v in s.execute(q.where(ListEntry.id.in_(sorted(ids))))}
    return [AuditRow(e["seq"], e["at"], e["actor"], e["action"], e["entity"], e["entity_id"], e["before"],
                     e["after"], e["reason"], e["hash"], _vin_of(e, entry_vins)) for e in evs]


def audit_names() -> AuditNames:
    fields = {k: FieldName(f.description or k, f.aliases[0] if f.aliases else (f.description or k))
              for k, f in registry_fields().items()}
    return AuditNames(fields, dict(LABELS), dict(KIND_NAMES), dict(STATUS_NAMES),
                      {str(k): v for k, v in ROLE_NAMES.items()})
