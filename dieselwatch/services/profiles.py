"""Header mapping profiles: a platform's odd export headers mapped to fields once, saved, reused by name."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from dieselwatch.errors import InputError
from dieselwatch.ingest.columns import IGNORE, record_fields
from dieselwatch.messages import Msg, joined
from dieselwatch.storage import audit
from dieselwatch.storage.models import MappingProfile
from dieselwatch.workspace import Workspace


def validate_profile(mapping: object, source: str) -> dict[str, str]:
    if not isinstance(mapping, dict) or not mapping:
        raise InputError(Msg("must be a JSON object of export header -> field"), file=source)
    fields = record_fields()
    bad = {k: v for k, v in mapping.items() if v not in fields and v != IGNORE}
    if bad:
        raise InputError(Msg("unknown field(s) {bad}; fields are: {fields} (or {ignore} to leave a column out)",
                             bad=joined(bad.values()), fields=joined(fields), ignore=IGNORE),
                         file=source)
    return {str(k): str(v) for k, v in mapping.items()}


def load_profile(ws: Workspace, name_or_path: str) -> dict[str, str]:
    """A saved profile by name, else a JSON file."""
    with ws.Session() as s:
        row = s.scalar(select(MappingProfile).where(MappingProfile.name == name_or_path))
        if row is not None:
            return dict(row.mapping)
    p = Path(name_or_path)
    if not p.is_file():
        raise InputError(Msg("is neither a saved mapping profile nor a JSON file"), file=name_or_path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(Msg("is not readable JSON ({error})", error=exc), file=name_or_path) from exc
    return validate_profile(data, name_or_path)


def save_profile(ws: Workspace, name: str, mapping: dict[str, str]) -> None:
    from dieselwatch.services.users import require

    require(ws, "officer", setup_ok=True)
    mapping = validate_profile(mapping, name)
    with ws.Session.begin() as s:
        row = s.scalar(select(MappingProfile).where(MappingProfile.name == name))
        before = dict(row.mapping) if row else None
        if row is None:
            s.add(MappingProfile(name=name, mapping=mapping, created_at=datetime.now()))
        else:
            row.mapping = mapping
        audit.append(s, ws.user, "profile.save", "mapping_profile", name, before=before, after=mapping)
