"""Open an export (CSV in UTF-8/GBK/GB18030, XLSX/XLS via calamine), find its header row under any title rows,
and yield its data in chunks of canonical columns. No value conversion here: see values.py."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd

from dieselwatch.errors import InputError
from dieselwatch.ingest.columns import Field, HeaderMatch, LeftOut, match_headers
from dieselwatch.ingest.limits import check_workbook, check_xls, csv_header_error, csv_parser_error, truncated_text
from dieselwatch.ingest.vin import is_wellformed
from dieselwatch.messages import Msg, joined

SNIFF_BYTES = 1 << 20
HEADER_SCAN_ROWS = 30
SAMPLE_ROWS = 200  # rows under the header that decide between two columns claiming one field
# Sheets already parsed during detection are kept for the data read up to this many cells (about 30 bytes
# each in calamine); the first data sheet is always kept, others are parsed again when their turn comes.
KEEP_LOADED_CELLS = 6_000_000
# Text that means "no value" in exports (docs/domain.md section 2); decoded numeric sentinels are in columns.csv.
NA_TEXT = ["", "FF", "FE", "FFFF", "FFFE", "FFFFFFFF", "ff", "ffff", "无效", "异常", "无", "NA", "N/A", "n/a", "-",
           "--", "null", "NULL", "None", "nan", "NaN", "#N/A"]
_NA = frozenset(NA_TEXT)


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
    left_out: list[LeftOut] = field(default_factory=list)  # columns that lost a field to another column
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


class MissingColumns(InputError):
    """The file has no column for a required field (VIN, time): not an export of this kind as it stands."""

    def __init__(self, message: str, *, missing: list[str], file: str, row: int | None = None,
                 headers: list[str] | None = None):
        self.missing, self.headers = missing, headers or []
        super().__init__(message, file=file, row=row)


def _valid_cells(cells: list, f: Field) -> int:
    """How many cells of a sample would give a usable value for the field."""
    vals = [c for c in cells if c is not None and not (isinstance(c, str) and c.strip() in _NA)]
    if not vals:
        return 0
    if f.name == "vin":
        return sum(is_wellformed("".join(str(v).split()).upper()) for v in vals)
    if f.dtype == "time":
        from dieselwatch.ingest.values import parse_times

        return int(parse_times(pd.Series([v.strip() if isinstance(v, str) else v for v in vals],
                                         dtype=object)).notna().sum())
    if f.dtype != "float":
        return sum(bool(str(v).strip()) for v in vals)
    n = 0
    for v in vals:
        try:
            x = float(v)
        except (TypeError, ValueError):
            continue
        if x in f.sentinels or x in f.not_ready or x != x:
            continue
        if (f.min is None or x >= f.min) and (f.max is None or x <= f.max):
            n += 1
    return n


def _find_header(rows: Sequence[Sequence[object]], fields: dict[str, Field], profile, required: tuple[str, ...],
                 path: Path, kind: str = "records") -> tuple[int, HeaderMatch]:
    """The header row among the first rows (the one naming most fields), matched with the rows under it as
    the sample that settles columns claiming the same field."""
    best_i, best = -1, HeaderMatch({})
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        m = match_headers([_cell(c) for c in row], fields, profile)
        if len(m.mapping) > len(best.mapping):
            best_i, best = i, m
    if best_i < 0:
        raise MissingColumns(
            Msg("is not a monitoring export: no VIN or time column and no other known column in the first "
                "{n} rows; expected column names such as {names}", n=HEADER_SCAN_ROWS,
                names=joined(fields[r].aliases[0] for r in required)) if kind == "records" else
            Msg("is not a vehicle registry: no VIN column and no other known column in the first {n} rows; "
                "expected column names such as {names}", n=HEADER_SCAN_ROWS,
                names=joined(fields[r].aliases[0] for r in required)),
            missing=list(required), file=path.name)
    i = best_i
    headers = [_cell(c) for c in rows[i]]
    sample = rows[i + 1: i + 1 + SAMPLE_ROWS]
    m = match_headers(headers, fields, profile, valid=lambda pos, name: _valid_cells(
        [r[pos] if pos < len(r) else None for r in sample], fields[name]), sample_rows=len(sample))
    missing = [r for r in required if r not in m.mapping.values()]
    if missing:
        found = [h for h in headers if h]
        recognised = [f"{headers[p]} ({f})" for p, f in m.mapping.items()] or ["—"]
        what = joined(f"{fields[r].aliases[0]} ({r})" for r in missing)
        raise MissingColumns(
            Msg("is not a monitoring export: no {missing} column found; header row {row} has: {found}; "
                "recognised: {recognised}", missing=what, row=i + 1, found=joined(found),
                recognised=joined(recognised)) if kind == "records" else
            Msg("is not a vehicle registry: no {missing} column found; header row {row} has: {found}; "
                "recognised: {recognised}", missing=what, row=i + 1, found=joined(found),
                recognised=joined(recognised)),
            missing=missing, file=path.name, row=i + 1, headers=headers)
    return i, m


def _cell(c: object) -> str:
    return "" if c is None else str(c).strip()


def _check_zip(path: Path) -> None:
    check_workbook(path)  # sizes, ratios, sheet extents: before calamine sees the file (limits.py)


@dataclass
class SkippedSheet:
    name: str
    reason: str


@dataclass
class Export:
    """What a file holds: one table per data sheet of one header layout (a CSV: one table), and the sheets
    left out with the reason."""

    tables: list[Table]
    skipped: list[SkippedSheet] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every sheet of a workbook, in its order


def open_table(path: Path, fields: dict[str, Field], required: tuple[str, ...], profile: dict | None = None,
               sheet: str | None = None, kind: str = "records") -> Table:
    """The file's first data table (a CSV, the named sheet, or the first sheet with a recognised header)."""
    return open_export(path, fields, required, profile, sheet, kind, first_only=True).tables[0]


