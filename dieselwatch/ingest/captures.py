"""Sources of raw terminal frames: hex text logs (one frame a line, with or without a time or direction
prefix), binary streams of concatenated frames, and the 报文 column of CSV/XLSX exports. A Capture yields the same
chunk stream as an export table (first sample number, frame of canonical columns), so the import pipeline
stores, de-duplicates and aggregates decoded samples exactly as it does exported rows."""

from __future__ import annotations

import csv
import html
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd

from dieselwatch.errors import InputError
from dieselwatch.ingest import frames as fr
from dieselwatch.ingest.columns import map_headers, normalise_header, record_fields
from dieselwatch.ingest.limits import ZIP_ERRORS, check_workbook
from dieselwatch.messages import Msg

CAPTURE_EXTENSIONS = {".log", ".txt", ".bin", ".hex"}
FRAME_COLUMN_ALIASES = ("报文", "原始报文", "报文内容", "原始数据", "hex", "报文数据", "原始报文数据")
SNIFF_BYTES = 1 << 16
BINARY_BLOCK = 32 << 20
TEXT_BLOCK_LINES = 100_000
MIN_FRAME_HEX = 2 * (fr.HEADER + 1)
SAMPLE_FIELDS = ["vin", "ts"] + [f[0] for f in fr.STREAM_FIELDS] + ["mil", "dtc_count", "calid", "cvn"]
IDENTITY_FIELDS = {"vin", "plate", "ts"}

_HEX_RUN = re.compile(r"[0-9A-Fa-f]{2}(?:[ \t]?[0-9A-Fa-f]{2})*")
_NOT_HEX = re.compile(r"[^0-9A-Fa-f]")
_START_TEXT = ("2323", "23 23", "7e7e", "7e 7e")
PREFIX_MAX = 160  # where a line's frame may start on the fast path; longer prefixes take the regex path


def frame_bytes(line: str) -> bytes | None:
    """The frame bytes of one log line or 报文 cell, whatever prefix (time, RECV:, <<, [Rx]) or spacing it
    has; None when the line holds no frame."""
    s = line.strip()
    if len(s) < MIN_FRAME_HEX:
        return None
    try:
        b = bytes.fromhex(s)  # the common case: nothing but hex, spaced or not
        if b[:2] in fr.MARKERS and len(b) > fr.HEADER:
            return b
    except ValueError:
        pass
    # A prefix (time, RECV:, <<, [Rx]): try the text from each early start-byte candidate, in C via fromhex;
    # prefer the one whose declared length fits the rest of the line ("08:00:23 23 23 ..." has two).
    low = s.lower()
    cands = []
    for pat in _START_TEXT:
        i = low.find(pat, 0, PREFIX_MAX)
        for _ in range(3):
            if i == -1:
                break
            cands.append(i)
            i = low.find(pat, i + 1, PREFIX_MAX)
    fallback = None
    for c in sorted(cands):
        try:
            b = bytes.fromhex(s[c:])
        except ValueError:
            continue
        if len(b) > fr.HEADER and b[:2] in fr.MARKERS:
            if fr.HEADER + ((b[22] << 8) | b[23]) + 1 == len(b):
                return b
            fallback = fallback or b
    if fallback is not None:
        return fallback
    runs = _HEX_RUN.findall(s)  # trailing text after the frame, or other separators: the slow path
    if not runs:
        return None
    h = _NOT_HEX.sub("", max(runs, key=len)).lower()
    # Start bytes on a byte boundary; where a prefix ends in hex-looking digits ("08:00:23 2323..."), prefer the
    # start whose declared length fits the rest of the line.
    cands = [m.start() for m in re.finditer(r"(?=(2323|7e7e))", h) if m.start() % 2 == 0][:4]
    if not cands:
        return None
    tails = [t for c in cands if len(t := bytes.fromhex(h[c:len(h) - (len(h) - c) % 2])) > fr.HEADER]
    if not tails:
        return None
    for b in tails:
        if len(b) >= fr.HEADER + 1 and fr.HEADER + ((b[22] << 8) | b[23]) + 1 == len(b):
            return b
    return tails[0]


def _frame_column(cells: Sequence[object]) -> int | None:
    keys = {normalise_header(a) for a in FRAME_COLUMN_ALIASES}
    for i, c in enumerate(cells):
        if normalise_header("" if c is None else c) in keys:
            return i
    return None


