"""Black, white and watch lists: proposals from scoring, decisions by officers and supervisors, removals with
rectification evidence. Every change is one transaction with its audit event, and entries carry a version so
two workstations deciding the same vehicle cannot overwrite each other silently.

Life of an entry: proposed -> active | rejected; active -> removal_pending -> removed | active;
active -> expired (white and watch at their review date; any entry replaced by a stricter list)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from dieselwatch.errors import Conflict, DieselWatchError, InputError, PermissionDenied
from dieselwatch.messages import Msg, joined
from dieselwatch.scoring.judge import LABELS
from dieselwatch.scoring.rules import RuleSet
from dieselwatch.services.rulesets import active_rules
from dieselwatch.services.scoring import office_run
from dieselwatch.services.settings import get_settings
from dieselwatch.services.users import RANK, ROLE_NAMES, ROLES, Role, require
from dieselwatch.storage import audit
from dieselwatch.storage.auditstate import list_entry_state
from dieselwatch.storage.models import DayStat, ListEntry, Score, ScoreRun, Vehicle
from dieselwatch.workspace import Workspace


class ListKind(StrEnum):
    BLACK = "black"
    WHITE = "white"
    WATCH = "watch"


class ListStatus(StrEnum):
    """An entry's state; a StrEnum, so comparisons with the plain strings stored and used elsewhere hold."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    REMOVAL_PENDING = "removal_pending"
    REJECTED = "rejected"
    REMOVED = "removed"
    EXPIRED = "expired"


KINDS = tuple(ListKind)
OPEN = (ListStatus.PROPOSED, ListStatus.ACTIVE, ListStatus.REMOVAL_PENDING)  # states in which an entry still counts
STATUSES = tuple(ListStatus)
DECIDABLE = (ListStatus.PROPOSED, ListStatus.REMOVAL_PENDING)  # what a decision (approve or reject) applies to
# List and status names as messages, so the GUI shows them translated inside a sentence.
KIND_NAMES = {"black": Msg("black"), "white": Msg("white"), "watch": Msg("watch")}
STATUS_NAMES = {"proposed": Msg("proposed"), "active": Msg("active"), "removal_pending": Msg("removal proposed"),
                "rejected": Msg("rejected"), "removed": Msg("removed"), "expired": Msg("expired")}


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind)


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


@dataclass
class ProposalResult:
    run_id: int
    proposed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    white_removals: int = 0
    already_listed: int = 0
    expired: int = 0

    def as_dict(self) -> dict:
        return {"run_id": self.run_id, "proposed": self.proposed, "white_removals": self.white_removals,
                "already_listed": self.already_listed, "expired": self.expired}


def snapshot(e: ListEntry) -> dict:
    """What the audit event records of an entry (before/after): audit verify compares it with the table."""
    return list_entry_state(e)


def _today() -> date:
    return date.today()


def _evidence(run: ScoreRun, sc: Score) -> dict:
    return {"run_id": run.id, "period_from": run.period_from.isoformat(), "period_to": run.period_to.isoformat(),
            "ruleset_version": run.ruleset_version, "source": run.source, "score": sc.score,
            "proposal": sc.proposal, "reasons": sc.reasons, "metrics": sc.metrics}


def propose_from_run(ws: Workspace, run_id: int | None = None) -> ProposalResult:
    """Bulk proposals from a scoring run (the latest by default): one proposed entry per vehicle whose proposal
    is black, white or watch and that is not already on that list; a white entry the run disqualifies gets a
    removal proposal. Entries past their review date expire first."""
    require(ws, "officer")
    expired = 0
    # Two workstations proposing at once: the database keeps one open proposal per vehicle and list (index
    # added in 0007), the workstation that loses the race starts over and finds the other's proposals there.
    for attempt in range(3):
        try:
            expired += expire_due(ws)
            return _propose(ws, run_id, expired)
        except (IntegrityError, StaleDataError, OperationalError) as exc:
            if isinstance(exc, OperationalError) and getattr(exc.orig, "sqlstate", None) != "40P01":
                raise  # only a deadlock the database broke up is worth another try
            if attempt == 2:
                raise Conflict(Msg("another workstation kept proposing the same entries: try again")) from exc
    raise AssertionError("unreachable")


