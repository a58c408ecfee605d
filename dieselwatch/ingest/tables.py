"""Open an export (CSV in UTF-8/GBK/GB18030, XLSX/XLS via calamine), find its header row under any title rows,
and yield its data in chunks of canonical columns. No value conversion here: see values.py."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd

from dieselwatch.errors import InputError
from dieselwatch.ingest.columns import Field, map_headers
from dieselwatch.ingest.limits import check_workbook, check_xls, csv_header_error, csv_parser_error, truncated_text
from dieselwatch.messages import Msg, joined

SNIFF_BYTES = 1 << 20
HEADER_SCAN_ROWS = 30
# Text that means "no value" in exports (domain.md section 2); decoded numeric sentinels are in columns.csv.
NA_TEXT = ["", "FF", "FE", "FFFF", "FFFE", "FFFFFFFF", "ff", "ffff", "无效", "异常", "无", "NA", "N/A", "n/a", "-",
           "--", "null", "NULL", "None", "nan", "NaN", "#N/A"]


@dataclass
class Table:
    path: Path
    kind: str  # csv | excel
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_row: int  # 0-based index of the header line / sheet row
    headers: list[str]
    mapping: dict[int, str]  # column position -> field
    unknown: list[str] = field(default_factory=list)
    # calamine parses a whole sheet when it is first opened: keep it for the data read, not parse it twice.
    loaded_sheet: object = field(default=None, repr=False, compare=False)

    @property
    def first_data_row(self) -> int:
        """1-based row number, as Excel or a text editor shows it, of the first data row."""
        return self.header_row + 2

    def header_of(self, fieldname: str) -> str:
        for pos, f in self.mapping.items():
            if f == fieldname:
                return self.headers[pos]
        return fieldname


def _is_zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def _is_ole(head: bytes) -> bool:
    return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def detect_encoding(path: Path, sample: bytes) -> str:
    """BOM, then strict UTF-8, then GBK, then GB18030. Never falls back to a lossy guess."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    whole = len(sample) < SNIFF_BYTES
    for enc in ("utf-8", "gbk", "gb18030"):
        try:
            # An incremental decoder accepts a character cut by the end of the sample (unless it is the file's end).
            codecs.getincrementaldecoder(enc)().decode(sample, final=whole)
            return enc
        except UnicodeDecodeError:
            continue
    raise truncated_text(path, sample, whole) or InputError(
        Msg("is neither UTF-8 nor GBK/GB18030 text, nor an Excel workbook"), file=path.name)


def _find_header(rows: list[list[object]], fields: dict[str, Field], profile, required: tuple[str, ...],
                 path: Path) -> tuple[int, dict[int, str], list[str]]:
    best = (-1, {}, [])
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping, unknown = map_headers([("" if c is None else str(c)) for c in row], fields, profile)
        if len(mapping) > len(best[1]):
            best = (i, mapping, unknown)
    i, mapping, unknown = best
    if i < 0 or len(mapping) < 2:
        raise InputError(Msg("no header row found in the first 30 rows: expected column names such as {names}",
                             names=joined(fields[r].aliases[0] for r in required)), file=path.name)
    missing = [r for r in required if r not in mapping.values()]
    if missing:
        found = [str(c) for c in rows[i] if c is not None and str(c).strip()]
        raise InputError(
            Msg("missing required column(s) {missing}; header row {row} has: {found}",
                missing=joined(f"{fields[m].aliases[0]} ({m})" for m in missing), row=i + 1, found=joined(found)),
            file=path.name, row=i + 1)
    return i, mapping, unknown


def _check_zip(path: Path) -> None:
    check_workbook(path)  # sizes, ratios, sheet extents: before calamine sees the file (limits.py)


