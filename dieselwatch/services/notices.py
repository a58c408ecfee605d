"""Rectification notices (整改通知书) for black-listed vehicles.

Issuing takes a number from the bureau's counter and freezes everything the notice says (owner, evidence,
rule-set version, settings, audit chain head) in Notice.content, in the transaction that records it: a
notice written again later is the same notice. Writing fills the template under resources/templates by
replacing {{field}} markers, so a bureau can restyle or reword the template in Excel."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import TypedDict

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from dieselwatch.errors import Conflict, InputError
from dieselwatch.messages import Msg, joined
from dieselwatch.paths import resource
from dieselwatch.progress import CancelToken, ProgressFn, Throttled
from dieselwatch.services.excel import print_setup, safe_text, save
from dieselwatch.services.legal import LegalTexts, in_force, legal_versions
from dieselwatch.services.settings import get_settings
from dieselwatch.services.users import require
from dieselwatch.storage import audit
from dieselwatch.storage.models import ListEntry, Notice, NoticeCounter, User, Vehicle
from dieselwatch.workspace import Workspace

EVIDENCE_ROWS = 10
MARKER = re.compile(r"\{\{(\w+)\}\}")

REQUIRE_REPAIR = ("到具备资质的机动车排放维修治理站（M站）检测维修，查明并排除排放控制装置（SCR系统、NOx传感器、"
                  "尿素供给系统）故障，恢复OBD系统正常功能，不得拆除、改装或屏蔽排放控制装置。")
REQUIRE_OBD = "到具备资质的机动车排放维修治理站（M站）检测维修，排除故障指示灯（MIL）所示故障，清除故障码。"
REQUIRE_TERMINAL = "恢复车载终端与远程排放监控平台的正常连接和数据传输，确保数据完整、连续。"
RECHECK = ("整改完成后，我局将核查维修记录并安排复检；复检合格后，通过远程在线监控数据持续核查，"
           "连续{clean_days}天数据正常且无超标的，方可申请移出黑名单。")
# The office's contact details a notice must carry: an owner has to know whom to call.
REQUIRED_CONTACT = ("contact", "phone", "address")
CATEGORY_ORDER = ("tamper", "emission", "obd", "data")
SEVERITY_ZH = {"black": "列入黑名单的依据", "watch": "须关注"}  # info notes are not printed


@dataclass
class NoticeRef:
    id: int
    number: str
    vin: str
    plate: str | None


@dataclass
class ExportResult:
    files: list[str] = field(default_factory=list)
    notices: int = 0
    issued: int = 0

    def as_dict(self) -> dict:
        return {"files": self.files, "notices": self.notices, "issued": self.issued}


def _pct(x) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def evidence_rows(ev: dict) -> list[list[str]]:
    """The evidence table: the figures behind the listing, then each reason in words (no internal codes: the
    owner reads this). A ppm figure is the office's screening threshold (筛查阈值), never a legal limit."""
    m, reasons = ev.get("metrics") or {}, ev.get("reasons") or []
    codes = {r["code"] for r in reasons}
    figures = {r["code"]: r.get("figures") or {} for r in reasons}
    rows = []
    if any(c.startswith("EXC") for c in codes):
        f = figures.get("EXC_SHARE") or figures.get("EXC_DAYS") or {}
        thr = f.get("thr")
        rows.append(["NOx超过筛查阈值的时间占比", _pct(m.get("exceed_share")),
                     f"有效工况下SCR下游NOx平滑值超过本局设定的筛查阈值（{thr}ppm）的时间占比"
                     if thr is not None else "有效工况下SCR下游NOx平滑值超过本局设定的筛查阈值的时间占比"])
        days = figures.get("EXC_DAYS", {}).get("days")
        if days is not None:
            mins = figures["EXC_DAYS"].get("mins")
            rows.append(["超过筛查阈值的天数", f"{days}天",
                         f"当日累计超过筛查阈值{mins}分钟及以上的天数" if mins is not None
                         else "当日累计超过筛查阈值的天数"])
    # A zeroed, stuck or emulated downstream sensor makes the vehicle look clean: say so rather than print
    # a perfect efficiency on the notice of a suspected tamperer.
    suspect = "下游NOx传感器读数疑似被篡改，此数值不可信" if any(c.startswith("TAMPER_DOWN") for c in codes) else None
    if m.get("scr_efficiency") is not None:
        rows.append(["SCR热态转化效率", _pct(m["scr_efficiency"]), suspect or "正常应高于80%"])
    if m.get("bsnox_mg_kwh") is not None:
        method = ("核查期间排放总量与发动机做功之比；功基窗口按GB 17691-2018附录K" if m.get("bs_method") == "annex_k"
                  else "核查期间排放总量与发动机做功之比；按固定时间窗口计算（非功基窗口法），仅作筛查参考")
        rows.append(["比排放NOx", f"{m['bsnox_mg_kwh']:.0f} mg/kWh", suspect or method])
    rows.append(["数据上线率", _pct(m.get("online_rate")), f"最长连续离线{m.get('longest_offline_days', 0)}天"])
    if m.get("mil_share") or m.get("dtc_max"):
        rows.append(["故障指示灯（MIL）点亮占比", _pct(m.get("mil_share")), f"最多故障码{m.get('dtc_max', 0)}个"])
    # Notes for the office (days its imports do not cover, evidence still missing for white) are not findings
    # about the vehicle: they stay off the owner's notice.
    for r in reasons:
        if r.get("severity") != "info":
            rows.append([_category_zh(r["category"]), SEVERITY_ZH.get(r.get("severity"), ""), r["text"]])
    if len(rows) > EVIDENCE_ROWS:
        extra = len(rows) - EVIDENCE_ROWS + 1
        rows = [*rows[:EVIDENCE_ROWS - 1], ["其他", f"{extra}项", "其余证据见评分报告"]]
    return rows


