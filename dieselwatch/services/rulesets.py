"""Rule sets in the database. Three separate acts, each audited on its own:

- storing a version (`save_rule_set`, supervisor): an edited copy under a new version, never overwriting one that
  scores already refer to; it does not change what the office scores with;
- activating a version (`activate_rule_set`, admin): from then on the office's scoring uses it;
- reading the active set (`active_rules`, `current_rules`): writes nothing. Until a version was activated the
  shipped default applies; it is stored (and audited) by the first act that needs the row.

Scoring with any other set is a trial (services.scoring)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from dieselwatch.errors import ConfigError, InputError
from dieselwatch.messages import Msg, joined
from dieselwatch.paths import resource
from dieselwatch.scoring.rules import RuleSet, default_rules, validate
from dieselwatch.storage import audit
from dieselwatch.storage.models import RuleSet as RuleSetRow
from dieselwatch.workspace import Workspace


class RuleSetInfo(TypedDict):
    """One stored version as the app and the CLI list it (a TypedDict: pages index it as before)."""

    version: str
    name: str
    created_at: datetime
    created_by: str
    active: bool


def _active_row(s: Session) -> RuleSetRow | None:
    return s.scalar(select(RuleSetRow).where(RuleSetRow.activation_seq.is_not(None))
                    .order_by(RuleSetRow.activation_seq.desc(), RuleSetRow.id.desc()).limit(1))


def _adopts_shipped(row: RuleSetRow | None, shipped: RuleSet) -> bool:
    """No version activated yet, or the active one is an older shipped default: the new default applies (an
    officer's activated set is kept, with keys a newer release added taken from the shipped default)."""
    return row is None or (row.created_by == "system" and row.version != shipped.version)


def active_rules(s: Session) -> RuleSet:
    """The rule set the office scores with. Reads only."""
    row = _active_row(s)
    shipped = default_rules()
    if _adopts_shipped(row, shipped):
        return shipped
    assert row is not None
    return _completed(row.content, shipped)


def install_active(s: Session) -> RuleSet:
    """The active rule set, stored first when it is the shipped default not yet in the database (called by the
    acts that refer to the stored row: an office scoring run, storing or activating a version)."""
    shipped = default_rules()
    if not _adopts_shipped(_active_row(s), shipped):
        return active_rules(s)
    audit.serialise(s)  # the writer lock before the check: the row and its event are stored once, in order
    row = _active_row(s)
    if not _adopts_shipped(row, shipped):  # another workstation did it meanwhile
        return active_rules(s)
    stored = s.scalar(select(RuleSetRow).where(RuleSetRow.version == shipped.version))
    if stored is None:
        stored = RuleSetRow(version=shipped.version, name=shipped["name"], content=dict(shipped),
                            created_at=datetime.now(), created_by="system")
        s.add(stored)
        s.flush()
    # Audited like an activation, so the active version is derivable from the history.
    ev = audit.append(s, "system", "ruleset.install", "rule_set", shipped.version, after=dict(stored.content),
                      reason="shipped default rule set stored on first use")
    stored.activation_seq = ev.seq
    s.flush()
    return shipped


def _completed(stored: dict, shipped: RuleSet | None = None) -> RuleSet:
    """A stored rule set with the keys a newer release added taken from the shipped default."""
    shipped = shipped or default_rules()
    content = {k: (dict(v) if isinstance(v, dict) else v) for k, v in stored.items()}
    for section, keys in shipped.items():
        if isinstance(keys, dict):
            content.setdefault(section, {})
            for k, v in keys.items():
                content[section].setdefault(k, v)
    return RuleSet(content)


def rules_by_version(s: Session, version: str) -> RuleSet:
    """A stored rule set by version (the shipped default counts as stored: it is what applies until then)."""
    row = s.scalar(select(RuleSetRow).where(RuleSetRow.version == version))
    if row is None:
        shipped = default_rules()
        if version == shipped.version:
            return shipped
        known = s.scalars(select(RuleSetRow.version).order_by(RuleSetRow.id.desc())).all()
        raise InputError(Msg("no rule set version “{version}”; stored: {known}", version=version,
                             known=joined(known or [shipped.version])))
    return _completed(row.content)


def list_rule_sets(ws: Workspace) -> list[RuleSetInfo]:
    """The stored versions, the active one first, then newest first. Before anything was stored: the shipped
    default (active), as scoring would use it."""
    with ws.Session() as s:
        active = active_rules(s)
        rows = s.scalars(select(RuleSetRow).order_by(RuleSetRow.id.desc())).all()
        out = [RuleSetInfo(version=r.version, name=r.name, created_at=r.created_at, created_by=r.created_by,
                           active=r.version == active.version) for r in rows]
    if not any(r["active"] for r in out):
        out.append(RuleSetInfo(version=active.version, name=active["name"], created_at=datetime.now(),
                               created_by="system", active=True))
    return sorted(out, key=lambda r: not r["active"])


def save_rules(s: Session, data: dict, actor: str, reason: str | None = None) -> RuleSet:
    """Store an edited rule set under its (new) version. It does not become active."""
    rules = validate(data)
    install_active(s)
    existing = s.scalar(select(RuleSetRow).where(RuleSetRow.version == rules.version))
    if existing is not None:
        if RuleSet(existing.content).fingerprint() == rules.fingerprint():
            return RuleSet(existing.content)
        raise ConfigError(Msg("rule set version “{version}” already exists with other values: give the edited copy a "
                              "new version", version=rules.version))
    s.add(RuleSetRow(version=rules.version, name=rules.get("name", rules.version), content=dict(rules),
                     created_at=datetime.now(), created_by=actor))
    s.flush()
    audit.append(s, actor, "ruleset.store", "rule_set", rules.version, before={"version": active_rules(s).version},
                 after=dict(rules), reason=reason)
    return rules


def current_rules(ws: Workspace) -> RuleSet:
    with ws.Session() as s:
        return active_rules(s)


def stored_rules(ws: Workspace, version: str) -> RuleSet:
    with ws.Session() as s:
        return rules_by_version(s, version)


class FieldKind(StrEnum):
    INT = "int"
    FLOAT = "float"
    SHARE = "share"  # stored 0-1, shown as a percentage


@dataclass(frozen=True)
class RuleField:
    """One key of the rule set as the editor shows it (resources/rules/meta.json; texts in English, the app
    translates them in context RuleMeta)."""

    section: str
    key: str
    label: str
    unit: str
    kind: FieldKind
    minimum: float
    maximum: float
    decimals: int
    help: str

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"


@dataclass(frozen=True)
class RuleSection:
    name: str
    label: str
    help: str
    fields: tuple[RuleField, ...]


@dataclass(frozen=True)
class RuleChange:
    """One value that differs between two rule sets (the editor's diff before saving)."""

    section: str
    key: str
    before: float | None
    after: float | None


@cache
def rule_sections() -> tuple[RuleSection, ...]:
    """Every section and key of the shipped rule set, in its order, with label, unit, range and help."""
    meta = json.loads(resource("rules", "meta.json").read_text(encoding="utf-8"))
    out = []
    for section, keys in default_rules().items():
        if not isinstance(keys, dict):
            continue
        sm = meta["sections"][section]
        fields = tuple(RuleField(section, k, m["label"], m["unit"], FieldKind(m["kind"]), m["min"], m["max"],
                                 m["decimals"], m["help"])
                       for k in keys if not k.startswith("_") for m in (meta["keys"][f"{section}.{k}"],))
        out.append(RuleSection(section, sm["label"], sm["help"], fields))
    return tuple(out)


def check_rules(data: dict) -> RuleSet:
    """The rule set as it would be stored, or a ConfigError naming the key that is wrong (no database): every
    key present and a number, inside its range, and the pairs that must be ordered in order."""
    rules = validate(data)
    for sec in rule_sections():
        for f in sec.fields:
            v = rules[f.section][f.key]
            if not f.minimum <= v <= f.maximum:
                raise ConfigError(Msg("“{key}” must lie between {min} and {max}, got {value}", key=f.name,
                                      min=f.minimum, max=f.maximum, value=v))
            if f.kind == FieldKind.INT and v != int(v):
                raise ConfigError(Msg("“{key}” must be a whole number, got {value}", key=f.name, value=v))
    for low, high in (("scr.efficiency_black", "scr.efficiency_watch"), ("peer.percentile_low", "peer.percentile_high"),
                      ("data.offline_watch_days", "data.offline_black_days")):
        (s1, k1), (s2, k2) = low.split("."), high.split(".")
        if rules[s1][k1] > rules[s2][k2]:
            raise ConfigError(Msg("“{low}” ({a}) must not exceed “{high}” ({b})", low=low, a=rules[s1][k1],
                                  high=high, b=rules[s2][k2]))
    return rules


def rule_changes(before: dict, after: dict) -> list[RuleChange]:
    """The values that differ, in the editor's order."""
    return [RuleChange(f.section, f.key, before.get(f.section, {}).get(f.key), after.get(f.section, {}).get(f.key))
            for sec in rule_sections() for f in sec.fields
            if before.get(f.section, {}).get(f.key) != after.get(f.section, {}).get(f.key)]


def save_edited_rules(ws: Workspace, data: dict, reason: str | None = None) -> RuleSet:
    """An edited rule set from the app or the CLI, stored under its new version and audited (supervisor). It does
    not change what the office scores with until an admin activates it."""
    from dieselwatch.services.users import Role, require

    require(ws, Role.SUPERVISOR, setup_ok=True)
    with ws.Session.begin() as s:
        if data.get("version") == active_rules(s).version:
            raise ConfigError(Msg("give the edited rule set a new version"))
        check_rules(data)
        return save_rules(s, data, ws.user, reason=reason)


def activate_rule_set(ws: Workspace, version: str, reason: str) -> RuleSet:
    """Make a stored version the one the office scores with (admin, or anyone in set-up mode; with a reason; one
    audit event whose before names the version it replaces). The next scoring run re-applies it to the raw
    samples."""
    from dieselwatch.services.users import Role, require

    if not (reason or "").strip():
        raise InputError(Msg("say why the rule set is activated (a reason is required)"))
    require(ws, Role.ADMIN, setup_ok=True)  # before the first account, like storing one (set-up mode)
    with ws.Session.begin() as s:
        audit.serialise(s)  # two admins at once: each event's before is what it really replaced
        before = install_active(s)
        row = s.scalar(select(RuleSetRow).where(RuleSetRow.version == version))
        if row is None:
            rules_by_version(s, version)  # raises naming the stored versions
            raise AssertionError("unreachable")
        rules = _completed(row.content)
        if before.version == version:
            raise ConfigError(Msg("rule set {version} is already the active one", version=version))
        ev = audit.append(s, ws.user, "ruleset.activate", "rule_set", version, before={"version": before.version},
                          after=dict(row.content), reason=reason.strip())
        row.activation_seq = ev.seq
        return rules