def _propose(ws: Workspace, run_id: int | None, expired: int) -> ProposalResult:
    with ws.Session.begin() as s:
        run = office_run(s, run_id)  # never a trial: proposals come from the office's active rule set
        if run is None:
            raise InputError(Msg("no scoring run {run}", run=run_id) if run_id else
                             Msg("no scoring run yet: score a period first"))
        result = ProposalResult(run.id, expired=expired)
        open_entries: dict[int, list[ListEntry]] = {}
        for e in s.scalars(select(ListEntry).where(ListEntry.status.in_(OPEN))):
            open_entries.setdefault(e.vehicle_id, []).append(e)
        now = datetime.now()
        for sc in s.scalars(select(Score).where(Score.run_id == run.id).order_by(Score.vehicle_id)):
            mine = open_entries.get(sc.vehicle_id, [])
            white = next((e for e in mine if e.list_kind == "white" and e.status == "active"), None)
            if white is not None and sc.proposal != "white":
                before = snapshot(white)
                white.status = "removal_pending"
                white.removal_proposed_by = ws.user
                white.removal_proposed_at = now
                codes = ", ".join(r["code"] for r in sc.reasons) or sc.proposal
                white.removal_reason = f"scoring run {run.id} ({run.period_from} to {run.period_to}): {codes}"
                s.flush()
                audit.append(s, ws.user, "list.propose_removal", "list_entry", white.id, before=before,
                             after=snapshot(white), reason=white.removal_reason)
                result.white_removals += 1
            if sc.proposal not in KINDS:
                continue
            if any(e.list_kind == sc.proposal for e in mine):
                result.already_listed += 1
                continue
            if sc.proposal == "white" and any(e.list_kind == "black" for e in mine):
                continue  # a black-listed vehicle leaves the black list by rectification, not by one clean score
            e = ListEntry(vehicle_id=sc.vehicle_id, list_kind=sc.proposal, status="proposed",
                          reason_codes=[r["code"] for r in sc.reasons], evidence=_evidence(run, sc),
                          proposed_by=ws.user, created_at=now)
            s.add(e)
            s.flush()
            audit.append(s, ws.user, "list.propose", "list_entry", e.id, after=snapshot(e),
                         reason=f"scoring run {run.id}")
            result.proposed[sc.proposal] += 1
    return result


def _needs_supervisor(e: ListEntry) -> bool:
    return e.list_kind == "black"