def _category_zh(cat: str) -> str:
    return {"emission": "排放问题", "tamper": "疑似篡改", "data": "数据问题", "obd": "OBD故障"}.get(cat, cat)


def reason_categories(ev: dict) -> list[str]:
    """The categories of the reasons behind the entry, most serious first."""
    cats = {r["category"] for r in ev.get("reasons") or [] if r.get("severity") != "info"} or \
        {r["category"] for r in ev.get("reasons") or []}
    return [c for c in CATEGORY_ORDER if c in cats]


def _number(s, settings: dict, year: int) -> str:
    code = settings["bureau"]["code"]
    counter = s.get(NoticeCounter, (code, year), with_for_update=True)
    if counter is None:
        counter = NoticeCounter(bureau_code=code, year=year, last=0)
        s.add(counter)
    counter.last += 1
    s.flush()
    return settings["notices"]["number_pattern"].format(code=code, year=year, seq=counter.last)


def issue_notices(ws: Workspace, entry_ids: list[int] | None = None, *, today: date | None = None,
                  expected_numbers: list[str] | None = None) -> list[NoticeRef]:
    """A notice for each active black entry that has none yet (or for the given entries). All or nothing.
    expected_numbers: the numbers a preview showed; if another workstation took them meanwhile, Conflict and
    nothing is issued (the officer previews again rather than finding other numbers on paper)."""
    require(ws, "officer")
    settings = get_settings(ws)
    today = today or date.today()
    missing = [k for k in REQUIRED_CONTACT if not str(settings["bureau"].get(k) or "").strip()]
    if missing:
        raise InputError(Msg("a notice must tell the owner whom to contact: set {keys} in the office settings first",
                             keys=joined(f"bureau.{k}" for k in missing)))
    legal = in_force(legal_versions(ws), today)
    out = []
    with ws.Session.begin() as s:
        signer = s.scalar(select(User.display_name).where(User.username == ws.user))
        if not (signer or "").strip():
            raise InputError(Msg("notices are signed with the issuer's name: account {user} has no display name; "
                                 "an admin sets it (users set {user} --name ...)", user=ws.user))
        audit.serialise(s)  # notice numbers and the chain head stay in one order across workstations
        q = select(ListEntry, Vehicle).join(Vehicle, Vehicle.id == ListEntry.vehicle_id).where(
            ListEntry.list_kind == "black", ListEntry.status == "active")
        if entry_ids is not None:
            q = q.where(ListEntry.id.in_(entry_ids))
        have = set(s.scalars(select(Notice.list_entry_id).where(Notice.list_entry_id.is_not(None))))
        rows = [(e, v) for e, v in s.execute(q.order_by(ListEntry.id)) if e.id not in have]
        if entry_ids is not None:
            found = {e.id for e, _ in s.execute(q)}
            absent = sorted(set(entry_ids) - found)
            if absent:
                raise InputError(Msg("entries {ids} are not active black-list entries", ids=joined(absent)))
        for e, v in rows:
            seq, head = audit.head(s)
            number = _number(s, settings, today.year)
            content = notice_content(number, today, settings, e, v, (seq, head), legal, (signer or "").strip())
            n = Notice(number=number, vehicle_id=v.id, list_entry_id=e.id, issued_at=datetime.now(),
                       deadline=date.fromisoformat(content["deadline_iso"]), content=content, issued_by=ws.user)
            s.add(n)
            s.flush()
            audit.append(s, ws.user, "notice.issue", "notice", number,
                         after={"entry": e.id, "vin": v.vin, "deadline": content["deadline_iso"],
                                "ruleset_version": content["ruleset_version"]})
            out.append(NoticeRef(n.id, number, v.vin, v.plate))
        if expected_numbers is not None and [r.number for r in out] != list(expected_numbers):
            raise Conflict(Msg("the notice numbers changed since the preview (another workstation issued notices "
                               "meanwhile): nothing was issued; preview again"))
    return out


