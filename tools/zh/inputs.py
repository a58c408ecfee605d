"""Chinese for the import of real platforms' exports: every sheet, header matching, key fields (issue 12)."""

ZH = {
    # Files that are not exports of this kind (dieselwatch/ingest/tables.py, services/registry.py, imports.py)
    "is not a monitoring export: no VIN or time column and no other known column in the first {n} rows; "
    "expected column names such as {names}":
        "不是监控数据导出文件：前{n}行中没有VIN列或时间列，也没有其他可识别的列；应有如下列名：{names}",
    "is not a vehicle registry: no VIN column and no other known column in the first {n} rows; "
    "expected column names such as {names}":
        "不是车辆登记表：前{n}行中没有VIN列，也没有其他可识别的列；应有如下列名：{names}",
    "is not a monitoring export: no {missing} column found; header row {row} has: {found}; "
    "recognised: {recognised}":
        "不是监控数据导出文件：未找到{missing}列；第{row}行表头为：{found}；已识别：{recognised}",
    "is not a vehicle registry: no {missing} column found; header row {row} has: {found}; "
    "recognised: {recognised}":
        "不是车辆登记表：未找到{missing}列；第{row}行表头为：{found}；已识别：{recognised}",
    "the sheet is empty": "工作表为空",
    "the sheet has a header row but no data rows": "工作表有表头行，但没有数据行",
    "no sheet holds data: {sheets}": "没有工作表包含数据：{sheets}",
    "its columns differ from sheet “{sheet}” (missing: {lacks}; extra: {extra}); import it on its own (--sheet)":
        "其列与工作表“{sheet}”不同（缺少：{lacks}；多出：{extra}）；请单独导入该工作表（--sheet）",
    "{error}; it looks like a vehicle registry: import it with “vehicles import”":
        "{error}；该文件像是车辆登记表：请用“导入车辆登记表”（vehicles import）导入",
    "is a monitoring export (a time column and columns such as {cols}), not a vehicle registry: "
    "import it as monitoring records (dieselwatch import)":
        "是监控数据导出文件（有时间列及{cols}等列），不是车辆登记表：请作为监控数据导入（dieselwatch import）",
    "sensor not ready: stored as missing": "传感器未就绪：按缺失值保存",
    # Two columns claiming one field (dieselwatch/ingest/columns.py)
    "the mapping gives {field} to the earlier column {kept}": "映射已将{field}指定给前面的列{kept}",
    "the mapping gives {field} to {kept}": "映射已将{field}指定给{kept}",
    "no valid value in the first {rows} rows, {kept} has {n}": "前{rows}行中没有有效值，而{kept}有{n}个",
    "{kept} is the standard (GB 17691) name of {field}": "{kept}是{field}的标准（GB 17691）名称",
    "{kept} has more valid values in the first {rows} rows ({n} against {m})":
        "{kept}在前{rows}行中有效值更多（{n}个对{m}个）",
    "{kept} is the more usual name of {field}": "{kept}是{field}更常用的名称",
    "{kept} also names {field} and comes first": "{kept}也对应{field}，且位置在前",
    # Key fields (dieselwatch/services/key_fields.py)
    "tailpipe NOx: exceedance, SCR efficiency, NOx mass and the stuck-sensor check":
        "尾气NOx：超标、SCR转化效率、NOx排放质量及传感器卡滞检查",
    "SCR conversion efficiency and the downstream-above-upstream check": "SCR转化效率及下游高于上游检查",
    "valid operation (hot SCR, warm engine, torque above friction): no sample counts, so NOx is not judged at all":
        "有效工况（SCR已热、发动机已热、扭矩高于摩擦扭矩）：没有样本计入，NOx完全无法评判",
    "engine running: trips, completeness, gaps and every NOx measure": "发动机运转状态：行程、完整率、断点及全部NOx指标",
    "exhaust flow: NOx mass and brake-specific NOx": "排气流量：NOx排放质量及比排放",
    "--allow-missing takes key fields or {all}: {bad} is not one; key fields: {fields}":
        "--allow-missing只接受关键字段或{all}：{bad}不是关键字段；关键字段为：{fields}",
    "key field(s) missing: not in the file: {unmapped}; no valid value: {empty}. Scoring then cannot judge: "
    "{lost}. Map the column (--profile), or import anyway with --allow-missing {names}":
        "缺少关键字段：文件中没有：{unmapped}；没有有效值：{empty}。评分将无法评判：{lost}。"
        "请映射该列（--profile），或用--allow-missing {names}仍然导入",
    # Import wizard and report (dieselwatch/gui)
    "Sheets imported together: {0}.": "一并导入的工作表：{0}。",
    "Sheet “{0}” is not imported: {1}": "工作表“{0}”不导入：{1}",
    "Column {0} is not imported ({1} comes from {2}): {3}": "列{0}不导入（{1}取自{2}）：{3}",
    "Key fields not mapped: {0}. Scoring then cannot judge: {1}.": "关键字段未映射：{0}。评分将无法评判：{1}。",
    "Key fields without a valid value in the first rows: {0}.": "前几行中没有有效值的关键字段：{0}。",
    "These key fields are not mapped: {0}.\n\nScoring then cannot judge:\n{1}\n\n"
    "Map them if the file has them. Import without them?":
        "以下关键字段未映射：{0}。\n\n评分将无法评判：\n{1}\n\n如文件中有这些列，请先映射。是否在缺少这些字段的情况下导入？",
    "Key fields missing": "缺少关键字段",
    "Import without them?": "是否在缺少这些字段的情况下导入？",
    "sensor not ready": "传感器未就绪",
    "imported": "已导入",
    "already imported": "此前已导入",
    "not imported": "未导入",
    "sheet {0}: {1}": "工作表{0}：{1}",
    "column {0} not imported: {1}": "列{0}未导入：{1}",
    "imported without key field(s): {0}": "导入时缺少关键字段：{0}",
}