def decide(ws: Workspace, entry_id: int, approve: bool, reason: str, *,
           expected_version: int | None = None) -> EntryRow:
    """Approve or reject a proposal or a removal proposal. A reason is required. Black entries and black
    removals need a supervisor; with the two-person rule nobody decides what they proposed themselves.
    expected_version: the version the user looked at; if someone changed the entry since, Conflict."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError(Msg("a decision needs a reason"))
    require(ws, "officer")
    rules = get_settings(ws)["lists"]
    try:
        with ws.Session.begin() as s:
            e = _entry(s, entry_id, expected_version)
            if e.status not in ("proposed", "removal_pending"):
                raise InputError(Msg("entry {entry} is {status}: there is nothing to decide", entry=entry_id,
                                     status=status_name(e.status)))
            if _needs_supervisor(e):
                require(ws, "supervisor")
            proposer = e.proposed_by if e.status == "proposed" else e.removal_proposed_by
            if rules["two_person_rule"] and proposer == ws.user:
                raise PermissionDenied(Msg("{user} proposed this and cannot also decide it (two-person rule)",
                                           user=ws.user))
            before = snapshot(e)
            today, now = _today(), datetime.now()
            if e.status == "proposed":
                action = "list.approve" if approve else "list.reject"
                ended = _end_milder(s, e, today) if approve else []  # before this entry changes: one UPDATE of it
                e.decided_by, e.decided_at, e.decision_reason = ws.user, now, reason
                if approve:
                    _activate(s, ws, e, today, rules, ended)
                else:
                    e.status = "rejected"
            else:
                action = "list.remove" if approve else "list.keep"
                if approve:
                    e.status, e.ended_on = "removed", today
                    e.decided_by, e.decided_at, e.decision_reason = ws.user, now, reason
                else:
                    e.status = "active"
                    e.removal_proposed_by = e.removal_proposed_at = e.removal_reason = e.rectification = None
            s.flush()
            audit.append(s, ws.user, action, "list_entry", e.id, before=before, after=snapshot(e), reason=reason)
            return entry_dict(s, e)
    except StaleDataError as exc:
        raise Conflict(Msg("entry {entry} was changed on another workstation while you decided: reload it and "
                           "decide again", entry=entry_id)) from exc
    except IntegrityError as exc:  # the database's rule: one current entry per vehicle (index added in 0007)
        raise Conflict(Msg("another entry of the vehicle of entry {entry} became active at the same moment (another "
                           "workstation decided it): reload the vehicle's entries and decide again",
                           entry=entry_id)) from exc


def _entry(s: Session, entry_id: int, expected_version: int | None) -> ListEntry:
    e = s.get(ListEntry, entry_id)
    if e is None:
        raise InputError(Msg("no list entry {entry}", entry=entry_id))
    if expected_version is not None and e.version != expected_version:
        raise Conflict(Msg("entry {entry} was changed by {user} after you opened it (version {opened}, now {now}): "
                           "reload it", entry=entry_id, user=e.decided_by or e.removal_proposed_by or e.proposed_by,
                           opened=expected_version, now=e.version))
    return e


def _end_milder(s: Session, e: ListEntry, today: date) -> list[tuple[ListEntry, dict]]:
    """A stricter list replaces a milder one (black ends white and watch, watch ends white), never the reverse.
    The milder entries end (and are written) before this one becomes active: the database allows one current
    entry per vehicle. Returns them with their state before, for the audit events."""
    others = list(s.scalars(select(ListEntry).where(ListEntry.vehicle_id == e.vehicle_id, ListEntry.id != e.id,
                                                    ListEntry.status.in_(("active", "removal_pending")))))
    order = {"white": 0, "watch": 1, "black": 2}
    stricter = [o for o in others if order[o.list_kind] >= order[e.list_kind]]
    if stricter:
        raise InputError(Msg("the vehicle of entry {entry} is already on the {kind} list (entry {other}): end that "
                             "entry first", entry=e.id, kind=kind_name(stricter[0].list_kind), other=stricter[0].id))
    ended = []
    for o in others:
        ended.append((o, snapshot(o)))
        o.status, o.ended_on = "expired", today
    s.flush()
    return ended


def _activate(s: Session, ws: Workspace, e: ListEntry, today: date, rules: dict,
              ended: list[tuple[ListEntry, dict]]) -> None:
    e.status, e.effective_from = "active", today
    days = rules["white_valid_days"] if e.list_kind == "white" else rules["black_review_days"]
    e.review_date = today + timedelta(days=days)
    s.flush()
    # Audit events after the rows: no workstation holds the audit lock while it waits for a row.
    for o, before in ended:
        audit.append(s, ws.user, "list.supersede", "list_entry", o.id, before=before, after=snapshot(o),
                     reason=f"replaced by {e.list_kind} entry {e.id}")


def clean_days_since(ws: Workspace, vehicle_id: int, since: date, rules: RuleSet | None = None) -> dict:
    """Days with running data after `since` without an exceedance day, MIL or an empty reagent tank."""
    with ws.Session() as s:
        rules = rules or active_rules(s)
        rows = s.execute(select(DayStat.day, DayStat.n_exceed, DayStat.n_mil_on, DayStat.n_reagent_zero,
                                DayStat.n_running).where(DayStat.vehicle_id == vehicle_id, DayStat.day > since)
                         ).fetchall()
    limit = rules["exceedance"]["day_min_minutes"] * 60
    running = [r for r in rows if r.n_running > 0]
    dirty = [r.day for r in running if r.n_exceed >= limit or r.n_mil_on > 0 or r.n_reagent_zero > 0]
    return {"days_with_data": len(running), "clean_days": len(running) - len(dirty),
            "dirty_days": [d.isoformat() for d in sorted(dirty)],
            "through": max((r.day for r in running), default=since).isoformat()}


def propose_removal(ws: Workspace, entry_id: int, reason: str, *, repair_record: str | None = None,
                    reinspected_on: date | None = None, expected_version: int | None = None) -> EntryRow:
    """Ask for an active entry to end. Leaving the black list needs rectification evidence: the repair record,
    the re-inspection date, and enough clean days with data since then (settings: lists.removal_clean_days)."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError(Msg("a removal needs a reason"))
    require(ws, "officer")
    need = get_settings(ws)["lists"]["removal_clean_days"]
    try:
        with ws.Session.begin() as s:
            e = _entry(s, entry_id, expected_version)
            if e.status != "active":
                raise InputError(Msg("entry {entry} is {status}; only an active entry can be removed", entry=entry_id,
                                     status=status_name(e.status)))
            rect = None
            if e.list_kind == "black":
                if not (repair_record or "").strip() or reinspected_on is None:
                    need_both = Msg("removal from the black list needs the repair record and the re-inspection date")
                    raise InputError(need_both)
                if reinspected_on > _today():
                    raise InputError(Msg("the re-inspection date {date} is in the future", date=reinspected_on))
                if e.effective_from and reinspected_on < e.effective_from:
                    raise InputError(Msg("the re-inspection ({date}) predates the black entry ({since})",
                                         date=reinspected_on, since=e.effective_from))
                clean = clean_days_since(ws, e.vehicle_id, reinspected_on)
                if clean["dirty_days"]:
                    raise InputError(Msg("the vehicle was not clean after the re-inspection on {days}",
                                         days=joined(clean["dirty_days"][:5])))
                if clean["clean_days"] < need:
                    too_few = Msg("{n} clean days with data since the re-inspection on {date}; {need} are required",
                                  n=clean["clean_days"], date=reinspected_on, need=need)
                    raise InputError(too_few)
                rect = {"repair_record": (repair_record or "").strip(), "reinspected_on": reinspected_on.isoformat(),
                        **clean}
            before = snapshot(e)
            e.status, e.removal_proposed_by, e.removal_proposed_at = "removal_pending", ws.user, datetime.now()
            e.removal_reason, e.rectification = reason, rect
            s.flush()
            audit.append(s, ws.user, "list.propose_removal", "list_entry", e.id, before=before, after=snapshot(e),
                         reason=reason)
            return entry_dict(s, e)
    except StaleDataError as exc:
        raise Conflict(Msg("entry {entry} was changed on another workstation: reload it", entry=entry_id)) from exc