@dataclass
class Capture:
    """A capture file, shaped like ingest.tables.Table for the import pipeline."""

    path: Path
    kind: str  # hex | binary | csv | excel
    encoding: str | None
    sheet: str | None = None
    header_row: int = -1  # 0-based header row of a CSV/XLSX 报文 column; -1 for a log
    column: int | None = None
    delimiter: str | None = None
    frames: fr.FrameStats = field(default_factory=fr.FrameStats)
    events: list[dict] = field(default_factory=list)  # login/logout frames: vin, kind, ts, serial, iccid
    headers: list[str] = field(default_factory=lambda: list(SAMPLE_FIELDS))
    unknown: list[str] = field(default_factory=list)
    _consumed: int = 0

    @property
    def mapping(self) -> dict[int, str]:
        return dict(enumerate(self.headers))

    def header_of(self, fieldname: str) -> str:
        return fieldname

    @property
    def sessions(self) -> tuple[list[dict], list[dict]]:
        return pair_sessions(self.events)

    def chunks(self, chunk_rows: int) -> Iterator[tuple[int, pd.DataFrame]]:
        """(1-based number of the chunk's first sample, samples with canonical columns); raises InputError at
        the end when the file held no decodable frame."""
        n = 1
        for buf, where, final in self._buffers():
            loc = fr.locate(buf, self.frames, where, final=final)
            self._consumed = loc.consumed  # read by _binary_blocks: a frame cut by the block end is carried over
            dec = fr.decode(buf, loc, self.frames, where)
            self.events.extend(dec.sessions)
            df = dec.samples
            if len(df):
                df = df.reindex(columns=SAMPLE_FIELDS)
                self.frames.samples += len(df)
                for i in range(0, len(df), chunk_rows):
                    part = df.iloc[i:i + chunk_rows].reset_index(drop=True)
                    yield n, part
                    n += len(part)
        self._check_any(n - 1)

    def _check_any(self, samples: int) -> None:
        f = self.frames
        name = self.path.name
        if f.read == 0 and f.gbt32960:
            raise InputError(Msg("is a GB/T 32960 electric-vehicle capture ({n} frames), not GB 17691 / HJ 1239 "
                                 "diesel monitoring data: refused", n=f.gbt32960), file=name)
        if samples == 0:
            why = "; ".join(f"{' '.join(f'{k} {v}' for k, v in w.items() if k != 'reason')}: {w['reason']}"
                            for w in f.skipped_first[:3])
            raise InputError(Msg("holds no decodable GB 17691 / HJ 1239 data frame ({read} frames read, {skipped} "
                                 "skipped, {enc} encrypted){why}", read=f.read, skipped=f.skipped, enc=f.encrypted,
                                 why=f"; first: {why}" if why else ""), file=name)

    def _buffers(self) -> Iterator[tuple[bytes, fr.Where, bool]]:
        if self.kind == "binary":
            yield from self._binary_blocks()
        else:
            for numbers, lines in self._line_blocks():
                yield self._join_lines(numbers, lines)

    def _binary_blocks(self):
        base, carry = 0, b""
        with open(self.path, "rb") as fh:
            block = fh.read(BINARY_BLOCK)
            while True:
                nxt = fh.read(BINARY_BLOCK) if block else b""
                buf = carry + block
                final = not nxt
                where = fr.Where(base=base)
                yield buf, where, final
                consumed = self._consumed if not final else len(buf)
                carry, base = buf[consumed:], base + consumed
                if final:
                    return
                block = nxt

    def _join_lines(self, numbers: list[int], lines: Sequence[object]) -> tuple[bytes, fr.Where, bool]:
        parts, starts, nums, pos = [], [], [], 0
        for no, line in zip(numbers, lines, strict=True):
            b = frame_bytes(line) if isinstance(line, str) else None
            if b is None:
                if isinstance(line, str) and line.strip():
                    self.frames.lines_without_frame += 1
                continue
            parts.append(b)
            starts.append(pos)
            nums.append(no)
            pos += len(b)
        unit = "line" if self.kind == "hex" else "row"
        where = fr.Where(line_starts=np.asarray(starts, dtype=np.int64), line_numbers=np.asarray(nums), unit=unit)
        return b"".join(parts), where, True

    def _line_blocks(self) -> Iterator[tuple[list[int], Sequence[object]]]:
        if self.kind == "hex":
            with open(self.path, encoding="latin-1", newline=None) as fh:
                no = 1
                while True:
                    lines = list(islice(fh, TEXT_BLOCK_LINES))
                    if not lines:
                        return
                    yield list(range(no, no + len(lines))), lines
                    no += len(lines)
        elif self.kind == "csv":
            reader = pd.read_csv(self.path, encoding=self.encoding, sep=self.delimiter, header=None,
                                 skiprows=self.header_row + 1, usecols=[self.column], dtype=str,
                                 keep_default_na=False, skip_blank_lines=False, chunksize=TEXT_BLOCK_LINES,
                                 engine="python" if self.delimiter is None else "c")
            row = self.header_row + 2
            with reader:
                for chunk in reader:
                    vals = chunk[self.column].tolist()
                    yield list(range(row, row + len(vals))), vals
                    row += len(vals)
        else:
            from python_calamine import CalamineWorkbook

            if self.sheet is None or self.column is None:  # open_capture() sets both for a workbook
                raise ValueError(f"{self.path}: a workbook capture without its sheet and column")
            column = self.column
            sheet = CalamineWorkbook.from_path(str(self.path)).get_sheet_by_name(self.sheet)
            it = sheet.iter_rows()
            for _ in range(self.header_row + 1):
                next(it, None)
            row = self.header_row + 2
            while block := list(islice(it, TEXT_BLOCK_LINES)):
                vals = [(r[column] if column < len(r) else None) for r in block]
                yield list(range(row, row + len(vals))), [str(v) if v not in (None, "") else None for v in vals]
                row += len(vals)


