"""Hostile input limits (dieselwatch/ingest/limits.py) and CLI output paths (dieselwatch/cli.py)."""

ZH = {
    "DIESELWATCH_{name} must be a number, not “{value}”": "DIESELWATCH_{name}必须是数字，而不是“{value}”",
    "is a damaged workbook: part {part} is missing": "是损坏的工作簿：缺少部件{part}",
    "is an encrypted workbook: save it without a password and import it again":
        "是加密的工作簿：请去掉密码另存后再导入",
    "uses a compression method ({method}) that Excel does not write": "使用了Excel不会写出的压缩方式（{method}）",
    "is a damaged or hostile workbook: part {part} declares {declared} bytes but unpacks to more":
        "是损坏或恶意构造的工作簿：部件{part}声明为{declared}字节，解压后却更大",
    "is a damaged or hostile workbook: part {part} declares {declared} bytes but unpacks to {actual}":
        "是损坏或恶意构造的工作簿：部件{part}声明为{declared}字节，解压后为{actual}字节",
    "unpacks to more than {limit} MB: refused (limit DIESELWATCH_MAX_UNPACKED_MB)":
        "解压后超过{limit} MB：已拒绝（上限见DIESELWATCH_MAX_UNPACKED_MB）",
    "is truncated: part {part} ends early": "文件不完整：部件{part}提前结束",
    "is truncated or damaged: part {part} does not unpack completely": "文件不完整或已损坏：部件{part}无法完整解压",
    "is truncated or damaged: part {part} cannot be unpacked ({error})": "文件不完整或已损坏：部件{part}无法解压（{error}）",
    "has {n} parts: refused as a damaged or hostile workbook": "含有{n}个部件：作为损坏或恶意构造的工作簿拒绝",
    "has a part twice: refused as a damaged or hostile workbook": "含有重复的部件：作为损坏或恶意构造的工作簿拒绝",
    "declares": "声明",
    "uses": "使用",
    "sheet “{sheet}” {what} cells up to {cell} ({rows} rows × {cols} columns); the limits are {max_rows} rows, "
    "{max_cols} columns and {max_cells} cells (and no more cells than bytes of sheet data): refused before reading":
        "工作表“{sheet}”{what}的单元格直到{cell}（{rows}行×{cols}列）；上限为{max_rows}行、{max_cols}列、"
        "{max_cells}个单元格（且单元格数不超过工作表数据的字节数）：读取前已拒绝",
    "is a {size} MB Excel 97-2003 workbook; the limit is {limit} MB (DIESELWATCH_MAX_XLS_MB)":
        "是{size} MB的Excel 97-2003工作簿；上限为{limit} MB（DIESELWATCH_MAX_XLS_MB）",
    "ends in the middle of a character: the file is truncated (copy it again)": "在一个字符中间结束：文件不完整（请重新复制）",
    "has {saw} fields in this row where the header has {expected} (doubled separators or an unquoted separator "
    "inside a value)": "此行有{saw}个字段，而表头只有{expected}个（分隔符重复，或值中含有未加引号的分隔符）",
    "already exists: add --force to overwrite it, or choose another --out": "已存在：加--force覆盖，或另选--out",
    "cannot be written: folder {folder} does not exist": "无法写入：文件夹{folder}不存在",
    "is a file, not a folder: give a folder for --out": "是文件而不是文件夹：--out请给出文件夹",
    "cannot be written or read: {error}": "无法写入或读取：{error}",
}