def notice_content(number: str, today: date, settings: dict, e: ListEntry, v: Vehicle,
                   head: tuple[int, str], legal: LegalTexts, signer: str) -> dict:
    b, n = settings["bureau"], settings["notices"]
    ev = e.evidence or {}
    cats = reason_categories(ev)
    # What the owner must do and what follows if not, matched to the reasons: a tampering penalty only for
    # tampering, terminal reconnection only for data faults.
    needs = ([REQUIRE_REPAIR] if {"tamper", "emission"} & set(cats) else []) + \
        ([REQUIRE_OBD] if "obd" in cats and not {"tamper", "emission"} & set(cats) else []) + \
        ([REQUIRE_TERMINAL] if "data" in cats else [])
    consequences = [legal.consequence(c) for c in cats]
    deadline = today + timedelta(days=n["deadline_days"])
    rights = legal.rights.format(body=b.get("reconsideration_body") or "本级人民政府",
                                 court=b.get("court") or "有管辖权的人民法院")
    c = {
        "number": number, "issued_on": f"{today.year}年{today.month}月{today.day}日",
        "bureau_name": b["name"], "bureau_address": b["address"], "bureau_phone": b["phone"],
        "bureau_contact": b["contact"], "owner": v.owner or "车辆所有人", "owner_address": v.address or "",
        "owner_contact": v.contact or "", "plate": v.plate or "", "vin": v.vin,
        "emission_stage": v.emission_stage or "",
        "vehicle_type": v.vehicle_type or "", "engine_model": v.engine_model or "", "terminal_id": v.terminal_id or "",
        "period_from": str(ev.get("period_from", "")), "period_to": str(ev.get("period_to", "")),
        "ruleset_version": str(ev.get("ruleset_version", "")), "score": str(ev.get("score", "")),
        "listed_on": str(e.effective_from or ""), "legal_basis": legal.basis,
        "legal_version": legal.effective_from, "legal_verified": "是" if legal.verified else "否",
        "requirement": _numbered(needs), "rights": rights, "signer": signer,
        "deadline": f"{deadline.year}年{deadline.month}月{deadline.day}日", "deadline_iso": deadline.isoformat(),
        "recheck": RECHECK.format(clean_days=settings["lists"]["removal_clean_days"]),
        "consequences": _numbered(consequences), "audit_seq": str(head[0]), "audit_hash": head[1],
        "entry_id": e.id,
    }
    # Registry and settings text is user-supplied: neutralised once here, so every rendering is the same.
    for k, val in list(c.items()):
        if isinstance(val, str):
            c[k] = safe_text(val)
    for i, row in enumerate(evidence_rows(ev), start=1):
        c[f"ev{i}_item"], c[f"ev{i}_value"], c[f"ev{i}_note"] = (safe_text(str(x)) for x in row)
    return c


