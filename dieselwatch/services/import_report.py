"""An import batch's report as a workbook: summary, rejected rows, invalid values per column, coverage."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from dieselwatch.errors import InputError
from dieselwatch.messages import Msg
from dieselwatch.services.excel import first_sheet, save, write_sheet
from dieselwatch.storage.models import ImportBatch
from dieselwatch.workspace import Workspace

SUMMARY = [("file_name", "文件 File"), ("file_hash", "SHA-256"), ("imported_at", "导入时间 Imported at"),
           ("imported_by", "操作人 By"), ("rows_read", "读取行数 Rows read"), ("rows_imported", "导入 Imported"),
           ("duplicates", "重复 Duplicates"), ("rejected", "拒绝 Rejected")]


def export_batch_report(ws: Workspace, batch_id: int, out: Path) -> Path:
    with ws.Session() as s:
        b = s.get(ImportBatch, batch_id)
        if b is None:
            raise InputError(Msg("there is no import batch {batch}", batch=batch_id))
        rep = dict(b.report or {})
        summary = [(label, getattr(b, key)) for key, label in SUMMARY]
    summary += [("编码 Encoding", rep.get("encoding") or ""), ("工作表 Sheet", rep.get("sheet") or ""),
                ("表头行 Header row", rep.get("header_row") or ""),
                ("未识别列 Ignored columns", ", ".join(rep.get("unknown_columns", []))),
                ("校验位错误的VIN Wrong check digit", ", ".join(rep.get("wrong_check_digit", []))),
                ("缺少的关键字段 Key fields missing", ", ".join(rep.get("missing_key_fields", []))),
                ("未采用的列 Columns left out", "; ".join(f"{x['header']} ({x['field']}): {x['reason']}"
                                                     for x in rep.get("left_out_columns", []))),
                ("工作表 Sheets", "; ".join(f"{x['name']}: {x['status']}"
                                         + (f" ({x['reason']})" if x.get("reason") else "")
                                         for x in rep.get("sheets", [])))]
    wb = Workbook()
    sh = first_sheet(wb)
    sh.title = "概要 Summary"
    write_sheet(sh, ["项目 Item", "值 Value"], summary, [34, 70])
    write_sheet(wb.create_sheet("拒绝行 Rejected rows"), ["行 Row", "列 Column", "原因 Reason", "值 Value"],
                [(r["row"], r["column"], r["reason"], r.get("value", "")) for r in rep.get("rejects", [])],
                [10, 28, 48, 30])
    write_sheet(wb.create_sheet("无效值 Invalid values"),
                ["列 Column", "缺失 Missing", "无效值代码 Invalid code", "超出范围 Out of range",
                 "非数值 Not a number"],
                [(col, c.get("missing", 0), c.get("sentinel", 0), c.get("out_of_range", 0), c.get("not_a_number", 0))
                 for col, c in rep.get("invalid_values", {}).items()], [30, 12, 16, 16, 14])
    write_sheet(wb.create_sheet("覆盖 Coverage"), ["VIN", "行数 Rows", "首条 First", "末条 Last", "天数 Days"],
                [(c["vin"], c["rows"], c["first"], c["last"], c["days"]) for c in rep.get("coverage", [])],
                [22, 12, 22, 22, 10])
    if rep.get("rejected", 0) > len(rep.get("rejects", [])):
        sh.append([])
        sh.append(["注 Note", f"共拒绝{rep['rejected']}行,此处列出前{len(rep['rejects'])}行 / "
                              f"{rep['rejected']} rows rejected; the first {len(rep['rejects'])} are listed"])
    return save(wb, out)