def open_table(path: Path, fields: dict[str, Field], required: tuple[str, ...], profile: dict | None = None,
               sheet: str | None = None) -> Table:
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            sample = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError(Msg("cannot be read ({error})", error=exc.strerror), file=str(path)) from exc
    if not sample:
        raise InputError(Msg("is empty"), file=path.name)
    if _is_zip(sample) or _is_ole(sample):
        if _is_zip(sample):
            _check_zip(path)
        else:
            check_xls(path)
        return _open_excel(path, fields, required, profile, sheet)
    if b"\x00" in sample[:4096] and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(Msg("is a binary file, not a CSV export or Excel workbook"), file=path.name)
    enc = detect_encoding(path, sample)
    text = sample.decode(enc, errors="ignore")
    lines = text.splitlines()[:HEADER_SCAN_ROWS]
    if not lines:
        raise InputError(Msg("has no lines"), file=path.name)
    delim = _sniff_delimiter(lines)
    reader = csv.reader(lines, delimiter=delim)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise csv_header_error(exc, path, reader.line_num) from exc
    i, mapping, unknown = _find_header(rows, fields, profile, required, path)
    return Table(path, "csv", enc, delim, None, i, [str(c).strip() for c in rows[i]], mapping, unknown)


def _sniff_delimiter(lines: list[str]) -> str:
    # The header line has the most separators; count over the first lines and take the most frequent.
    counts = {d: max(line.count(d) for line in lines) for d in (",", "\t", ";")}
    return max(counts, key=counts.get) if max(counts.values()) > 0 else ","


def _workbook(path: Path):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types for corrupt files
        raise InputError(Msg("is not a readable Excel workbook ({error})", error=f"{type(exc).__name__}: {exc}"),
                         file=path.name) from exc


def _open_excel(path, fields, required, profile, sheet) -> Table:
    wb = _workbook(path)
    names = wb.sheet_names if sheet is None else [sheet]
    if sheet is not None and sheet not in wb.sheet_names:
        raise InputError(Msg("has no sheet “{sheet}”; sheets: {sheets}", sheet=sheet, sheets=joined(wb.sheet_names)),
                         file=path.name)
    first_error = None
    for name in names:  # "any sheet": the first one whose header we recognise
        try:
            loaded = wb.get_sheet_by_name(name)
            rows = list(islice(loaded.iter_rows(), HEADER_SCAN_ROWS))
            i, mapping, unknown = _find_header(rows, fields, profile, required, path)
        except InputError as exc:
            first_error = first_error or exc
            continue
        except Exception as exc:
            raise InputError(Msg("sheet “{sheet}” cannot be read ({error})", sheet=name,
                                 error=f"{type(exc).__name__}: {exc}"), file=path.name) from exc
        headers = ["" if c is None else str(c).strip() for c in rows[i]]
        return Table(path, "excel", None, None, name, i, headers, mapping, unknown, loaded_sheet=loaded)
    raise first_error or InputError(Msg("has no sheets"), file=path.name)


def iter_chunks(t: Table, chunk_rows: int, text_fields: set[str]) -> Iterator[tuple[int, pd.DataFrame]]:
    """Yield (1-based file row number of the chunk's first row, frame with canonical column names)."""
    positions = sorted(t.mapping)
    names = [t.mapping[p] for p in positions]
    if t.kind == "csv":
        yield from _csv_chunks(t, positions, names, chunk_rows, text_fields)
    else:
        yield from _excel_chunks(t, positions, names, chunk_rows, text_fields)


# In GBK and GB18030 every byte of a multi-byte character is >= 0x80 or a letter/digit, never a separator,
# quote or line break: such a file can be split as Latin-1 (byte for byte, nearly free) and only its text
# cells decoded as what they are, once per distinct value. Decoding the whole file through Python's codec
# took about half of the reading time.
BYTE_TRANSPARENT = {"gbk", "gb18030"}


