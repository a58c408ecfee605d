"""The audit history for people: verify it (against the tables, against the head this workstation recorded
in its user settings and against heads read off notices, so events deleted from the end are noticed even
when the database was edited consistently), browse it, and export it to a workbook."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from dieselwatch.errors import InputError
from dieselwatch.messages import Msg
from dieselwatch.services.excel import first_sheet, save, write_sheet
from dieselwatch.storage import audit, headfile
from dieselwatch.storage.models import AuditEvent
from dieselwatch.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass
class AuditStatus:
    ok: bool
    first_broken: int | None
    message: str
    head_seq: int
    head_hash: str
    differences: list[str] = field(default_factory=list)  # every table/history disagreement, not just the first

    def as_dict(self) -> dict:
        return asdict(self)


def _legacy_anchor(ws: Workspace) -> tuple[int, str] | None:
    """The head earlier releases kept beside the database (still read; no longer written)."""
    try:
        a = json.loads((ws.home.root / "audit_anchor.json").read_text(encoding="utf-8")).get(ws.db_url)
        return (int(a["seq"]), str(a["hash"])) if a else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def parse_head(text: str) -> audit.Anchor:
    """A head as printed on a notice or publication footer: "SEQ:HASH" (HASH at least 8 hex digits)."""
    seq, _, h = text.strip().lstrip("#").replace(" ", ":").partition(":")
    h = h.strip().lower()
    if not seq.isdigit() or len(h) < 8 or any(c not in "0123456789abcdef" for c in h):
        raise InputError(Msg("a head is written SEQ:HASH, as printed on notices (e.g. 42:1a2b3c4d5e6f), got “{text}”",
                             text=text))
    return audit.Anchor(int(seq), h, Msg("the head {head} given to check", head=f"{seq}:{h[:12]}"))


def forget_workstation_head(ws: Workspace) -> bool:
    """After a deliberate restore from a backup, or a new database where an old one was: this workstation
    stops comparing against the head it recorded (and the one earlier releases kept beside the database)."""
    legacy = ws.home.root / "audit_anchor.json"
    if _legacy_anchor(ws):
        data = json.loads(legacy.read_text(encoding="utf-8"))
        data.pop(ws.db_url, None)
        legacy.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return headfile.forget(ws.db_url)


def verify(ws: Workspace, heads: list[str] | None = None) -> AuditStatus:
    """Check guards, chain, head row, the state of the tables, this workstation's recorded head and any heads
    given (read off notices or publications); on success this workstation records the head it saw."""
    anchors = [parse_head(h) for h in heads or []]
    for recorded in (headfile.recorded(ws.db_url), _legacy_anchor(ws)):
        if recorded:
            anchors.append(audit.Anchor(recorded[0], recorded[1], Msg("this workstation")))
    with ws.Session() as s:
        v = audit.verify_all(s, anchors)
        seq, head = audit.head(s)
    if v.ok:
        headfile.record(ws.db_url, seq, head)
    else:
        log.error("audit verification failed: %s", v.message)
    return AuditStatus(v.ok, v.first_broken, v.message, seq, head, v.differences)


def current_head(ws: Workspace) -> tuple[int, str]:
    """The head to print on an export: (seq, hash)."""
    with ws.Session() as s:
        return audit.head(s)


def events(ws: Workspace, *, entity: str | None = None, entity_id: str | None = None, actor: str | None = None,
           since: date | None = None, limit: int | None = None) -> list[dict]:
    q = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if entity:
        q = q.where(AuditEvent.entity == entity)
    if entity_id:
        q = q.where(AuditEvent.entity_id == str(entity_id))
    if actor:
        q = q.where(AuditEvent.actor == actor)
    if since:
        q = q.where(AuditEvent.at >= datetime.combine(since, datetime.min.time()))
    if limit:
        q = q.limit(limit)
    with ws.Session() as s:
        return [{"seq": e.seq, "at": e.at.isoformat(timespec="seconds"), "actor": e.actor, "action": e.action,
                 "entity": e.entity, "entity_id": e.entity_id, "before": e.before, "after": e.after,
                 "reason": e.reason, "hash": e.hash} for e in s.scalars(q)]


def export_workbook(ws: Workspace, out: Path) -> Path:
    """The whole history, oldest first, with the verification result on top so a printout carries it."""
    status = verify(ws)
    wb = Workbook()
    sheet = first_sheet(wb)
    sheet.title = "审计记录 Audit"
    rows = []
    for e in reversed(events(ws)):
        rows.append([e["seq"], e["at"], e["actor"], e["action"], e["entity"], e["entity_id"],
                     _compact(e["before"]), _compact(e["after"]), e["reason"], e["hash"]])
    write_sheet(sheet, ["序号 Seq", "时间 Time", "操作人 Actor", "操作 Action", "对象 Entity", "编号 ID",
                        "变更前 Before", "变更后 After", "原因 Reason", "SHA-256"],
                rows, widths=[8, 20, 14, 18, 14, 20, 40, 40, 30, 66])
    info = wb.create_sheet("校验 Verification")
    write_sheet(info, ["项目 Item", "值 Value"], [
        ["数据库 Database", ws.db_url], ["校验结果 Result", "通过 OK" if status.ok else "失败 BROKEN"],
        ["说明 Message", status.message], ["链头序号 Head seq", status.head_seq],
        ["链头哈希 Head hash", status.head_hash],
        ["导出时间 Exported", datetime.now().isoformat(timespec="seconds")], ["导出人 By", ws.user]],
        widths=[22, 80])
    return save(wb, out)


def _compact(v) -> str | None:
    return None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)