def _numbered(texts: list[str]) -> str:
    return "".join(f"{i + 1}. {t}" for i, t in enumerate(texts)) if len(texts) > 1 else "".join(texts)


_TEMPLATE_BYTES: bytes | None = None


def _template() -> Workbook:
    global _TEMPLATE_BYTES
    if _TEMPLATE_BYTES is None:  # read once: a batch of 500 notices parses bytes from memory
        _TEMPLATE_BYTES = resource("templates", "rectification_notice.xlsx").read_bytes()
    return load_workbook(BytesIO(_TEMPLATE_BYTES))


def _first_sheet(wb: Workbook) -> Worksheet:
    """The template's sheet (openpyxl types wb.active as any kind of sheet, or none)."""
    sheet = wb.worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def fill(sheet: Worksheet, content: dict) -> list[tuple]:
    """Replace every {{field}} in the sheet; a field the notice does not have (an unused evidence row) is
    left empty, and an evidence row left empty is hidden. Cells are set as text, so nothing filled in can
    become a formula. Returns what was changed, for restore()."""
    changed: list[tuple] = []
    for row in sheet.iter_rows():
        used = unused = 0
        evidence_only = True
        for cell in row:
            v = cell.value
            if not isinstance(v, str) or "{{" not in v:
                continue
            names = MARKER.findall(v)
            evidence_only &= all(n.startswith("ev") for n in names)
            if any(content.get(n) for n in names):
                used += 1
            else:
                unused += 1
            changed.append((cell, v))
            cell.value = MARKER.sub(lambda m: str(content.get(m.group(1), "")), v)
            cell.data_type = "s"
        if unused and not used and evidence_only:
            dim = sheet.row_dimensions[int(row[0].row or 0)]
            changed.append((dim, dim.hidden))
            dim.hidden = True
    # The history's head when the notice was issued (audit verify --head SEQ:HASH checks it against the database).
    head = f"{content['audit_seq']}:{audit.short(content['audit_hash'])}"
    print_setup(sheet, footer_left=f"{content['number']}  审计链头 {head}")
    return changed


def restore(changed: list[tuple]) -> None:
    """Put the template back as it was before fill()."""
    for obj, old in reversed(changed):
        if isinstance(obj, RowDimension):
            obj.hidden = old
        else:
            obj.value = old


def _safe_sheet_title(text: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "_", text)[:28] or "notice"
    title, i = base, 2
    while title in used:
        title = f"{base[:26]}_{i}"
        i += 1
    used.add(title)
    return title


def _safe_file_name(text: str) -> str:
    return re.sub(r'[<>:"/\\|?*\x00-\x1f〔〕]', "_", text).strip(" .") or "notice"


