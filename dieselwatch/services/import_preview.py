"""What an import will see, before it runs: the detected encoding or sheet, the header row, how each export
header maps to a field, and the first rows as written in the file with every cell the import would drop or
reject marked. The import wizard shows this and lets the officer change the mapping (saved as a profile)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from dieselwatch.ingest.columns import IGNORE, record_fields
from dieselwatch.ingest.tables import NA_TEXT, MissingColumns, open_export
from dieselwatch.ingest.values import parse_times
from dieselwatch.ingest.vin import is_wellformed
from dieselwatch.messages import Msg
from dieselwatch.services.key_fields import KEY_FIELDS, cannot_judge

PREVIEW_ROWS = 50
__all__ = ["IGNORE", "Preview", "preview_records"]  # IGNORE: what a profile maps a left-out column to
_NA = set(NA_TEXT)


@dataclass
class Preview:
    file: str
    encoding: str | None
    sheet: str | None
    header_row: int  # 1-based, as the file shows it
    headers: list[str]
    mapping: dict[str, str]  # export header -> field (only mapped headers)
    unknown: list[str]
    fields: dict[str, str]  # field -> description, for the mapping editor
    names_zh: dict[str, str]  # field -> its standard Chinese name (GB 17691 Annex Q), for a Chinese editor
    rows: list[list[str]] = field(default_factory=list)
    # (row index in rows, column index in headers, severity "error" | "warning", reason)
    problems: list[tuple[int, int, str, str]] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    # Key fields no column maps (scoring cannot judge what needs them: ask before importing), and key fields
    # mapped but without a valid value in these first rows (a warning: later rows may have them).
    missing_key_fields: list[str] = field(default_factory=list)
    empty_key_fields: list[str] = field(default_factory=list)
    cannot_judge: dict[str, str] = field(default_factory=dict)  # key field -> what scoring then cannot judge
    # Columns that lost a field to another: header, field, kept, reason.
    left_out: list[dict] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # a workbook's data sheets, imported together
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why it is left out)

    def as_dict(self) -> dict:
        return asdict(self)


def _raw_rows(t, n: int) -> list[list[str]]:
    if t.kind == "csv":
        df = pd.read_csv(t.path, encoding=t.encoding, sep=t.delimiter, header=None, skiprows=t.header_row + 1,
                         nrows=n, dtype=str, keep_default_na=False, engine="python", on_bad_lines="skip")
        return [["" if v is None else str(v) for v in row] for row in df.itertuples(index=False)]
    from python_calamine import CalamineWorkbook

    sheet = t.loaded_sheet or CalamineWorkbook.from_path(str(t.path)).get_sheet_by_name(t.sheet)
    rows = sheet.to_python(nrows=t.header_row + 1 + n)[t.header_row + 1:]
    return [["" if v is None or v == "" else str(v) for v in r] for r in rows]


def preview_records(path: str | Path, profile: dict[str, str] | None = None, sheet: str | None = None,
                    n: int = PREVIEW_ROWS) -> Preview:
    path = Path(path)
    fields = record_fields()
    try:
        export = open_export(path, fields, ("vin", "ts"), profile, sheet)
        missing: list[str] = []
    except MissingColumns:
        # Show what was found, so the officer can map the missing columns by hand.
        export = open_export(path, fields, (), profile, sheet)
        missing = [f for f in ("vin", "ts") if f not in export.tables[0].mapping.values()]
    t = export.tables[0]
    rows = _raw_rows(t, n)
    width = len(t.headers)
    rows = [(r + [""] * width)[:width] for r in rows]
    problems: list[tuple[int, int, str, str]] = []
    for pos, name in t.mapping.items():
        f = fields[name]
        col = [r[pos].strip() for r in rows]
        if name == "ts":
            times = parse_times(pd.Series([c or None for c in col], dtype=object))
            for i, (c, v) in enumerate(zip(col, times, strict=True)):
                if pd.isna(v):
                    problems.append((i, pos, "error", Msg("unreadable time: the row is rejected") if c else
                                     Msg("no time: the row is rejected")))
            continue
        for i, c in enumerate(col):
            if name == "vin":
                if not is_wellformed(c.upper()):
                    problems.append((i, pos, "error", Msg("not a 17-character VIN: the row is rejected")))
                continue
            if f.dtype != "float" or c == "":
                continue
            if c in _NA:
                problems.append((i, pos, "warning", Msg("invalid marker: stored as missing")))
                continue
            try:
                v = float(c)
            except ValueError:
                problems.append((i, pos, "error", Msg("not a number: stored as missing")))
                continue
            if v in f.sentinels:
                problems.append((i, pos, "warning", Msg("invalid-value code: stored as missing")))
            elif v in f.not_ready:
                problems.append((i, pos, "warning", Msg("sensor not ready: stored as missing")))
            elif (f.min is not None and v < f.min) or (f.max is not None and v > f.max):
                problems.append((i, pos, "error", Msg("out of range {min} to {max}: stored as missing",
                                                      min=f"{f.min:g}", max=f"{f.max:g}")))
    mapped = set(t.mapping.values())
    unmapped = [f for f in KEY_FIELDS if f not in mapped]
    bad = {(i, j) for i, j, _, _ in problems}
    empty = [name for pos, name in t.mapping.items() if name in KEY_FIELDS and rows
             and all(not r[pos].strip() or r[pos].strip() in _NA or (i, pos) in bad for i, r in enumerate(rows))]
    return Preview(file=path.name, encoding=t.encoding, sheet=t.sheet, header_row=t.header_row + 1,
                   headers=t.headers, mapping={t.headers[p]: f for p, f in t.mapping.items()}, unknown=t.unknown,
                   fields={k: f.description for k, f in fields.items()},
                   names_zh={k: f.aliases[0] for k, f in fields.items() if f.aliases}, rows=rows, problems=problems,
                   missing_required=missing, missing_key_fields=unmapped, empty_key_fields=empty,
                   cannot_judge={k: cannot_judge(k) for k in unmapped + empty},
                   left_out=[lo.as_dict() for lo in t.left_out],
                   sheets=[x.sheet for x in export.tables if x.sheet],
                   skipped_sheets=[(x.name, x.reason) for x in export.skipped])