def expire_due(ws: Workspace, today: date | None = None) -> int:
    """White and watch entries past their review date expire (black ones stay until removed)."""
    require(ws, "officer")
    today = today or _today()
    n = 0
    with ws.Session.begin() as s:
        for e in s.scalars(select(ListEntry).where(ListEntry.status == "active", ListEntry.list_kind != "black",
                                                   ListEntry.review_date < today)):
            before = snapshot(e)
            e.status, e.ended_on = "expired", today
            s.flush()
            audit.append(s, ws.user, "list.expire", "list_entry", e.id, before=before, after=snapshot(e),
                         reason=f"review date {before['review_date']} passed")
            n += 1
    return n


class EntryRow(TypedDict):
    """A list entry as services hand it out (the CLI prints it as JSON, the GUI shows it)."""

    id: int
    vin: str
    plate: str | None
    owner: str | None
    list: ListKind
    status: ListStatus
    reason_codes: list[str]
    reasons: list[dict]
    score: float | None
    period: list[str]
    ruleset_version: str | None
    effective_from: date | None
    review_date: date | None
    ended_on: date | None
    proposed_by: str | None
    decided_by: str | None
    decision_reason: str | None
    removal_proposed_by: str | None
    removal_reason: str | None
    rectification: dict | None
    version: int