def export_notices(ws: Workspace, out_dir: Path, *, notice_ids: list[int] | None = None, one_workbook: bool = False,
                   issue_missing: bool = True, progress: ProgressFn | None = None,
                   cancel: CancelToken | None = None) -> ExportResult:
    """Write notices: one file each, or one workbook with a sheet each. With issue_missing, active black
    entries without a notice get one first. Each file appears complete or not at all; a cancel stops
    between notices."""
    require(ws, "officer")
    cancel = cancel or CancelToken()
    prog = Throttled(progress)
    result = ExportResult()
    if issue_missing and notice_ids is None:
        result.issued = len(issue_notices(ws))
    with ws.Session() as s:
        q = select(Notice).order_by(Notice.id)
        if notice_ids is not None:
            q = q.where(Notice.id.in_(notice_ids))
        notices = [(n.id, n.number, n.content) for n in s.scalars(q)]
    if notice_ids is not None and len(notices) != len(set(notice_ids)):
        missing = sorted(set(notice_ids) - {n[0] for n in notices})
        raise InputError(Msg("no notice {ids}", ids=joined(missing)))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if one_workbook:
        wb = _template()
        template = _first_sheet(wb)
        used: set[str] = set()
        for i, (_, number, content) in enumerate(notices):
            cancel.check()
            sheet = wb.copy_worksheet(template)
            sheet.title = _safe_sheet_title(content["plate"] or number, used)
            sheet.print_area = template.print_area
            fill(sheet, content)
            prog((i + 1) / max(len(notices), 1), Msg("notice {number}", number=number))
        wb.remove(template)
        if notices:
            path = save(wb, out_dir / f"整改通知书_{date.today():%Y%m%d}.xlsx")
            result.files.append(str(path))
    else:
        # One parsed template for the whole batch, filled, saved and put back for the next notice: parsing
        # the template took more than half of each notice's time.
        wb = _template()
        for i, (_, number, content) in enumerate(notices):
            cancel.check()
            changed = fill(_first_sheet(wb), content)
            try:
                name = f"{_safe_file_name(number)}_{_safe_file_name(content['plate'] or content['vin'])}.xlsx"
                result.files.append(str(save(wb, out_dir / name)))
            finally:
                restore(changed)
            prog((i + 1) / max(len(notices), 1), Msg("notice {number}", number=number))
    result.notices = len(notices)
    return result


class NoticeRow(TypedDict):
    id: int
    number: str
    vin: str | None
    plate: str | None
    owner: str | None
    issued_at: str
    deadline: date | None
    issued_by: str
    entry_id: int | None


def list_notices(ws: Workspace) -> list[NoticeRow]:
    with ws.Session() as s:
        return [{"id": n.id, "number": n.number, "vin": n.content.get("vin"), "plate": n.content.get("plate"),
                 "owner": n.content.get("owner"), "issued_at": n.issued_at.isoformat(timespec="seconds"),
                 "deadline": n.deadline, "issued_by": n.issued_by, "entry_id": n.list_entry_id}
                for n in s.scalars(select(Notice).order_by(Notice.id))]


# --- issuing from a preview of selected entries -------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """An active black-list entry without a notice: what the officer picks notices from."""

    entry_id: int
    vin: str
    plate: str | None
    owner: str | None
    effective_from: date | None
    reasons: list[str]  # the reasons in Chinese, as the notice prints them
    reasons_en: list[str]


def _texts(ev: dict, key: str) -> list[str]:
    return [str(r.get(key) or r.get("text") or r.get("code")) for r in ev.get("reasons") or []
            if r.get("severity") != "info"]


def notice_candidates(ws: Workspace) -> list[Candidate]:
    with ws.Session() as s:
        have = select(Notice.list_entry_id).where(Notice.list_entry_id.is_not(None))
        q = (select(ListEntry, Vehicle).join(Vehicle, Vehicle.id == ListEntry.vehicle_id)
             .where(ListEntry.list_kind == "black", ListEntry.status == "active", ListEntry.id.not_in(have))
             .order_by(ListEntry.id))
        return [Candidate(e.id, v.vin, v.plate, v.owner, e.effective_from, _texts(e.evidence or {}, "text"),
                          _texts(e.evidence or {}, "text_en")) for e, v in s.execute(q)]


@dataclass(frozen=True)
class PreviewItem:
    entry_id: int
    number: str  # the number it will get if issued now
    vin: str
    plate: str | None
    owner: str | None
    owner_address: str | None
    owner_contact: str | None
    reasons: list[str]
    reasons_en: list[str]


@dataclass
class NoticePreview:
    """What issuing the selected entries would do, computed without changing anything."""

    items: list[PreviewItem]
    on: date
    deadline: date
    bureau: str
    contact: str
    phone: str
    address: str
    signer: str | None
    blocked: str | None = None  # why these cannot be issued now (a Msg), e.g. contact details missing

    @property
    def numbers(self) -> list[str]:
        return [i.number for i in self.items]


