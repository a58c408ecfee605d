"""Simplified Chinese for every table's copy, filter, context menu and Excel export (gui/tables.py,
gui/file_dialogs.py, services/table_export.py)."""

ZH = {
    "Copy": "复制",
    "Copy with headers": "连同表头复制",
    "Select all": "全选",
    "Export to Excel…": "导出到Excel…",
    "Export to Excel": "导出到Excel",
    "Filter": "筛选",
    "Filter:": "筛选：",
    "text in any column (Esc closes)": "任一列中的文字（按Esc关闭）",
    "Close the filter (Esc)": "关闭筛选（Esc）",
    "{0} of {1} rows": "显示{0}行，共{1}行",
    "{0} rows": "共{0}行",
    "Select one or more rows first.": "请先选择一行或多行。",
    "Exporting {0} rows": "正在导出{0}行",
    "Exported {0} rows to {1}": "已将{0}行导出到{1}",
    "Excel workbook (*.xlsx)": "Excel工作簿 (*.xlsx)",
    "Import batches": "导入批次",  # the imports page's table title (its exports' heading)
    "a table without columns cannot be exported": "表格没有列，无法导出",
    "the folder {folder} does not exist": "文件夹{folder}不存在",
    "row {row} has {found} values for {expected} columns": "第{row}行有{found}个值，而表格有{expected}列",
    "cannot write the file: it is open in another program or the folder is read-only":
        "无法写入文件：文件已在其他程序中打开，或文件夹为只读",
}