def pair_sessions(events: list[dict]) -> tuple[list[dict], list[dict]]:
    """Login and logout frames -> terminal sessions (vin, login_ts, logout_ts or None, serial, iccid), plus the
    logouts whose login is not in this file (an earlier file may hold it). Re-sent frames count once."""
    seen, uniq = set(), []
    for e in events:
        key = (e["vin"], e["kind"], e["ts"], e["serial"])
        if key not in seen and not pd.isna(e["ts"]):
            seen.add(key)
            uniq.append(e)
    uniq.sort(key=lambda e: (e["vin"], e["ts"], e["kind"] != "login"))
    sessions, orphans = [], []
    open_by_vin: dict[str, list[dict]] = {}
    for e in uniq:
        ts = pd.Timestamp(e["ts"]).to_pydatetime()
        if e["kind"] == "login":
            s = {"vin": e["vin"], "login_ts": ts, "logout_ts": None, "serial": e["serial"], "iccid": e["iccid"]}
            sessions.append(s)
            open_by_vin.setdefault(e["vin"], []).append(s)
            continue
        cands = open_by_vin.get(e["vin"], [])
        match = next((s for s in reversed(cands) if s["serial"] == e["serial"]), None)
        if match is None:
            orphans.append({"vin": e["vin"], "logout_ts": ts, "serial": e["serial"]})
        else:
            match["logout_ts"] = ts
            cands.remove(match)
    return sessions, orphans


def open_capture(path: Path) -> Capture | None:
    """A Capture when the file holds raw frames (by extension or content), else None for the table reader."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError:
        return None  # the table reader reports unreadable files
    if not head:
        return None
    ext = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return _excel_capture(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return None
    if _looks_binary(head):
        return Capture(path, "binary", "binary")
    col = _csv_capture(path, head)
    if col is not None:
        return col
    text = head.decode("latin-1")
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    with_frames = sum(1 for ln in lines if frame_bytes(ln) is not None)
    if with_frames and (ext in CAPTURE_EXTENSIONS or with_frames * 2 >= len(lines)):
        return Capture(path, "hex", "hex")
    if ext in (".bin",):
        return Capture(path, "binary", "binary")
    if ext in CAPTURE_EXTENSIONS - {".txt"}:
        return Capture(path, "hex", "hex")
    return None


def _looks_binary(head: bytes) -> bool:
    """Frame start bytes followed by a known command, in data that is not text."""
    text_bytes = sum(1 for b in head[:4096] if b in (9, 10, 13) or 32 <= b < 127)
    if text_bytes > 0.95 * min(len(head), 4096):
        return False
    for m in fr.MARKERS:
        i = head.find(m)
        if i != -1 and i + 3 < len(head) and (head[i + 2] in fr.COMMANDS or head[i + 3] == 0xFE):
            return True
    return False


def _measurements(cells: Sequence[object]) -> set[str]:
    mapping, _ = map_headers(["" if c is None else str(c) for c in cells], record_fields())
    return set(mapping.values()) - IDENTITY_FIELDS


def _csv_capture(path: Path, head: bytes) -> Capture | None:
    """A CSV whose header has a 报文 column and no measurement columns: the frames are the data."""
    from dieselwatch.ingest.tables import _sniff_delimiter, detect_encoding

    try:
        enc = detect_encoding(path, head)
    except InputError:
        return None
    lines = head.decode(enc, errors="ignore").splitlines()[:30]
    if not lines:
        return None
    delim = _sniff_delimiter(lines)
    for i, row in enumerate(csv.reader(lines, delimiter=delim)):
        col = _frame_column(row)
        if col is not None:
            if _measurements(row):
                return None  # an export that also carries the message: its columns are the data
            return Capture(path, "csv", enc, header_row=i, column=col, delimiter=delim)
    return None


def _excel_capture(path: Path) -> Capture | None:
    """Workbooks: look for a 报文 header in the shared strings first (cheap), and only then open the sheets."""
    keys = FRAME_COLUMN_ALIASES
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            hint = b""
            for n in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"):
                if n in names:
                    with zf.open(n) as fh:
                        hint += fh.read(1 << 18)
    except ZIP_ERRORS:  # damaged: the table reader says so with its own message
        return None
    text = html.unescape(hint.decode("utf-8", errors="ignore"))  # openpyxl writes 报文 as &#25253;&#25991;
    if not any(k in text for k in keys if k != "hex") and ">hex<" not in text.lower():
        return None
    check_workbook(path)  # sizes, ratios and sheet extents before calamine parses anything (limits.py)
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            rows = list(islice(wb.get_sheet_by_name(name).iter_rows(), 30))
            for i, row in enumerate(rows):
                col = _frame_column(row)
                if col is not None and not _measurements(row):
                    return Capture(path, "excel", None, sheet=name, header_row=i, column=col)
    except Exception:  # noqa: BLE001 - the table reader reports unreadable workbooks with its own message
        return None
    return None