def preview_notices(ws: Workspace, entry_ids: list[int], *, today: date | None = None) -> NoticePreview:
    """The notices the given active black entries would get, with the numbers that issuing now assigns (the
    next ones of the bureau's counter, consecutive). Reads only: a cancelled preview leaves no gap."""
    if not entry_ids:
        raise InputError(Msg("select one or more black-list entries first"))
    settings = get_settings(ws)
    today = today or date.today()
    b = settings["bureau"]
    with ws.Session() as s:
        rows = {e.id: (e, v) for e, v in s.execute(
            select(ListEntry, Vehicle).join(Vehicle, Vehicle.id == ListEntry.vehicle_id)
            .where(ListEntry.id.in_(entry_ids), ListEntry.list_kind == "black", ListEntry.status == "active"))}
        missing = sorted(set(entry_ids) - rows.keys())
        if missing:
            raise InputError(Msg("entries {ids} are not active black-list entries", ids=joined(missing)))
        issued: dict[int, str] = {i: n for i, n in s.execute(
            select(Notice.list_entry_id, Notice.number).where(Notice.list_entry_id.in_(entry_ids)))
            if i is not None}
        if issued:
            raise InputError(Msg("entries {ids} already have a notice ({numbers})", ids=joined(sorted(issued)),
                                 numbers=joined(issued[i] for i in sorted(issued))))
        counter = s.get(NoticeCounter, (b["code"], today.year))
        last = counter.last if counter is not None else 0
        signer = s.scalar(select(User.display_name).where(User.username == ws.user))
        items = []
        for i, entry_id in enumerate(sorted(set(entry_ids))):  # issue_notices numbers them in entry order
            e, v = rows[entry_id]
            number = settings["notices"]["number_pattern"].format(code=b["code"], year=today.year, seq=last + i + 1)
            items.append(PreviewItem(e.id, number, v.vin, v.plate, v.owner, v.address, v.contact,
                                     _texts(e.evidence or {}, "text"), _texts(e.evidence or {}, "text_en")))
    blocked = None
    gaps = [k for k in REQUIRED_CONTACT if not str(b.get(k) or "").strip()]
    if gaps:
        blocked = Msg("a notice must tell the owner whom to contact: set {keys} in the office settings first",
                      keys=joined(f"bureau.{k}" for k in gaps))
    elif not (signer or "").strip():
        blocked = Msg("notices are signed with the issuer's name: account {user} has no display name; an admin "
                      "sets it (users set {user} --name ...)", user=ws.user)
    return NoticePreview(items, today, today + timedelta(days=settings["notices"]["deadline_days"]), b["name"],
                         b.get("contact") or "", b.get("phone") or "", b.get("address") or "",
                         (signer or "").strip() or None, blocked)


@dataclass
class IssueResult:
    notices: list[NoticeRef]
    folder: str
    files: list[str]


def issue_selected(ws: Workspace, entry_ids: list[int], out_dir: Path, *, expected_numbers: list[str] | None = None,
                   one_workbook: bool = False, progress: ProgressFn | None = None,
                   cancel: CancelToken | None = None) -> IssueResult:
    """Issue notices for exactly these entries (numbers assigned in one audited transaction, as the preview
    showed them) and write their files. A cancel while writing leaves the notices issued: write them again
    from the issued list."""
    refs = issue_notices(ws, sorted(set(entry_ids)), expected_numbers=expected_numbers)
    if not refs:
        return IssueResult([], str(out_dir), [])
    res = export_notices(ws, out_dir, notice_ids=[r.id for r in refs], one_workbook=one_workbook,
                         progress=progress, cancel=cancel)
    return IssueResult(refs, str(out_dir), res.files)


def issue_block(selected: int, role: str | None) -> str | None:
    """Why the selected candidates cannot be issued (a Msg), or None."""
    if role is None:
        return Msg("nobody is signed in: notices are issued by a signed-in officer")
    if not selected:
        return Msg("select one or more black-list entries first")
    return None
