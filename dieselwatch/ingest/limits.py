"""Bounds an export file must keep before any reader sees it.

python-calamine sizes a sheet by its cell references: one cell at XFD1048576 in a 5 KB workbook makes it try to
allocate 512 GB (the process aborts), one at Z1000000 costs 1.4 GB. A zip's headers may lie about sizes, and a bomb
padded with incompressible data passes a whole-file ratio check. So every part of a workbook is inflated here as a
stream (never more than its declared size, never more than the cap), its declared and actual sizes compared, and
each sheet's <dimension ref> and its real cell extent (the largest row and column any reference names) checked
against absolute caps. Old .xls (OLE) workbooks are only size-capped: their sheets cannot be scanned without a
reader. Caps come from the environment (README, "Configuration")."""

from __future__ import annotations

import codecs
import csv
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from dieselwatch.errors import InputError
from dieselwatch.messages import Msg

# The standard library's zlib, not ISA-L: isal_zlib's decompressobj with max_length never reported the end of
# a stream here (every honest workbook refused as truncated), and it saved only ~0.05 s on a 100k-row sheet.
_zlib = zlib

MB = 1 << 20
# What a damaged zip raises from the standard library's reader and from the inflaters.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
              RuntimeError, struct.error, zlib.error)
EXCEL_ROWS = 1_048_576
IN_CHUNK = 256 << 10
OUT_CHUNK = 4 << 20
OVERLAP = 256  # carried into the next chunk when a chunk has no tag at all
SMALL_PART = 1 << 20  # below this a part's compression ratio says nothing
MAX_PARTS = 10_000
META_PART_MAX = 16 << 20  # workbook.xml and its relationships: names only


@dataclass(frozen=True)
class Limits:
    max_rows: int = EXCEL_ROWS
    max_columns: int = 1024
    # The cells a reader allocates: the sheet's bounding box from A1. 25 M holds an honest 1 M-row, 24-column
    # export; calamine needs about 50 bytes a cell.
    max_cells: int = 25_000_000
    # A bounding box far larger than the sheet's XML is a sparse bomb: an honest export spends 30-40 bytes of XML
    # a cell, so one cell per byte is a wide margin; sheets under min_box_cells are never refused for it.
    cells_per_byte: float = 1.0
    min_box_cells: int = 1_000_000
    max_unpacked_bytes: int = 2 << 30  # an honest 1 M-row sheet is about 0.8 GB of XML
    max_ratio: float = 250.0
    max_xls_bytes: int = 256 * MB

    @classmethod
    def from_env(cls) -> Limits:
        """DIESELWATCH_MAX_ROWS, _MAX_COLUMNS, _MAX_CELLS, _MAX_UNPACKED_MB, _MAX_RATIO, _MAX_XLS_MB."""
        d = cls()

        def num(name, default, scale=1, kind=int):
            raw = os.environ.get(f"DIESELWATCH_{name}")
            if not raw:
                return default
            try:
                value = kind(raw) * scale
            except ValueError:
                from dieselwatch.errors import ConfigError

                raise ConfigError(Msg("DIESELWATCH_{name} must be a number, not “{value}”", name=name,
                                      value=raw)) from None
            return value if value > 0 else default

        return cls(max_rows=num("MAX_ROWS", d.max_rows), max_columns=num("MAX_COLUMNS", d.max_columns),
                   max_cells=num("MAX_CELLS", d.max_cells),
                   max_unpacked_bytes=num("MAX_UNPACKED_MB", d.max_unpacked_bytes, MB),
                   max_ratio=num("MAX_RATIO", d.max_ratio, kind=float),
                   max_xls_bytes=num("MAX_XLS_MB", d.max_xls_bytes, MB))


def column_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _at_most(s: str, cls: str) -> str:
    """A regex for strings over cls ([A-Z] or [0-9]) that are at most s as numbers: shorter, or as long and not
    greater at the first difference."""
    lo = cls[1]
    alts = [f"{cls}{{1,{len(s) - 1}}}"] if len(s) > 1 else []
    for i, ch in enumerate(s):
        if ch > lo:
            rest = len(s) - i - 1
            alts.append(re.escape(s[:i]) + f"[{lo}-{chr(ord(ch) - 1)}]" + (f"{cls}{{{rest}}}" if rest else ""))
    alts.append(re.escape(s))
    return "(?:" + "|".join(alts) + ")"