def _csv_chunks(t, positions, names, chunk_rows, text_fields):
    # object, not pandas 3's Arrow "str": converting millions of cells to Arrow costs more than it saves here.
    dtypes = {p: object for p, n in zip(positions, names) if n in text_fields}
    split_as = "latin-1" if t.encoding in BYTE_TRANSPARENT else t.encoding
    try:
        reader = pd.read_csv(
            t.path, encoding=split_as, sep=t.delimiter, header=None, skiprows=t.header_row + 1,
            usecols=positions, dtype=dtypes, na_values=NA_TEXT, keep_default_na=False, skip_blank_lines=False,
            chunksize=chunk_rows, engine="c", encoding_errors="strict", on_bad_lines="error",
        )
        row = t.first_data_row
        with reader:
            for chunk in reader:
                chunk = chunk[positions]
                chunk.columns = names
                if split_as != t.encoding:
                    _redecode(chunk, t, row)
                yield row, chunk
                row += len(chunk)
    except UnicodeDecodeError as exc:
        raise InputError(Msg("is not valid {encoding} text after the first megabyte ({error})", encoding=t.encoding,
                             error=exc.reason), file=t.path.name) from exc
    except (pd.errors.ParserError, csv.Error) as exc:
        raise csv_parser_error(exc, t.path, first_line=t.first_data_row) from exc
    except pd.errors.EmptyDataError:
        return
    except ValueError as exc:  # e.g. usecols beyond the columns of a truncated file
        raise InputError(Msg("cannot be parsed as CSV: {error}", error=exc), file=t.path.name) from exc


def _redecode(chunk: pd.DataFrame, t: Table, first_row: int) -> None:
    """Text cells read as Latin-1 back to their real encoding, per distinct value. Bytes that are not valid in
    the file's encoding are an error naming the row and column, as a strict decode of the file would be."""
    for name in chunk.columns:
        col = chunk[name]
        # VINs and times are valid only in ASCII (a non-ASCII one is rejected anyway), and a time column has a
        # distinct value per row: skip them rather than factorise half a million strings a chunk.
        if col.dtype != object or name in ("vin", "ts"):
            continue
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        if not any(isinstance(u, str) and not u.isascii() for u in uniques):
            continue  # pure ASCII (VINs, times, numbers): already right
        fixed = []
        for i, u in enumerate(uniques):
            if not isinstance(u, str) or u.isascii():
                fixed.append(u)
                continue
            try:
                fixed.append(u.encode("latin-1").decode(t.encoding))
            except UnicodeDecodeError as exc:
                row = first_row + int(np.flatnonzero(codes == i)[0])
                raise InputError(Msg("is not valid {encoding} text ({error})", encoding=t.encoding, error=exc.reason),
                                 file=t.path.name, row=row,
                                 column=t.header_of(name)) from exc
        values = np.array(fixed + [None], dtype=object)
        chunk[name] = pd.Series(values[codes], index=chunk.index, dtype=object)


def _excel_column(values: list, text: bool) -> pd.Series:
    """Cells of one column: straight to float64 when every cell is a number or empty (None -> NaN), else
    objects with empty strings as missing, for values.py to sort out cell by cell."""
    if not text:
        try:
            return pd.Series(np.array(values, dtype="float64"))
        except (TypeError, ValueError):
            pass
    return pd.Series([None if v == "" else v for v in values], dtype=object)


def _excel_chunks(t, positions, names, chunk_rows, text_fields):
    try:
        sheet = t.loaded_sheet if t.loaded_sheet is not None else _workbook(t.path).get_sheet_by_name(t.sheet)
        it = sheet.iter_rows()
        for _ in range(t.header_row + 1):
            next(it, None)
        row = t.first_data_row
        while True:
            block = list(islice(it, chunk_rows))
            if not block:
                return
            frame = pd.DataFrame({n: _excel_column([(r[p] if p < len(r) else None) for r in block], n in text_fields)
                                  for p, n in zip(positions, names)})
            del block
            yield row, frame
            row += len(frame)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(Msg("sheet “{sheet}” cannot be read ({error})", sheet=t.sheet, error=f"{type(exc).__name__}: {exc}"),
                         file=t.path.name) from exc
