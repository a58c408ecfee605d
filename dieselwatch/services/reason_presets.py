"""Preset reasons for list decisions: the office's standard wordings, one click away in the decision dialog.

Office-wide data, so kept in the key/value settings table (row "reason_presets") like the bureau's details, and
every change is a settings.update audit event (audit verify compares the row with the history). Supervisors
and admins edit them: they are the ones whose wording ends up on black-list decisions."""

from __future__ import annotations

from dataclasses import dataclass, field

from dieselwatch.errors import InputError
from dieselwatch.messages import Msg
from dieselwatch.services.users import require
from dieselwatch.storage import audit
from dieselwatch.storage.models import Setting
from dieselwatch.workspace import Workspace

KEY = "reason_presets"
MAX_PRESETS = 30
MAX_LENGTH = 200
# Shipped wordings until the office saves its own (the office writes in Chinese; so do its records).
DEFAULT_APPROVE = ["复核属实，证据充分。", "经人工复核，数据完整，符合列入条件。", "整改材料齐全，复检合格。"]
DEFAULT_REJECT = ["证据不足，需补充数据后重新评估。", "数据缺失系平台原因，非车辆问题。", "车辆已整改，待复核。"]


@dataclass
class ReasonPresets:
    approve: list[str] = field(default_factory=lambda: list(DEFAULT_APPROVE))
    reject: list[str] = field(default_factory=lambda: list(DEFAULT_REJECT))

    def as_dict(self) -> dict[str, list[str]]:
        return {"approve": list(self.approve), "reject": list(self.reject)}


def presets(ws: Workspace) -> ReasonPresets:
    with ws.Session() as s:
        row = s.get(Setting, KEY)
        if row is None or not isinstance(row.value, dict):
            return ReasonPresets()
        return ReasonPresets(list(row.value.get("approve") or []), list(row.value.get("reject") or []))


def _clean(texts: list[str]) -> list[str]:
    out: list[str] = []
    for t in texts:
        t = " ".join(str(t).split())  # one line each: a preset is picked from a list
        if not t or t in out:
            continue
        if len(t) > MAX_LENGTH:
            raise InputError(Msg("a preset reason is longer than {limit} characters: “{text}…”", limit=MAX_LENGTH,
                                 text=t[:30]))
        out.append(t)
    if len(out) > MAX_PRESETS:
        raise InputError(Msg("at most {limit} preset reasons for approving and {limit} for rejecting",
                             limit=MAX_PRESETS))
    return out


def edit_block(role: str | None) -> str | None:
    """Why a user with this role cannot edit the presets (a Msg), or None."""
    if role not in ("supervisor", "admin"):
        return Msg("the preset reasons are edited by a supervisor or an admin")
    return None


def save_presets(ws: Workspace, approve: list[str], reject: list[str], reason: str | None = None) -> ReasonPresets:
    """Replace the office's preset reasons (blank lines and repeats dropped). One audited change."""
    require(ws, "supervisor")
    new = ReasonPresets(_clean(approve), _clean(reject))
    with ws.Session.begin() as s:
        audit.serialise(s)  # two supervisors saving at once: each event's before is what it replaced
        row = s.get(Setting, KEY)
        before = row.value if row is not None and isinstance(row.value, dict) else None
        if before == new.as_dict():
            return new
        if row is None:
            s.add(Setting(key=KEY, value=new.as_dict()))
        else:
            row.value = new.as_dict()
        audit.append(s, ws.user, "settings.update", "settings", KEY, before=before, after=new.as_dict(),
                     reason=reason or "preset reasons for list decisions")
    return new