REF = re.compile(rb"""r=["']([A-Z]{0,3})([0-9]+)["']""")
DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\s+ref=["']([A-Z]*)([0-9]*)(?::([A-Z]*)([0-9]*))?["']""")


class _Extent:
    """The largest row and column referenced in a sheet, at about the cost of one regex pass over its XML.

    The search starts with the literal r= so that re skips between references at C speed, and stops only at a
    reference of another shape than "a column up to the largest so far, then up to as many digits as the largest
    row so far": only such a chunk is read in full. Rows ascend in an honest sheet, so a chunk's last references
    give its largest row; a row of as many digits but larger than the largest seen passes the shape test, so the
    row count is an upper bound (10^digits - 1) unless exact=True, where the search compares values (slower: used
    only when the bound alone would refuse the sheet). The rare single-quoted form is another shape: read in full.
    A reference needs no whitespace before it here: reading paper="9" as row 9 only ever overestimates."""

    def __init__(self, exact: bool = False):
        self.exact = exact
        self.rows, self.cols = 0, 0
        self._compile()

    @property
    def row_bound(self) -> int:
        return self.rows if self.exact else max(self.rows, 10 ** len(str(self.rows)) - 1)

    def _compile(self):
        col = f"{_at_most(column_letters(self.cols), '[A-Z]')}?" if self.cols else ""
        row = _at_most(str(self.rows), "[0-9]") if self.exact else f"[0-9]{{1,{len(str(self.rows))}}}"
        self._beyond = re.compile(f'r=(?!"{col}{row}")'.encode())  # single quotes are another shape
        self._shape = (len(str(self.rows)), self.cols)

    def _take(self, refs) -> None:
        if not refs:
            return
        rows = max(self.rows, max(int(d) for _, d in refs))
        cols = max(self.cols, max((column_number(c) for c in {c for c, _ in refs} if c), default=0))
        self.rows, self.cols = rows, cols
        if self.exact or self._shape != (len(str(rows)), cols):
            self._compile()

    def _scan(self, buf: bytes, start: int, end: int) -> None:
        self._take(REF.findall(buf, max(start, end - 4096), end))
        if self._beyond.search(buf, start, end):
            self._take(REF.findall(buf, start, end))

    def feed(self, carry: bytes, out: bytes, final: bool = False) -> bytes:
        """Scan carry + out up to out's last tag (all of it when final) and return the rest, which the next chunk
        continues. Only the element cut by the previous boundary is copied, not the chunk."""
        first_tag = out.find(b"<")
        if first_tag < 0:  # no tag in this output at all: one element runs on
            buf = carry + out
            end = len(buf) if final else max(0, len(buf) - OVERLAP)
            self._scan(buf, 0, end)
            return buf[end:]
        head = carry + out[:first_tag]  # the cut element, now whole
        self._scan(head, 0, len(head))
        end = len(out) if final else out.rfind(b"<")
        self._scan(out, first_tag, end)
        return out[end:]


@dataclass
class _Part:
    name: str
    declared: int
    actual: int = 0
    rows: int = 0
    cols: int = 0
    dim_rows: int = 0
    dim_cols: int = 0
    exact: bool = True
    is_sheet: bool = False  # holds <sheetData>: what a reader turns into cells


def _refuse(path: Path, msg: Msg) -> InputError:
    return InputError(msg, file=path.name)


def _inflate(fh, info: zipfile.ZipInfo, path: Path, limits: Limits, budget: int, scan: bool,
             exact: bool = False) -> _Part:
    """Stream one part: never more output than its declared size (a header that lies is caught when the stream
    goes on) and never more than what is left of the workbook's budget."""
    part = _Part(info.filename, info.file_size)
    fh.seek(info.header_offset)
    head = fh.read(30)
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise _refuse(path, Msg("is a damaged workbook: part {part} is missing", part=info.filename))
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    if info.flag_bits & 1:
        raise _refuse(path, Msg("is an encrypted workbook: save it without a password and import it again"))
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _refuse(path, Msg("uses a compression method ({method}) that Excel does not write",
                                method=info.compress_type))
    stop = min(info.file_size, budget)
    extent = _Extent(exact) if scan else None
    inflater = _zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, carry, first = info.compress_size, b"", True
    ended = inflater is None

    def take(out: bytes) -> None:
        nonlocal carry, first
        part.actual += len(out)
        if part.actual > stop:
            if part.actual > info.file_size:
                raise _refuse(path, Msg("is a damaged or hostile workbook: part {part} declares {declared} bytes "
                                        "but unpacks to more", part=info.filename, declared=info.file_size))
            raise _refuse(path, Msg("unpacks to more than {limit} MB: refused (limit DIESELWATCH_MAX_UNPACKED_MB)",
                                    limit=limits.max_unpacked_bytes // MB))
        if extent is not None:
            if not part.is_sheet:
                part.is_sheet = b"sheetData" in carry[-OVERLAP:] + out[:OVERLAP] or b"sheetData" in out
            if first:  # <dimension> comes before the cells: look until it or <sheetData appears
                m = DIMENSION.search(carry[-OVERLAP:] + out)
                if m:
                    a, b = (m.group(3), m.group(4)) if m.group(3) is not None else (m.group(1), m.group(2))
                    part.dim_cols, part.dim_rows = column_number(a or b""), int(b or 0)
                first = m is None and not part.is_sheet
            carry = extent.feed(carry, out)

    while left > 0:
        data = fh.read(min(IN_CHUNK, left))
        if not data:
            raise _refuse(path, Msg("is truncated: part {part} ends early", part=info.filename))
        left -= len(data)
        if inflater is None:
            take(data)
            continue
        out = inflater.decompress(data, OUT_CHUNK)
        while True:
            take(out)
            if not inflater.unconsumed_tail:
                break
            out = inflater.decompress(inflater.unconsumed_tail, OUT_CHUNK)
        if inflater.eof:
            ended = True
            break
    if not ended:
        raise _refuse(path, Msg("is truncated or damaged: part {part} does not unpack completely", part=info.filename))
    if part.actual != info.file_size:
        raise _refuse(path, Msg("is a damaged or hostile workbook: part {part} declares {declared} bytes but "
                                "unpacks to {actual}", part=info.filename, declared=info.file_size, actual=part.actual))
    if extent is not None:
        extent.feed(b"", carry, final=True)
        part.rows, part.cols, part.exact = extent.row_bound, extent.cols, extent.exact
    return part


def _read_small(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > META_PART_MAX:
        raise ValueError(f"{name} is {info.file_size // MB} MB, far beyond any workbook's list of sheets")
    with zf.open(info) as f:
        return f.read(META_PART_MAX)


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part name -> sheet name, from workbook.xml and its relationships (by pattern: no XML parser, no entities)."""
    wb, rels = _read_small(zf, "xl/workbook.xml"), _read_small(zf, "xl/_rels/workbook.xml.rels")
    targets = {}
    for rel in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rid, target = re.search(rb'\bId="([^"]*)"', rel), re.search(rb'\bTarget="([^"]*)"', rel)
        if rid and target:
            t = target.group(1).decode("utf-8", "replace").lstrip("/")
            targets[rid.group(1)] = t if t.startswith("xl/") else "xl/" + t
    names = {}
    for sheet in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", wb):
        name, rid = re.search(rb'\bname="([^"]*)"', sheet), re.search(rb'\br:id="([^"]*)"', sheet)
        if name and rid and rid.group(1) in targets:
            import html

            names[targets[rid.group(1)]] = html.unescape(name.group(1).decode("utf-8", "replace"))
    return names


def check_workbook(path: Path, limits: Limits | None = None) -> None:
    """Refuse, with an exit-3 message naming the file and sheet, a workbook that would make a reader allocate
    beyond the caps. Reads every part once, as a stream."""
    limits = limits or Limits.from_env()
    try:
        zf = zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        raise _refuse(path, Msg("is not a readable Excel workbook ({error})", error=exc)) from exc
    with zf, open(path, "rb") as fh:
        infos = zf.infolist()
        if len(infos) > MAX_PARTS:
            raise _refuse(path, Msg("has {n} parts: refused as a damaged or hostile workbook", n=len(infos)))
        names = [z.filename for z in infos]
        if "[Content_Types].xml" not in names:
            raise _refuse(path, Msg("is a zip archive but not an Excel workbook"))
        if len(set(names)) != len(names):
            raise _refuse(path, Msg("has a part twice: refused as a damaged or hostile workbook"))
        total = sum(z.file_size for z in infos)
        packed = sum(z.compress_size for z in infos) or 1
        worst = max((z for z in infos if z.file_size > SMALL_PART), default=None,
                    key=lambda z: z.file_size / max(z.compress_size, 1))
        if (total > limits.max_unpacked_bytes or total / packed > limits.max_ratio
                or (worst is not None and worst.file_size / max(worst.compress_size, 1) > limits.max_ratio)):
            raise _refuse(path, Msg("unpacks to {unpacked} MB from {packed} MB: refused as a zip bomb",
                                    unpacked=f"{total / 1e6:.0f}", packed=f"{packed / 1e6:.1f}"))
        try:
            sheets = _sheet_names(zf)
        except ZIP_ERRORS as exc:
            raise _refuse(path, Msg("is not a readable Excel workbook ({error})", error=exc)) from exc
        budget = limits.max_unpacked_bytes
        for info in infos:
            if info.is_dir():
                continue
            # Every XML part: relationships can point anywhere. Only parts with <sheetData> are held to the caps
            # (a theme's dir="5400000" is no row).
            scan = info.filename.lower().endswith(".xml")
            try:
                part = _inflate(fh, info, path, limits, budget, scan)
            except ZIP_ERRORS as exc:
                raise _refuse(path, Msg("is truncated or damaged: part {part} cannot be unpacked ({error})",
                                        part=info.filename, error=exc)) from exc
            budget -= part.actual
            if part.is_sheet and not part.exact and _over(part, limits):  # the cheap bound is not enough
                part = _inflate(fh, info, path, limits, budget + part.actual, scan, exact=True)
            if part.is_sheet:
                _check_extent(path, part, sheets.get(info.filename, info.filename), limits)


def _cell_cap(part: _Part, limits: Limits) -> int:
    return min(limits.max_cells, max(limits.min_box_cells, int(part.actual * limits.cells_per_byte)))


def _too_big(rows: int, cols: int, part: _Part, limits: Limits) -> bool:
    return (rows > limits.max_rows or cols > limits.max_columns
            or max(rows, 1) * max(cols, 1) > _cell_cap(part, limits))


def _over(part: _Part, limits: Limits) -> bool:
    return _too_big(part.rows, part.cols, part, limits)


def _check_extent(path: Path, part: _Part, sheet: str, limits: Limits) -> None:
    for rows, cols, what in ((part.dim_rows, part.dim_cols, Msg("declares")), (part.rows, part.cols, Msg("uses"))):
        if not rows and not cols:
            continue
        if _too_big(rows, cols, part, limits):
            raise InputError(Msg("sheet “{sheet}” {what} cells up to {cell} ({rows} rows × {cols} columns); the limits "
                                 "are {max_rows} rows, {max_cols} columns and {max_cells} cells (and no more cells "
                                 "than bytes of sheet data): refused before reading",
                                 sheet=sheet, what=what, cell=f"{column_letters(cols)}{rows}", rows=f"{rows:,}",
                                 cols=f"{cols:,}", max_rows=f"{limits.max_rows:,}", max_cols=f"{limits.max_columns:,}",
                                 max_cells=f"{_cell_cap(part, limits):,}"),
                             file=path.name, row=rows, column=column_letters(cols))


def check_xls(path: Path, limits: Limits | None = None) -> None:
    """An old binary workbook is only size-capped: its sheets (at most 65,536 x 256 cells in Excel 97-2003) are not
    scanned before calamine reads them."""
    limits = limits or Limits.from_env()
    size = path.stat().st_size
    if size > limits.max_xls_bytes:
        raise InputError(Msg("is a {size} MB Excel 97-2003 workbook; the limit is {limit} MB (DIESELWATCH_MAX_XLS_MB)",
                             size=size // MB, limit=limits.max_xls_bytes // MB), file=path.name)


# --- CSV -------------------------------------------------------------------------------------------------------

# The header scan reads the first megabyte with Python's csv module, whose default field limit (131,072 characters)
# made a long value in the first rows a traceback. The lines come from that megabyte, so this bounds nothing more.
csv.field_size_limit(max(csv.field_size_limit(), (1 << 20) + 1))


def truncated_text(path: Path, sample: bytes, whole: bool) -> InputError | None:
    """A file that is UTF-8 or GBK text except for a character cut at its very end was cut short (a copy or
    download that stopped): say so, naming the last row, instead of calling it an unknown encoding."""
    if not whole:
        return None
    for enc in ("utf-8", "gbk", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return InputError(Msg("ends in the middle of a character: the file is truncated (copy it again)"),
                          file=path.name, row=sample.count(b"\n") + 1)
    return None

_LINE = re.compile(r"(?:line|row) (\d+)")
_SAW = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def csv_parser_error(exc: Exception, path: Path, first_line: int = 1) -> InputError:
    """A pandas/csv reader error as an InputError naming the row (1-based file line) and, where the message
    tells, the column. first_line: the file line that the reader's line 1 is."""
    text = str(exc)
    m = _SAW.search(text)
    if m:
        expected, line, saw = map(int, m.groups())
        row = line + first_line - 1
        return InputError(Msg("has {saw} fields in this row where the header has {expected} (doubled separators "
                              "or an unquoted separator inside a value)", saw=saw, expected=expected),
                          file=path.name, row=row, column=f"#{expected + 1}")
    line_m = _LINE.search(text)
    at_row = int(line_m.group(1)) + first_line - 1 if line_m else None
    return InputError(Msg("is not a well-formed CSV: {error}", error=text.removeprefix("Error tokenizing data. ")),
                      file=path.name, row=at_row)


def csv_header_error(exc: Exception, path: Path, line: int) -> InputError:
    """csv.Error in the first lines (the field limit is raised above, so a stray quote or the like)."""
    return InputError(Msg("is not a well-formed CSV: {error}", error=str(exc)), file=path.name, row=line)