def open_export(path: Path, fields: dict[str, Field], required: tuple[str, ...], profile: dict | None = None,
                sheet: str | None = None, kind: str = "records", first_only: bool = False) -> Export:
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
        return _open_excel(path, fields, required, profile, sheet, kind, first_only)
    if b"\x00" in sample[:4096] and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(Msg("is a binary file, not a CSV export or Excel workbook"), file=path.name)
    enc = detect_encoding(path, sample)
    text = sample.decode(enc, errors="ignore")
    lines = text.splitlines()[:HEADER_SCAN_ROWS + SAMPLE_ROWS + 1]
    if len(sample) == SNIFF_BYTES and len(lines) > HEADER_SCAN_ROWS:
        lines = lines[:-1]  # the last line may be cut by the end of the sniffed sample
    if not lines:
        raise InputError(Msg("has no lines"), file=path.name)
    delim = _sniff_delimiter(lines[:HEADER_SCAN_ROWS])
    reader = csv.reader(lines, delimiter=delim)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise csv_header_error(exc, path, reader.line_num) from exc
    i, m = _find_header(rows, fields, profile, required, path, kind)
    return Export([Table(path, "csv", enc, delim, None, i, [str(c).strip() for c in rows[i]], m.mapping, m.unknown,
                         m.left_out)])


def _sniff_delimiter(lines: list[str]) -> str:
    # The header line has the most separators; count over the first lines and take the most frequent.
    counts = {d: max(line.count(d) for line in lines) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: counts[d]) if max(counts.values()) > 0 else ","


def _workbook(path: Path):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types for corrupt files
        raise InputError(Msg("is not a readable Excel workbook ({error})", error=f"{type(exc).__name__}: {exc}"),
                         file=path.name) from exc


def _open_excel(path, fields, required, profile, sheet, kind, first_only) -> Export:
    wb = _workbook(path)
    if sheet is not None and sheet not in wb.sheet_names:
        raise InputError(Msg("has no sheet “{sheet}”; sheets: {sheets}", sheet=sheet, sheets=joined(wb.sheet_names)),
                         file=path.name)
    names = wb.sheet_names if sheet is None else [sheet]
    found: list[Table] = []
    failed: list[tuple[str, InputError]] = []
    kept_cells = 0
    for name in names:
        try:
            loaded = wb.get_sheet_by_name(name)
            rows = list(islice(loaded.iter_rows(), HEADER_SCAN_ROWS + SAMPLE_ROWS))
            if not any(any(_cell(c) for c in r) for r in rows):
                failed.append((name, InputError(Msg("the sheet is empty"), file=path.name)))
                continue
            i, m = _find_header(rows, fields, profile, required, path, kind)
        except InputError as exc:
            failed.append((name, exc))
            continue
        except Exception as exc:
            raise InputError(Msg("sheet “{sheet}” cannot be read ({error})", sheet=name,
                                 error=f"{type(exc).__name__}: {exc}"), file=path.name) from exc
        headers = [_cell(c) for c in rows[i]]
        cells = loaded.height * max(loaded.width, 1)
        keep = not found or kept_cells + cells <= KEEP_LOADED_CELLS
        kept_cells += cells if keep else 0
        t = Table(path, "excel", None, None, name, i, headers, m.mapping, m.unknown, m.left_out,
                  loaded_sheet=loaded if keep else None)
        if loaded.height <= i + 1:
            failed.append((name, InputError(Msg("the sheet has a header row but no data rows"), file=path.name)))
            continue
        found.append(t)
        if first_only:
            break
        del loaded
    if not found:
        if not failed:
            raise InputError(Msg("has no sheets"), file=path.name)
        if len(failed) == 1:
            raise failed[0][1]
        raise InputError(Msg("no sheet holds data: {sheets}", sheets="; ".join(
            f"“{n}”: {e.reason}" for n, e in failed)), file=path.name)
    return _one_layout(found, [SkippedSheet(n, e.reason) for n, e in failed], fields, names)


