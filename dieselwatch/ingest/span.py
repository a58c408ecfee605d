"""The time span an export says it covers, from the title rows above its header:
"查询时间：2026-10-01 00:00:00 至 2026-10-31 23:59:59", "统计时间段 2026-10-01~2026-10-31", "开始时间 … 结束时间 …".

A platform exports a period whether or not a vehicle sent anything in it: a vehicle silent through the stated
span was covered and sent nothing, which is not the same as a period nobody exported. The rows are read here
from the file's first lines or sheet rows (the reader itself only looks for the header)."""

from __future__ import annotations

import codecs
import csv
import re
from datetime import date, datetime, time
from pathlib import Path

_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_TIME = r"(?:[\sT]*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})\s*秒?)?)?"
_STAMP = _DATE + _TIME
_RANGE = re.compile(_STAMP + r"\s*(?:至|到|~|～|—{1,2}|–|-|－|→)\s*" + _STAMP)
_ONE = re.compile(_STAMP)
_START_WORDS = ("开始时间", "起始时间", "开始日期", "起始日期", "起始", "开始")
_END_WORDS = ("结束时间", "截止时间", "终止时间", "结束日期", "截止日期", "结束", "截止")
MAX_TITLE_ROWS = 30


def _stamp(groups, end: bool) -> datetime | None:
    y, mo, d, h, mi, s = groups
    try:
        day = date(int(y), int(mo), int(d))
        if h is None:  # a bare date: the whole day, to its last second when it ends the span
            return datetime.combine(day, time(23, 59, 59) if end else time(0, 0, 0))
        return datetime.combine(day, time(int(h), int(mi), int(s or 0)))
    except ValueError:
        return None


def _cell_text(c) -> str:
    if c is None:
        return ""
    if isinstance(c, datetime):
        return c.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(c, date):
        return c.isoformat()
    return str(c).strip()


def stated_span(rows: list[list]) -> tuple[datetime, datetime] | None:
    """The span stated in the title rows (cells of the rows above the header), or None when none is stated.
    A "from … to …" on one row wins; else a start-time and an end-time label, each followed by a time."""
    texts = [" ".join(t for t in map(_cell_text, r) if t) for r in rows[:MAX_TITLE_ROWS]]
    for text in texts:
        m = _RANGE.search(text)
        if m:
            g = m.groups()
            a, b = _stamp(g[:6], end=False), _stamp(g[6:], end=True)
            if a and b and a <= b:
                return a, b
    start = end = None
    for text in texts:
        for word_list, is_end in ((_START_WORDS, False), (_END_WORDS, True)):
            for w in word_list:
                i = text.find(w)
                if i < 0:
                    continue
                m = _ONE.search(text, i + len(w))
                if m:
                    t = _stamp(m.groups(), end=is_end)
                    if is_end and end is None:
                        end = t
                    elif not is_end and start is None:
                        start = t
                break
    if start and end and start <= end:
        return start, end
    return None


def title_rows(path: Path, *, kind: str, encoding: str | None, delimiter: str | None, sheet: str | None,
               header_row: int, loaded_sheet=None) -> list[list]:
    """The rows above the header (header_row is 0-based), as cells. Failing to read them is not an error:
    the span then comes from the samples."""
    n = min(header_row, MAX_TITLE_ROWS)
    if n <= 0:
        return []
    try:
        if kind == "csv":
            with open(path, "rb") as fh:
                head = fh.read(64 * 1024)
            text = codecs.decode(head, encoding or "utf-8", errors="ignore").lstrip("\ufeff")
            return list(csv.reader(text.splitlines()[:n], delimiter=delimiter or ","))
        rows_iter = loaded_sheet.iter_rows() if loaded_sheet is not None else _sheet_rows(path, sheet)
        out: list[list[object]] = []
        for r in rows_iter:
            if len(out) >= n:
                break
            out.append(list(r))
        return out
    except Exception:  # noqa: BLE001 - an unreadable title is "no stated span", never a failed import
        return []


def _sheet_rows(path: Path, sheet: str | None):
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_name(sheet or wb.sheet_names[0]).iter_rows()
