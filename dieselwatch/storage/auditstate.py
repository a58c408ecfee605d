"""The state the audit history vouches for: list entries, users, office settings, rule sets and notices are
derived from the events, and verification compares that with the tables.

Why replay rather than a hash of the latest event stored in each row: a row hash would still need its fields
compared with the event to catch a direct edit of list_entries.status (the forger keeps the hash column), so
it adds a column to tables other parts of the program change and nothing that replay does not already
catch. Replay needs no schema change, works on a history exported elsewhere, and catches one thing more:
each event's `before` must equal the state the history had reached, so an edit made behind DieselWatch's back
shows even after a later, legitimate change overwrote the row.

The snapshot functions here are what services record in before/after; they take an ORM object or a Core
row alike (attribute access), so the tables are read column by column and a column added by a later
migration does not break an older migration that uses them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from dieselwatch.messages import Msg
from dieselwatch.storage.audit import append, canonical, jsonable
from dieselwatch.storage.models import ListEntry, Notice, RuleSet, Setting, User

ENTITY_NAMES = {"list_entry": Msg("list entry"), "user": Msg("user"), "settings": Msg("settings section"),
                "rule_set": Msg("rule set"), "notice": Msg("notice")}

BASELINE = "audit.baseline"
FIRST = ("status", "role", "active", "list")  # named first when several fields of a row differ


def digest(value) -> str:
    """A short fingerprint of a JSON value (64 bits: plenty to see a change, short enough to read)."""
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()[:16]


def list_entry_state(e) -> dict:
    """What the audit event records of an entry (before/after). The evidence is fingerprinted, not copied:
    it is large, fixed at proposal, and only needs to be shown unchanged."""
    return {"id": e.id, "vehicle_id": e.vehicle_id, "list": e.list_kind, "status": e.status,
            "reason_codes": e.reason_codes, "effective_from": e.effective_from, "review_date": e.review_date,
            "ended_on": e.ended_on, "proposed_by": e.proposed_by, "decided_by": e.decided_by,
            "decision_reason": e.decision_reason, "removal_proposed_by": e.removal_proposed_by,
            "removal_reason": e.removal_reason, "rectification": e.rectification, "version": e.version,
            "evidence_sha": digest(e.evidence)}


def password_fingerprint(password_hash: str) -> str:
    """A fingerprint of the stored scrypt string, not of the password: without the salt (which is only in the
    users table) it cannot test a guess, so the history tells a reader nothing about the password, while a
    hash planted directly in the table (to sign in as someone) shows."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def user_state(u) -> dict:
    return {"username": u.username, "display_name": u.display_name, "role": u.role, "active": bool(u.active),
            "created_at": u.created_at.isoformat(timespec="seconds"),
            "password_fp": password_fingerprint(u.password_hash)}


def notice_state(n) -> dict:
    c = n.content or {}
    return {"entry": n.list_entry_id, "vin": c.get("vin"), "deadline": c.get("deadline_iso"),
            "ruleset_version": c.get("ruleset_version")}


def _tables(s: Session) -> dict[tuple[str, str], dict]:
    """The current state of every tracked row, keyed by (entity, entity_id) as the events name them."""
    out: dict[tuple[str, str], dict] = {}
    le = ListEntry.__table__.c
    for r in s.execute(select(le.id, le.vehicle_id, le.list_kind, le.status, le.reason_codes, le.effective_from,
                              le.review_date, le.ended_on, le.proposed_by, le.decided_by, le.decision_reason,
                              le.removal_proposed_by, le.removal_reason, le.rectification, le.version,
                              le.evidence)):
        out[("list_entry", str(r.id))] = list_entry_state(r)
    u = User.__table__.c
    for ur in s.execute(select(u.username, u.display_name, u.role, u.active, u.created_at, u.password_hash)):
        out[("user", ur.username)] = user_state(ur)
    for sr in s.execute(select(Setting.__table__.c.key, Setting.__table__.c.value)):
        out[("settings", sr.key)] = sr.value if isinstance(sr.value, dict) else {"value": sr.value}
    rs = RuleSet.__table__.c
    for rr in s.execute(select(rs.version, rs.content)):
        out[("rule_set", rr.version)] = rr.content
    n = Notice.__table__.c
    for nr in s.execute(select(n.number, n.list_entry_id, n.content)):
        out[("notice", nr.number)] = notice_state(nr)
    return {k: jsonable(v) for k, v in out.items()}


