"""Workbooks for publication and review: the black and white list publication, and a scoring run's report.
Both are print-ready (A4 landscape, one page wide, header row repeated on every page)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from sqlalchemy import select

from dieselwatch.errors import InputError
from dieselwatch.messages import Msg, sentences
from dieselwatch.services.excel import first_sheet, fit_row_heights, print_setup, save, write_sheet
from dieselwatch.services.privacy import published_owner
from dieselwatch.services.settings import get_settings
from dieselwatch.storage import audit
from dieselwatch.storage.models import ListEntry, Score, ScoreRun, Vehicle
from dieselwatch.workspace import Workspace

PROPOSAL_ZH = {"black": "黑名单", "white": "白名单", "watch": "重点关注", "none": "无建议"}


def _reason_summary(reasons: list[dict], limit: int = 3) -> str:
    texts = [r["text"] for r in reasons[:limit]]
    if len(reasons) > limit:
        texts.append(f"等{len(reasons)}项。")
    return sentences(texts)


def export_publication(ws: Workspace, out: Path) -> Path:
    """Active black and white entries, one sheet each, for publication or hand-out. Published, so private owners
    are masked (services/privacy.py); the scoring report below is internal and shows everything."""
    bureau = get_settings(ws)["bureau"]["name"]
    wb = Workbook()
    wb.remove(first_sheet(wb))
    with ws.Session() as s:
        seq, head = audit.head(s)  # printed on every page: audit verify --head SEQ:HASH checks it later
        for kind, title in (("black", "黑名单"), ("white", "白名单")):
            q = (select(ListEntry, Vehicle).join(Vehicle, Vehicle.id == ListEntry.vehicle_id)
                 .where(ListEntry.list_kind == kind, ListEntry.status.in_(("active", "removal_pending")))
                 .order_by(ListEntry.effective_from, Vehicle.plate))
            rows = []
            for i, (e, v) in enumerate(s.execute(q), start=1):
                ev = e.evidence or {}
                owner, vin = published_owner(v.owner, v.vin)  # private persons masked, firms in full
                rows.append([i, v.plate, vin, owner, v.county, e.effective_from, e.review_date,
                             f"{ev.get('period_from', '')} 至 {ev.get('period_to', '')}", ev.get("score"),
                             _reason_summary(ev.get("reasons", [])) if kind == "black" else "数据完整、排放达标"])
            sheet = wb.create_sheet(title)
            write_sheet(sheet, ["序号", "车牌号", "车辆识别代号", "车辆所有人", "区县", "列入日期", "复核日期",
                                "核查期间", "评分", "原因摘要"], rows, widths=[6, 11, 20, 22, 10, 11, 11, 22, 6, 50])
            for row in sheet.iter_rows(min_row=2, min_col=6, max_col=7):
                for c in row:
                    c.number_format = "yyyy-mm-dd"
            _wrap(sheet, [8, 10])
            print_setup(sheet, landscape=True, header=f"{bureau} 机动车排放{title} {date.today():%Y-%m-%d}",
                        footer_left=f"审计链头 {seq}:{audit.short(head)}", title_rows="1:1")
    return save(wb, out)


def export_score_report(ws: Workspace, out: Path, run_id: int | None = None) -> Path:
    """One scoring run: every vehicle with score, proposal, reasons and the key figures."""
    with ws.Session() as s:
        run = s.get(ScoreRun, run_id) if run_id else s.scalar(
            select(ScoreRun).where(ScoreRun.trial.is_(False)).order_by(ScoreRun.id.desc()).limit(1))
        if run is None:
            raise InputError(Msg("no scoring run {run}", run=run_id) if run_id else
                             Msg("no scoring run yet: score a period first"))
        q = (select(Score, Vehicle).join(Vehicle, Vehicle.id == Score.vehicle_id).where(Score.run_id == run.id)
             .order_by(Score.score, Vehicle.vin))
        rows = []
        for sc, v in s.execute(q):
            m = sc.metrics
            rows.append([v.plate, v.vin, v.owner, sc.score, PROPOSAL_ZH.get(sc.proposal, sc.proposal),
                         m.get("online_rate"), m.get("completeness"), m.get("exceed_share"), m.get("scr_efficiency"),
                         m.get("bsnox_mg_kwh"), m.get("longest_offline_days"), m.get("days_with_data"),
                         ",".join(r["code"] for r in sc.reasons), sentences(r["text"] for r in sc.reasons)])
        period = f"{run.period_from} 至 {run.period_to}"
        version = run.ruleset_version
    wb = Workbook()
    sheet = first_sheet(wb)
    sheet.title = "评分结果"
    write_sheet(sheet, ["车牌号", "车辆识别代号", "车辆所有人", "评分", "建议", "上线率", "数据完整率", "超标时间占比",
                        "SCR热态效率", "比排放NOx(mg/kWh)", "最长离线(天)", "有数据天数", "原因代码", "原因说明"],
                rows, widths=[11, 20, 20, 6, 8, 8, 9, 10, 10, 11, 10, 9, 18, 60])
    _wrap(sheet, [3, 13, 14])
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=9):
        for c in row:
            c.number_format = "0.0%"
    for row in sheet.iter_rows(min_row=2, min_col=10, max_col=10):
        for c in row:
            c.number_format = "0"
    print_setup(sheet, landscape=True, header=f"评分报告 {period} 规则 {version}", title_rows="1:1")
    return save(wb, out)


def _wrap(sheet, columns: list[int]) -> None:
    """Long text wraps inside its column (the row grows) instead of running across the page, which would
    make fit-to-width shrink the whole sheet."""
    for row in sheet.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(vertical="top", wrap_text=c.column in columns)
    fit_row_heights(sheet, columns)
    sheet.print_area = sheet.dimensions
