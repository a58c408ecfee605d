"""Rule sets in the database: the shipped default is stored on first use; an edited copy is saved under a
new version (never overwriting one that scores already refer to) and becomes the active one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dieselwatch.errors import ConfigError, InputError
from dieselwatch.messages import Msg, joined
from dieselwatch.scoring.rules import RuleSet, default_rules, validate
from dieselwatch.storage import audit
from dieselwatch.storage.models import RuleSet as RuleSetRow


def active_rules(s: Session) -> RuleSet:
    """The newest stored rule set. A database still on an older shipped default adopts the new default; an
    officer's edited set is kept, with keys a newer release added taken from the shipped default."""
    row = s.scalar(select(RuleSetRow).order_by(RuleSetRow.id.desc()).limit(1))
    shipped = default_rules()
    if row is None or (row.created_by == "system" and row.version != shipped.version):
        audit.serialise(s)  # the writer lock before the check: the row and its event are stored once, in order
        if s.scalar(select(RuleSetRow).where(RuleSetRow.version == shipped.version)) is None:
            s.add(RuleSetRow(version=shipped.version, name=shipped["name"], content=dict(shipped),
                             created_at=datetime.now(), created_by="system"))
            s.flush()
            # Audited like an edited set, so the active version is derivable from the history.
            audit.append(s, "system", "ruleset.install", "rule_set", shipped.version, after=dict(shipped),
                         reason="shipped default rule set stored on first use")
        return shipped
    return _completed(row.content, shipped)


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
    """A stored rule set by version (a set that scores already refer to: re-scoring with it needs no new save)."""
    row = s.scalar(select(RuleSetRow).where(RuleSetRow.version == version))
    if row is None:
        known = s.scalars(select(RuleSetRow.version).order_by(RuleSetRow.id.desc())).all()
        raise InputError(Msg("no rule set version “{version}”; stored: {known}", version=version, known=joined(known)))
    return _completed(row.content)


def list_rule_sets(ws) -> list[dict]:
    """The stored rule sets, newest first; the first is the active one that scoring uses unless told otherwise."""
    with ws.Session.begin() as s:
        active = active_rules(s)  # stores the shipped default on first use
        rows = s.scalars(select(RuleSetRow).order_by(RuleSetRow.id.desc())).all()
        return [{"version": r.version, "name": r.name, "created_at": r.created_at, "created_by": r.created_by,
                 "active": r.version == active.version} for r in rows]


def save_rules(s: Session, data: dict, actor: str, reason: str | None = None) -> RuleSet:
    """Store an edited rule set under its (new) version and make it active."""
    rules = validate(data)
    existing = s.scalar(select(RuleSetRow).where(RuleSetRow.version == rules.version))
    if existing is not None:
        if RuleSet(existing.content).fingerprint() == rules.fingerprint():
            return RuleSet(existing.content)
        raise ConfigError(Msg("rule set version “{version}” already exists with other values: give the edited copy a "
                              "new version", version=rules.version))
    before = active_rules(s)
    s.add(RuleSetRow(version=rules.version, name=rules.get("name", rules.version), content=dict(rules),
                     created_at=datetime.now(), created_by=actor))
    s.flush()
    audit.append(s, actor, "ruleset.save", "rule_set", rules.version, before={"version": before.version},
                 after=dict(rules), reason=reason)
    return rules


def current_rules(ws) -> RuleSet:
    with ws.Session.begin() as s:
        return active_rules(s)


def save_edited_rules(ws, data: dict, reason: str | None = None) -> RuleSet:
    """An edited rule set from the app: a supervisor's decision, saved under its new version and audited.
    Scoring re-applies it from the raw store the next time it runs."""
    from dieselwatch.services.users import require

    require(ws, "supervisor", setup_ok=True)
    with ws.Session.begin() as s:
        if data.get("version") == active_rules(s).version:
            raise ConfigError(Msg("give the edited rule set a new version"))
        return save_rules(s, data, ws.user, reason=reason)