def active_rule_set(s: Session, by_activation: bool = True) -> str | None:
    """The version scoring uses: the one activated last (services.rulesets.active_rules); before revision 0010
    (by_activation False, for the baseline of 0008) the newest stored one."""
    rs = RuleSet.__table__.c
    if not by_activation:
        return s.scalar(select(rs.version).order_by(rs.id.desc()).limit(1))
    return s.scalar(select(rs.version).where(rs.activation_seq.is_not(None))
                    .order_by(rs.activation_seq.desc(), rs.id.desc()).limit(1))


# rule_set events that make their version the active one ("ruleset.save" did until revision 0010; since then a
# saved version waits for its own "ruleset.activate", and "ruleset.store" only stores it).
ACTIVATING = ("ruleset.install", "ruleset.save", "ruleset.activate", BASELINE)


@dataclass
class Replay:
    """The state as the events tell it, folded one event at a time (feed() in sequence order)."""

    state: dict[tuple[str, str], dict] = field(default_factory=dict)
    active_rule_set: str | None = None
    heads: dict[int, str] = field(default_factory=dict)  # seq -> hash, to check heads printed on notices
    # Events whose `before` contradicts the history, per row. An audit.baseline event of the row acknowledges
    # them in the history itself (it records both states), so they are not reported again after one.
    contradictions: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        return [m for ms in self.contradictions.values() for m in ms]

    def feed(self, seq: int, entity: str, entity_id: str | None, before, after, hash_: str,
             action: str = "") -> None:
        self.heads[seq] = hash_
        if entity not in ENTITY_NAMES or entity_id is None:
            return
        key = (entity, entity_id)
        known = self.state.get(key)
        if action == BASELINE:
            self.contradictions.pop(key, None)
        # rule_set events carry the previously active version as `before`, not an earlier state of this row.
        if isinstance(before, dict) and known is not None and entity != "rule_set":
            for name, was in before.items():
                if name in known and not _same(known[name], was):
                    path, found, audited = _first_difference(name, was, known[name])
                    msg = Msg("event {seq} found {entity} {id} with {field} = {found}, but the "
                              "history had {audited}: it was changed outside DieselWatch before that event", seq=seq,
                              entity=ENTITY_NAMES[entity], id=entity_id, field=path, found=_shown(found),
                              audited=_shown(audited))
                    self.contradictions.setdefault(key, []).append(msg)
                    break
        if isinstance(after, dict):
            self.state[key] = {**(known or {}), **after}
        if entity == "rule_set" and action in ACTIVATING:
            self.active_rule_set = entity_id


