"""Writing workbooks officers open in Excel: text is neutralised against formula injection and stripped of
characters Excel refuses, so a hostile VIN or owner name in an export cannot run as a formula."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what openpyxl/Excel refuse in a cell
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def first_sheet(wb: Workbook) -> Worksheet:
    """The first worksheet (a new workbook's only one; wb.active may name a chart sheet or nothing)."""
    sheet = wb.worksheets[0]
    if not isinstance(sheet, Worksheet):
        raise TypeError("the first sheet is not a worksheet")
    return sheet


def safe_text(value):
    """Numbers stay numbers; text loses control characters and gets a leading apostrophe-equivalent (a quote
    character) when Excel would read it as a formula."""
    if not isinstance(value, str):
        return value
    text = _ILLEGAL.sub("", value)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text[:32767]


def write_sheet(ws, header: list[str], rows, widths: list[int] | None = None) -> None:
    ws.append([safe_text(h) for h in header])
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.alignment = Alignment(vertical="center", wrap_text=True)
    for r in rows:
        ws.append([safe_text(v) for v in r])
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{ws.max_row}"
    for i, w in enumerate(widths or [18] * len(header), start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def print_setup(ws, *, landscape: bool = False, header: str = "", footer_left: str = "",
                title_rows: str | None = None) -> None:
    """Print-ready: A4, margins, one page wide (as many pages long as it takes), page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_margins = PageMargins(left=0.6, right=0.6, top=0.75, bottom=0.75, header=0.3, footer=0.3)
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_options.horizontalCentered = True
    ws.oddHeader.right.text = _hf(header)
    ws.oddFooter.left.text = _hf(footer_left)
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    for part in (ws.oddHeader.right, ws.oddFooter.left, ws.oddFooter.center):
        part.size, part.font = 8, "宋体"
    if title_rows:
        ws.print_title_rows = title_rows


def text_width(text: str) -> int:
    """Width in Excel's character units: CJK characters take two."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def fit_row_heights(ws, wrap_columns: list[int], min_row: int = 2, line_height: float = 14.5) -> None:
    """Row heights for wrapped text. Excel and LibreOffice do not grow rows of a generated file by themselves,
    so without this wrapped lines print on top of each other."""
    widths = {c: (ws.column_dimensions[get_column_letter(c)].width or 8.43) for c in wrap_columns}
    for row in ws.iter_rows(min_row=min_row):
        lines = 1
        for c in row:
            if c.column in widths and isinstance(c.value, str) and c.value:
                per_line = max(widths[c.column] - 1, 1)
                lines = max(lines, sum(-(-max(text_width(part), 1) // int(per_line)) for part in c.value.split("\n")))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = min(lines * line_height, 409)


def _hf(text: str) -> str:
    return _ILLEGAL.sub("", text).replace("&", "&&")[:200]  # '&' starts a header/footer code


def save(wb: Workbook, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)  # never leave a half-written workbook under the real name
    return path
