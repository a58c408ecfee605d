"""Terminal sessions (login..logout of the on-board terminal) from raw captures: stored with their import batch,
and asked by scoring on which days a terminal was on (no data while on is a data gap; while off it is not)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from dieselwatch.services.vehicles import ensure_vehicles
from dieselwatch.storage.models import TerminalSession


def store_sessions(s: Session, batch_id: int, sessions: list[dict], orphan_logouts: list[dict]) -> int:
    """Write a capture's sessions inside the import transaction. A session already stored (same vehicle, login
    time and serial) is not stored twice; a logout whose login came in an earlier file closes that session.
    Returns the number of sessions added."""
    vins = sorted({x["vin"] for x in sessions} | {x["vin"] for x in orphan_logouts})
    if not vins:
        return 0
    vehicles = ensure_vehicles(s, vins)
    added = 0
    for x in sessions:
        vid = vehicles[x["vin"]].id
        old = s.scalar(select(TerminalSession).where(TerminalSession.vehicle_id == vid,
                                                     TerminalSession.login_ts == x["login_ts"],
                                                     TerminalSession.serial == x["serial"]))
        if old is not None:
            if old.logout_ts is None and x["logout_ts"] is not None:
                old.logout_ts = x["logout_ts"]
            continue
        s.add(TerminalSession(vehicle_id=vid, batch_id=batch_id, login_ts=x["login_ts"], logout_ts=x["logout_ts"],
                              serial=x["serial"], iccid=x["iccid"]))
        added += 1
    s.flush()
    for x in orphan_logouts:
        vid = vehicles[x["vin"]].id
        open_ = s.scalar(select(TerminalSession)
                         .where(TerminalSession.vehicle_id == vid, TerminalSession.serial == x["serial"],
                                TerminalSession.logout_ts.is_(None), TerminalSession.login_ts <= x["logout_ts"])
                         .order_by(TerminalSession.login_ts.desc()).limit(1))
        if open_ is not None:
            open_.logout_ts = x["logout_ts"]
    return added


def days_terminal_on(session: Session, vehicle_ids: list[int] | None, start: date, end: date) -> dict[int, set[date]]:
    """Vehicle id -> the days in start..end (inclusive) on which a terminal session was open: every day from
    login to logout, or the login day alone when no logout was seen."""
    lo = datetime.combine(start, time.min)
    hi = datetime.combine(end + timedelta(days=1), time.min)
    q = select(TerminalSession.vehicle_id, TerminalSession.login_ts, TerminalSession.logout_ts).where(
        TerminalSession.login_ts < hi,
        or_(and_(TerminalSession.logout_ts.is_not(None), TerminalSession.logout_ts >= lo),
            and_(TerminalSession.logout_ts.is_(None), TerminalSession.login_ts >= lo)))
    if vehicle_ids is not None:
        q = q.where(TerminalSession.vehicle_id.in_(vehicle_ids))
    out: dict[int, set[date]] = {}
    for vid, login, logout in session.execute(q):
        first = max(login.date(), start)
        last = min((logout or login).date(), end)
        days = out.setdefault(vid, set())
        d = first
        while d <= last:
            days.add(d)
            d += timedelta(days=1)
    return out
