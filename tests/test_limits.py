"""Workbook limits (dieselwatch/ingest/limits.py): the real cell extent is exact across chunk boundaries and
against references placed to slip past a cheap scan; caps come from the environment."""

import zipfile

import hostile_files as h
import pytest

from dieselwatch.errors import ConfigError, InputError
from dieselwatch.ingest import limits
from dieselwatch.ingest.limits import Limits, check_workbook, check_xls


def honest(tmp_path, rows=3000, cols=30, extra=""):
    """An openpyxl-like sheet: rows 1..rows+1, columns A..(cols), plus extra XML after the rows."""
    letters = [limits.column_letters(c + 1) for c in range(cols)]
    body = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in letters) + "</row>"
                   for r in range(1, rows + 2))
    # dimension A1, as some writers leave it: the extent must come from the references
    xml = f'<worksheet {h.NS}><dimension ref="A1"/><sheetData>{body}{extra}</sheetData></worksheet>'.encode()
    return h.write_xlsx(tmp_path / "s.xlsx", xml)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(limits, "OUT_CHUNK", 4093)  # many chunk boundaries, cut inside references


def test_exact_extent_across_chunks(tmp_path):
    p = honest(tmp_path)
    check_workbook(p, Limits(max_rows=3001, max_columns=30))
    with pytest.raises(InputError) as e:
        check_workbook(p, Limits(max_rows=3000, max_columns=30))
    assert e.value.row == 3001 and e.value.column == "AD" and "sheet “数据” uses cells up to AD3001" in str(e.value)
    with pytest.raises(InputError, match="AD3001"):
        check_workbook(p, Limits(max_rows=5000, max_columns=29))


def test_bound_is_refined_before_refusing(tmp_path):
    """3,001 rows read as 'at most 9,999' by the cheap pass; a cap of 5,000 needs the exact pass, which passes."""
    check_workbook(honest(tmp_path), Limits(max_rows=5000, max_columns=30, max_cells=5000 * 30))


@pytest.mark.parametrize("cell, found", [
    ('<c r="B5999"><v>1</v></c>', "AD5999"),  # as many digits as the largest row, larger, out of order
    ('<c r="AE17"><v>1</v></c>', "AE3001"),  # a column past the rest, early
    ("<c r='XFD7'><v>1</v></c>", "XFD3001"),  # single quotes
    ('<c\nr="ZZ12"><v>1</v></c>', "ZZ3001"),  # a line break before the attribute
])
def test_references_placed_to_slip_past(tmp_path, cell, found):
    p = honest(tmp_path, extra=f'<row r="17">{cell}</row>')
    with pytest.raises(InputError, match=found):
        check_workbook(p, Limits(max_rows=5000, max_columns=30, max_cells=5000 * 30))


def test_caps_from_the_environment(tmp_path, monkeypatch):
    p = honest(tmp_path, rows=200, cols=5)
    check_workbook(p)
    monkeypatch.setenv("DIESELWATCH_MAX_ROWS", "100")
    with pytest.raises(InputError, match="100 rows"):
        check_workbook(p)
    monkeypatch.setenv("DIESELWATCH_MAX_ROWS", "lots")
    with pytest.raises(ConfigError, match="DIESELWATCH_MAX_ROWS"):
        check_workbook(p)


def test_sheet_named_and_sparse_sheet_refused(tmp_path):
    p = h.far_cell(tmp_path, "J200000")  # 2 M cells in a few KB of XML
    with pytest.raises(InputError) as e:
        check_workbook(p)
    assert "“数据”" in str(e.value) and e.value.file == p.name and e.value.row == 200000


def test_declared_size_never_trusted(tmp_path):
    with pytest.raises(InputError, match=r"declares .* bytes but unpacks to more"):
        check_workbook(h.lying_header(tmp_path))


def test_old_excel_size_cap(tmp_path, monkeypatch):
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * (2 << 20))
    check_xls(p)
    monkeypatch.setenv("DIESELWATCH_MAX_XLS_MB", "1")
    with pytest.raises(InputError, match="Excel 97-2003 workbook; the limit is 1 MB"):
        check_xls(p)


def test_parts_over_the_ratio_refused_even_when_the_file_is_not(tmp_path):
    p = h.padded_bomb(tmp_path, 300)
    with zipfile.ZipFile(p) as z:
        infos = z.infolist()
    assert sum(i.file_size for i in infos) / sum(i.compress_size for i in infos) < 250  # passes a whole-file check
    with pytest.raises(InputError, match="zip bomb"):
        check_workbook(p)


def test_sheet_kept_outside_worksheets_is_still_checked(tmp_path):
    """Relationships may put a sheet anywhere in the zip: it is found by its <sheetData>, named by the workbook."""
    parts = h._static_parts()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"worksheets/sheet1.xml",
                                                                                      b"other/data.xml")
    p = tmp_path / "elsewhere.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
        z.writestr("xl/other/data.xml", h.sheet_xml('<row r="900000"><c r="Z900000"><v>1</v></c></row>'))
    with pytest.raises(InputError, match="sheet “数据” uses cells up to Z900000"):
        check_workbook(p)
