"""Any table as the officer sees it, written to an Excel workbook: a title row, the header frozen and filterable,
text that reads as a number or an ISO date written as one, a CJK font, and a page set-up that prints one page wide
in landscape with the header repeated. Qt-free: the GUI hands over the shown rows as plain values."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dieselwatch.errors import InputError
from dieselwatch.messages import Msg
from dieselwatch.services.excel import HEADER_FILL, first_sheet, fit_row_heights, print_setup, safe_text, text_width

# SimSun ships with every Chinese Windows and WPS; elsewhere LibreOffice substitutes a CJK font for it.
CJK_FONT = "宋体"
TITLE_ROW, HEADER_ROW = 1, 2
MAX_WIDTH = 60  # characters; longer text wraps

# Text shown in tables that is really a number or a date. Leading zeros and more than 15 digits stay text:
# Excel would drop the zeros of a code and round an ID number.
_INT = re.compile(r"-?(0|[1-9]\d{0,14})")
_GROUPED = re.compile(r"-?[1-9]\d{0,2}(,\d{3})+")
_FLOAT = re.compile(r"-?(0|[1-9]\d{0,14})\.\d{1,10}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?")
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"


def cell_value(value):
    """The value a shown cell stands for: numbers, dates and datetimes as themselves, everything else as text."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, (int, float, date)):  # datetime is a date
        return value
    text = str(value).strip()
    try:
        if _INT.fullmatch(text):
            return int(text)
        if _GROUPED.fullmatch(text):
            return int(text.replace(",", ""))
        if _FLOAT.fullmatch(text):
            return float(text)
        if _DATE.fullmatch(text):
            return date.fromisoformat(text)
        if _DATETIME.fullmatch(text):
            return datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:  # 2026-13-45 looks like a date and is not one: keep the text
        pass
    return str(value)


def _display_width(v) -> int:
    if isinstance(v, datetime):
        return 19
    if isinstance(v, date):
        return 10
    if isinstance(v, float):
        return len(f"{v:g}")
    return max((text_width(line) for line in str(v).split("\n")), default=0)


def write_rows(path: Path | str, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> Path:
    """Write the rows under a title row and a header row. The file appears whole or not at all: it is written
    next to the target and renamed over it, so a workbook open in Excel is left as it was."""
    path = Path(path)
    headers = [str(h) for h in headers]
    n = len(headers)
    if n == 0:
        raise InputError(Msg("a table without columns cannot be exported"), file=str(path))
    if not path.parent.is_dir():
        raise InputError(Msg("the folder {folder} does not exist", folder=str(path.parent)), file=str(path))
    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = (re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Sheet1")[:31]
    body = Font(name=CJK_FONT, size=11)
    figure = Alignment(horizontal="right", indent=1)  # keeps a number off the text of the next column
    bold = Font(name=CJK_FONT, size=11, bold=True)

    ws.cell(TITLE_ROW, 1, safe_text(title)).font = Font(name=CJK_FONT, size=14, bold=True)
    ws.row_dimensions[TITLE_ROW].height = 24
    if n > 1:
        ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=n)
    widths = [text_width(h) for h in headers]
    for c, h in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, c, safe_text(h))
        cell.font, cell.fill = bold, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    r = HEADER_ROW
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        if len(row) != n:
            raise InputError(Msg("row {row} has {found} values for {expected} columns", row=r - HEADER_ROW,
                                 found=len(row), expected=n), file=str(path))
        for c, raw in enumerate(row, start=1):
            v = cell_value(raw)
            cell = ws.cell(r, c, safe_text(v))
            cell.font = body
            if not isinstance(v, str):
                cell.alignment = figure
            if isinstance(v, datetime):
                cell.number_format = DATETIME_FORMAT if v.second else DATETIME_FORMAT[:-3]
            elif isinstance(v, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(v, int):
                cell.number_format = "0"
            if r < HEADER_ROW + 2000:  # widths from the first rows: enough to size, cheap for 20,000 rows
                widths[c - 1] = max(widths[c - 1], _display_width(v))

    wrapped = []
    for c, w in enumerate(widths, start=1):
        if w > MAX_WIDTH:
            wrapped.append(c)
        ws.column_dimensions[get_column_letter(c)].width = min(max(w, 6), MAX_WIDTH) + 2
    for c in wrapped:
        for (cell,) in ws.iter_rows(min_row=HEADER_ROW + 1, min_col=c, max_col=c):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if wrapped:
        fit_row_heights(ws, wrapped, min_row=HEADER_ROW + 1)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(n)}{max(r, HEADER_ROW)}"
    print_setup(ws, landscape=True, header=datetime.now().strftime("%Y-%m-%d %H:%M"), footer_left=title,
                title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    ws.print_options.gridLines = True  # a table on paper needs its lines

    fd, tmp = tempfile.mkstemp(suffix=".xlsx", prefix=".export-", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except PermissionError as exc:
        raise InputError(Msg("cannot write the file: it is open in another program or the folder is read-only"),
                         file=str(path)) from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
