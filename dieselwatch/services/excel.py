"""Writing workbooks officers open in Excel: text is neutralised against formula injection and stripped of
characters Excel refuses, so a hostile VIN or owner name in an export cannot run as a formula."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what openpyxl/Excel refuse in a cell
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


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


def save(wb: Workbook, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)  # never leave a half-written workbook under the real name
    return path
