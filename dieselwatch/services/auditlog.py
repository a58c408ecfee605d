"""The audit history for people: verify it (remembering on this workstation how far it was verified, so
events deleted from the end are noticed even when the database was edited consistently), browse it, and
export it to a workbook."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from dieselwatch.services.excel import save, write_sheet
from dieselwatch.storage import audit
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

    def as_dict(self) -> dict:
        return asdict(self)


def _anchor_file(ws: Workspace) -> Path:
    return ws.home.root / "audit_anchor.json"


def _read_anchor(ws: Workspace) -> tuple[int, str] | None:
    try:
        data = json.loads(_anchor_file(ws).read_text(encoding="utf-8"))
        a = data.get(ws.db_url)
        return (int(a["seq"]), str(a["hash"])) if a else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_anchor(ws: Workspace, seq: int, hash_: str) -> None:
    path = _anchor_file(ws)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, ValueError):
        data = {}
    data[ws.db_url] = {"seq": seq, "hash": hash_, "at": datetime.now().isoformat(timespec="seconds")}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    tmp.replace(path)


def verify(ws: Workspace) -> AuditStatus:
    """Check guards, chain, head row and this workstation's anchor; on success move the anchor to the head."""
    anchor = _read_anchor(ws)
    with ws.Session() as s:
        ok, broken, msg = audit.verify(s, anchor)
        seq, head = audit.head(s)
    if ok:
        _write_anchor(ws, seq, head)
    else:
        log.error("audit verification failed: %s", msg)
    return AuditStatus(ok, broken, msg, seq, head)


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
    sheet = wb.active
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
        ["说明 Message", status.message], ["链头序号 Head seq", status.head_seq], ["链头哈希 Head hash", status.head_hash],
        ["导出时间 Exported", datetime.now().isoformat(timespec="seconds")], ["导出人 By", ws.user]],
        widths=[22, 80])
    return save(wb, out)


def _compact(v) -> str | None:
    return None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)