def entry_dict(s: Session, e: ListEntry, v: Vehicle | None = None) -> EntryRow:
    v = v or s.get(Vehicle, e.vehicle_id)
    if v is None:  # the foreign key forbids it; a clear error rather than an AttributeError if it ever happens
        raise InputError(Msg("list entry {entry} has no vehicle", entry=e.id))
    return {"id": e.id, "vin": v.vin, "plate": v.plate, "owner": v.owner, "list": ListKind(e.list_kind),
            "status": ListStatus(e.status), "reason_codes": e.reason_codes, "reasons": e.evidence.get("reasons", []),
            "score": e.evidence.get("score"),
            "period": [str(e.evidence.get("period_from")), str(e.evidence.get("period_to"))],
            "ruleset_version": e.evidence.get("ruleset_version"), "effective_from": e.effective_from,
            "review_date": e.review_date, "ended_on": e.ended_on, "proposed_by": e.proposed_by,
            "decided_by": e.decided_by, "decision_reason": e.decision_reason,
            "removal_proposed_by": e.removal_proposed_by, "removal_reason": e.removal_reason,
            "rectification": e.rectification, "version": e.version}


def entries(ws: Workspace, *, kind: str | None = None, status: str | None = None, vin: str | None = None,
            statuses: tuple[str, ...] | None = None) -> list[EntryRow]:
    """Entries oldest first, filtered by list, one status or several (statuses), and vehicle."""
    if kind and kind not in KINDS:
        raise InputError(Msg("list must be one of {kinds}, got “{kind}”", kinds=joined(KINDS), kind=kind))
    if status and status not in STATUSES:
        raise InputError(Msg("status must be one of {statuses}, got “{status}”", statuses=joined(STATUSES),
                             status=status))
    q = select(ListEntry, Vehicle).join(Vehicle, Vehicle.id == ListEntry.vehicle_id).order_by(ListEntry.id)
    if kind:
        q = q.where(ListEntry.list_kind == kind)
    if status:
        q = q.where(ListEntry.status == status)
    if statuses is not None:
        q = q.where(ListEntry.status.in_([str(x) for x in statuses]))
    if vin:
        q = q.where(Vehicle.vin == vin.strip().upper())
    with ws.Session() as s:
        return [entry_dict(s, e, v) for e, v in s.execute(q)]


def history(ws: Workspace, vin: str) -> dict:
    """A vehicle's entries and every audit event about them, oldest first."""
    from dieselwatch.services.auditlog import events

    rows = entries(ws, vin=vin)
    if not rows:
        with ws.Session() as s:
            if s.scalar(select(Vehicle.id).where(Vehicle.vin == vin.strip().upper())) is None:
                raise InputError(Msg("no vehicle with VIN “{vin}”", vin=vin))
    evs = [ev for r in rows for ev in events(ws, entity="list_entry", entity_id=str(r["id"]))]
    evs.sort(key=lambda ev: ev["seq"])
    return {"vin": vin.strip().upper(), "entries": rows, "events": evs}


def reason_label(code: str) -> str:
    """The short name of a reason code (a Msg the GUI translates); an unknown code stays as it is."""
    return LABELS.get(code, code)


def two_person_rule(ws: Workspace) -> bool:
    return bool(get_settings(ws)["lists"]["two_person_rule"])


# --- batch decisions -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pick:
    """An entry as the officer saw it: its id and the version shown (a later change by another workstation
    makes the decision a Conflict instead of overwriting it)."""

    entry_id: int
    version: int | None = None


@dataclass(frozen=True)
class Outcome:
    entry_id: int
    vin: str | None
    status: ListStatus | None  # the entry's status after the decision; None when refused
    refused: str | None = None  # why not (a Msg): two-person rule, role, conflict, nothing to decide