def differences(s: Session, replay: Replay) -> list[str]:
    """Everything in which the tables and the replayed history disagree, as messages naming the entity, the
    field, the table's value and the history's value. Empty when they agree."""
    tables = _tables(s)
    out = list(replay.problems)
    if not replay.heads and tables:
        count = {k: sum(1 for e, _ in tables if e == k) for k in ("list_entry", "user", "notice")}
        out.append(Msg("the history is empty but the database holds {entries} list entries, {users} users and "
                       "{notices} notices", entries=count["list_entry"], users=count["user"], notices=count["notice"]))
    for key in sorted(tables.keys() | replay.state.keys()):
        entity, eid = key
        name = ENTITY_NAMES[entity]
        table, audited = tables.get(key), replay.state.get(key)
        if audited is None:
            out.append(Msg("{entity} {id} is in the table but not in the history", entity=name, id=eid))
            continue
        if table is None:
            out.append(Msg("{entity} {id} is in the history but not in the table", entity=name, id=eid))
            continue
        for field_name in sorted(table, key=lambda f: (f not in FIRST, f)):
            value = table[field_name]
            if not _same(value, audited.get(field_name, _ABSENT)):
                path, t, a = _first_difference(field_name, value, audited.get(field_name, _ABSENT))
                out.append(Msg("{entity} {id}: {field} is {table} in the table but {audited} in the history",
                               entity=name, id=eid, field=path, table=_shown(t), audited=_shown(a)))
    table_active = active_rule_set(s)
    if table_active is not None and replay.active_rule_set is not None and table_active != replay.active_rule_set:
        out.append(Msg("the active rule set is {table} in the table but {audited} in the history", table=table_active,
                       audited=replay.active_rule_set))
    # Each notice printed the head of the history when it was issued: the history must still hold it.
    n = Notice.__table__.c
    for number, content in s.execute(select(n.number, n.content)):
        seq, h = (content or {}).get("audit_seq"), (content or {}).get("audit_hash")
        if seq is None or h is None:
            continue
        if str(seq) != "0" and replay.heads.get(int(seq) if str(seq).isdigit() else -1) != h:
            out.append(Msg("notice {number} was issued at history event {seq} ({hash}), which the history does not "
                           "hold", number=number, seq=seq, hash=str(h)[:12]))
    return out


def baseline(s: Session, actor: str = "system") -> int:
    """Record the current state of every tracked row the history does not describe yet (databases from before
    the history covered the state: no event for the shipped rule set, no password or evidence fingerprints).
    One `audit.baseline` event per row, before = what the history said, after = the table; from here on the
    tables are verified against the history. Returns the number of events appended."""
    from dieselwatch.storage.models import AuditEvent

    replay = Replay()
    for ev in s.execute(select(AuditEvent.seq, AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id,
                               AuditEvent.before, AuditEvent.after, AuditEvent.hash).order_by(AuditEvent.seq)):
        replay.feed(ev.seq, ev.entity, ev.entity_id, ev.before, ev.after, ev.hash, ev.action)
    tables = _tables(s)
    n = 0
    order = {"user": 0, "settings": 1, "rule_set": 2, "list_entry": 3, "notice": 4}
    for key in sorted(tables, key=lambda k: (order[k[0]], k[1].zfill(12) if k[0] == "list_entry" else k[1])):
        table, audited = tables[key], replay.state.get(key)
        if audited is not None and key not in replay.contradictions and \
                all(_same(v, audited.get(f, _ABSENT)) for f, v in table.items()):
            continue
        append(s, actor, BASELINE, key[0], key[1], before=audited, after=table,
               reason="state when the history began to cover it (revision 0008)")
        replay.feed(-1, key[0], key[1], None, table, "", BASELINE)
        n += 1
    active = active_rule_set(s, "activation_seq" in {c["name"] for c in inspect(s.get_bind()).get_columns("rule_sets")})
    if active is not None and replay.active_rule_set != active:
        append(s, actor, BASELINE, "rule_set", active, after=tables[("rule_set", active)],
               reason="the active rule set when the history began to cover it (revision 0008)")
        n += 1
    return n


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


_ABSENT = _Absent()


def _same(a, b) -> bool:
    """Both sides are JSON as read back (jsonable), so plain equality compares them (and fast: verify compares
    every field of every row at each start of the app)."""
    if a is _ABSENT or b is _ABSENT:
        return a is b
    return a == b


def _first_difference(path: str, a, b):
    """The dotted path of the first differing leaf of two JSON values, with both values there."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(a.keys() | b.keys()):
            va, vb = a.get(k, _ABSENT), b.get(k, _ABSENT)
            if not _same(va, vb):
                return _first_difference(f"{path}.{k}", va, vb)
    return path, a, b


def _shown(v) -> str:
    if v is _ABSENT:
        return "(absent)"
    text = canonical(v) if not isinstance(v, str) else f"“{v}”"
    return text if len(text) <= 60 else text[:57] + "…"
