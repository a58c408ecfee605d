"""Hostile export files, built byte by byte: far cells, zip bombs (one padded to pass a ratio check), lying zip
headers, truncated zips, long fields, huge numbers, NULs, UTF-16, doubled commas. Each builder writes one file
and returns its path; tests/test_fuzz.py runs the CLI on them and asserts exit code, message and peak memory."""

from __future__ import annotations

import os
import struct
import zipfile
from pathlib import Path

from dieselwatch.ingest.vin import with_check_digit

VIN = with_check_digit("LFWADRJF0R1000001")
HEADER = "车牌号,车辆识别代号,数据采集时间,车速(km/h),SCR下游NOx传感器输出值(ppm)\n"
ROWS = "".join(f"鲁A12345,{VIN},2026-03-01 08:{i // 60:02d}:{i % 60:02d},{i % 90},{(i * 7) % 400}\n" for i in range(60))
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEAD_CELLS = ("车牌号", "车辆识别代号", "数据采集时间", "车速", "尾气NOx")


def _static_parts() -> dict[str, bytes]:
    return {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets>'
            '</workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    }


def _cell(ref: str, v) -> str:
    if isinstance(v, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'
    return f'<c r="{ref}"><v>{v}</v></c>'


def sheet_xml(extra_cells: str = "", dimension: str | None = None, rows: int = 5) -> bytes:
    body = ["<row r=\"1\">" + "".join(_cell(f"{c}1", h) for c, h in zip("ABCDE", HEAD_CELLS, strict=False)) + "</row>"]
    for i in range(rows):
        r = i + 2
        vals = ["鲁A12345", VIN, f"2026-03-01 09:00:{i:02d}", 10 + i, 50 + i]
        cells = "".join(_cell(f"{c}{r}", v) for c, v in zip("ABCDE", vals, strict=False))
        body.append(f'<row r="{r}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>{dim}<sheetData>{"".join(body)}{extra_cells}'
            '</sheetData></worksheet>').encode()


def write_xlsx(path: Path, sheet: bytes, extra: dict[str, bytes] | None = None,
               stored: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in _static_parts().items():
            z.writestr(name, data)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
        for name, data in (stored or {}).items():
            z.writestr(name, data, compress_type=zipfile.ZIP_STORED)
    return path


# --- workbooks -------------------------------------------------------------------------------------------------

def far_cell(d: Path, ref: str = "XFD1048576") -> Path:
    return write_xlsx(d / f"far-{ref}.xlsx", sheet_xml(f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
                                                      f'<c r="{ref}"><v>1</v></c></row>'))


def far_dimension(d: Path) -> Path:
    return write_xlsx(d / "far-dimension.xlsx", sheet_xml(dimension="A1:XFD1048576"))


def zip_bomb(d: Path, mb: int = 300, padding_mb: float = 0, name: str = "bomb.xlsx") -> Path:
    """A sheet part of blanks behind valid XML (about 1000:1), optionally followed by a stored part of random
    bytes so that the whole file's ratio stays under 250:1 (the padded bomb)."""
    p = d / name
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for part, data in _static_parts().items():
            z.writestr(part, data)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(sheet_xml()[:-len(b"</sheetData></worksheet>")])
            block = b" " * (1 << 20)
            for _ in range(mb):
                f.write(block)
            f.write(b"</sheetData></worksheet>")
        if padding_mb:
            z.writestr("xl/media/image1.bin", os.urandom(int(padding_mb * (1 << 20))),
                       compress_type=zipfile.ZIP_STORED)
    return p


def padded_bomb(d: Path, mb: int = 1000) -> Path:
    return zip_bomb(d, mb, padding_mb=mb / 200, name="padded-bomb.xlsx")


def lying_header(d: Path) -> Path:
    """The central directory declares the sheet part 1,000x smaller than it unpacks to."""
    body = sheet_xml()
    p = write_xlsx(d / "lying-header.xlsx", body[:-24] + b" " * (20 << 20) + body[-24:])
    data = bytearray(p.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack("<H", data[i + 28:i + 30])[0]
        if data[i + 46:i + 46 + n] == name:
            size = struct.unpack("<I", data[i + 24:i + 28])[0]
            data[i + 24:i + 28] = struct.pack("<I", size // 1000)
            break
        i = data.find(b"PK\x01\x02", i + 4)
    p.write_bytes(bytes(data))
    return p


def truncated_zip(d: Path, keep: float = 0.6) -> Path:
    p = write_xlsx(d / "whole.xlsx", sheet_xml(rows=2000))
    data = p.read_bytes()
    out = d / "truncated.xlsx"
    out.write_bytes(data[:int(len(data) * keep)])
    p.unlink()
    return out


# --- CSV -------------------------------------------------------------------------------------------------------

def csv_file(d: Path, name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    p = d / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return p


def long_field(d: Path, early: bool) -> Path:
    row = f"鲁A12345,{VIN},2026-03-01 09:00:00,{'1' * 200_000},5\n"
    return csv_file(d, f"long-field-{'early' if early else 'late'}.csv",
                    HEADER + (ROWS[:300] + row if early else ROWS * 40 + row))


def huge_number(d: Path) -> Path:
    return csv_file(d, "huge-number.csv", HEADER + ROWS + f"鲁A12345,{VIN},2026-03-01 09:00:00,{'9' * 400},5\n")


def doubled_commas(d: Path) -> Path:
    return csv_file(d, "doubled-commas.csv", HEADER + "".join(r.replace(",", ",,") + "\n" for r in ROWS.splitlines()))


def nuls(d: Path) -> Path:
    return csv_file(d, "nuls.csv", (HEADER + ROWS * 100).encode() + b"\x00" * 64 + ROWS.encode())


def utf16(d: Path, bom: bool) -> Path:
    return csv_file(d, f"utf16-{'bom' if bom else 'le'}.csv", HEADER + ROWS, "utf-16" if bom else "utf-16-le")


def truncated_gbk(d: Path) -> Path:
    return csv_file(d, "truncated.csv", (HEADER + ROWS).encode("gbk") + "鲁".encode("gbk")[:1])


def open_quote(d: Path) -> Path:
    return csv_file(d, "open-quote.csv", HEADER + ROWS + f'鲁A12345,"{VIN},2026\n')