@dataclass
class BatchDecision:
    approve: bool
    reason: str
    decided: list[Outcome] = field(default_factory=list)
    refused: list[Outcome] = field(default_factory=list)


def decide_many(ws: Workspace, picks: list[Pick], approve: bool, reason: str) -> BatchDecision:
    """One reason for several entries, each decided in its own transaction by decide(): an entry that is
    refused (the signed-in user proposed it, lacks the role, another workstation decided first) does not
    stop the others, and is reported with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError(Msg("a decision needs a reason"))
    require(ws, "officer")
    out = BatchDecision(approve, reason)
    with ws.Session() as s:
        vins = dict(s.execute(select(ListEntry.id, Vehicle.vin).join(Vehicle, Vehicle.id == ListEntry.vehicle_id)
                              .where(ListEntry.id.in_([p.entry_id for p in picks]))).all())
    for p in picks:
        try:
            row = decide(ws, p.entry_id, approve, reason, expected_version=p.version)
        except DieselWatchError as exc:
            why = exc.reason if isinstance(exc, InputError) else exc.args[0] if exc.args else str(exc)
            out.refused.append(Outcome(p.entry_id, vins.get(p.entry_id), None, why))
        else:
            out.decided.append(Outcome(p.entry_id, row["vin"], row["status"]))
    return out


# --- what the signed-in user may do, and why not ----------------------------------------------------------

@dataclass(frozen=True)
class Actor:
    user: str | None
    role: str | None  # None: nobody signed in
    two_person_rule: bool = True


def decision_block(e: EntryRow, actor: Actor) -> str | None:
    """Why `actor` cannot approve or reject entry e (a Msg), or None when they can. The same checks decide()
    makes, from plain data, so a greyed-out button can say why."""
    if actor.role is None:
        return Msg("nobody is signed in: decisions need a signed-in officer")
    if e["status"] not in DECIDABLE:
        return Msg("entry {entry} is {status}: it is not a proposal", entry=e["id"], status=status_name(e["status"]))
    if e["list"] == ListKind.BLACK and RANK.get(actor.role, -1) < RANK["supervisor"]:
        return Msg("black-list decisions need a supervisor; you are signed in as {role}",
                   role=ROLE_NAMES[Role(actor.role)] if actor.role in ROLES else actor.role)
    proposer = e["proposed_by"] if e["status"] == ListStatus.PROPOSED else e["removal_proposed_by"]
    if actor.two_person_rule and proposer == actor.user:
        return Msg("you proposed entry {entry}: another person decides it (two-person rule)", entry=e["id"])
    return None


@dataclass(frozen=True)
class ActionBlocks:
    """For each action on the selected entries, why it is not available (a Msg), or None when it is."""

    decide: str | None
    remove: str | None
    decidable: tuple[int, ...]  # the selected entries this actor can decide


def action_blocks(selected: list[EntryRow], actor: Actor) -> ActionBlocks:
    if not selected:
        none = Msg("select one or more entries first")
        return ActionBlocks(none, Msg("select an active entry first"), ())
    blocks = {e["id"]: decision_block(e, actor) for e in selected}
    ok = tuple(i for i, b in blocks.items() if b is None)
    decide_block = None
    if not ok:
        first = next(b for b in blocks.values() if b is not None)
        decide_block = first if len(selected) == 1 else \
            Msg("none of the {n} selected entries can be decided by you; first: {why}", n=len(selected), why=first)
    if actor.role is None:
        remove_block: str | None = Msg("nobody is signed in: removals need a signed-in officer")
    elif len(selected) > 1:
        remove_block = Msg("a removal is proposed for one entry at a time: select a single entry")
    elif selected[0]["status"] != ListStatus.ACTIVE:
        remove_block = Msg("entry {entry} is {status}: only an active entry can be removed",
                           entry=selected[0]["id"], status=status_name(selected[0]["status"]))
    else:
        remove_block = None
    return ActionBlocks(decide_block, remove_block, ok)
