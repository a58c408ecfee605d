"""Append-only, hash-chained audit events. Each event's SHA-256 covers its canonical JSON and the previous
event's hash, so editing, deleting or reordering any stored event breaks the chain at that point."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import func, select, text, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from dieselwatch.messages import Msg, joined
from dieselwatch.storage.guard import altered_guards, missing_guards
from dieselwatch.storage.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _default(o):
    if isinstance(o, (datetime, date)):
        return o.isoformat()
    raise TypeError(f"not JSON: {type(o).__name__}")


def canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default)


def event_hash(seq: int, at: datetime, actor: str, action: str, entity: str, entity_id: str | None,
               before, after, reason: str | None, prev_hash: str) -> str:
    body = canonical({"seq": seq, "at": at.isoformat(timespec="microseconds"), "actor": actor, "action": action,
                      "entity": entity, "entity_id": entity_id, "before": before, "after": after, "reason": reason,
                      "prev": prev_hash})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def jsonable(v):
    """A value as it reads back from a JSON column (dates as ISO text): what before/after store."""
    return json.loads(canonical(v)) if v is not None else None


def serialise(session: Session) -> None:
    """Take the office-wide writer lock for this transaction (PostgreSQL; SQLite serialises writers itself)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7410001)"))


def append(session: Session, actor: str, action: str, entity: str, entity_id: str | int | None = None,
           before: dict | None = None, after: dict | None = None, reason: str | None = None) -> AuditEvent:
    """Add the next event inside the caller's transaction (it commits or rolls back with the change)."""
    serialise(session)  # writers across workstations in one order: the sequence stays gapless, the chain linear
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = datetime.now()
    before, after = jsonable(before), jsonable(after)
    eid = None if entity_id is None else str(entity_id)
    ev = AuditEvent(seq=seq, at=at, actor=actor, action=action, entity=entity, entity_id=eid, before=before,
                    after=after, reason=reason, prev_hash=prev,
                    hash=event_hash(seq, at, actor, action, entity, eid, before, after, reason, prev))
    session.add(ev)
    # The head row moves with the chain (a trigger lets it move only one step forward).
    moved = session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=ev.hash))
    n = cast("CursorResult[Any]", moved).rowcount
    if not n:
        session.add(AuditHead(id=1, seq=seq, hash=ev.hash))
    session.flush()
    # Read by the workspace after the commit, to record the head outside the database (storage/headfile.py).
    session.info["audit_head"] = (seq, ev.hash)
    return ev


def head(session: Session) -> tuple[int, str]:
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (last[0], last[1]) if last else (0, GENESIS)


def short(hash_: str) -> str:
    """The head as printed on notices and publications: enough to tell two histories apart by eye."""
    return hash_[:12]


@dataclass(frozen=True)
class Anchor:
    """A head recorded outside the database: this workstation's head file, or one printed on a notice or a
    publication. hash may be a prefix (notices print 12 hex digits)."""

    seq: int
    hash: str
    source: str


@dataclass
class Verification:
    ok: bool
    first_broken: int | None
    message: str
    differences: list[str] = field(default_factory=list)  # state the tables and the history disagree on


def verify(session: Session, anchor: tuple[int, str] | None = None) -> tuple[bool, int | None, str]:
    """verify_all() for one anchor, as (ok, first broken seq or None, message)."""
    anchors = [Anchor(anchor[0], anchor[1], Msg("this workstation"))] if anchor else []
    v = verify_all(session, anchors)
    return v.ok, v.first_broken, v.message


def verify_all(session: Session, anchors: Sequence[Anchor] = ()) -> Verification:
    """Check the guards (present and unaltered), the chain, the head row, the heads recorded outside the
    database, and that the tables hold the state the history describes."""
    from dieselwatch.storage.auditstate import Replay, differences

    conn = session.connection()
    missing = missing_guards(conn)
    if missing:
        return Verification(False, None, Msg("the append-only guard(s) {guards} were removed from the database",
                                             guards=joined(missing)))
    altered = altered_guards(conn)
    if altered:
        return Verification(False, None, Msg("the append-only guard(s) {guards} were replaced by triggers that do "
                                             "something else", guards=joined(altered)))
    expected_prev, expected_seq, n = GENESIS, 1, 0
    replay = Replay()
    for ev in session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars():
        if ev.seq != expected_seq:
            return Verification(False, expected_seq, Msg("event {seq} is missing (next stored is {next})",
                                                         seq=expected_seq, next=ev.seq))
        if ev.prev_hash != expected_prev:
            return Verification(False, ev.seq, Msg("event {seq} does not link to event {prev}", seq=ev.seq,
                                                   prev=ev.seq - 1))
        h = event_hash(ev.seq, ev.at, ev.actor, ev.action, ev.entity, ev.entity_id, ev.before, ev.after, ev.reason,
                       ev.prev_hash)
        if h != ev.hash:
            return Verification(False, ev.seq, Msg("event {seq} was altered after it was written", seq=ev.seq))
        replay.feed(ev.seq, ev.entity, ev.entity_id, ev.before, ev.after, ev.hash, ev.action)
        expected_prev, expected_seq, n = ev.hash, expected_seq + 1, n + 1
    total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    if total != n:
        return Verification(False, expected_seq, Msg("the event count does not match the chain"))
    for a in anchors:
        if a.seq > n:
            return Verification(False, n + 1, Msg("events after {n} are gone: {source} recorded the head at event "
                                                  "{anchor}", n=n, source=a.source, anchor=a.seq))
        if a.seq > 0 and not replay.heads[a.seq].startswith(a.hash.lower()):
            return Verification(False, a.seq, Msg("event {seq} differs from the one {source} recorded ({hash})",
                                                  seq=a.seq, source=a.source, hash=short(a.hash)))
    stored = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    head_seq, head_hash = stored if stored else (0, GENESIS)
    if head_seq != n or (n and head_hash != expected_prev):
        if head_seq > n:
            return Verification(False, n + 1, Msg("events {first} to {last} were deleted (the chain ends at {n})",
                                                  first=n + 1, last=head_seq, n=n))
        return Verification(False, n, Msg("the recorded head (event {head}) does not match the chain's last event "
                                          "{n}", head=head_seq, n=n))
    diffs = differences(session, replay)
    if diffs:
        more = Msg(" (and {n} more differences)", n=len(diffs) - 1) if len(diffs) > 1 else ""
        return Verification(False, None, Msg("the tables differ from the history: {first}{more}", first=diffs[0],
                                             more=more), diffs)
    return Verification(True, None, Msg("{n} events, chain intact", n=n))
