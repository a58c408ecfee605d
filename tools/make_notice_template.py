"""Build resources/templates/rectification_notice.xlsx, the rectification notice (整改通知书) template.

  python tools/make_notice_template.py

A bureau may restyle or reword the template in Excel: the notice service replaces every {{field}} marker it
finds in any cell (dieselwatch/services/notices.py lists the fields) and keeps everything else as it is.
Page set-up (A4, margins, fit to one page wide, header and footer) is re-applied by the service as well."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "templates" / "rectification_notice.xlsx"
FONT = "宋体"  # SimSun: on every Chinese Windows; LibreOffice substitutes a CJK font elsewhere
EVIDENCE_ROWS = 10


def build() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "整改通知书"
    widths = {"A": 16, "B": 22, "C": 16, "D": 22, "E": 12, "F": 12}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    normal = Font(name=FONT, size=11)
    bold = Font(name=FONT, size=11, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row = 1

    def line(text, *, font=normal, align=wrap, height=None, cols="A:F"):
        nonlocal row
        a, b = cols.split(":")
        ws.merge_cells(f"{a}{row}:{b}{row}")
        c = ws[f"{a}{row}"]
        c.value, c.font, c.alignment = text, font, align
        if height:
            ws.row_dimensions[row].height = height
        row += 1

    line("{{bureau_name}}", font=Font(name=FONT, size=14, bold=True), align=center, height=24)
    line("机动车排气污染整改通知书", font=Font(name=FONT, size=20, bold=True), align=center, height=36)
    line("{{number}}", align=Alignment(horizontal="right"))
    row += 1
    line("{{owner}}：", font=bold)
    line("经对重型柴油车远程在线监控数据核查（核查期间{{period_from}}至{{period_to}}），你（单位）所属下列车辆存在下列问题，"
         "已于{{listed_on}}列入机动车排放监管黑名单实施重点监管。依据{{legal_basis}}的规定，现责令你（单位）限期整改。",
         height=78)
    row += 1
    line("一、车辆信息", font=bold)
    middle = Alignment(vertical="center", wrap_text=True)

    def boxed(cells: list[tuple[str, object]], last_from: str, height: float) -> None:
        """One table row: (text, font) per column from A, the last cell merged from last_from to F."""
        nonlocal row
        for col, (text, font) in zip("ABCD", cells, strict=False):
            cell = ws[f"{col}{row}"]
            cell.value, cell.font, cell.border = text, font, box
            cell.alignment = center if font is bold and last_from == "C" else middle
        ws.merge_cells(f"{last_from}{row}:F{row}")
        for col in "CDEF"[("CDEF".index(last_from) + 1):]:
            ws[f"{col}{row}"].border = box
        ws.row_dimensions[row].height = height
        row += 1

    pairs = [("车牌号", "{{plate}}", "车辆识别代号", "{{vin}}"),
             ("排放阶段", "{{emission_stage}}", "车辆类型", "{{vehicle_type}}"),
             ("发动机型号", "{{engine_model}}", "车载终端编号", "{{terminal_id}}"),
             ("联系电话", "{{owner_contact}}", "车主地址", "{{owner_address}}")]
    for a, b, c, d in pairs:
        boxed([(a, bold), (b, normal), (c, bold), (d, normal)], "D", 30 if "owner_address" in d else 20)
    row += 1
    line("二、核查证据（核查期间{{period_from}}至{{period_to}}，评分规则版本{{ruleset_version}}，合规评分{{score}}）",
         font=bold, height=30)
    boxed([("项目", bold), ("数值", bold), ("说明", bold)], "C", 20)
    for i in range(1, EVIDENCE_ROWS + 1):
        boxed([(f"{{{{ev{i}_{k}}}}}", normal) for k in ("item", "value", "note")], "C", 30)
    row += 1
    line("三、整改要求", font=bold)
    line("{{requirement}}", height=48)
    line("整改期限：请于{{deadline}}前完成整改，并将维修记录（维修单位、维修项目、更换部件）报送我局。", height=32)
    line("四、复查方式", font=bold)
    line("{{recheck}}", height=48)
    line("五、法律后果", font=bold)
    line("{{consequences}}", height=64)
    line("六、权利告知", font=bold)
    line("{{rights}}", height=48)
    row += 1
    line("联系人：{{bureau_contact}}    电话：{{bureau_phone}}    地址：{{bureau_address}}", height=30)
    row += 1
    line("经办人：{{signer}}", align=Alignment(horizontal="right"), cols="C:F")
    line("{{bureau_name}}（盖章）", align=Alignment(horizontal="right"), cols="C:F")
    line("{{issued_on}}", align=Alignment(horizontal="right"), cols="C:F")
    row += 1
    line("签收人：                    签收日期：", cols="A:F")
    line("审计链头：第{{audit_seq}}号事件 {{audit_hash}}", font=Font(name=FONT, size=8, color="666666"), height=24)
    ws.print_area = f"A1:F{row - 1}"
    return wb


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    build().save(OUT)
    print(f"wrote {OUT}")
