<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name />
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="84" />
        <source>is neither UTF-8 nor GBK/GB18030 text, nor an Excel workbook</source>
        <translation>既不是UTF-8或GBK/GB18030文本，也不是Excel工作簿</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="134" />
        <source>is not a monitoring export: no VIN or time column and no other known column in the first {n} rows; expected column names such as {names}</source>
        <translation>不是监控数据导出文件：前{n}行中没有VIN列或时间列，也没有其他可识别的列；应有如下列名：{names}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="137" />
        <source>is not a vehicle registry: no VIN column and no other known column in the first {n} rows; expected column names such as {names}</source>
        <translation>不是车辆登记表：前{n}行中没有VIN列，也没有其他可识别的列；应有如下列名：{names}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="152" />
        <source>is not a monitoring export: no {missing} column found; header row {row} has: {found}; recognised: {recognised}</source>
        <translation>不是监控数据导出文件：未找到{missing}列；第{row}行表头为：{found}；已识别：{recognised}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="155" />
        <source>is not a vehicle registry: no {missing} column found; header row {row} has: {found}; recognised: {recognised}</source>
        <translation>不是车辆登记表：未找到{missing}列；第{row}行表头为：{found}；已识别：{recognised}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="72" />
        <source>DIESELWATCH_{name} must be a number, not “{value}”</source>
        <translation>DIESELWATCH_{name}必须是数字，而不是“{value}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="196" />
        <source>is a damaged workbook: part {part} is missing</source>
        <translation>是损坏的工作簿：缺少部件{part}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="200" />
        <source>is an encrypted workbook: save it without a password and import it again</source>
        <translation>是加密的工作簿：请去掉密码另存后再导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="202" />
        <source>uses a compression method ({method}) that Excel does not write</source>
        <translation>使用了Excel不会写出的压缩方式（{method}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="215" />
        <source>is a damaged or hostile workbook: part {part} declares {declared} bytes but unpacks to more</source>
        <translation>是损坏或恶意构造的工作簿：部件{part}声明为{declared}字节，解压后却更大</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="217" />
        <source>unpacks to more than {limit} MB: refused (limit DIESELWATCH_MAX_UNPACKED_MB)</source>
        <translation>解压后超过{limit} MB：已拒绝（上限见DIESELWATCH_MAX_UNPACKED_MB）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="233" />
        <source>is truncated: part {part} ends early</source>
        <translation>文件不完整：部件{part}提前结束</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="248" />
        <source>is truncated or damaged: part {part} does not unpack completely</source>
        <translation>文件不完整或已损坏：部件{part}无法完整解压</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="250" />
        <source>is a damaged or hostile workbook: part {part} declares {declared} bytes but unpacks to {actual}</source>
        <translation>是损坏或恶意构造的工作簿：部件{part}声明为{declared}字节，解压后为{actual}字节</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="295" />
        <location filename="../../dieselwatch/ingest/limits.py" line="316" />
        <location filename="../../dieselwatch/ingest/tables.py" line="240" />
        <source>is not a readable Excel workbook ({error})</source>
        <translation>不是可读取的Excel工作簿（{error}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="299" />
        <source>has {n} parts: refused as a damaged or hostile workbook</source>
        <translation>含有{n}个部件：作为损坏或恶意构造的工作簿拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="302" />
        <source>is a zip archive but not an Excel workbook</source>
        <translation>是zip压缩包，但不是Excel工作簿</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="304" />
        <source>has a part twice: refused as a damaged or hostile workbook</source>
        <translation>含有重复的部件：作为损坏或恶意构造的工作簿拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="311" />
        <source>unpacks to {unpacked} MB from {packed} MB: refused as a zip bomb</source>
        <translation>由{packed} MB解压为{unpacked} MB：疑似压缩炸弹，已拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="327" />
        <source>is truncated or damaged: part {part} cannot be unpacked ({error})</source>
        <translation>文件不完整或已损坏：部件{part}无法解压（{error}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="350" />
        <source>declares</source>
        <translation>声明</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="350" />
        <source>uses</source>
        <translation>使用</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="354" />
        <source>sheet “{sheet}” {what} cells up to {cell} ({rows} rows × {cols} columns); the limits are {max_rows} rows, {max_cols} columns and {max_cells} cells (and no more cells than bytes of sheet data): refused before reading</source>
        <translation>工作表“{sheet}”{what}的单元格直到{cell}（{rows}行×{cols}列）；上限为{max_rows}行、{max_cols}列、{max_cells}个单元格（且单元格数不超过工作表数据的字节数）：读取前已拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="369" />
        <source>is a {size} MB Excel 97-2003 workbook; the limit is {limit} MB (DIESELWATCH_MAX_XLS_MB)</source>
        <translation>是{size} MB的Excel 97-2003工作簿；上限为{limit} MB（DIESELWATCH_MAX_XLS_MB）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="390" />
        <source>ends in the middle of a character: the file is truncated (copy it again)</source>
        <translation>在一个字符中间结束：文件不完整（请重新复制）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="406" />
        <source>has {saw} fields in this row where the header has {expected} (doubled separators or an unquoted separator inside a value)</source>
        <translation>此行有{saw}个字段，而表头只有{expected}个（分隔符重复，或值中含有未加引号的分隔符）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="199" />
        <source>cannot be read ({error})</source>
        <translation>无法读取（{error}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="201" />
        <source>is empty</source>
        <translation>是空文件</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="209" />
        <source>is a binary file, not a CSV export or Excel workbook</source>
        <translation>是二进制文件，不是CSV导出文件或Excel工作簿</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="216" />
        <source>has no lines</source>
        <translation>没有任何行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="247" />
        <source>has no sheet “{sheet}”; sheets: {sheets}</source>
        <translation>没有工作表“{sheet}”；现有工作表：{sheets}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="258" />
        <source>the sheet is empty</source>
        <translation>工作表为空</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="265" />
        <location filename="../../dieselwatch/ingest/tables.py" line="431" />
        <source>sheet “{sheet}” cannot be read ({error})</source>
        <translation>工作表“{sheet}”无法读取（{error}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="274" />
        <source>the sheet has a header row but no data rows</source>
        <translation>工作表有表头行，但没有数据行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="282" />
        <source>has no sheets</source>
        <translation>没有工作表</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="285" />
        <source>no sheet holds data: {sheets}</source>
        <translation>没有工作表包含数据：{sheets}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="305" />
        <source>its columns differ from sheet “{sheet}” (missing: {lacks}; extra: {extra}); import it on its own (--sheet)</source>
        <translation>其列与工作表“{sheet}”不同（缺少：{lacks}；多出：{extra}）；请单独导入该工作表（--sheet）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="352" />
        <source>is not valid {encoding} text after the first megabyte ({error})</source>
        <translation>第1 MB之后不是有效的{encoding}文本（{error}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="411" />
        <location filename="../../dieselwatch/ingest/limits.py" line="417" />
        <source>is not a well-formed CSV: {error}</source>
        <translation>不是格式正确的CSV:{error}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="359" />
        <source>cannot be parsed as CSV: {error}</source>
        <translation>无法按CSV解析：{error}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="393" />
        <source>is not valid {encoding} text ({error})</source>
        <translation>不是有效的{encoding}文本（{error}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/values.py" line="164" />
        <location filename="../../dieselwatch/services/registry.py" line="183" />
        <source>VIN missing</source>
        <translation>缺少VIN</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/values.py" line="167" />
        <location filename="../../dieselwatch/services/registry.py" line="186" />
        <source>VIN malformed (17 characters, no I, O or Q)</source>
        <translation>VIN格式错误（应为17位，不含I、O、Q）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/values.py" line="175" />
        <source>time not understood</source>
        <translation>无法识别的时间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/values.py" line="179" />
        <source>time before 2015 or in the future</source>
        <translation>时间早于2015年或晚于当前</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/progress.py" line="29" />
        <source>cancelled by the user</source>
        <translation>已由用户取消</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="39" />
        <source>{source}: not a readable rule set ({error})</source>
        <translation>{source}：不是可读取的规则文件（{error}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="43" />
        <location filename="../../dieselwatch/storage/auditstate.py" line="28" />
        <source>rule set</source>
        <translation>规则版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="48" />
        <source>{source}: needs a non-empty “version”</source>
        <translation>{source}：必须填写“version”（版本号）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="54" />
        <source>{source}: section “{section}” missing</source>
        <translation>{source}：缺少“{section}”部分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="59" />
        <source>{source}: “{key}” missing</source>
        <translation>{source}：缺少“{key}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="61" />
        <source>{source}: “{key}” must be a number &gt;= 0, got “{value}”</source>
        <translation>{source}：“{key}”必须是≥0的数值，实际为“{value}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="65" />
        <source>{source}: unknown key(s) in “{section}”: {keys}</source>
        <translation>{source}：“{section}”中有未知的项：{keys}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="71" />
        <source>{source}: the work-window power threshold must fall from power_share_start to power_share_min in at most {n} steps</source>
        <translation>{source}：功基窗口功率阈值须从power_share_start降至power_share_min，且不超过{n}步</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="74" />
        <source>{source}: “{key}” must lie between 0 and 1</source>
        <translation>{source}：“{key}”须在0与1之间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="88" />
        <source>unreadable time: the row is rejected</source>
        <translation>时间无法识别：该行将被拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="89" />
        <source>no time: the row is rejected</source>
        <translation>没有时间：该行将被拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="94" />
        <source>not a 17-character VIN: the row is rejected</source>
        <translation>不是17位VIN：该行将被拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="99" />
        <source>invalid marker: stored as missing</source>
        <translation>无效标记：按缺失值保存</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="104" />
        <source>not a number: stored as missing</source>
        <translation>非数值：按缺失值保存</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="107" />
        <source>invalid-value code: stored as missing</source>
        <translation>无效值代码：按缺失值保存</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="109" />
        <source>sensor not ready: stored as missing</source>
        <translation>传感器未就绪：按缺失值保存</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="111" />
        <source>out of range {min} to {max}: stored as missing</source>
        <translation>超出范围{min}至{max}：按缺失值保存</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/batches.py" line="140" />
        <source>removing an import batch needs a reason</source>
        <translation>撤销导入批次须填写原因</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/batches.py" line="146" />
        <location filename="../../dieselwatch/services/import_report.py" line="24" />
        <source>there is no import batch {batch}</source>
        <translation>没有第{batch}批导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/batches.py" line="148" />
        <source>batch {batch} is a vehicle registry import; only monitoring record imports can be removed</source>
        <translation>批次{batch}是车辆登记表导入；只能撤销监控数据导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/batches.py" line="181" />
        <source>vehicle {vin} recomputed</source>
        <translation>已重新计算车辆{vin}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/batches.py" line="210" />
        <location filename="../../dieselwatch/services/imports.py" line="312" />
        <location filename="../../dieselwatch/services/registry.py" line="124" />
        <location filename="../../dieselwatch/services/scoring.py" line="283" />
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/imports.py" line="117" />
        <location filename="../../dieselwatch/services/registry.py" line="66" />
        <source>does not exist or is not a file</source>
        <translation>不存在或不是文件</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/imports.py" line="289" />
        <source>has a header row but no data rows</source>
        <translation>只有表头，没有数据行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/imports.py" line="320" />
        <source>{error}; it looks like a vehicle registry: import it with “vehicles import”</source>
        <translation>{error}；该文件像是车辆登记表：请用“导入车辆登记表”（vehicles import）导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/imports.py" line="406" />
        <source>{rows} rows read</source>
        <translation>已读取{rows}行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/imports.py" line="495" />
        <source>vehicle {vin}, month {month} stored</source>
        <translation>已保存车辆{vin}的{month}数据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="56" />
        <source>black</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="56" />
        <source>white</source>
        <translation>白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="56" />
        <source>watch</source>
        <translation>重点关注</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="57" />
        <source>proposed</source>
        <translation>待审批</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="57" />
        <source>active</source>
        <translation>生效</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="57" />
        <source>removal proposed</source>
        <translation>待审批移出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="58" />
        <source>rejected</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="58" />
        <source>removed</source>
        <translation>已移出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="58" />
        <source>expired</source>
        <translation>已失效</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="113" />
        <source>another workstation kept proposing the same entries: try again</source>
        <translation>另一工作站正在提出相同的条目：请重试</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="121" />
        <location filename="../../dieselwatch/services/publication.py" line="69" />
        <source>no scoring run {run}</source>
        <translation>没有第{run}次评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="122" />
        <location filename="../../dieselwatch/services/publication.py" line="70" />
        <source>no scoring run yet: score a period first</source>
        <translation>还没有评分：请先对一个时段评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="171" />
        <location filename="../../dieselwatch/services/lists.py" line="454" />
        <source>a decision needs a reason</source>
        <translation>审批需要填写理由</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="178" />
        <source>entry {entry} is {status}: there is nothing to decide</source>
        <translation>条目{entry}状态为{status}，无需审批</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="184" />
        <source>{user} proposed this and cannot also decide it (two-person rule)</source>
        <translation>{user}是提议人，不能再审批此条目（双人原则）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="208" />
        <source>entry {entry} was changed on another workstation while you decided: reload it and decide again</source>
        <translation>您审批期间条目{entry}已在另一工作站被修改：请重新载入后再审批</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="211" />
        <source>another entry of the vehicle of entry {entry} became active at the same moment (another workstation decided it): reload the vehicle's entries and decide again</source>
        <translation>条目{entry}所属车辆的另一条名单条目在同一时刻生效（另一工作站作出了决定）：请重新加载该车辆的条目后再作决定</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="219" />
        <source>no list entry {entry}</source>
        <translation>没有名单条目{entry}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="221" />
        <source>entry {entry} was changed by {user} after you opened it (version {opened}, now {now}): reload it</source>
        <translation>条目{entry}在您打开后被{user}修改（打开时版本{opened}，现为{now}）：请重新载入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="236" />
        <source>the vehicle of entry {entry} is already on the {kind} list (entry {other}): end that entry first</source>
        <translation>条目{entry}的车辆已在{kind}中（条目{other}）：请先结束该条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="279" />
        <source>a removal needs a reason</source>
        <translation>移出需要填写理由</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="286" />
        <source>entry {entry} is {status}; only an active entry can be removed</source>
        <translation>条目{entry}状态为{status}；只有生效的条目可以移出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="291" />
        <source>removal from the black list needs the repair record and the re-inspection date</source>
        <translation>移出黑名单需要维修记录和复检日期</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="294" />
        <source>the re-inspection date {date} is in the future</source>
        <translation>复检日期{date}晚于今天</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="296" />
        <source>the re-inspection ({date}) predates the black entry ({since})</source>
        <translation>复检日期（{date}）早于列入黑名单的日期（{since}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="300" />
        <source>the vehicle was not clean after the re-inspection on {days}</source>
        <translation>车辆复检后仍有超标或异常：{days}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="303" />
        <source>{n} clean days with data since the re-inspection on {date}; {need} are required</source>
        <translation>自{date}复检以来有数据且达标的天数为{n}天；需要{need}天</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="316" />
        <source>entry {entry} was changed on another workstation: reload it</source>
        <translation>条目{entry}已在另一工作站被修改：请重新载入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="365" />
        <source>list entry {entry} has no vehicle</source>
        <translation>名单条目{entry}没有对应车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="381" />
        <source>list must be one of {kinds}, got “{kind}”</source>
        <translation>名单类型必须是{kinds}之一，实际为“{kind}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="383" />
        <source>status must be one of {statuses}, got “{status}”</source>
        <translation>状态必须是{statuses}之一，实际为“{status}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="406" />
        <source>no vehicle with VIN “{vin}”</source>
        <translation>没有VIN为“{vin}”的车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="484" />
        <source>nobody is signed in: decisions need a signed-in officer</source>
        <translation>尚未登录：审核决定须由已登录的工作人员作出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="486" />
        <source>entry {entry} is {status}: it is not a proposal</source>
        <translation>条目{entry}状态为“{status}”，不是待审核的提议</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="488" />
        <source>black-list decisions need a supervisor; you are signed in as {role}</source>
        <translation>黑名单审核须由审核负责人作出；您当前的角色是{role}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="492" />
        <source>you proposed entry {entry}: another person decides it (two-person rule)</source>
        <translation>条目{entry}由您提议，须由他人审核（双人复核规则）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="507" />
        <source>select one or more entries first</source>
        <translation>请先选择一个或多个条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="508" />
        <source>select an active entry first</source>
        <translation>请先选择一个生效中的条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="515" />
        <source>none of the {n} selected entries can be decided by you; first: {why}</source>
        <translation>所选{n}个条目均不能由您审核；第一个原因：{why}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="517" />
        <source>nobody is signed in: removals need a signed-in officer</source>
        <translation>尚未登录：申请移出须由已登录的工作人员提出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="519" />
        <source>a removal is proposed for one entry at a time: select a single entry</source>
        <translation>每次只能对一个条目申请移出：请只选择一个条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="521" />
        <source>entry {entry} is {status}: only an active entry can be removed</source>
        <translation>条目{entry}状态为“{status}”：只有生效中的条目才能申请移出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="145" />
        <location filename="../../dieselwatch/services/notices.py" line="468" />
        <source>a notice must tell the owner whom to contact: set {keys} in the office settings first</source>
        <translation>通知书须告知车主联系方式：请先在单位设置中填写{keys}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="152" />
        <location filename="../../dieselwatch/services/notices.py" line="471" />
        <source>notices are signed with the issuer's name: account {user} has no display name; an admin sets it (users set {user} --name ...)</source>
        <translation>通知书须以签发人姓名署名：账号{user}没有填写姓名；请管理员设置（users set {user} --name ...）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="165" />
        <location filename="../../dieselwatch/services/notices.py" line="449" />
        <source>entries {ids} are not active black-list entries</source>
        <translation>条目{ids}不是生效的黑名单条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="179" />
        <source>the notice numbers changed since the preview (another workstation issued notices meanwhile): nothing was issued; preview again</source>
        <translation>预览后通知书编号已变化（其他工作站在此期间签发了通知书）：本次未签发任何通知书，请重新预览</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="318" />
        <source>no notice {ids}</source>
        <translation>没有通知书{ids}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="331" />
        <location filename="../../dieselwatch/services/notices.py" line="348" />
        <source>notice {number}</source>
        <translation>通知书{number}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="439" />
        <location filename="../../dieselwatch/services/notices.py" line="504" />
        <source>select one or more black-list entries first</source>
        <translation>请先选择一个或多个黑名单条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="454" />
        <source>entries {ids} already have a notice ({numbers})</source>
        <translation>条目{ids}已有通知书（{numbers}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="502" />
        <source>nobody is signed in: notices are issued by a signed-in officer</source>
        <translation>尚未登录：通知书须由已登录的工作人员签发</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/profiles.py" line="21" />
        <source>must be a JSON object of export header -&gt; field</source>
        <translation>必须是“导出表头 -&gt; 字段”形式的JSON对象</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/profiles.py" line="25" />
        <source>unknown field(s) {bad}; fields are: {fields} (or {ignore} to leave a column out)</source>
        <translation>未知字段：{bad}；可用字段：{fields}（或用{ignore}表示不导入该列）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/profiles.py" line="39" />
        <source>is neither a saved mapping profile nor a JSON file</source>
        <translation>既不是已保存的对应方案，也不是JSON文件</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/cli.py" line="268" />
        <source>already exists: add --force to overwrite it, or choose another --out</source>
        <translation>已存在：加--force覆盖，或另选--out</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/cli.py" line="270" />
        <location filename="../../dieselwatch/services/samples.py" line="136" />
        <source>cannot be written: folder {folder} does not exist</source>
        <translation>无法写入：文件夹{folder}不存在</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/cli.py" line="277" />
        <source>is a file, not a folder: give a folder for --out</source>
        <translation>是文件而不是文件夹：--out请给出文件夹</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/cli.py" line="718" />
        <location filename="../../dieselwatch/cli.py" line="746" />
        <location filename="../../dieselwatch/services/profiles.py" line="43" />
        <source>is not readable JSON ({error})</source>
        <translation>不是可读取的JSON({error})</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/cli.py" line="829" />
        <source>cannot be written or read: {error}</source>
        <translation>无法写入或读取：{error}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="136" />
        <source>is a monitoring export (a time column and columns such as {cols}), not a vehicle registry: import it as monitoring records (dieselwatch import)</source>
        <translation>是监控数据导出文件（有时间列及{cols}等列），不是车辆登记表：请作为监控数据导入（dieselwatch import）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="191" />
        <source>VIN repeated (first at row {row})</source>
        <translation>VIN重复（首次出现在第{row}行）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="205" />
        <source>longer than {limit} characters</source>
        <translation>超过{limit}个字符</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="33" />
        <source>reference torque must be a number of N m (100-10000)</source>
        <translation>参考扭矩必须是以N·m计的数值（100-10000）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="34" />
        <source>rated power must be a number of kW (20-1500)</source>
        <translation>额定功率须为以kW计的数值（20-1500）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="35" />
        <source>WHTC work must be a number of kWh (1-200)</source>
        <translation>WHTC循环功须为以kWh计的数值（1-200）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="80" />
        <source>registry rows checked</source>
        <translation>登记表已校验</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="112" />
        <source>vehicle {vin}</source>
        <translation>车辆{vin}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="228" />
        <source>{n} row(s) refused, first: {first}</source>
        <translation>有{n}行被拒绝，第一处：{first}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/rulesets.py" line="107" />
        <source>no rule set version “{version}”; stored: {known}</source>
        <translation>没有规则版本“{version}”；已保存的版本：{known}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/rulesets.py" line="134" />
        <location filename="../../dieselwatch/services/scoring.py" line="219" />
        <source>rule set version “{version}” already exists with other values: give the edited copy a new version</source>
        <translation>规则版本“{version}”已存在且内容不同：请为修改后的规则指定新版本号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/rulesets.py" line="222" />
        <source>“{key}” must lie between {min} and {max}, got {value}</source>
        <translation>“{key}”应在{min}至{max}之间，当前为{value}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/rulesets.py" line="225" />
        <source>“{key}” must be a whole number, got {value}</source>
        <translation>“{key}”应为整数，当前为{value}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/rulesets.py" line="230" />
        <source>“{low}” ({a}) must not exceed “{high}” ({b})</source>
        <translation>“{low}”（{a}）不得大于“{high}”（{b}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/rulesets.py" line="250" />
        <location filename="../../dieselwatch/services/scoring.py" line="216" />
        <source>give the edited rule set a new version</source>
        <translation>请为修改后的规则指定新版本号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/rulesets.py" line="262" />
        <source>say why the rule set is activated (a reason is required)</source>
        <translation>请说明启用该规则版本的原因（必填）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/rulesets.py" line="273" />
        <source>rule set {version} is already the active one</source>
        <translation>规则版本{version}已是当前启用的版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/scoring.py" line="77" />
        <source>{what} must be a date as YYYY-MM-DD, got “{text}”</source>
        <translation>{what}必须是YYYY-MM-DD格式的日期，实际为“{text}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/scoring.py" line="261" />
        <source>vehicle {vin} judged</source>
        <translation>已评判车辆{vin}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/scoring.py" line="264" />
        <source>Data source {source}: all {n} vehicles read at least {min} ppm downstream NOx when hot and loaded; the platform seems to omit the -200 ppm offset. Their NOx figures are not judged.</source>
        <translation>数据来源{source}：全部{n}辆车热态负载下下游NOx均不低于{min}ppm，疑为平台未减去-200ppm偏移，这些车辆的NOx指标不作判定。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/scoring.py" line="320" />
        <source>scoring run {run} is a trial with rule set {version}, which the office has not activated: activate it and score again to propose from it</source>
        <translation>评分批次{run}是使用未启用的规则版本{version}的试算：须先启用该版本并重新评分，才能据此生成名单建议</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/scoring.py" line="346" />
        <source>The period {start} to {end} reaches outside what the imported exports cover ({spans}): {n} of its {days} days are not judged for any vehicle.</source>
        <translation>评价期{start}至{end}超出已导入数据的覆盖范围（{spans}）：其{days}天中有{n}天对任何车辆都不作判定。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/scoring.py" line="348" />
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/scoring.py" line="351" />
        <source>{n} vehicle(s) appear in no export covering the period: not judged ({vins}).</source>
        <translation>{n}辆车不在覆盖该期间的任何导出数据中，不作判定（{vins}）。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/scoring.py" line="401" />
        <source>day statistics rebuilt for {done} of {total} vehicles</source>
        <translation>已重建日统计：{done}/{total}辆车</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/samples.py" line="91" />
        <location filename="../../dieselwatch/services/scoring.py" line="208" />
        <source>the period ends ({end}) before it starts ({start})</source>
        <translation>时段的结束日期（{end}）早于开始日期（{start}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/samples.py" line="99" />
        <source>no vehicle with VIN {vin} in this database</source>
        <translation>数据库中没有VIN为{vin}的车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/samples.py" line="111" />
        <source>no samples of {vin} from {start} to {end}; its stored samples run from {first} to {last}</source>
        <translation>{vin}在{start}至{end}期间没有数据；已存数据的时间范围为{first}至{last}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/samples.py" line="113" />
        <source>no samples of {vin} are stored</source>
        <translation>没有{vin}的已存数据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/samples.py" line="132" />
        <source>write samples to a .xlsx or .csv file</source>
        <translation>数据只能写入.xlsx或.csv文件</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/samples.py" line="134" />
        <source>already exists; choose another name or overwrite it with --force</source>
        <translation>文件已存在；请换一个文件名，或用--force覆盖</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/samples.py" line="157" />
        <location filename="../../dieselwatch/services/samples.py" line="193" />
        <source>{rows} rows written</source>
        <translation>已写入{rows}行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="67" />
        <source>{key} must be true or false, got “{value}”</source>
        <translation>{key}必须是true或false，实际为“{value}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="72" />
        <source>{key} must be a whole number, got “{value}”</source>
        <translation>{key}必须是整数，实际为“{value}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="75" />
        <source>{key} must be between 0 and 3650, got {value}</source>
        <translation>{key}必须在0到3650之间，实际为{value}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="79" />
        <source>{key} is longer than 500 characters</source>
        <translation>{key}超过500个字符</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="84" />
        <source>notices.number_pattern may use only {{code}}, {{year}} and {{seq}}: {error}</source>
        <translation>notices.number_pattern只能使用{{code}}、{{year}}和{{seq}}:{error}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="87" />
        <source>notices.number_pattern must contain {seq}, or numbers would repeat</source>
        <translation>notices.number_pattern必须包含{seq}，否则编号会重复</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="100" />
        <source>the bureau code “{code}” already ends with “{added}”, which the notice number adds: numbers would read {example}. Enter only the code (e.g. {short})</source>
        <translation>单位代码“{code}”已以“{added}”结尾，而通知书编号会自动加上“{added}”：编号将变成{example}。请只填写代码（例如{short}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="116" />
        <source>unknown setting “{key}”; known: {known}</source>
        <translation>未知设置项“{key}”；可用设置项：{known}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="42" />
        <source>officer</source>
        <translation>工作人员</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="42" />
        <source>supervisor</source>
        <translation>审核人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="42" />
        <source>admin</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="104" />
        <source>wrong user name or password, or the account is disabled</source>
        <translation>用户名或密码错误，或账号已停用</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="117" />
        <location filename="../../dieselwatch/services/users.py" line="200" />
        <source>sign in first (user name and password)</source>
        <translation>请先登录（用户名和密码）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="119" />
        <source>no users yet: create the first admin account (dieselwatch users add NAME --role admin)</source>
        <translation>还没有账号：请先创建管理员账号（dieselwatch users add 用户名 --role admin）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="122" />
        <source>the account “{user}” no longer exists or was disabled</source>
        <translation>账号“{user}”已不存在或已停用</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="124" />
        <source>{user} is {role}; this needs the {need} role</source>
        <translation>{user}的角色是{role}；此操作需要{need}角色</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="131" />
        <source>the password must not be blank or only spaces</source>
        <translation>密码不能为空，也不能只有空格</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="133" />
        <source>the password must have at least {n} characters</source>
        <translation>密码至少需要{n}个字符</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="135" />
        <source>the password must differ from the user name</source>
        <translation>密码不能与用户名相同</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="141" />
        <source>a user name is 1 to 100 characters without spaces</source>
        <translation>用户名为1至100个字符，不含空格</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="143" />
        <location filename="../../dieselwatch/services/users.py" line="176" />
        <source>role must be one of {roles}, got “{role}”</source>
        <translation>角色必须是{roles}之一，实际为“{role}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="149" />
        <source>the first account must be an admin</source>
        <translation>第一个账号必须是管理员</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="156" />
        <source>the user “{user}” already exists</source>
        <translation>用户“{user}”已存在</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="174" />
        <source>a display name cannot be blank</source>
        <translation>姓名不能为空</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="180" />
        <location filename="../../dieselwatch/services/users.py" line="208" />
        <source>no user “{user}”</source>
        <translation>没有用户“{user}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="191" />
        <source>this would leave no active admin</source>
        <translation>这样将没有启用的管理员</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="210" />
        <source>the current password is wrong</source>
        <translation>当前密码错误</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="120" />
        <source>the append-only guard(s) {guards} were removed from the database</source>
        <translation>数据库中的只追加保护{guards}已被删除</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="124" />
        <source>the append-only guard(s) {guards} were replaced by triggers that do something else</source>
        <translation>只允许追加的保护触发器{guards}已被替换为其他内容</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="130" />
        <source>event {seq} is missing (next stored is {next})</source>
        <translation>第{seq}条记录缺失（下一条保存的是第{next}条）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="133" />
        <source>event {seq} does not link to event {prev}</source>
        <translation>第{seq}条记录与第{prev}条记录衔接不上</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="138" />
        <source>event {seq} was altered after it was written</source>
        <translation>第{seq}条记录写入后被修改过</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="146" />
        <source>events after {n} are gone: {source} recorded the head at event {anchor}</source>
        <translation>第{n}条之后的记录已丢失：{source}记下的链头为第{anchor}条</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="149" />
        <source>event {seq} differs from the one {source} recorded ({hash})</source>
        <translation>第{seq}条记录与{source}记下的不同（{hash}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="143" />
        <source>the event count does not match the chain</source>
        <translation>记录条数与链不一致</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="155" />
        <source>events {first} to {last} were deleted (the chain ends at {n})</source>
        <translation>第{first}至{last}条记录已被删除（链止于第{n}条）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="157" />
        <source>the recorded head (event {head}) does not match the chain's last event {n}</source>
        <translation>记录的链头（第{head}条）与链的最后一条（第{n}条）不一致</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="161" />
        <source> (and {n} more differences)</source>
        <translation>（另有{n}处不一致）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="162" />
        <source>the tables differ from the history: {first}{more}</source>
        <translation>数据表与审计记录不一致：{first}{more}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="164" />
        <source>{n} events, chain intact</source>
        <translation>共{n}条记录，链完整</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/db.py" line="38" />
        <source>not a database URL: “{url}” ({error})</source>
        <translation>不是数据库地址：“{url}”（{error}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/db.py" line="145" />
        <source>cannot connect: {error}</source>
        <translation>无法连接：{error}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/db.py" line="148" />
        <source>schema revision {rev}</source>
        <translation>数据库结构版本{rev}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/db.py" line="148" />
        <source>empty database (it is set up at the first start)</source>
        <translation>空数据库（首次启动时建立）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/db.py" line="149" />
        <source>{version}; {state}</source>
        <translation>{version}；{state}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="138" />
        <source>NOx above screening threshold</source>
        <translation>NOx超筛查阈值占比</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="138" />
        <source>days above screening threshold</source>
        <translation>超筛查阈值天数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="139" />
        <source>brake-specific NOx (Annex K windows)</source>
        <translation>比排放NOx（附录K功基窗口）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="139" />
        <source>brake-specific NOx (fixed time windows)</source>
        <translation>比排放NOx（固定时间窗口）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="140" />
        <source>too few valid work windows</source>
        <translation>有效功基窗口不足</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="140" />
        <source>engine data missing</source>
        <translation>缺少发动机参数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="141" />
        <source>SCR efficiency low</source>
        <translation>SCR转化效率过低</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="142" />
        <source>SCR efficiency weak</source>
        <translation>SCR转化效率偏低</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="142" />
        <source>too little valid operation</source>
        <translation>有效工况不足</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="143" />
        <source>downstream NOx above upstream</source>
        <translation>下游NOx高于上游</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="143" />
        <source>downstream NOx at zero</source>
        <translation>下游NOx恒为零</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="144" />
        <source>downstream NOx stuck</source>
        <translation>下游NOx卡滞</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="144" />
        <source>downstream NOx emulated</source>
        <translation>下游NOx疑被模拟</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="145" />
        <source>reagent empty</source>
        <translation>反应剂为空</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="146" />
        <source>reagent level not falling</source>
        <translation>反应剂余量不降</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="147" />
        <source>reagent use far below peers</source>
        <translation>尿素消耗远低于同类车</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="148" />
        <source>SCR temperature implausible</source>
        <translation>SCR温度不可信</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="149" />
        <source>calibration changed</source>
        <translation>标定被修改</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="149" />
        <source>odometer backwards</source>
        <translation>里程倒退</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="150" />
        <source>MIL on</source>
        <translation>故障灯点亮</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="150" />
        <source>MIL on at times</source>
        <translation>故障灯曾点亮</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="150" />
        <source>long offline</source>
        <translation>长期离线</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="151" />
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="151" />
        <source>online rate low</source>
        <translation>上线率低</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="152" />
        <source>data incomplete</source>
        <translation>数据不完整</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="152" />
        <source>key fields missing</source>
        <translation>关键字段缺失</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="153" />
        <source>no valid position</source>
        <translation>定位无效</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="153" />
        <source>position jumps</source>
        <translation>位置跳变</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="154" />
        <source>insufficient data</source>
        <translation>数据不足</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="154" />
        <source>days not covered</source>
        <translation>数据未覆盖的天数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="155" />
        <source>data source offset</source>
        <translation>数据来源偏移</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="155" />
        <source>not enough evidence for white</source>
        <translation>白名单证据不足</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="87" />
        <source>legal texts {where}: unknown key(s) {keys}; keys are: {known}</source>
        <translation>法律文本{where}：未知的项{keys}；可用的项：{known}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="91" />
        <source>legal texts {where}: {keys} must not be empty</source>
        <translation>法律文本{where}：{keys}不能为空</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="100" />
        <source>legal texts {where}: effective_from must be a date YYYY-MM-DD, got “{value}”</source>
        <translation>法律文本{where}：施行日期须为YYYY-MM-DD格式的日期，实际为“{value}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="105" />
        <source>legal texts {where}: {keys} must be text (verified: true or false)</source>
        <translation>法律文本{where}：{keys}须为文本（verified须为true或false）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="109" />
        <source>legal texts {where}: {key} is longer than {limit} characters</source>
        <translation>法律文本{where}：{key}超过{limit}个字符</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="114" />
        <source>legal texts {where}: rights may use only {{body}} and {{court}}</source>
        <translation>法律文本{where}：权利告知中只能使用{{body}}和{{court}}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="140" />
        <source>no legal texts in force on {day}: the earliest version takes effect on {first}</source>
        <translation>{day}没有施行中的法律文本：最早的版本自{first}起施行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="151" />
        <source>legal texts must be a non-empty list of versions</source>
        <translation>法律文本须为至少包含一个版本的列表</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="156" />
        <source>legal texts: two versions take effect on {dates}</source>
        <translation>法律文本：有两个版本的施行日期同为{dates}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="179" />
        <source>the legal texts in force on {day} (version of {since}) are shipped defaults: check the article numbers against the official texts and save them as verified (dieselwatch settings legal --set FILE)</source>
        <translation>{day}施行的法律文本（{since}版）为出厂默认文本：请对照官方文本核对条款号，并保存为已核对（dieselwatch settings legal --set 文件）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/captures.py" line="153" />
        <source>is a GB/T 32960 electric-vehicle capture ({n} frames), not GB 17691 / HJ 1239 diesel monitoring data: refused</source>
        <translation>是 GB/T 32960 电动汽车报文（{n}帧），不是 GB 17691 / HJ 1239 柴油车监控数据：拒绝导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/captures.py" line="158" />
        <source>holds no decodable GB 17691 / HJ 1239 data frame ({read} frames read, {skipped} skipped, {enc} encrypted){why}</source>
        <translation>没有可解析的 GB 17691 / HJ 1239 数据帧（读取{read}帧，跳过{skipped}帧，加密{enc}帧）{why}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="123" />
        <source>{n} bytes before the first frame</source>
        <translation>第一帧之前有{n}个字节</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="126" />
        <source>no frame start bytes (## or ~~) in {n} bytes</source>
        <translation>{n}个字节中没有帧起始符（## 或 ~~）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="132" />
        <source>torn frame: cut off by the end of the data</source>
        <translation>残帧：数据在帧内结束</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="140" />
        <source>frame shorter than its length field says ({length} data bytes): torn or cut off</source>
        <translation>帧比其长度字段（{length}个数据字节）短：残帧或被截断</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="143" />
        <source>check byte does not match (torn or garbled frame)</source>
        <translation>校验码不符（残帧或乱码帧）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="149" />
        <source>{n} bytes after the last frame</source>
        <translation>最后一帧之后有{n}个字节</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="151" />
        <source>{n} garbled bytes between frames</source>
        <translation>帧之间有{n}个乱码字节</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="306" />
        <source>GB/T 32960 electric-vehicle frame (not a diesel terminal's message): refused</source>
        <translation>GB/T 32960 电动汽车报文（不是柴油车终端报文）：拒绝导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="313" />
        <source>unknown command 0x{cmd}</source>
        <translation>未知命令 0x{cmd}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="393" />
        <source>local dialect real-time layout (bodies without their own time, or types 0x80-0x82): not decoded</source>
        <translation>地方或早期平台的实时信息格式（信息体不带各自的采集时间，或类型为0x80-0x82）：未解析</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="396" />
        <source>unknown real-time layout: not decoded</source>
        <translation>无法识别的实时信息格式：未解析</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="414" />
        <source>info type 0x{type} ({name}) is counted but not decoded: rest of the frame skipped</source>
        <translation>信息类型 0x{type}（{name}）已计数但未解析：跳过该帧其余部分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="416" />
        <source>info type 0x{type} unknown or cut off: rest of the frame skipped</source>
        <translation>信息类型 0x{type} 未知或不完整：跳过该帧其余部分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="433" />
        <source>data-stream body with an invalid time: skipped</source>
        <translation>数据流信息体的采集时间无效：已跳过</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/columns.py" line="190" />
        <source>the mapping gives {field} to the earlier column {kept}</source>
        <translation>映射已将{field}指定给前面的列{kept}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/columns.py" line="192" />
        <source>the mapping gives {field} to {kept}</source>
        <translation>映射已将{field}指定给{kept}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/columns.py" line="205" />
        <source>no valid value in the first {rows} rows, {kept} has {n}</source>
        <translation>前{rows}行中没有有效值，而{kept}有{n}个</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/columns.py" line="208" />
        <source>{kept} is the standard (GB 17691) name of {field}</source>
        <translation>{kept}是{field}的标准（GB 17691）名称</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/columns.py" line="210" />
        <source>{kept} has more valid values in the first {rows} rows ({n} against {m})</source>
        <translation>{kept}在前{rows}行中有效值更多（{n}个对{m}个）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/columns.py" line="213" />
        <source>{kept} is the more usual name of {field}</source>
        <translation>{kept}是{field}更常用的名称</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/columns.py" line="215" />
        <source>{kept} also names {field} and comes first</source>
        <translation>{kept}也对应{field}，且位置在前</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/key_fields.py" line="20" />
        <source>tailpipe NOx: exceedance, SCR efficiency, NOx mass and the stuck-sensor check</source>
        <translation>尾气NOx：超标、SCR转化效率、NOx排放质量及传感器卡滞检查</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/key_fields.py" line="22" />
        <source>SCR conversion efficiency and the downstream-above-upstream check</source>
        <translation>SCR转化效率及下游高于上游检查</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/key_fields.py" line="24" />
        <source>valid operation (hot SCR, warm engine, torque above friction): no sample counts, so NOx is not judged at all</source>
        <translation>有效工况（SCR已热、发动机已热、扭矩高于摩擦扭矩）：没有样本计入，NOx完全无法评判</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/key_fields.py" line="27" />
        <source>engine running: trips, completeness, gaps and every NOx measure</source>
        <translation>发动机运转状态：行程、完整率、断点及全部NOx指标</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/key_fields.py" line="29" />
        <source>exhaust flow: NOx mass and brake-specific NOx</source>
        <translation>排气流量：NOx排放质量及比排放</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/key_fields.py" line="61" />
        <source>--allow-missing takes key fields or {all}: {bad} is not one; key fields: {fields}</source>
        <translation>--allow-missing只接受关键字段或{all}：{bad}不是关键字段；关键字段为：{fields}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/key_fields.py" line="70" />
        <source>key field(s) missing: not in the file: {unmapped}; no valid value: {empty}. Scoring then cannot judge: {lost}. Map the column (--profile), or import anyway with --allow-missing {names}</source>
        <translation>缺少关键字段：文件中没有：{unmapped}；没有有效值：{empty}。评分将无法评判：{lost}。请映射该列（--profile），或用--allow-missing {names}仍然导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/rawstore.py" line="107" />
        <location filename="../../dieselwatch/storage/rawstore.py" line="135" />
        <source>unreadable marker {file}</source>
        <translation>无法读取的归属标记文件{file}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/rawstore.py" line="119" />
        <source>the raw sample store {store} holds samples of another database (it has no owner mark, and this database {this} names none of its files): open it with the database it belongs to, or give this database its own raw folder with --raw</source>
        <translation>原始数据存储{store}中保存的是另一个数据库的数据（没有归属标记，当前数据库{this}也未登记其中任何文件）：请用它所属的数据库打开，或用 --raw 为当前数据库指定单独的原始数据文件夹</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/rawstore.py" line="138" />
        <source>the raw sample store {store} belongs to the database {owner} (id {owner_id}), not to this database {this} (id {this_id}): nothing is written to, read from or removed from it. Open it with its own database, or give this database its own raw folder with --raw</source>
        <translation>原始数据存储{store}属于数据库{owner}（标识{owner_id}），不属于当前数据库{this}（标识{this_id}）：不会向其写入、从中读取或删除任何内容。请用它所属的数据库打开，或用 --raw 为当前数据库指定单独的原始数据文件夹</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/rawstore.py" line="252" />
        <source>the raw sample file {path} that the database names is not in this raw store: every workstation of an office must use the same raw folder (--raw, or Settings → This workstation)</source>
        <translation>数据库登记的原始数据文件{path}不在本机的原始数据存储中：同一单位的所有工作站必须使用同一个原始数据文件夹（--raw，或“设置 → 本机”）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/auditlog.py" line="53" />
        <source>a head is written SEQ:HASH, as printed on notices (e.g. 42:1a2b3c4d5e6f), got “{text}”</source>
        <translation>链头应写作“序号:哈希”，与通知书上印的一致（例如42:1a2b3c4d5e6f），收到的是“{text}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/auditlog.py" line="55" />
        <source>the head {head} given to check</source>
        <translation>所给的链头{head}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/auditlog.py" line="75" />
        <location filename="../../dieselwatch/storage/audit.py" line="107" />
        <source>this workstation</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="27" />
        <source>list entry</source>
        <translation>名单条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="27" />
        <source>user</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="27" />
        <source>settings section</source>
        <translation>设置类别</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="28" />
        <source>notice</source>
        <translation>通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="136" />
        <source>event {seq} found {entity} {id} with {field} = {found}, but the history had {audited}: it was changed outside DieselWatch before that event</source>
        <translation>第{seq}条记录发现{entity}{id}的{field}为{found}，而审计记录中为{audited}：此前有人绕过本程序修改了它</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="155" />
        <source>the history is empty but the database holds {entries} list entries, {users} users and {notices} notices</source>
        <translation>审计记录为空，但数据库中有{entries}条名单条目、{users}个账号和{notices}份通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="162" />
        <source>{entity} {id} is in the table but not in the history</source>
        <translation>{entity}{id}在数据表中存在，但审计记录中没有</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="165" />
        <source>{entity} {id} is in the history but not in the table</source>
        <translation>{entity}{id}在审计记录中存在，但数据表中没有</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="171" />
        <source>{entity} {id}: {field} is {table} in the table but {audited} in the history</source>
        <translation>{entity}{id}：{field}在数据表中为{table}，在审计记录中为{audited}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="175" />
        <source>the active rule set is {table} in the table but {audited} in the history</source>
        <translation>数据表中当前规则版本为{table}，审计记录中为{audited}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="184" />
        <source>notice {number} was issued at history event {seq} ({hash}), which the history does not hold</source>
        <translation>通知书{number}签发时的审计链头为第{seq}条（{hash}），但审计记录中已没有该记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/demo/fleet.py" line="380" />
        <source>demo vehicle {vin} generated</source>
        <translation>已生成演示车辆{vin}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="33" />
        <source>scoring run {run} ({start} to {end}): {codes}</source>
        <translation>第{run}次评分（{start}至{end}）：{codes}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="33" />
        <source>scoring run {run}</source>
        <translation>第{run}次评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="34" />
        <source>replaced by {kind} entry {entry}</source>
        <translation>被{kind}条目{entry}取代</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="34" />
        <source>review date {date} passed</source>
        <translation>已过复核日期{date}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="34" />
        <source>registry import {file}</source>
        <translation>导入登记表{file}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="35" />
        <source>first-run admin set-up</source>
        <translation>首次启动时设置管理员</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="35" />
        <source>shipped default rule set stored on first use</source>
        <translation>首次使用时保存随附的默认规则</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="36" />
        <source>scoring with an edited rule set</source>
        <translation>用修改后的规则评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="36" />
        <source>state when the history began to cover it (revision 0008)</source>
        <translation>审计记录开始覆盖时的状态（版本0008）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="37" />
        <source>the active rule set when the history began to cover it (revision 0008)</source>
        <translation>审计记录开始覆盖时的当前规则版本（版本0008）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/table_export.py" line="77" />
        <source>a table without columns cannot be exported</source>
        <translation>表格没有列，无法导出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/table_export.py" line="79" />
        <source>the folder {folder} does not exist</source>
        <translation>文件夹{folder}不存在</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/table_export.py" line="100" />
        <source>row {row} has {found} values for {expected} columns</source>
        <translation>第{row}行有{found}个值，而表格有{expected}列</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/table_export.py" line="139" />
        <source>cannot write the file: it is open in another program or the folder is read-only</source>
        <translation>无法写入文件：文件已在其他程序中打开，或文件夹为只读</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/overview.py" line="105" />
        <source>no vehicle with id {id} in this database (removed?)</source>
        <translation>数据库中没有编号为{id}的车辆（可能已被删除）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/reason_presets.py" line="50" />
        <source>a preset reason is longer than {limit} characters: “{text}…”</source>
        <translation>常用理由超过{limit}个字符：“{text}…”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/reason_presets.py" line="54" />
        <source>at most {limit} preset reasons for approving and {limit} for rejecting</source>
        <translation>批准和驳回的常用理由各最多{limit}条</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/reason_presets.py" line="62" />
        <source>the preset reasons are edited by a supervisor or an admin</source>
        <translation>常用理由由审核负责人或管理员编辑</translation>
    </message>
</context>
<context>
    <name>AccountDialog</name>
    <message>
        <location filename="../../dieselwatch/gui/account_dialogs.py" line="88" />
        <source>Add account</source>
        <translation>添加账号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/account_dialogs.py" line="96" />
        <source>e.g. 王磊</source>
        <translation>例如：王磊</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/account_dialogs.py" line="101" />
        <source>User name (to sign in):</source>
        <translation>用户名（用于登录）：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/account_dialogs.py" line="102" />
        <source>The person's name (signs notices):</source>
        <translation>姓名（用于通知书署名）：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/account_dialogs.py" line="103" />
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/account_dialogs.py" line="113" />
        <source>Enter a user name.</source>
        <translation>请填写用户名。</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../dieselwatch/gui/app.py" line="96" />
        <source>An unexpected error occurred: {0}

Details are in the log file:
{1}</source>
        <translation>发生意外错误：{0}

详细信息见日志文件：
{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/app.py" line="141" />
        <source>Loading the demo fleet</source>
        <translation>正在载入演示车队</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/app.py" line="143" />
        <source>The database was upgraded to this version. A copy of it as it was is kept at:
{0}</source>
        <translation>数据库已升级到当前版本。升级前的副本保存在：
{0}</translation>
    </message>
</context>
<context>
    <name>AuditDetails</name>
    <message>
        <location filename="../../dieselwatch/gui/audit_details.py" line="48" />
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_details.py" line="49" />
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_details.py" line="57" />
        <source>changed</source>
        <translation>已修改</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_details.py" line="59" />
        <location filename="../../dieselwatch/gui/audit_details.py" line="62" />
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_details.py" line="73" />
        <source>{0} {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_details.py" line="76" />
        <source>{0}, vehicle {1}</source>
        <translation>{0}，车辆{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_details.py" line="77" />
        <source>{0}, {1}: {2} ({3}).</source>
        <translation>{0}，{1}：{2}（{3}）。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_details.py" line="80" />
        <source> Reason: {0}</source>
        <translation>原因：{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_details.py" line="90" />
        <source>value</source>
        <translation>值</translation>
    </message>
</context>
<context>
    <name>AuditLabels</name>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="10" />
        <source>import batch removed</source>
        <translation>撤销导入批次</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="11" />
        <source>proposed for a list</source>
        <translation>提议列入名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="12" />
        <source>approved</source>
        <translation>批准</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="13" />
        <source>rejected</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="14" />
        <source>removal refused, entry kept</source>
        <translation>不予移出，保留在册</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="15" />
        <source>removal proposed</source>
        <translation>待审批移出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="16" />
        <source>removed from the list</source>
        <translation>移出名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="17" />
        <source>expired</source>
        <translation>已失效</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="18" />
        <source>superseded by a later entry</source>
        <translation>被新条目取代</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="19" />
        <source>notice issued</source>
        <translation>签发通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="20" />
        <source>mapping profile saved</source>
        <translation>保存表头对应方案</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="21" />
        <source>vehicle registered</source>
        <translation>登记车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="22" />
        <source>registry data changed</source>
        <translation>修改登记信息</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="23" />
        <source>rule set saved</source>
        <translation>保存规则版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="24" />
        <source>shipped rule set stored</source>
        <translation>保存内置规则</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="25" />
        <source>rule set version stored (not active)</source>
        <translation>保存规则版本（未启用）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="26" />
        <source>rule set activated</source>
        <translation>启用规则版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="27" />
        <source>state recorded when the history began to cover it</source>
        <translation>审计开始覆盖时记录的现状</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="28" />
        <source>settings changed</source>
        <translation>修改设置</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="29" />
        <source>account created</source>
        <translation>创建账号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="30" />
        <source>account changed</source>
        <translation>修改账号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="31" />
        <source>password changed</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="34" />
        <source>import batch</source>
        <translation>导入批次</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="35" />
        <location filename="../../dieselwatch/gui/audit_labels.py" line="83" />
        <source>list entry</source>
        <translation>名单条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="36" />
        <source>notice</source>
        <translation>通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="37" />
        <source>vehicle</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="38" />
        <source>rule set</source>
        <translation>规则版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="39" />
        <source>settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="40" />
        <source>account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="41" />
        <source>mapping profile</source>
        <translation>表头对应方案</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="58" />
        <source>entry number</source>
        <translation>条目编号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="59" />
        <source>vehicle number (internal)</source>
        <translation>车辆内部编号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="60" />
        <source>list</source>
        <translation>名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="61" />
        <source>status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="62" />
        <source>reasons</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="63" />
        <source>effective from</source>
        <translation>生效日期</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="64" />
        <source>review date</source>
        <translation>复核日期</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="65" />
        <source>ended on</source>
        <translation>终止日期</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="66" />
        <source>proposed by</source>
        <translation>提议人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="67" />
        <source>decided by</source>
        <translation>决定人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="68" />
        <source>reason for the decision</source>
        <translation>决定理由</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="69" />
        <source>removal proposed by</source>
        <translation>移出提议人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="70" />
        <source>reason for the removal</source>
        <translation>移出理由</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="71" />
        <source>rectification record</source>
        <translation>整改记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="72" />
        <source>version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="73" />
        <source>evidence fingerprint</source>
        <translation>证据指纹</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="75" />
        <source>user name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="76" />
        <location filename="../../dieselwatch/gui/audit_labels.py" line="103" />
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="77" />
        <source>role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="78" />
        <source>account enabled</source>
        <translation>账号启用</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="79" />
        <source>created at</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="80" />
        <source>password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="81" />
        <source>password fingerprint</source>
        <translation>密码指纹</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="84" />
        <source>VIN</source>
        <translation>车辆识别代号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="85" />
        <source>deadline</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="86" />
        <source>rule set version</source>
        <translation>规则版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="88" />
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="89" />
        <source>file fingerprint (SHA-256)</source>
        <translation>文件指纹（SHA-256）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="90" />
        <source>sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="91" />
        <source>imported at</source>
        <translation>导入时间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="92" />
        <source>imported by</source>
        <translation>导入人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="93" />
        <source>rows read</source>
        <translation>读取行数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="94" />
        <source>rows imported</source>
        <translation>导入行数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="95" />
        <source>first record</source>
        <translation>最早记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="96" />
        <source>last record</source>
        <translation>最晚记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="97" />
        <source>rows removed</source>
        <translation>删除行数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="98" />
        <source>vehicles</source>
        <translation>辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="99" />
        <source>days recomputed</source>
        <translation>重新计算的天数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="100" />
        <source>days left without data</source>
        <translation>不再有数据的天数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="101" />
        <source>batches holding the same records</source>
        <translation>含相同记录的批次</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="104" />
        <source>bureau code</source>
        <translation>单位代码</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="105" />
        <source>address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="106" />
        <source>telephone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="107" />
        <source>contact person</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="108" />
        <source>administrative reconsideration body</source>
        <translation>行政复议机关</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="109" />
        <source>court</source>
        <translation>人民法院</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="110" />
        <source>notice number pattern</source>
        <translation>通知书编号格式</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="111" />
        <source>days to rectify</source>
        <translation>整改天数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="112" />
        <source>days until the re-check</source>
        <translation>复查间隔天数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="113" />
        <source>two-person rule</source>
        <translation>双人审核</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="114" />
        <source>days a white entry is valid</source>
        <translation>白名单有效天数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="115" />
        <source>days until a black or watch entry is reviewed</source>
        <translation>黑名单或重点关注复核间隔天数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="116" />
        <source>clean days needed before a black removal</source>
        <translation>移出黑名单前需达标天数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="117" />
        <source>legal text versions</source>
        <translation>法律文本版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="128" />
        <source>bureau details</source>
        <translation>单位信息</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="129" />
        <source>notice options</source>
        <translation>通知书选项</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="130" />
        <source>list rules</source>
        <translation>名单规则</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="131" />
        <source>legal texts</source>
        <translation>法律文本</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="32" />
        <source>Seq</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="32" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="32" />
        <source>Actor</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="32" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="33" />
        <source>ID</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="33" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="33" />
        <source>Record</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="33" />
        <source>Vehicle</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="40" />
        <source>Audit</source>
        <translation>审计记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="47" />
        <source>Double-click an event about a vehicle to open the vehicle.</source>
        <translation>双击与车辆有关的记录可打开该车辆。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="81" />
        <location filename="../../dieselwatch/gui/audit_page.py" line="101" />
        <source>Before</source>
        <translation>变更前</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="81" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="82" />
        <location filename="../../dieselwatch/gui/audit_page.py" line="101" />
        <source>After</source>
        <translation>变更后</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="88" />
        <source>{0} other field(s) unchanged.</source>
        <translation>其余{0}项未变。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="89" />
        <source>Action code {0}, record {1}; SHA-256 {2}</source>
        <translation>操作代码{0}，对象{1}；SHA-256 {2}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="108" />
        <source>This event is not about a vehicle.</source>
        <translation>这条记录与车辆无关。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="110" />
        <source>Vehicle {0} is not in the database any more.</source>
        <translation>数据库中已没有车辆{0}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="114" />
        <source>Intact: {0}. Head event {1}, {2}</source>
        <translation>完好：{0}。链头事件{1}，{2}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="115" />
        <source>BROKEN: {0}. Head event {1}, {2}</source>
        <translation>已损坏：{0}。链头事件{1}，{2}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="123" />
        <source>Export the audit history</source>
        <translation>导出审计记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="124" />
        <source>audit history.xlsx</source>
        <translation>审计记录.xlsx</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="127" />
        <source>Wrote {0}</source>
        <translation>已写入 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.ui" line="8" />
        <source>Search by person, action, record, vehicle, reason or code</source>
        <translation>按人员、操作、对象、车辆、原因或代码搜索</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.ui" line="9" />
        <source>Show raw data</source>
        <translation>显示原始数据</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.ui" line="9" />
        <source>The event as stored and hashed into the chain (JSON), for auditors</source>
        <translation>按原样保存并计入哈希链的记录（JSON），供审计人员查看</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.ui" line="10" />
        <source>Verify the history</source>
        <translation>校验审计链</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.ui" line="11" />
        <source>Export to Excel…</source>
        <translation>导出到Excel…</translation>
    </message>
</context>
<context>
    <name>ChangesDialog</name>
    <message>
        <location filename="../../dieselwatch/gui/rule_editor.py" line="186" />
        <source>Save rule set {0}</source>
        <translation>保存规则版本{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/rule_editor.py" line="188" />
        <source>{0} value(s) differ from the active rule set {1}. The new version is stored but not active: an admin activates it.</source>
        <translation>与当前启用的规则版本{1}相比，有{0}项参数不同。新版本保存后不会立即启用，须由管理员启用。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/rule_editor.py" line="190" />
        <source>No value differs from the active rule set {0}.</source>
        <translation>与当前启用的规则版本{0}相比，没有参数改动。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/rule_editor.py" line="195" />
        <source>Setting</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/rule_editor.py" line="195" />
        <source>Active {0}</source>
        <translation>启用中 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/rule_editor.py" line="196" />
        <source>New {0}</source>
        <translation>新版本 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/rule_editor.py" line="213" />
        <source>Why is the rule set changed?</source>
        <translation>修改规则的原因：</translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="65" />
        <source>Speed (km/h)</source>
        <translation>车速（km/h）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="50" />
        <source>upstream</source>
        <translation>上游</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="39" />
        <source>{month:02d}-{day:02d}</source>
        <translation>{month}月{day}日</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="40" />
        <source>{year}-{month:02d}-{day:02d}</source>
        <translation>{year}年{month}月{day}日</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="41" />
        <source>Time of day (Beijing)</source>
        <translation>时间（北京时间）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="42" />
        <source>Data (h)</source>
        <translation>有数据时长（小时）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="43" />
        <source>Above threshold (min)</source>
        <translation>超筛查阈值（分钟）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="44" />
        <source>hours with data</source>
        <translation>有数据小时数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="45" />
        <source>of it valid operation</source>
        <translation>其中有效工况</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="47" />
        <source>not an exceedance day</source>
        <translation>非超标日</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="48" />
        <source>day limit {0} min</source>
        <translation>超标日门槛{0}分钟</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="49" />
        <source>NOx (ppm)</source>
        <translation>NOx（ppm）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="51" />
        <source>downstream</source>
        <translation>下游</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="52" />
        <source>downstream {0} s mean</source>
        <translation>下游{0}秒平均</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="53" />
        <source>threshold {0} ppm</source>
        <translation>筛查阈值{0} ppm</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="54" />
        <source>above threshold</source>
        <translation>超筛查阈值时段</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="55" />
        <source>Reagent (%)</source>
        <translation>反应剂余量（%）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="56" />
        <source>reagent level</source>
        <translation>反应剂余量</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="57" />
        <source>Fuel burnt (L)</source>
        <translation>累计耗油（升）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="58" />
        <source>fuel burnt (right axis)</source>
        <translation>累计耗油（右轴）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="59" />
        <source>MIL, DTCs</source>
        <translation>故障灯、故障码</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="60" />
        <source>MIL on (1)</source>
        <translation>故障灯点亮（1）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="61" />
        <source>trouble codes</source>
        <translation>故障码个数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="62" />
        <source>SCR (°C)</source>
        <translation>SCR入口（℃）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="63" />
        <source>SCR inlet</source>
        <translation>SCR入口温度</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="64" />
        <source>valid from {0} °C</source>
        <translation>有效工况自{0}℃起</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="66" />
        <source>speed</source>
        <translation>车速</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="67" />
        <source>{plate} {date}</source>
        <translation>{plate}　{date}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="68" />
        <source>screening threshold {thr} ppm, {win} s mean: {minutes} min above it in valid operation</source>
        <translation>筛查阈值{thr} ppm，{win}秒平均：有效工况下高于阈值{minutes}分钟</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="70" />
        <source>No samples stored for this day: choose another day.</source>
        <translation>该日没有存储的采样数据，请另选一天。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="71" />
        <source>Choose a vehicle and one of its days to see the evidence.</source>
        <translation>请选择车辆及其某一天，查看证据曲线。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="72" />
        <source>Online rate, latest scoring (vehicles)</source>
        <translation>最近评分上线率分布（车辆数）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="73" />
        <source>Online rate (%)</source>
        <translation>上线率（%）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="74" />
        <source>Number of vehicles</source>
        <translation>车辆数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="75" />
        <source>white list from {0} %</source>
        <translation>白名单要求{0}%以上</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="76" />
        <source>Vehicles with data / with an exceedance day</source>
        <translation>每日有数据车辆／超标车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="77" />
        <source>with data</source>
        <translation>有数据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="78" />
        <source>with an exceedance day</source>
        <translation>有超标日</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="46" />
        <source>exceedance day</source>
        <translation>超标日</translation>
    </message>
</context>
<context>
    <name>CoreText</name>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="70" />
        <source>row {0}</source>
        <translation>第{0}行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="72" />
        <source>column “{0}”</source>
        <translation>“{0}”列</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="75" />
        <source>{0}: </source>
        <translation>{0}：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="75" />
        <source>, </source>
        <translation>，</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="37" />
        <source>No data yet. Import a vehicle registry and monitoring exports (File &gt; Import monitoring records…, Ctrl+I, or drop the files on this window), or restart with --demo to try the demo fleet.</source>
        <translation>尚无数据。请导入车辆登记表和监控数据导出文件（文件 &gt; 导入监控数据…，Ctrl+I，或把文件拖到本窗口），或以 --demo 重新启动，试用演示车队。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="41" />
        <source>Data is imported but not yet scored: open Scoring (Ctrl+4), choose the period and press "Score all vehicles".</source>
        <translation>数据已导入但尚未评分：打开“评分”（Ctrl+4），选择时段后点击“对全部车辆评分”。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="44" />
        <source>{0} list decision(s) await a second officer: open Lists (Ctrl+5).</source>
        <translation>有 {0} 项名单决定等待第二名工作人员审核：打开“黑白名单”（Ctrl+5）。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="52" />
        <source>in registry</source>
        <translation>已登记</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="52" />
        <source>rule set</source>
        <translation>规则版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="54" />
        <source>Vehicles</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="54" />
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="55" />
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="56" />
        <source>Records stored</source>
        <translation>已存储记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="57" />
        <source>Data from</source>
        <translation>数据区间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="58" />
        <source>Last import</source>
        <translation>最近导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="63" />
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="69" />
        <source>Latest scoring</source>
        <translation>最近评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="64" />
        <source>Proposed black</source>
        <translation>建议列入黑名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="65" />
        <source>Proposed watch</source>
        <translation>建议重点关注</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="66" />
        <source>Proposed white</source>
        <translation>建议列入白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="67" />
        <source>No proposal</source>
        <translation>无建议</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="69" />
        <source>not yet scored: open Scoring and choose a period</source>
        <translation>尚未评分：请打开“评分”并选择时段</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="70" />
        <source>On the lists</source>
        <translation>名单在册</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="70" />
        <source>black {0}, watch {1}, white {2}</source>
        <translation>黑名单{0}，重点关注{1}，白名单{2}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/dashboard_page.py" line="72" />
        <source>Awaiting a decision</source>
        <translation>待审批</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard_page.ui" line="6" />
        <source>Overview</source>
        <translation>概况</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <location filename="../../dieselwatch/gui/decision_dialog.py" line="31" />
        <source>Approve the selected entries</source>
        <translation>批准所选条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/decision_dialog.py" line="31" />
        <source>Reject the selected entries</source>
        <translation>驳回所选条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/decision_dialog.py" line="33" />
        <source>Approve {0} of the {1} selected entries with one reason.</source>
        <translation>以同一理由批准所选{1}个条目中的{0}个。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/decision_dialog.py" line="34" />
        <source>Reject {0} of the {1} selected entries with one reason.</source>
        <translation>以同一理由驳回所选{1}个条目中的{0}个。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/decision_dialog.py" line="35" />
        <source>The others will be refused, for the reason shown.</source>
        <translation>其余条目将被拒绝处理，原因见列表。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/decision_dialog.py" line="36" />
        <source>Each entry is decided on its own; a summary follows.</source>
        <translation>每个条目单独处理，完成后显示处理结果。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/decision_dialog.py" line="45" />
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/decision_dialog.py" line="45" />
        <source>Reject</source>
        <translation>驳回</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/decision_dialog.py" line="75" />
        <source>A decision needs a reason.</source>
        <translation>审批必须填写原因。</translation>
    </message>
    <message>
        <location filename="../../ui/decision_dialog.ui" line="6" />
        <source>Decide the selected entries</source>
        <translation>审核所选条目</translation>
    </message>
    <message>
        <location filename="../../ui/decision_dialog.ui" line="12" />
        <source>Preset reasons (click one to use it):</source>
        <translation>常用理由（单击选用）：</translation>
    </message>
    <message>
        <location filename="../../ui/decision_dialog.ui" line="14" />
        <source>Edit presets…</source>
        <translation>编辑常用理由…</translation>
    </message>
    <message>
        <location filename="../../ui/decision_dialog.ui" line="18" />
        <source>Reason (required, recorded with every entry):</source>
        <translation>理由（必填，记入每个条目）：</translation>
    </message>
</context>
<context>
    <name>FileDialogs</name>
    <message>
        <location filename="../../dieselwatch/gui/file_dialogs.py" line="28" />
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel工作簿 (*.xlsx)</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../../dieselwatch/gui/first_run.py" line="34" />
        <location filename="../../dieselwatch/gui/first_run.py" line="44" />
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/first_run.py" line="40" />
        <source>The bureau needs a name.</source>
        <translation>请填写单位名称。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="6" />
        <source>Set up DieselWatch</source>
        <translation>DieselWatch 初始设置</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="8" />
        <source>A new database. Name the bureau that issues the notices, say whom owners contact, and create the first administrator account. Further accounts are added in Settings → Accounts.</source>
        <translation>这是一个新数据库。请填写签发通知书的单位及车主联系方式，并创建第一个管理员账号。其他账号可在“设置 → 账号”中添加。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="11" />
        <source>The bureau (printed on every notice)</source>
        <translation>单位信息（印在每份通知书上）</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="13" />
        <source>Bureau name:</source>
        <translation>单位名称：</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="14" />
        <source>e.g. 济南市生态环境局平阴分局</source>
        <translation>例如：济南市生态环境局平阴分局</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="15" />
        <source>Bureau code:</source>
        <translation>单位代码：</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="16" />
        <source>used in notice numbers, e.g. 鲁济平</source>
        <translation>用于通知书编号，例如：鲁济平</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="17" />
        <source>Contact person:</source>
        <translation>联系人：</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="18" />
        <source>whom owners call, e.g. 机动车排放监管科 王磊</source>
        <translation>车主联系的人员，例如：机动车排放监管科 王磊</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="19" />
        <source>Phone:</source>
        <translation>联系电话：</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="20" />
        <source>e.g. 0531-87881234</source>
        <translation>例如：0531-87881234</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="21" />
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="22" />
        <source>where owners bring their documents</source>
        <translation>车主递交材料的地址</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="23" />
        <source>Notices need the contact person, phone and address; you can also fill them in later in Settings.</source>
        <translation>签发通知书须有联系人、电话和地址；也可以稍后在“设置”中填写。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="29" />
        <source>The first administrator</source>
        <translation>第一个管理员</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="31" />
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="33" />
        <source>Full name:</source>
        <translation>姓名：</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="34" />
        <source>signs notices, e.g. 陈建国</source>
        <translation>用于通知书署名，例如：陈建国</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="42" />
        <source>Load the demo fleet to try things out (14 trucks, 5 days)</source>
        <translation>载入演示车队试用（14辆车，5天数据）</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="35" />
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="36" />
        <source>at least 8 characters</source>
        <translation>至少8个字符</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="37" />
        <source>Repeat:</source>
        <translation>再次输入：</translation>
    </message>
</context>
<context>
    <name>Help</name>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="60" />
        <source>DieselWatch user guide</source>
        <translation>DieselWatch 用户指南</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="81" />
        <source>Find in the guide (Enter: next)</source>
        <translation>在指南中查找（回车：下一处）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="84" />
        <source>Back to the guide</source>
        <translation>返回指南</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="281" />
        <source>set-up mode, no accounts yet</source>
        <translation>初始设置状态，尚无账号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="283" />
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="284" />
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="285" />
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="286" />
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="287" />
        <source>Raw sample folder</source>
        <translation>原始数据文件夹</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="288" />
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="289" />
        <source>Log file</source>
        <translation>日志文件</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="291" />
        <source>System</source>
        <translation>操作系统</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="293" />
        <source>Review of the remote OBD monitoring data of China VI heavy-duty diesel vehicles: import, scoring with evidence, black and white lists, rectification notices.</source>
        <translation>国六重型柴油车远程OBD监控数据审查：数据导入、有证据的评分、黑白名单、整改通知书。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="296" />
        <source>DieselWatch is free software under the MIT licence. It uses Qt through PySide6 (LGPL v3) and other open-source libraries under their own licences.</source>
        <translation>DieselWatch 是以 MIT 许可证发布的自由软件，通过 PySide6 使用 Qt（LGPL v3），并使用其他遵循各自许可证的开源库。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="299" />
        <source>The screening threshold, the rule set and the legal texts of the notices are the office’s choices: check them before notices go out.</source>
        <translation>筛查阈值、评分规则和通知书的法律文本由本单位确定：签发通知书前请逐一核对。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="310" />
        <location filename="../../dieselwatch/gui/help.py" line="330" />
        <source>About DieselWatch</source>
        <translation>关于 DieselWatch</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="324" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/help.py" line="326" />
        <source>User guide</source>
        <translation>用户指南</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="39" />
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="43" />
        <source>Export header</source>
        <translation>导出表头</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="43" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="60" />
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="80" />
        <source>encoding {0}</source>
        <translation>编码 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="80" />
        <source>sheet {0}</source>
        <translation>工作表 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="81" />
        <source>&lt;b&gt;{0}&lt;/b&gt;: {1}, header on row {2}; {3} of {4} columns mapped.</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt;：{1}，表头在第{2}行；{4}列中已对应{3}列。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="84" />
        <source>Sheets imported together: {0}.</source>
        <translation>一并导入的工作表：{0}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="86" />
        <source>Sheet “{0}” is not imported: {1}</source>
        <translation>工作表“{0}”不导入：{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="104" />
        <source>Column {0} is not imported ({1} comes from {2}): {3}</source>
        <translation>列{0}不导入（{1}取自{2}）：{3}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="107" />
        <source>Key fields without a valid value in the first rows: {0}.</source>
        <translation>前几行中没有有效值的关键字段：{0}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="110" />
        <source>Key fields not mapped: {0}. Scoring then cannot judge: {1}.</source>
        <translation>关键字段未映射：{0}。评分将无法评判：{1}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="113" />
        <source>Required column(s) not mapped: {0}. Choose them in the mapping.</source>
        <translation>必需的列未对应：{0}。请在对应关系中选择。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="115" />
        <source>No problems in the first rows.</source>
        <translation>前几行没有发现问题。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="120" />
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="130" />
        <source>These key fields are not mapped: {0}.

Scoring then cannot judge:
{1}

Map them if the file has them. Import without them?</source>
        <translation>以下关键字段未映射：{0}。

评分将无法评判：
{1}

如文件中有这些列，请先映射。是否在缺少这些字段的情况下导入？</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="133" />
        <source>Key fields missing</source>
        <translation>缺少关键字段</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.ui" line="6" />
        <source>Import monitoring records</source>
        <translation>导入监控数据</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.ui" line="14" />
        <source>Header mapping (change a field to correct it):</source>
        <translation>表头对应关系（可修改字段）：</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.ui" line="20" />
        <source>First rows as in the file (red: rejected or dropped, yellow: stored as missing):</source>
        <translation>文件前几行（红色：将被拒绝或丢弃；黄色：按缺失值保存）：</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.ui" line="29" />
        <source>Save this mapping as a profile named</source>
        <translation>将此对应关系保存为方案，名称</translation>
    </message>
</context>
<context>
    <name>ImportsPage</name>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="27" />
        <source>records</source>
        <translation>监控数据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="27" />
        <source>registry</source>
        <translation>登记信息</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="29" />
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="30" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="31" />
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="32" />
        <source>Imported at</source>
        <translation>导入时间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="33" />
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="34" />
        <source>Rows read</source>
        <translation>读取行数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="35" />
        <source>Imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="36" />
        <source>Duplicates</source>
        <translation>重复</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="37" />
        <source>Rejected</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="48" />
        <source>Import batches</source>
        <translation>导入批次</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="75" />
        <source>Nothing imported yet. Import the vehicle registry first (owners, engines), then the platform's monitoring exports (CSV or Excel, GBK or UTF-8) or raw terminal captures; you can also drop files on the window.</source>
        <translation>尚未导入任何文件。请先导入车辆登记表（车主、发动机），再导入平台的监控数据导出文件（CSV 或 Excel，GBK 或 UTF-8）或终端原始报文；也可以把文件拖到窗口上。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="89" />
        <source>Select an import batch first.</source>
        <translation>请先选择一个导入批次。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="93" />
        <source>Write this batch's report to an Excel workbook.</source>
        <translation>把该批次的导入报告写入 Excel 工作簿。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="95" />
        <location filename="../../ui/imports_page.ui" line="11" />
        <source>Undo this import: its samples are deleted and the days they touched are recomputed; the file can then be imported again.</source>
        <translation>撤销本次导入：删除其数据并重新计算涉及日期的统计；之后可重新导入该文件。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="97" />
        <source>A registry import cannot be removed: import a corrected registry instead.</source>
        <translation>车辆登记表的导入不能撤销：请导入更正后的登记表。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="115" />
        <source>Export import report</source>
        <translation>导出导入报告</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="119" />
        <source>Wrote {0}</source>
        <translation>已写入 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="129" />
        <location filename="../../dieselwatch/gui/imports_page.py" line="151" />
        <source>Remove import batch</source>
        <translation>撤销导入批次</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="131" />
        <source>Remove batch {0} ({1})? Its samples are deleted from the raw store and the days they touched are recomputed from what remains; the file can then be imported again.

Reason (required):</source>
        <translation>撤销批次{0}（{1}）？其数据将从原始数据库中删除，涉及日期的统计按剩余数据重新计算；之后可重新导入该文件。

原因（必填）：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="137" />
        <source>Removing a batch needs a reason.</source>
        <translation>撤销批次须填写原因。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="140" />
        <source>Removing batch {0}</source>
        <translation>正在撤销批次{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="143" />
        <source>Batch {0} ({1}) removed: {2} samples of {3} vehicles; {4} vehicle-days recomputed, {5} left without data. The file can be imported again.</source>
        <translation>已撤销批次{0}（{1}）：删除{3}辆车的{2}条数据；重新计算{4}个车辆日，{5}个车辆日已无数据。可重新导入该文件。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="148" />
        <source>These batches also delivered samples the removed batch held. Import their files again to restore them (only what is missing is stored):</source>
        <translation>以下批次也包含被撤销批次中的部分数据。请重新导入这些文件以恢复数据（只保存缺少的部分）：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="155" />
        <source>Import monitoring records</source>
        <translation>导入监控数据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="156" />
        <source>Exports and terminal captures (*.csv *.txt *.xlsx *.xls *.log *.bin *.hex);;All files (*)</source>
        <translation>导出文件和终端报文（*.csv *.txt *.xlsx *.xls *.log *.bin *.hex）;;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="176" />
        <location filename="../../dieselwatch/gui/imports_page.py" line="219" />
        <location filename="../../dieselwatch/gui/imports_page.py" line="224" />
        <location filename="../../dieselwatch/gui/imports_page.py" line="245" />
        <source>Importing {0}</source>
        <translation>正在导入 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="212" />
        <source>Key fields missing</source>
        <translation>缺少关键字段</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="213" />
        <source>Import without them?</source>
        <translation>是否在缺少这些字段的情况下导入？</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="227" />
        <source>Import vehicle registry</source>
        <translation>导入车辆登记信息</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="228" />
        <source>Registry (*.xlsx *.xls *.csv);;All files (*)</source>
        <translation>登记表 (*.xlsx *.xls *.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="251" />
        <source>already imported; nothing changed</source>
        <translation>已导入过，未做任何更改</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="252" />
        <source>sheet {0}</source>
        <translation>工作表 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="253" />
        <source>{0} rows read</source>
        <translation>读取{0}行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="255" />
        <source>, {0} imported, {1} duplicates, {2} rejected</source>
        <translation>，导入{0}条，重复{1}条，拒绝{2}条</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="258" />
        <source>, {0} created, {1} updated</source>
        <translation>，新建{0}辆，更新{1}辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="262" />
        <source>Covers {0} to {1} (stated in the file).</source>
        <translation>覆盖时段：{0}至{1}（文件中注明）。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="263" />
        <source>Covers {0} to {1} (first to last sample).</source>
        <translation>覆盖时段：{0}至{1}（首条至末条数据）。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="266" />
        <source>Imported again to restore samples that went with a removed batch.</source>
        <translation>已重新导入，恢复随被撤销批次删除的数据。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="269" />
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="269" />
        <source>invalid-value code</source>
        <translation>无效值代码</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="270" />
        <source>out of range</source>
        <translation>超出范围</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="270" />
        <source>not a number</source>
        <translation>非数值</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="271" />
        <source>sensor not ready</source>
        <translation>传感器未就绪</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="272" />
        <source>imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="272" />
        <source>already imported</source>
        <translation>此前已导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="273" />
        <source>not imported</source>
        <translation>未导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="275" />
        <source>sheet {0}: {1}</source>
        <translation>工作表{0}：{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="278" />
        <source>column {0} not imported: {1}</source>
        <translation>列{0}未导入：{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="281" />
        <source>imported without key field(s): {0}</source>
        <translation>导入时缺少关键字段：{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="288" />
        <source>frames: {0} read, {1} skipped, {2} encrypted</source>
        <translation>报文帧：读取{0}帧，跳过{1}帧，加密{2}帧</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="291" />
        <source>line {0}, byte {1}</source>
        <translation>第{0}行第{1}字节</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="292" />
        <source>row {0}, byte {1}</source>
        <translation>第{0}行第{1}字节</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="293" />
        <source>byte {0}</source>
        <translation>第{0}字节</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/imports_page.py" line="295" />
        <source>row {0}, column {1}: {2}</source>
        <translation>第{0}行，列“{1}”：{2}</translation>
    </message>
    <message>
        <location filename="../../ui/imports_page.ui" line="8" />
        <source>Import monitoring records…</source>
        <translation>导入监控数据…</translation>
    </message>
    <message>
        <location filename="../../ui/imports_page.ui" line="9" />
        <source>Import vehicle registry…</source>
        <translation>导入车辆登记信息…</translation>
    </message>
    <message>
        <location filename="../../ui/imports_page.ui" line="10" />
        <source>Export report to Excel…</source>
        <translation>导出报告到Excel…</translation>
    </message>
    <message>
        <location filename="../../ui/imports_page.ui" line="11" />
        <source>Remove batch…</source>
        <translation>撤销批次…</translation>
    </message>
</context>
<context>
    <name>Jobs</name>
    <message>
        <location filename="../../dieselwatch/gui/jobs.py" line="41" />
        <source>Cancelled: nothing was stored.</source>
        <translation>已取消：未保存任何数据。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/jobs.py" line="47" />
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/jobs.py" line="47" />
        <source>An unexpected error occurred: {0}

Details are in the log file:
{1}</source>
        <translation>发生意外错误：{0}

详细信息见日志文件：
{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/jobs.py" line="70" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>LegalDialog</name>
    <message>
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="20" />
        <source>In force from (YYYY-MM-DD)</source>
        <translation>施行日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="22" />
        <source>Name of this version</source>
        <translation>版本名称</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="24" />
        <source>Legal basis</source>
        <translation>法律依据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="26" />
        <source>Consequences: tampering</source>
        <translation>后果：篡改</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="28" />
        <source>Consequences: emissions</source>
        <translation>后果：排放超标</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="30" />
        <source>Consequences: OBD faults</source>
        <translation>后果：OBD故障</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="32" />
        <source>Consequences: data faults</source>
        <translation>后果：数据问题</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="34" />
        <source>Right of appeal ({body}, {court} are filled in)</source>
        <translation>权利告知（自动填入{body}、{court}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="36" />
        <source>Checked</source>
        <translation>已核对</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="64" />
        <source>Only an admin can change the legal texts.</source>
        <translation>只有管理员可以修改法律文本。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="100" />
        <location filename="../../ui/legal_dialog.ui" line="6" />
        <source>Legal texts of the notices</source>
        <translation>通知书法律文本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="102" />
        <source>Why are they changed?</source>
        <translation>修改原因：</translation>
    </message>
    <message>
        <location filename="../../ui/legal_dialog.ui" line="8" />
        <source>A notice cites the version in force on its date. The shipped versions are defaults: check the article numbers against the official texts, correct them here and tick “Checked”. Each change is recorded in the audit history.</source>
        <translation>通知书引用其签发日期施行的版本。出厂版本为默认文本：请对照官方文本核对条款号，在此修改并勾选“已核对”。每次修改都记入审计记录。</translation>
    </message>
    <message>
        <location filename="../../ui/legal_dialog.ui" line="12" />
        <source>Add a version</source>
        <translation>新增版本</translation>
    </message>
    <message>
        <location filename="../../ui/legal_dialog.ui" line="13" />
        <source>Remove the selected version</source>
        <translation>删除所选版本</translation>
    </message>
</context>
<context>
    <name>ListsPage</name>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="58" />
        <source>Black list</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="58" />
        <source>White list</source>
        <translation>白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="58" />
        <source>Watch list</source>
        <translation>重点关注</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="60" />
        <location filename="../../dieselwatch/gui/lists_page.py" line="64" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="63" />
        <source>Awaiting a decision</source>
        <translation>待审批</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="67" />
        <source>Entry</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="67" />
        <source>List</source>
        <translation>名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="67" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="67" />
        <source>VIN</source>
        <translation>车辆识别代号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="68" />
        <source>Plate</source>
        <translation>车牌号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="68" />
        <source>Owner</source>
        <translation>车主</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="68" />
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="68" />
        <source>Reasons</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="69" />
        <source>Proposed by</source>
        <translation>提出人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="69" />
        <source>Decided by</source>
        <translation>审批人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="69" />
        <source>Review date</source>
        <translation>复核日期</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="78" />
        <source>Lists</source>
        <translation>黑白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="105" />
        <source>Signed in as {0} ({1})</source>
        <translation>当前用户：{0}（{1}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="107" />
        <source>No user accounts yet: decisions need signed-in officers.</source>
        <translation>尚未建立用户账号：审批需要登录的工作人员。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="109" />
        <source>Sign in first: proposals are made by an officer.</source>
        <translation>请先登录：提议须由工作人员提出。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="139" />
        <source>{0} entries selected. Approve or reject them together with one reason.</source>
        <translation>已选择{0}个条目，可以同一理由一并批准或驳回。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="156" />
        <source>Approve / reject: {0}</source>
        <translation>批准／驳回：{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="158" />
        <source>Removal: {0}</source>
        <translation>移出：{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="177" />
        <source>Evidence: score {0}, period {1} to {2}, rule set {3}</source>
        <translation>证据：评分{0}，核查期间{1}至{2}，规则版本{3}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="184" />
        <source>Removal proposed by {0}: {1}</source>
        <translation>{0}提出移出：{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="188" />
        <source>Rectification: {0}; re-inspected {1}; {2} clean days since</source>
        <translation>整改：{0}；复检日期{1}；此后{2}天数据正常</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="190" />
        <source>List history</source>
        <translation>名单记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="214" />
        <source>Copied {0} VIN(s).</source>
        <translation>已复制{0}个车辆识别代号。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="228" />
        <source>Open the vehicle and its evidence</source>
        <translation>查看车辆及其证据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="236" />
        <source>Copy VIN</source>
        <translation>复制VIN</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="245" />
        <source>Scoring run {0}: proposed {1} black, {2} white, {3} watch; {4} white removals proposed</source>
        <translation>评分批次{0}：建议黑名单{1}辆、白名单{2}辆、重点关注{3}辆；建议移出白名单{4}辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="273" />
        <source>Approved {0} entries.</source>
        <translation>已批准{0}个条目。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="273" />
        <source>Rejected {0} entries.</source>
        <translation>已驳回{0}个条目。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="279" />
        <location filename="../../dieselwatch/gui/lists_page.py" line="282" />
        <source>Refused {0}:</source>
        <translation>未处理{0}个：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="299" />
        <source>Preset reasons saved for the whole office.</source>
        <translation>常用理由已保存，全单位通用。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="310" />
        <source>Leaving the black list needs the repair record, the re-inspection date and enough clean days with data since then.</source>
        <translation>移出黑名单需要维修记录、复检日期，以及复检后足够天数的正常数据。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="312" />
        <source>Propose ending this entry. Another officer decides.</source>
        <translation>提出结束该名单条目，由另一名工作人员审批。</translation>
    </message>
    <message>
        <location filename="../../ui/lists_page.ui" line="8" />
        <source>List:</source>
        <translation>名单：</translation>
    </message>
    <message>
        <location filename="../../ui/lists_page.ui" line="10" />
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <location filename="../../ui/lists_page.ui" line="12" />
        <source>Search VIN, plate or owner</source>
        <translation>搜索VIN、车牌号或车主</translation>
    </message>
    <message>
        <location filename="../../ui/lists_page.ui" line="13" />
        <source>Propose from latest scoring</source>
        <translation>按最近评分生成建议</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="230" />
        <location filename="../../ui/lists_page.ui" line="31" />
        <source>Approve…</source>
        <translation>批准…</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="230" />
        <location filename="../../ui/lists_page.ui" line="32" />
        <source>Reject…</source>
        <translation>驳回…</translation>
    </message>
    <message>
        <location filename="../../ui/lists_page.ui" line="33" />
        <source>Propose removal…</source>
        <translation>提出移出…</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/login_dialog.ui" line="9" />
        <source>Sign in to DieselWatch</source>
        <translation>登录 DieselWatch</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.ui" line="16" />
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.ui" line="25" />
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/login.py" line="21" />
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/login.py" line="30" />
        <source>Wrong user name or password, or the account is disabled.</source>
        <translation>用户名或密码错误，或账号已停用。</translation>
    </message>
</context>
<context>
    <name>MainController</name>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="42" />
        <source>DieselWatch - remote OBD monitoring review</source>
        <translation>DieselWatch 重型柴油车远程监控数据审查</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="62" />
        <source>Imports</source>
        <translation>数据导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="62" />
        <source>Scoring</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="63" />
        <source>Lists</source>
        <translation>黑白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="63" />
        <source>Notices</source>
        <translation>整改通知</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="64" />
        <source>Audit</source>
        <translation>审计记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="64" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="131" />
        <source>User: {0}   Database: {1}</source>
        <translation>用户：{0}   数据库：{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="134" />
        <source>Audit: {0}</source>
        <translation>审计记录：{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="142" />
        <source>There are no user accounts yet: create them in Settings &gt; Users first.</source>
        <translation>尚无用户账号：请先在“设置 &gt; 用户”中创建。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="146" />
        <source>Wait for the running task to finish before signing out.</source>
        <translation>请等正在运行的任务完成后再退出登录。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="157" />
        <source>Signed in as {0}.</source>
        <translation>已以 {0} 身份登录。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="135" />
        <source>intact</source>
        <translation>完整</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="61" />
        <source>Dashboard</source>
        <translation>总览</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="135" />
        <source>BROKEN - </source>
        <translation>已损坏 - </translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="61" />
        <source>Vehicles</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="116" />
        <source>Vehicle {0} is not in the vehicle table.</source>
        <translation>车辆 {0} 不在车辆表中。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.ui" line="36" />
        <source>Import monitoring records…</source>
        <translation>导入监控数据…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="37" />
        <source>Import vehicle registry…</source>
        <translation>导入车辆登记信息…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="21" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="30" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="38" />
        <source>Sign out / switch user…</source>
        <translation>退出登录 / 切换用户…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="39" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="40" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>NoticePreviewDialog</name>
    <message>
        <location filename="../../ui/notice_preview_dialog.ui" line="6" />
        <source>Preview of the notices to issue</source>
        <translation>待签发通知书预览</translation>
    </message>
    <message>
        <location filename="../../ui/notice_preview_dialog.ui" line="13" />
        <source>Write the files to:</source>
        <translation>文件保存到：</translation>
    </message>
    <message>
        <location filename="../../ui/notice_preview_dialog.ui" line="15" />
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../ui/notice_preview_dialog.ui" line="18" />
        <source>One workbook, a sheet per notice</source>
        <translation>合并为一个工作簿（每份一页）</translation>
    </message>
</context>
<context>
    <name>NoticesPage</name>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="46" />
        <source>Notice number</source>
        <translation>通知书编号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="43" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="46" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="175" />
        <source>Plate</source>
        <translation>车牌号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="43" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="46" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="175" />
        <source>VIN</source>
        <translation>车辆识别代号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="43" />
        <source>Entry</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="44" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="47" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="175" />
        <source>Owner</source>
        <translation>车主</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="44" />
        <source>Listed on</source>
        <translation>列入日期</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="44" />
        <source>Reasons</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="47" />
        <source>Issued at</source>
        <translation>签发时间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="47" />
        <source>Deadline</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="48" />
        <source>Issued by</source>
        <translation>签发人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="69" />
        <source>Black-list entries without a notice</source>
        <translation>尚未发出通知书的黑名单条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="71" />
        <source>Issued notices</source>
        <translation>已发出的通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="88" />
        <source>Black-list entries without a notice ({0})</source>
        <translation>尚未签发通知书的黑名单条目（{0}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="90" />
        <source>select the entries to issue notices for</source>
        <translation>请选择要签发通知书的条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="91" />
        <source>every active black-list entry has its notice</source>
        <translation>所有生效中的黑名单条目均已签发通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="92" />
        <source>Issued notices ({0})</source>
        <translation>已签发的通知书（{0}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="112" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="242" />
        <source>Select issued notices to write them again.</source>
        <translation>请选择已签发的通知书以重新生成文件。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="140" />
        <source>Open the vehicle and its evidence</source>
        <translation>查看车辆及其证据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="143" />
        <location filename="../../ui/notices_page.ui" line="23" />
        <source>Preview and issue notices…</source>
        <translation>预览并签发通知书…</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="148" />
        <location filename="../../ui/notices_page.ui" line="47" />
        <source>Write selected notices again…</source>
        <translation>重新生成所选通知书…</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="151" />
        <source>Copy VIN</source>
        <translation>复制VIN</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="157" />
        <source>Copied {0} VIN(s).</source>
        <translation>已复制{0}个车辆识别代号。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="172" />
        <source>{0} notices will be issued on {1} with the numbers below, in this order; the deadline is {2}. Numbers are assigned only when you confirm.</source>
        <translation>将于{1}按下列顺序和编号签发{0}份通知书，整改期限至{2}。编号在您确认后才正式分配。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="175" />
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="175" />
        <source>Owner's address</source>
        <translation>车主地址</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="176" />
        <source>Owner's contact</source>
        <translation>车主联系方式</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="184" />
        <source>Reasons: {0}</source>
        <translation>原因：{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="186" />
        <source>Issued by {0}; contact {1}, telephone {2}, address {3}; signed {4}.</source>
        <translation>签发单位：{0}；联系人：{1}；电话：{2}；地址：{3}；签发人：{4}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="192" />
        <source>Issue {0} notices</source>
        <translation>签发{0}份通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="202" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="245" />
        <source>Folder for the notices</source>
        <translation>通知书保存位置</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="214" />
        <source>Nothing was issued.</source>
        <translation>未签发任何通知书。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="219" />
        <source>Issuing notices</source>
        <translation>正在签发通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="226" />
        <source>Issued {0} notices ({1}); {2} files written to {3}</source>
        <translation>已签发{0}份通知书（{1}）；{2}个文件已保存到{3}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="229" />
        <source>Issued {0} notices.</source>
        <translation>已签发{0}份通知书。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="254" />
        <source>{0} notices written to {1}</source>
        <translation>{0}份通知书已保存到{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="258" />
        <source>Writing notices</source>
        <translation>正在生成整改通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="274" />
        <source>scoring-report.xlsx</source>
        <translation>评分报告.xlsx</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="265" />
        <source>Wrote {0}</source>
        <translation>已写入 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="271" />
        <source>Export list publication</source>
        <translation>导出名单公示表</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="271" />
        <source>list-publication.xlsx</source>
        <translation>名单公示.xlsx</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="274" />
        <source>Export scoring report</source>
        <translation>导出评分报告</translation>
    </message>
    <message>
        <location filename="../../ui/notices_page.ui" line="12" />
        <source>&lt;b&gt;Black-list entries without a notice&lt;/b&gt; — select the entries to issue notices for</source>
        <translation>&lt;b&gt;尚未签发通知书的黑名单条目&lt;/b&gt;——请选择要签发通知书的条目</translation>
    </message>
    <message>
        <location filename="../../ui/notices_page.ui" line="32" />
        <source>&lt;b&gt;Issued notices&lt;/b&gt;</source>
        <translation>&lt;b&gt;已签发的通知书&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/notices_page.ui" line="48" />
        <source>One workbook, a sheet per notice</source>
        <translation>合并为一个工作簿（每份一页）</translation>
    </message>
    <message>
        <location filename="../../ui/notices_page.ui" line="49" />
        <source>Export list publication…</source>
        <translation>导出名单公示表…</translation>
    </message>
    <message>
        <location filename="../../ui/notices_page.ui" line="50" />
        <source>Export scoring report…</source>
        <translation>导出评分报告…</translation>
    </message>
    <message>
        <location filename="../../ui/notices_page.ui" line="57" />
        <source>Open file</source>
        <translation>打开文件</translation>
    </message>
    <message>
        <location filename="../../ui/notices_page.ui" line="58" />
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <location filename="../../dieselwatch/gui/account_dialogs.py" line="60" />
        <source>Set password of {0}</source>
        <translation>设置{0}的密码</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/account_dialogs.py" line="70" />
        <source>Current password:</source>
        <translation>当前密码：</translation>
    </message>
</context>
<context>
    <name>PasswordFields</name>
    <message>
        <location filename="../../dieselwatch/gui/account_dialogs.py" line="36" />
        <source>New password (at least 8 characters):</source>
        <translation>新密码（至少8个字符）：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/account_dialogs.py" line="38" />
        <source>Repeat the password:</source>
        <translation>再次输入密码：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/account_dialogs.py" line="45" />
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>PeriodDialog</name>
    <message>
        <location filename="../../dieselwatch/gui/rule_editor.py" line="229" />
        <source>Try the edited rule set</source>
        <translation>试算修改后的规则</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/rule_editor.py" line="231" />
        <source>A trial scores the period with the values shown, without saving or activating them. Its run is kept marked as a trial; lists never propose from it.</source>
        <translation>试算按当前显示的参数对所选期间评分，不保存也不启用这些参数。试算结果单独标记为试算，不会据此生成名单建议。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/rule_editor.py" line="240" />
        <source>From:</source>
        <translation>从：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/rule_editor.py" line="241" />
        <source>To:</source>
        <translation>至：</translation>
    </message>
</context>
<context>
    <name>ReasonPresetsDialog</name>
    <message>
        <location filename="../../ui/reason_presets_dialog.ui" line="6" />
        <source>Preset reasons of the office</source>
        <translation>本单位常用理由</translation>
    </message>
    <message>
        <location filename="../../ui/reason_presets_dialog.ui" line="8" />
        <source>One reason per line. Every workstation of the office sees the same presets; each change is recorded in the audit history.</source>
        <translation>每行一条理由。本单位各工作站共用同一套常用理由；每次修改均记入审计记录。</translation>
    </message>
    <message>
        <location filename="../../ui/reason_presets_dialog.ui" line="9" />
        <source>Reasons for approving:</source>
        <translation>批准理由：</translation>
    </message>
    <message>
        <location filename="../../ui/reason_presets_dialog.ui" line="11" />
        <source>Reasons for rejecting:</source>
        <translation>驳回理由：</translation>
    </message>
</context>
<context>
    <name>RemovalDialog</name>
    <message>
        <location filename="../../ui/removal_dialog.ui" line="6" />
        <source>Propose removal from the list</source>
        <translation>提出移出名单</translation>
    </message>
    <message>
        <location filename="../../ui/removal_dialog.ui" line="11" />
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <location filename="../../ui/removal_dialog.ui" line="13" />
        <source>Repair record:</source>
        <translation>维修记录：</translation>
    </message>
    <message>
        <location filename="../../ui/removal_dialog.ui" line="14" />
        <source>station, date, work done</source>
        <translation>维修站、日期、维修项目</translation>
    </message>
    <message>
        <location filename="../../ui/removal_dialog.ui" line="15" />
        <source>Re-inspected on:</source>
        <translation>复检日期：</translation>
    </message>
</context>
<context>
    <name>RuleEditor</name>
    <message>
        <location filename="../../dieselwatch/gui/rule_editor.py" line="85" />
        <source>:</source>
        <translation>：</translation>
    </message>
</context>
<context>
    <name>ScoringPage</name>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="35" />
        <source>black</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="35" />
        <source>watch</source>
        <translation>重点关注</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="35" />
        <source>white</source>
        <translation>白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="36" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="39" />
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="40" />
        <source>Proposal</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="42" />
        <source>Plate</source>
        <translation>车牌号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="43" />
        <source>VIN</source>
        <translation>车辆识别代号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="44" />
        <source>Owner</source>
        <translation>车主</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="45" />
        <source>County</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="46" />
        <source>Reasons</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="58" />
        <source>Scoring</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="63" />
        <source>Show vehicle and evidence</source>
        <translation>查看车辆与证据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="65" />
        <source>Select one vehicle.</source>
        <translation>请只选择一辆车。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="66" />
        <source>Copy VIN</source>
        <translation>复制VIN</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="68" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="69" />
        <source>black or watch</source>
        <translation>黑名单或重点关注</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="106" />
        <source>#{0}: {1} to {2}, rule set {3}, {4} vehicles ({5} by {6})</source>
        <translation>第 {0} 次：{1} 至 {2}，规则版本 {3}，{4} 辆车（{5}，{6}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="109" />
        <source>{0} — trial</source>
        <translation>{0}——试算</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="111" />
        <source>Scored with a rule set the office has not activated: the lists never propose from this run.</source>
        <translation>使用本单位尚未启用的规则版本评分：名单不会根据此次评分生成建议。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="117" />
        <source>No scoring yet. Choose the period (it defaults to the data stored) and press "Score all vehicles".</source>
        <translation>尚未评分。请选择时段（默认为已存数据的时段），然后点击“对全部车辆评分”。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="136" />
        <source>{0} vehicles scored: black {1}, watch {2}, white {3}, no proposal {4}. Proposals go to the Lists page with "Propose from latest scoring"; double-click a vehicle for its evidence.</source>
        <translation>共评分 {0} 辆：黑名单 {1}，重点关注 {2}，白名单 {3}，无建议 {4}。在“黑白名单”页点击“按最近评分生成建议”即可生成建议；双击车辆查看证据。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="142" />
        <location filename="../../dieselwatch/gui/scoring_page.py" line="204" />
        <source>Trial with rule set {0}: the lists never propose from this run.</source>
        <translation>使用规则版本 {0} 试算：名单不会根据此次评分生成建议。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="173" />
        <source>{0} (active)</source>
        <translation>{0}（当前）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="175" />
        <source>{0}
saved {1} by {2}</source>
        <translation>{0}
{2}于{1}保存</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="186" />
        <source>Scoring {0} to {1}</source>
        <translation>正在评分 {0} 至 {1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/scoring_page.py" line="201" />
        <source>Scored {0} vehicles, {1} to {2}, rule set {3}.</source>
        <translation>已对{0}辆车评分，时段{1}至{2}，规则版本{3}。</translation>
    </message>
    <message>
        <location filename="../../ui/scoring_page.ui" line="8" />
        <source>From:</source>
        <translation>从：</translation>
    </message>
    <message>
        <location filename="../../ui/scoring_page.ui" line="10" />
        <source>To:</source>
        <translation>至：</translation>
    </message>
    <message>
        <location filename="../../ui/scoring_page.ui" line="12" />
        <source>Rule set:</source>
        <translation>规则版本：</translation>
    </message>
    <message>
        <location filename="../../ui/scoring_page.ui" line="13" />
        <source>The active rule set is the one the office activated (Settings, Rule set). Scoring with another version is a trial: kept for comparison, never proposed from.</source>
        <translation>当前规则版本是本单位启用的版本（设置，规则版本）。用其他版本评分属于试算：结果保留以供比较，但不会据此生成名单建议。</translation>
    </message>
    <message>
        <location filename="../../ui/scoring_page.ui" line="14" />
        <source>Recompute from raw data</source>
        <translation>从原始数据重新计算</translation>
    </message>
    <message>
        <location filename="../../ui/scoring_page.ui" line="15" />
        <source>Score all vehicles</source>
        <translation>对全部车辆评分</translation>
    </message>
    <message>
        <location filename="../../ui/scoring_page.ui" line="22" />
        <source>Run:</source>
        <translation>评分批次：</translation>
    </message>
    <message>
        <location filename="../../ui/scoring_page.ui" line="24" />
        <source>Proposal:</source>
        <translation>建议：</translation>
    </message>
    <message>
        <location filename="../../ui/scoring_page.ui" line="26" />
        <source>Search VIN, plate, owner or reason</source>
        <translation>搜索VIN、车牌号、车主或原因</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="63" />
        <source>Bureau name</source>
        <translation>单位名称</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="63" />
        <source>Bureau code (in notice numbers)</source>
        <translation>单位代码（用于通知书编号）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="64" />
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="64" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="65" />
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="66" />
        <source>Notice number pattern</source>
        <translation>通知书编号格式</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="67" />
        <source>Rectification deadline (days)</source>
        <translation>整改期限（天）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="68" />
        <source>Re-check within (days)</source>
        <translation>复查期限（天）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="69" />
        <source>Administrative reconsideration body (e.g. 平阴县人民政府)</source>
        <translation>行政复议机关（例如：平阴县人民政府）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="70" />
        <source>Court for administrative suits (empty: the competent court)</source>
        <translation>行政诉讼法院（留空：有管辖权的人民法院）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="71" />
        <source>Two-person rule for decisions</source>
        <translation>审批须由提出人以外的人员进行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="72" />
        <source>White entry valid for (days)</source>
        <translation>白名单有效期（天）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="73" />
        <source>Black and watch review after (days)</source>
        <translation>黑名单与重点关注复核周期（天）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="74" />
        <source>Clean days before a black removal</source>
        <translation>移出黑名单前须连续正常天数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="77" />
        <source>The bureau (printed on every notice)</source>
        <translation>单位信息（印在每份通知书上）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="77" />
        <source>Notices</source>
        <translation>整改通知</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="78" />
        <source>Lists</source>
        <translation>黑白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="95" />
        <source>needed on every notice</source>
        <translation>每份通知书都需要</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="105" />
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="105" />
        <source>Saved</source>
        <translation>保存时间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="105" />
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="105" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="120" />
        <source>empty: raw/ in the data folder; an office sharing one database: the same network folder on every workstation</source>
        <translation>留空：使用数据文件夹中的 raw/；多个工作站共用一个数据库时：每台工作站填写同一个网络文件夹</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="122" />
        <source>Raw sample folder:</source>
        <translation>原始数据文件夹：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="124" />
        <source>In use: {0}</source>
        <translation>当前使用：{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="138" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="138" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="138" />
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="138" />
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="174" />
        <source>Only an admin can change this.</source>
        <translation>仅管理员可修改。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="185" />
        <source>active: scoring uses it</source>
        <translation>启用中：评分使用此版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="185" />
        <source>stored, not active</source>
        <translation>已保存，未启用</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="186" />
        <source>shipped with the program</source>
        <translation>程序自带</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="198" />
        <source>Storing a rule set needs the supervisor role.</source>
        <translation>保存规则版本需要审核人角色。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="203" />
        <source>Scoring uses the active rule set {0}. Edit a copy below: “Try on a period” scores with it without saving anything; “Save as a new version” stores it (supervisor) without changing what scoring uses; an admin then activates it. Point at a value for its help.</source>
        <translation>评分使用当前启用的规则版本{0}。可在下方修改副本：“按期间试算”用修改后的参数评分，不保存任何内容；“另存为新版本”保存修改（审核人），但不改变评分所用的规则；之后由管理员启用。鼠标指向参数可查看说明。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="225" />
        <source>Only an admin can activate a rule set.</source>
        <translation>仅管理员可启用规则版本。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="226" />
        <source>This version is already the active one.</source>
        <translation>此版本已是当前启用的版本。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="239" />
        <source>Editing a copy of rule set {0}.</source>
        <translation>正在修改规则版本{0}的副本。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="247" />
        <source>Give the edited rule set a new version.</source>
        <translation>请为修改后的规则填写新的版本号。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="274" />
        <source>Rule set {0} stored (not active: an admin activates it).</source>
        <translation>规则版本{0}已保存（未启用，须由管理员启用）。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="284" />
        <source>Activate rule set {0}</source>
        <translation>启用规则版本{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="285" />
        <source>From now on every scoring uses rule set {0} instead of {1}, and the next run re-applies it to the raw samples. Why is it activated?</source>
        <translation>此后所有评分将使用规则版本{0}（替代{1}），下次评分时按新规则重新计算原始数据。启用原因：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="290" />
        <source>Activating a rule set needs a reason.</source>
        <translation>启用规则版本须填写原因。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="295" />
        <source>Rule set {0} is now active.</source>
        <translation>规则版本{0}已启用。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="312" />
        <source>Trying rule set {0}</source>
        <translation>正在试算规则版本{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="317" />
        <source>Trial of rule set {0}, {1} to {2}: black {3}, watch {4}, white {5}, none {6}.</source>
        <translation>规则版本{0}试算（{1}至{2}）：黑名单{3}，重点关注{4}，白名单{5}，无建议{6}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="321" />
        <source>The office's latest run ({0}, rule set {1}): black {2}, watch {3}, white {4}, none {5}.</source>
        <translation>本单位最近一次正式评分（批次{0}，规则版本{1}）：黑名单{2}，重点关注{3}，白名单{4}，无建议{5}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="324" />
        <source>Nothing was saved or activated. The trial is kept as run {0}, marked as a trial; lists never propose from it.</source>
        <translation>未保存也未启用任何规则。试算结果保存为批次{0}并标记为试算，不会据此生成名单建议。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="326" />
        <source>Trial run</source>
        <translation>试算</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="327" />
        <source>Trial run {0} with rule set {1} done.</source>
        <translation>规则版本{1}试算完成（批次{0}）。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="366" />
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="366" />
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="378" />
        <source>Only an admin can change accounts.</source>
        <translation>仅管理员可修改账号。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="379" />
        <source>Choose an account in the table first.</source>
        <translation>请先在表格中选择一个账号。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="386" />
        <source>Enable…</source>
        <translation>启用…</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="387" />
        <source>Disable…</source>
        <translation>停用…</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="389" />
        <source>Sign in first.</source>
        <translation>请先登录。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="437" />
        <source>Disable account</source>
        <translation>停用账号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="438" />
        <source>Disable the account {0}? They can no longer sign in; their past decisions stay in the history.</source>
        <translation>确定停用账号{0}？停用后该账号无法登录，其以往的审批记录仍保留在审计记录中。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="444" />
        <source>Account {0} disabled.</source>
        <translation>账号{0}已停用。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="445" />
        <source>Account {0} enabled.</source>
        <translation>账号{0}已启用。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="335" />
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="339" />
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="341" />
        <source>Connected: {0}</source>
        <translation>连接成功：{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="352" />
        <source>Saved for this workstation; applies at the next start.</source>
        <translation>已保存到本机，下次启动生效。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="404" />
        <source>Account {0} created.</source>
        <translation>已创建账号{0}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="411" />
        <source>Change role</source>
        <translation>修改角色</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="412" />
        <source>Role of {0}:</source>
        <translation>{0}的角色：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="416" />
        <source>Role changed.</source>
        <translation>角色已修改。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="422" />
        <source>Set name</source>
        <translation>设置姓名</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="423" />
        <source>Name of {0} (signs notices):</source>
        <translation>{0}的姓名（用于通知书署名）：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="427" />
        <source>Account updated.</source>
        <translation>账号已更新。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="358" />
        <source>Legal texts saved.</source>
        <translation>法律文本已保存。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="457" />
        <source>Password of {0} changed.</source>
        <translation>{0}的密码已修改。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="9" />
        <source>Bureau, notices and lists</source>
        <translation>单位、通知书与名单</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="11" />
        <source>Shared by every workstation on this database. Only an admin can change them; each change is recorded in the audit history.</source>
        <translation>连接同一数据库的所有工作站共用这些设置。仅管理员可修改，每次修改都记入审计记录。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="15" />
        <source>Save settings</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="16" />
        <source>Legal texts of the notices…</source>
        <translation>通知书法律文本…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="24" />
        <source>Rule set</source>
        <translation>评分规则</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="36" />
        <source>Edit a copy of this version</source>
        <translation>修改此版本的副本</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="37" />
        <source>Activate this version…</source>
        <translation>启用此版本…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="53" />
        <source>New version:</source>
        <translation>新版本号：</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="55" />
        <source>Undo changes</source>
        <translation>撤销修改</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="56" />
        <source>Try on a period…</source>
        <translation>按期间试算…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="57" />
        <source>Save as a new version…</source>
        <translation>另存为新版本…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="63" />
        <source>Accounts</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="68" />
        <source>Add account…</source>
        <translation>添加账号…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="69" />
        <source>Change role…</source>
        <translation>修改角色…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="70" />
        <source>Set name…</source>
        <translation>设置姓名…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="71" />
        <source>Disable or enable</source>
        <translation>停用或启用</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="72" />
        <source>Set password…</source>
        <translation>设置密码…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="79" />
        <source>This workstation</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="81" />
        <source>Database:</source>
        <translation>数据库：</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="84" />
        <source>empty: the SQLite file in the data folder; or postgresql://user:password@server/dieselwatch</source>
        <translation>留空：使用数据文件夹中的SQLite文件；或 postgresql://用户:密码@服务器/dieselwatch</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="85" />
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="89" />
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="91" />
        <source>Save (applies at the next start)</source>
        <translation>保存（下次启动生效）</translation>
    </message>
</context>
<context>
    <name>Splash</name>
    <message>
        <location filename="../../dieselwatch/gui/splash.py" line="32" />
        <source>Remote OBD monitoring review</source>
        <translation>重型柴油车远程排放监控审查</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/splash.py" line="43" />
        <source>Preparing the demo fleet (first start only)…</source>
        <translation>正在准备演示车队（仅首次启动）…</translation>
    </message>
</context>
<context>
    <name>TableTools</name>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="286" />
        <source>Export to Excel</source>
        <translation>导出到Excel</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="297" />
        <source>Exporting {0} rows</source>
        <translation>正在导出{0}行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="302" />
        <source>Exported {0} rows to {1}</source>
        <translation>已将{0}行导出到{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="330" />
        <source>Select one or more rows first.</source>
        <translation>请先选择一行或多行。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="345" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="346" />
        <source>Copy with headers</source>
        <translation>连同表头复制</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="348" />
        <source>Select all</source>
        <translation>全选</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="349" />
        <source>Export to Excel…</source>
        <translation>导出到Excel…</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="350" />
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="395" />
        <source>Filter:</source>
        <translation>筛选：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="398" />
        <source>text in any column (Esc closes)</source>
        <translation>任一列中的文字（按Esc关闭）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="403" />
        <source>Close the filter (Esc)</source>
        <translation>关闭筛选（Esc）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="449" />
        <source>{0} of {1} rows</source>
        <translation>显示{0}行，共{1}行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/tables.py" line="450" />
        <source>{0} rows</source>
        <translation>共{0}行</translation>
    </message>
</context>
<context>
    <name>VehicleTableModel</name>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="19" />
        <source>VIN</source>
        <translation>车辆识别代号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="19" />
        <source>Plate</source>
        <translation>车牌号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="19" />
        <source>Owner</source>
        <translation>车主</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="19" />
        <source>County</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="19" />
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="20" />
        <source>Proposal</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="20" />
        <source>Main reasons</source>
        <translation>主要原因</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="20" />
        <source>On list</source>
        <translation>在册名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="21" />
        <source>black</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="21" />
        <source>white</source>
        <translation>白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="21" />
        <source>watch</source>
        <translation>重点关注</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/models.py" line="22" />
        <source>none</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>VehiclesPage</name>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="57" />
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="63" />
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="107" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="60" />
        <source>on the black list</source>
        <translation>黑名单在册</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="60" />
        <source>on the watch list</source>
        <translation>重点关注在册</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="61" />
        <source>on the white list</source>
        <translation>白名单在册</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="112" />
        <source>No vehicles yet. Import a vehicle registry (Ctrl+R) and monitoring exports (Ctrl+I), or drop the files on this window.</source>
        <translation>尚无车辆。请导入车辆登记表（Ctrl+R）和监控数据导出文件（Ctrl+I），或把文件拖到本窗口。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="72" />
        <source>Show score and evidence</source>
        <translation>查看评分与证据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="69" />
        <source>Vehicles</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="73" />
        <source>Copy VIN</source>
        <translation>复制VIN</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="75" />
        <source>Export stored samples…</source>
        <translation>导出已存储的逐秒数据…</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="78" />
        <source>Select one vehicle to export its samples.</source>
        <translation>请只选择一辆车来导出其数据。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="154" />
        <source>No data stored yet.</source>
        <translation>尚未存储任何数据。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="157" />
        <source>Export stored samples</source>
        <translation>导出已存储的逐秒数据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="159" />
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="168" />
        <source>Exporting the samples of {0}</source>
        <translation>正在导出 {0} 的数据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="169" />
        <source>Wrote {0}</source>
        <translation>已写入 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="197" />
        <source>(exceedance {0} min)</source>
        <translation>（超标{0}分钟）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="210" />
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="226" />
        <source>({0})</source>
        <translation>（{0}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="213" />
        <source>Owner</source>
        <translation>车主</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="210" />
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="214" />
        <source>County</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="215" />
        <source>Engine</source>
        <translation>发动机</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="216" />
        <source>reference torque {0} N·m</source>
        <translation>参考扭矩 {0} N·m</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="220" />
        <source>Not scored in the latest run.</source>
        <translation>最近一次评分未包含该车。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="223" />
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="224" />
        <source>Proposal</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="226" />
        <source>{0} — {1}, rule set {2}</source>
        <translation>{0} — {1}，规则版本 {2}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="232" />
        <source>Online rate</source>
        <translation>上线率</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="233" />
        <source>Completeness</source>
        <translation>数据完整率</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="234" />
        <source>Valid operation share</source>
        <translation>有效工况占比</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="235" />
        <source>Share above screening threshold</source>
        <translation>超筛查阈值占比</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="236" />
        <source>SCR efficiency (hot)</source>
        <translation>SCR热态转化效率</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="237" />
        <source>Brake-specific NOx</source>
        <translation>比排放NOx</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="238" />
        <source>Distance</source>
        <translation>行驶里程</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="239" />
        <source>Longest offline</source>
        <translation>最长离线</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="239" />
        <source>{0} d</source>
        <translation>{0} 天</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="240" />
        <source>Parked / not covered</source>
        <translation>停驶／未覆盖</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="240" />
        <source>{0} d / {1} d</source>
        <translation>{0} 天 / {1} 天</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/vehicles_page.py" line="246" />
        <source>List history</source>
        <translation>名单记录</translation>
    </message>
    <message>
        <location filename="../../ui/vehicles_page.ui" line="8" />
        <source>Search VIN, plate or owner</source>
        <translation>搜索VIN、车牌号或车主</translation>
    </message>
    <message>
        <location filename="../../ui/vehicles_page.ui" line="9" />
        <source>Proposal:</source>
        <translation>建议：</translation>
    </message>
    <message>
        <location filename="../../ui/vehicles_page.ui" line="11" />
        <source>County:</source>
        <translation>县区：</translation>
    </message>
    <message>
        <location filename="../../ui/vehicles_page.ui" line="13" />
        <source>Score at most:</source>
        <translation>评分不高于：</translation>
    </message>
    <message>
        <location filename="../../ui/vehicles_page.ui" line="14" />
        <source>Show vehicles whose latest score is at most this value (100 shows all, including unscored).</source>
        <translation>只显示最近评分不高于此值的车辆（100 显示全部，包括未评分车辆）。</translation>
    </message>
    <message>
        <location filename="../../ui/vehicles_page.ui" line="15" />
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../ui/vehicles_page.ui" line="15" />
        <source>Show or hide the selected vehicle's details below the table</source>
        <translation>显示或隐藏表格下方所选车辆的详情</translation>
    </message>
    <message>
        <location filename="../../ui/vehicles_page.ui" line="32" />
        <source>Score and evidence</source>
        <translation>评分与证据</translation>
    </message>
    <message>
        <location filename="../../ui/vehicles_page.ui" line="38" />
        <source>Days</source>
        <translation>逐日</translation>
    </message>
    <message>
        <location filename="../../ui/vehicles_page.ui" line="42" />
        <source>One day at 1 Hz</source>
        <translation>单日秒级数据</translation>
    </message>
    <message>
        <location filename="../../ui/vehicles_page.ui" line="46" />
        <source>Day:</source>
        <translation>日期：</translation>
    </message>
</context>
<context><name>RuleMeta</name><message><source>Valid operation</source><translation>有效工况</translation></message><message><source>A sample counts as valid operation only when all of these hold; the NOx and SCR checks use valid samples only.</source><translation>同时满足以下各项的数据才算有效工况；NOx与SCR判定只使用有效工况数据。</translation></message><message><source>NOx exceedance</source><translation>NOx超标</translation></message><message><source>Downstream NOx against the office's screening threshold (not a legal limit).</source><translation>下游NOx与本单位筛查阈值比较（筛查阈值不是法定限值）。</translation></message><message><source>Work-based windows (GB 17691 Annex K)</source><translation>功基窗口法（GB 17691附录K）</translation></message><message><source>Brake-specific NOx over windows of the engine's WHTC reference work.</source><translation>按发动机WHTC循环功划分窗口计算比排放NOx。</translation></message><message><source>SCR conversion</source><translation>SCR转化效率</translation></message><message><source>Conversion efficiency 1 - downstream/upstream NOx over hot valid samples.</source><translation>转化效率 = 1 − 下游NOx / 上游NOx（热机有效工况）。</translation></message><message><source>Tampering signatures</source><translation>作弊特征</translation></message><message><source>Patterns of a disabled, emulated or starved after-treatment.</source><translation>后处理被停用、模拟或尿素不足的特征。</translation></message><message><source>Data gaps and coverage</source><translation>数据缺失与覆盖</translation></message><message><source>Silence, gaps and missing fields, and how much data a judgement needs.</source><translation>离线、数据中断和字段缺失，以及判定所需的数据量。</translation></message><message><source>OBD faults</source><translation>OBD故障</translation></message><message><source>The malfunction indicator with trouble codes.</source><translation>故障指示灯与故障码。</translation></message><message><source>Comparison with similar engines</source><translation>同型发动机比较</translation></message><message><source>Vehicles judged against engines of the same model.</source><translation>与同型号发动机的车辆比较判定。</translation></message><message><source>Score weights</source><translation>评分扣分</translation></message><message><source>Points taken from 100 per reason category.</source><translation>每类原因从100分中扣除的分数。</translation></message><message><source>Minimum engine speed</source><translation>最低发动机转速</translation></message><message><source>rpm</source><translation>转/分</translation></message><message><source>Below this engine speed the engine is idling or off; such samples are not judged.</source><translation>低于此转速视为怠速或熄火，不参与判定。</translation></message><message><source>Minimum coolant temperature</source><translation>最低冷却液温度</translation></message><message><source>°C</source><translation>°C</translation></message><message><source>A cold engine is not judged: the SCR cannot work yet.</source><translation>冷机状态不参与判定：SCR尚不能正常工作。</translation></message><message><source>Minimum SCR inlet temperature</source><translation>最低SCR入口温度</translation></message><message><source>Below this the catalyst cannot convert NOx; such samples are not judged.</source><translation>低于此温度催化器无法转化NOx，不参与判定。</translation></message><message><source>Torque above friction torque</source><translation>实际扭矩高于摩擦扭矩</translation></message><message><source>%</source><translation>%</translation></message><message><source>Actual torque must exceed friction torque by this many percentage points (the engine is pulling, not coasting).</source><translation>实际扭矩须比摩擦扭矩高出此百分点（发动机在做功，而非滑行）。</translation></message><message><source>Smoothing window</source><translation>平滑窗口</translation></message><message><source>s</source><translation>秒</translation></message><message><source>Downstream NOx is averaged over this centred window of valid samples before it is compared with the threshold.</source><translation>下游NOx先按此长度的居中窗口对有效数据取平均，再与阈值比较。</translation></message><message><source>Screening threshold</source><translation>筛查阈值</translation></message><message><source>ppm</source><translation>ppm</translation></message><message><source>The office's screening threshold for smoothed downstream NOx; no regulation sets a tailpipe ppm limit for remote data.</source><translation>本单位对平滑后下游NOx设定的筛查阈值；现行法规未对远程监控数据规定尾管ppm限值。</translation></message><message><source>Minutes above the threshold for an exceedance day</source><translation>超标日最少超标分钟数</translation></message><message><source>min</source><translation>分钟</translation></message><message><source>A day counts as an exceedance day with at least this many minutes above the threshold.</source><translation>当日超过阈值的时间达到此分钟数即为超标日。</translation></message><message><source>Exceedance share for black</source><translation>列入黑名单的超标比例</translation></message><message><source>share</source><translation>比例</translation></message><message><source>Black when at least this share of the valid samples is above the threshold (together with the exceedance days below).</source><translation>有效数据中超过阈值的比例达到此值（并满足下方超标天数）时列入黑名单建议。</translation></message><message><source>Exceedance days for black</source><translation>列入黑名单的超标天数</translation></message><message><source>days</source><translation>天</translation></message><message><source>Black needs at least this many exceedance days in the period.</source><translation>期间内超标日达到此天数才列入黑名单建议。</translation></message><message><source>WHTC NOx limit</source><translation>WHTC NOx限值</translation></message><message><source>mg/kWh</source><translation>mg/kWh</translation></message><message><source>The China VI WHTC NOx limit that conformity factors are computed against (460).</source><translation>计算符合性因子所用的国六WHTC NOx限值（460）。</translation></message><message><source>Conformity factor limit</source><translation>符合性因子限值</translation></message><message><source>×</source><translation>倍</translation></message><message><source>The chosen percentile of the windows' conformity factors must not exceed this (1.5).</source><translation>各窗口符合性因子的所选百分位数不得超过此值（1.5）。</translation></message><message><source>Conformity factor percentile</source><translation>符合性因子百分位</translation></message><message><source>Which percentile of the valid windows' conformity factors is compared with the limit (90 %).</source><translation>用有效窗口符合性因子的哪一百分位数与限值比较（90%）。</translation></message><message><source>Power threshold at start</source><translation>初始功率阈值</translation></message><message><source>A window is valid when its average power reaches this share of the rated power.</source><translation>窗口平均功率达到额定功率的此比例时为有效窗口。</translation></message><message><source>Power threshold step</source><translation>功率阈值步长</translation></message><message><source>When too few windows are valid the threshold is lowered by this step.</source><translation>有效窗口过少时，功率阈值按此步长降低。</translation></message><message><source>Lowest power threshold</source><translation>最低功率阈值</translation></message><message><source>The threshold is never lowered below this share of the rated power.</source><translation>功率阈值不低于额定功率的此比例。</translation></message><message><source>Share of valid windows needed</source><translation>有效窗口所需比例</translation></message><message><source>Below this share of valid windows the power threshold is lowered.</source><translation>有效窗口比例低于此值时降低功率阈值。</translation></message><message><source>Valid windows needed</source><translation>所需有效窗口数</translation></message><message><source>windows</source><translation>个窗口</translation></message><message><source>A brake-specific judgement needs at least this many valid windows.</source><translation>比排放判定至少需要此数量的有效窗口。</translation></message><message><source>Fallback window length</source><translation>备用窗口时长</translation></message><message><source>Without rated power or WHTC work, fixed time windows of this length are used instead (they give a watch, never black).</source><translation>缺少额定功率或WHTC循环功时，改用此时长的固定时间窗口（只给出重点关注，不列入黑名单）。</translation></message><message><source>Fallback minimum average power</source><translation>备用窗口最低平均功率</translation></message><message><source>kW</source><translation>kW</translation></message><message><source>A fallback window is valid when its average power reaches this (an office choice, not from the standard).</source><translation>备用窗口平均功率达到此值时有效（由本单位设定，非标准规定）。</translation></message><message><source>Fallback windows needed</source><translation>所需备用窗口数</translation></message><message><source>A fallback judgement needs at least this many valid windows.</source><translation>备用窗口判定至少需要此数量的有效窗口。</translation></message><message><source>SCR efficiency for black</source><translation>列入黑名单的SCR效率</translation></message><message><source>Below this conversion efficiency the vehicle is proposed for the black list.</source><translation>转化效率低于此值时建议列入黑名单。</translation></message><message><source>SCR efficiency for watch</source><translation>列入重点关注的SCR效率</translation></message><message><source>Below this conversion efficiency the vehicle is watched; a working China VI SCR converts well above 80 %.</source><translation>转化效率低于此值时列为重点关注；正常工作的国六SCR转化效率远高于80%。</translation></message><message><source>Low efficiency of one sample</source><translation>单条数据低效率</translation></message><message><source>A single sample converting less than this counts as a low-efficiency sample.</source><translation>单条数据转化效率低于此值即计为低效率数据。</translation></message><message><source>Hot samples needed</source><translation>所需热机数据条数</translation></message><message><source>samples</source><translation>条</translation></message><message><source>The SCR efficiency is judged only with at least this many hot valid samples.</source><translation>热机有效数据达到此条数才判定SCR效率。</translation></message><message><source>Downstream above upstream by</source><translation>下游高于上游的幅度</translation></message><message><source>A sample where downstream NOx exceeds upstream by more than this margin is implausible.</source><translation>下游NOx高出上游超过此幅度的数据不合理。</translation></message><message><source>Share of downstream above upstream</source><translation>下游高于上游的比例</translation></message><message><source>Tampering is suspected when at least this share of the hot samples has downstream above upstream.</source><translation>热机数据中下游高于上游的比例达到此值时怀疑作弊。</translation></message><message><source>Downstream NOx counted as zero</source><translation>视为零的下游NOx</translation></message><message><source>Downstream readings at or below this count as zero.</source><translation>下游读数不高于此值时视为零。</translation></message><message><source>Share of zero downstream</source><translation>下游为零的比例</translation></message><message><source>A downstream sensor reading zero in at least this share of hot samples is suspect.</source><translation>热机数据中下游读数为零的比例达到此值时可疑。</translation></message><message><source>Constant downstream for</source><translation>下游读数不变的时长</translation></message><message><source>Downstream NOx unchanged for this long while the engine works is stuck or substituted.</source><translation>发动机工作时下游NOx保持不变达到此时长，视为卡滞或被替换。</translation></message><message><source>Share of repeated downstream values</source><translation>下游重复值比例</translation></message><message><source>A downstream trace repeating the same few values in at least this share of samples is suspect.</source><translation>下游读数在此比例以上的数据中重复少数几个数值时可疑。</translation></message><message><source>Samples needed for the repeat check</source><translation>重复值检查所需数据条数</translation></message><message><source>The repeat check needs at least this many valid downstream samples.</source><translation>重复值检查至少需要此条数的有效下游数据。</translation></message><message><source>Reagent level counted as empty</source><translation>视为空罐的尿素液位</translation></message><message><source>A reagent tank level at or below this (percent of the tank) counts as empty.</source><translation>尿素箱液位（占箱容百分比）不高于此值时视为空罐。</translation></message><message><source>Share of empty reagent</source><translation>尿素空罐比例</translation></message><message><source>Driving with an empty reagent tank in at least this share of samples is tampering.</source><translation>尿素空罐行驶的数据比例达到此值即视为作弊。</translation></message><message><source>Fuel for the reagent check</source><translation>尿素检查所需油耗</translation></message><message><source>L</source><translation>升</translation></message><message><source>The reagent level is expected to fall once at least this much fuel was burnt.</source><translation>消耗此数量燃油后尿素液位应有下降。</translation></message><message><source>Minimum reagent drop</source><translation>尿素液位最小降幅</translation></message><message><source>A reagent level that falls less than this (percent of the tank) over that fuel is static.</source><translation>消耗上述燃油后尿素液位降幅（占箱容百分比）小于此值，视为液位不变。</translation></message><message><source>High load torque</source><translation>高负荷扭矩</translation></message><message><source>Torque (percent of reference) from which the engine counts as under high load.</source><translation>扭矩（占参考扭矩百分比）达到此值即视为高负荷。</translation></message><message><source>SCR cold under high load below</source><translation>高负荷下SCR低温阈值</translation></message><message><source>An SCR inlet colder than this under long high load points to a bypassed sensor.</source><translation>长时间高负荷下SCR入口温度低于此值，提示传感器被旁路。</translation></message><message><source>Cold SCR under high load for</source><translation>高负荷下SCR低温时长</translation></message><message><source>How long the SCR must stay cold under high load to be suspect.</source><translation>高负荷下SCR保持低温达到此时长即为可疑。</translation></message><message><source>Calibration changes allowed</source><translation>允许的标定变更次数</translation></message><message><source>changes</source><translation>次</translation></message><message><source>More CALID/CVN changes than this in the period point to re-flashed engine software.</source><translation>期间内CALID/CVN变更超过此次数，提示发动机软件被刷写。</translation></message><message><source>Shortest data gap</source><translation>最短数据中断</translation></message><message><source>A jump in time inside a trip of at least this long is a data gap.</source><translation>行程内时间跳变达到此时长即为数据中断。</translation></message><message><source>Trip break</source><translation>行程间隔</translation></message><message><source>A pause this long or longer ends a trip (not a gap).</source><translation>停顿达到此时长即结束一个行程（不计为中断）。</translation></message><message><source>Position jump factor</source><translation>位置跳变倍数</translation></message><message><source>A position that moves more than this times the distance the speed allows is a jump.</source><translation>位置移动超过车速允许距离的此倍数即为跳变。</translation></message><message><source>Position jump margin</source><translation>位置跳变余量</translation></message><message><source>km</source><translation>公里</translation></message><message><source>Added to the allowed distance before a position counts as a jump.</source><translation>判断位置跳变前加到允许距离上的余量。</translation></message><message><source>Online rate for white</source><translation>列入白名单的上线率</translation></message><message><source>White needs at least this online rate (days with data / days with data or driven unreported).</source><translation>列入白名单须达到此上线率（有数据天数 / 有数据或行驶未上报的天数）。</translation></message><message><source>Completeness for white</source><translation>列入白名单的数据完整率</translation></message><message><source>White needs at least this share of the expected samples.</source><translation>列入白名单须达到应有数据量的此比例。</translation></message><message><source>Missing key field for watch</source><translation>关键字段缺失（重点关注）</translation></message><message><source>A key field missing in at least this share of samples gives a watch.</source><translation>关键字段缺失的数据比例达到此值时列为重点关注。</translation></message><message><source>Days driven unreported for black</source><translation>行驶未上报天数（黑名单）</translation></message><message><source>Black when the vehicle drove without reporting on at least this many days.</source><translation>车辆行驶但未上报数据的天数达到此值时列入黑名单建议。</translation></message><message><source>Days driven unreported for watch</source><translation>行驶未上报天数（重点关注）</translation></message><message><source>Watch when the vehicle drove without reporting on at least this many days.</source><translation>车辆行驶但未上报数据的天数达到此值时列为重点关注。</translation></message><message><source>Running hours needed</source><translation>所需运行小时数</translation></message><message><source>h</source><translation>小时</translation></message><message><source>Below this many running hours in the period nothing is judged.</source><translation>期间内运行小时数低于此值时不作判定。</translation></message><message><source>Days with data needed</source><translation>所需有数据天数</translation></message><message><source>Below this many days with data nothing is judged.</source><translation>有数据天数低于此值时不作判定。</translation></message><message><source>Too little data gives a watch</source><translation>数据不足时列为重点关注</translation></message><message><source>0 or 1</source><translation>0或1</translation></message><message><source>1: a vehicle with too little data is watched; 0: it gets no proposal.</source><translation>1：数据不足的车辆列为重点关注；0：不给出建议。</translation></message><message><source>Parked if it moved at most</source><translation>视为停放的最大移动距离</translation></message><message><source>A silence across which the odometer or position moved at most this far was parked, not driven unreported.</source><translation>离线前后里程或位置变化不超过此距离时视为停放，而非行驶未上报。</translation></message><message><source>Days with data for white</source><translation>列入白名单的有数据天数</translation></message><message><source>White needs at least this many days with data.</source><translation>列入白名单至少需要此天数的数据。</translation></message><message><source>Valid hours for white</source><translation>列入白名单的有效工况小时数</translation></message><message><source>White needs at least this many hours of valid operation.</source><translation>列入白名单至少需要此小时数的有效工况。</translation></message><message><source>Valid windows for white</source><translation>列入白名单的有效窗口数</translation></message><message><source>White needs at least this many valid brake-specific windows.</source><translation>列入白名单至少需要此数量的有效比排放窗口。</translation></message><message><source>Invalid position fixes for watch</source><translation>定位无效（重点关注）</translation></message><message><source>Invalid GNSS fixes in at least this share of samples give a watch.</source><translation>定位无效的数据比例达到此值时列为重点关注。</translation></message><message><source>Persistent malfunction indicator</source><translation>故障灯持续点亮</translation></message><message><source>MIL on with trouble codes in at least this share of records is a defect to repair (watch, never black on its own).</source><translation>故障灯点亮且有故障码的记录比例达到此值，视为须维修的故障（列为重点关注，不单独列入黑名单）。</translation></message><message><source>Smallest comparison group</source><translation>最小比较组</translation></message><message><source>vehicles</source><translation>辆</translation></message><message><source>An engine model with fewer vehicles with enough data is compared with the whole fleet.</source><translation>数据充足的同型车辆少于此数时，与全部车辆比较。</translation></message><message><source>Low percentile of the group</source><translation>组内低百分位</translation></message><message><source>A vehicle below this percentile of its group counts as low.</source><translation>低于组内此百分位的车辆视为偏低。</translation></message><message><source>High percentile of the group</source><translation>组内高百分位</translation></message><message><source>A vehicle above this percentile of its group counts as high.</source><translation>高于组内此百分位的车辆视为偏高。</translation></message><message><source>Fuel needed for the comparison</source><translation>比较所需油耗</translation></message><message><source>Reagent use is compared only with at least this much fuel burnt.</source><translation>消耗燃油达到此数量才比较尿素消耗。</translation></message><message><source>Reagent use against the group median</source><translation>尿素消耗与组内中位数之比</translation></message><message><source>Reagent use below this share of the group median (and below the low percentile) is too little dosing.</source><translation>尿素消耗低于组内中位数的此比例（且低于低百分位）视为喷射不足。</translation></message><message><source>10-second means needed</source><translation>所需10秒均值个数</translation></message><message><source>means</source><translation>个</translation></message><message><source>The emulator check needs at least this many 10 s means of hot valid operation.</source><translation>模拟器检查至少需要此数量的热机有效工况10秒均值。</translation></message><message><source>Highest correlation of an emulated sensor</source><translation>模拟传感器的最高相关系数</translation></message><message><source>A downstream trace correlating less than this with upstream NOx and with load looks emulated.</source><translation>下游读数与上游NOx及负荷的相关系数均低于此值时疑似模拟信号。</translation></message><message><source>Highest mean of an emulated trace</source><translation>模拟信号的最高均值</translation></message><message><source>An emulated trace stays plausible: its mean is at most this.</source><translation>模拟信号通常看似合理：其均值不超过此值。</translation></message><message><source>Platform offset: lowest hot downstream</source><translation>平台偏移：热机下游最低值</translation></message><message><source>When every vehicle of one source never reads below this hot and loaded, the platform omits the -200 ppm offset.</source><translation>同一数据来源的所有车辆在热机带载时读数均不低于此值，说明平台未减去−200 ppm偏移量。</translation></message><message><source>Platform offset: vehicles needed</source><translation>平台偏移：所需车辆数</translation></message><message><source>The offset check needs at least this many vehicles from one source.</source><translation>偏移检查至少需要同一来源的此数量车辆。</translation></message><message><source>Points for an emission reason</source><translation>排放原因扣分</translation></message><message><source>points</source><translation>分</translation></message><message><source>Points taken from 100 for the worst emission reason.</source><translation>最严重的排放原因从100分中扣除的分数。</translation></message><message><source>Points for a tampering reason</source><translation>作弊原因扣分</translation></message><message><source>Points taken from 100 for the worst tampering reason.</source><translation>最严重的作弊原因从100分中扣除的分数。</translation></message><message><source>Points for a data reason</source><translation>数据原因扣分</translation></message><message><source>Points taken from 100 for the worst data reason.</source><translation>最严重的数据原因从100分中扣除的分数。</translation></message><message><source>Points for an OBD reason</source><translation>OBD原因扣分</translation></message><message><source>Points taken from 100 for the worst OBD reason.</source><translation>最严重的OBD原因从100分中扣除的分数。</translation></message></context></TS>