def _one_layout(found: list[Table], skipped: list[SkippedSheet], fields: dict[str, Field], names: list[str]
                ) -> Export:
    """Sheets mapping the same fields are one export; the layout with most fields (then most sheets, then
    the first) is the one imported, and every other sheet is reported with what differs."""
    groups: dict[frozenset, list[Table]] = {}
    for t in found:
        groups.setdefault(frozenset(t.mapping.values()), []).append(t)
    layout, tables = max(groups.items(), key=lambda kv: (len(kv[0]), len(kv[1]), -found.index(kv[1][0])))
    first = tables[0]
    for t in found:
        if t in tables:
            continue
        have = set(t.mapping.values())
        lacks = [fields[f].aliases[0] if fields[f].aliases else f for f in fields if f in layout - have]
        extra = [t.header_of(f) for f in fields if f in have - layout]
        skipped.append(SkippedSheet(t.sheet or "", Msg("its columns differ from sheet “{sheet}” (missing: {lacks}; "
                                                 "extra: {extra}); import it on its own (--sheet)",
                                                 sheet=first.sheet, lacks=joined(lacks) or "—",
                                                 extra=joined(extra) or "—")))
        t.loaded_sheet = None
    skipped.sort(key=lambda x: names.index(x.name))
    return Export(tables, skipped, list(names))


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
    dtypes = {p: object for p, n in zip(positions, names, strict=True) if n in text_fields}
    split_as = "latin-1" if t.encoding in BYTE_TRANSPARENT else t.encoding
    try:
        reader = pd.read_csv(
            t.path, encoding=split_as, sep=t.delimiter, header=None, skiprows=t.header_row + 1,
            usecols=positions, dtype=dtypes, na_values=na_text(split_as, t.encoding), keep_default_na=False,
            skip_blank_lines=False,
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


def na_text(split_as: str, encoding: str | None) -> list[str]:
    """The invalid markers as the reader sees them: a GBK file split as Latin-1 shows 无效 as ÎÞÐ§, so the
    marker is matched in that form too (else it would be a "number" that fails, shown garbled)."""
    if split_as == encoding or not encoding:
        return NA_TEXT
    return NA_TEXT + [m.encode(encoding).decode("latin-1") for m in NA_TEXT if not m.isascii()]


def _redecode(chunk: pd.DataFrame, t: Table, first_row: int) -> None:
    """Text cells read as Latin-1 back to their real encoding, per distinct value. Bytes that are not valid in
    the file's encoding are an error naming the row and column, as a strict decode of the file would be."""
    for name in chunk.columns:
        col = chunk[name]
        # VINs and times are valid only in ASCII (a non-ASCII one is rejected anyway), and a time column has a
        # distinct value per row: skip them rather than factorise half a million strings a chunk. Text is
        # object dtype when asked for, pandas 3's "str" where the reader inferred it (a numeric column with
        # text cells): both are re-decoded.
        if name in ("vin", "ts") or not (col.dtype == object or isinstance(col.dtype, pd.StringDtype)):
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
                fixed.append(u.encode("latin-1").decode(t.encoding or "utf-8"))
            except UnicodeDecodeError as exc:
                row = first_row + int(np.flatnonzero(codes == i)[0])
                raise InputError(Msg("is not valid {encoding} text ({error})", encoding=t.encoding, error=exc.reason),
                                 file=t.path.name, row=row,
                                 column=t.header_of(name)) from exc
        values = np.array([*fixed, None], dtype=object)
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
                                  for p, n in zip(positions, names, strict=True)})
            del block
            yield row, frame
            row += len(frame)
        t.loaded_sheet = None  # read: let calamine's copy of the sheet go
    except InputError:
        raise
    except Exception as exc:
        raise InputError(Msg("sheet “{sheet}” cannot be read ({error})", sheet=t.sheet,
                             error=f"{type(exc).__name__}: {exc}"), file=t.path.name) from exc
