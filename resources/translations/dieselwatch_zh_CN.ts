<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name />
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="84" />
        <source>is neither UTF-8 nor GBK/GB18030 text, nor an Excel workbook</source>
        <translation>既不是UTF-8或GBK/GB18030文本,也不是Excel工作簿</translation>
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
        <translation>不是可读取的Excel工作簿({error})</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="299" />
        <source>has {n} parts: refused as a damaged or hostile workbook</source>
        <translation>含有{n}个部件：作为损坏或恶意构造的工作簿拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="302" />
        <source>is a zip archive but not an Excel workbook</source>
        <translation>是zip压缩包,但不是Excel工作簿</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="304" />
        <source>has a part twice: refused as a damaged or hostile workbook</source>
        <translation>含有重复的部件：作为损坏或恶意构造的工作簿拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/limits.py" line="311" />
        <source>unpacks to {unpacked} MB from {packed} MB: refused as a zip bomb</source>
        <translation>由{packed} MB解压为{unpacked} MB:疑似压缩炸弹,已拒绝</translation>
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
        <translation>无法读取({error})</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="201" />
        <source>is empty</source>
        <translation>是空文件</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="209" />
        <source>is a binary file, not a CSV export or Excel workbook</source>
        <translation>是二进制文件,不是CSV导出文件或Excel工作簿</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="216" />
        <source>has no lines</source>
        <translation>没有任何行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="247" />
        <source>has no sheet “{sheet}”; sheets: {sheets}</source>
        <translation>没有工作表“{sheet}”;现有工作表:{sheets}</translation>
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
        <translation>工作表“{sheet}”无法读取({error})</translation>
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
        <translation>第1 MB之后不是有效的{encoding}文本({error})</translation>
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
        <translation>无法按CSV解析:{error}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/tables.py" line="393" />
        <source>is not valid {encoding} text ({error})</source>
        <translation>不是有效的{encoding}文本({error})</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/values.py" line="164" />
        <location filename="../../dieselwatch/services/registry.py" line="182" />
        <source>VIN missing</source>
        <translation>缺少VIN</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/values.py" line="167" />
        <location filename="../../dieselwatch/services/registry.py" line="185" />
        <source>VIN malformed (17 characters, no I, O or Q)</source>
        <translation>VIN格式错误(应为17位,不含I、O、Q)</translation>
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
        <location filename="../../dieselwatch/scoring/rules.py" line="38" />
        <source>{source}: not a readable rule set ({error})</source>
        <translation>{source}:不是可读取的规则文件({error})</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="42" />
        <location filename="../../dieselwatch/storage/auditstate.py" line="28" />
        <source>rule set</source>
        <translation>规则版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="47" />
        <source>{source}: needs a non-empty “version”</source>
        <translation>{source}:必须填写“version”(版本号)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="53" />
        <source>{source}: section “{section}” missing</source>
        <translation>{source}:缺少“{section}”部分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="58" />
        <source>{source}: “{key}” missing</source>
        <translation>{source}:缺少“{key}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="60" />
        <source>{source}: “{key}” must be a number &gt;= 0, got “{value}”</source>
        <translation>{source}:“{key}”必须是≥0的数值,实际为“{value}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="64" />
        <source>{source}: unknown key(s) in “{section}”: {keys}</source>
        <translation>{source}:“{section}”中有未知的项:{keys}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="70" />
        <source>{source}: the work-window power threshold must fall from power_share_start to power_share_min in at most {n} steps</source>
        <translation>{source}：功基窗口功率阈值须从power_share_start降至power_share_min，且不超过{n}步</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/rules.py" line="73" />
        <source>{source}: “{key}” must lie between 0 and 1</source>
        <translation>{source}：“{key}”须在0与1之间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="86" />
        <source>unreadable time: the row is rejected</source>
        <translation>时间无法识别:该行将被拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="87" />
        <source>no time: the row is rejected</source>
        <translation>没有时间:该行将被拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="92" />
        <source>not a 17-character VIN: the row is rejected</source>
        <translation>不是17位VIN:该行将被拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="97" />
        <source>invalid marker: stored as missing</source>
        <translation>无效标记:按缺失值保存</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="102" />
        <source>not a number: stored as missing</source>
        <translation>非数值:按缺失值保存</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="105" />
        <source>invalid-value code: stored as missing</source>
        <translation>无效值代码:按缺失值保存</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="107" />
        <source>sensor not ready: stored as missing</source>
        <translation>传感器未就绪：按缺失值保存</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/import_preview.py" line="109" />
        <source>out of range {min} to {max}: stored as missing</source>
        <translation>超出范围{min}至{max}:按缺失值保存</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/batches.py" line="100" />
        <source>removing an import batch needs a reason</source>
        <translation>撤销导入批次须填写原因</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/batches.py" line="106" />
        <location filename="../../dieselwatch/services/import_report.py" line="24" />
        <source>there is no import batch {batch}</source>
        <translation>没有第{batch}批导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/batches.py" line="108" />
        <source>batch {batch} is a vehicle registry import; only monitoring record imports can be removed</source>
        <translation>批次{batch}是车辆登记表导入；只能撤销监控数据导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/imports.py" line="115" />
        <location filename="../../dieselwatch/services/registry.py" line="65" />
        <source>does not exist or is not a file</source>
        <translation>不存在或不是文件</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/imports.py" line="237" />
        <source>has a header row but no data rows</source>
        <translation>只有表头,没有数据行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/imports.py" line="268" />
        <source>{error}; it looks like a vehicle registry: import it with “vehicles import”</source>
        <translation>{error}；该文件像是车辆登记表：请用“导入车辆登记表”（vehicles import）导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="55" />
        <source>black</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="55" />
        <source>white</source>
        <translation>白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="55" />
        <source>watch</source>
        <translation>重点关注</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="56" />
        <source>proposed</source>
        <translation>待审批</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="56" />
        <source>active</source>
        <translation>生效</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="56" />
        <source>removal proposed</source>
        <translation>待审批移出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="57" />
        <source>rejected</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="57" />
        <source>removed</source>
        <translation>已移出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="57" />
        <source>expired</source>
        <translation>已失效</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="112" />
        <source>another workstation kept proposing the same entries: try again</source>
        <translation>另一工作站正在提出相同的条目：请重试</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="120" />
        <location filename="../../dieselwatch/services/publication.py" line="68" />
        <source>no scoring run {run}</source>
        <translation>没有第{run}次评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="121" />
        <location filename="../../dieselwatch/services/publication.py" line="69" />
        <source>no scoring run yet: score a period first</source>
        <translation>还没有评分:请先对一个时段评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="170" />
        <location filename="../../dieselwatch/services/lists.py" line="448" />
        <source>a decision needs a reason</source>
        <translation>审批需要填写理由</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="177" />
        <source>entry {entry} is {status}: there is nothing to decide</source>
        <translation>条目{entry}状态为{status},无需审批</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="183" />
        <source>{user} proposed this and cannot also decide it (two-person rule)</source>
        <translation>{user}是提议人,不能再审批此条目(双人原则)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="206" />
        <source>entry {entry} was changed on another workstation while you decided: reload it and decide again</source>
        <translation>您审批期间条目{entry}已在另一工作站被修改:请重新载入后再审批</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="209" />
        <source>another entry of the vehicle of entry {entry} became active at the same moment (another workstation decided it): reload the vehicle's entries and decide again</source>
        <translation>条目{entry}所属车辆的另一条名单条目在同一时刻生效（另一工作站作出了决定）：请重新加载该车辆的条目后再作决定</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="217" />
        <source>no list entry {entry}</source>
        <translation>没有名单条目{entry}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="219" />
        <source>entry {entry} was changed by {user} after you opened it (version {opened}, now {now}): reload it</source>
        <translation>条目{entry}在您打开后被{user}修改(打开时版本{opened},现为{now}):请重新载入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="234" />
        <source>the vehicle of entry {entry} is already on the {kind} list (entry {other}): end that entry first</source>
        <translation>条目{entry}的车辆已在{kind}中(条目{other}):请先结束该条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="277" />
        <source>a removal needs a reason</source>
        <translation>移出需要填写理由</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="284" />
        <source>entry {entry} is {status}; only an active entry can be removed</source>
        <translation>条目{entry}状态为{status};只有生效的条目可以移出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="289" />
        <source>removal from the black list needs the repair record and the re-inspection date</source>
        <translation>移出黑名单需要维修记录和复检日期</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="291" />
        <source>the re-inspection date {date} is in the future</source>
        <translation>复检日期{date}晚于今天</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="293" />
        <source>the re-inspection ({date}) predates the black entry ({since})</source>
        <translation>复检日期({date})早于列入黑名单的日期({since})</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="297" />
        <source>the vehicle was not clean after the re-inspection on {days}</source>
        <translation>车辆复检后仍有超标或异常:{days}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="300" />
        <source>{n} clean days with data since the re-inspection on {date}; {need} are required</source>
        <translation>自{date}复检以来有数据且达标的天数为{n}天;需要{need}天</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="311" />
        <source>entry {entry} was changed on another workstation: reload it</source>
        <translation>条目{entry}已在另一工作站被修改:请重新载入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="360" />
        <source>list entry {entry} has no vehicle</source>
        <translation>名单条目{entry}没有对应车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="376" />
        <source>list must be one of {kinds}, got “{kind}”</source>
        <translation>名单类型必须是{kinds}之一,实际为“{kind}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="378" />
        <source>status must be one of {statuses}, got “{status}”</source>
        <translation>状态必须是{statuses}之一,实际为“{status}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="400" />
        <source>no vehicle with VIN “{vin}”</source>
        <translation>没有VIN为“{vin}”的车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="478" />
        <source>nobody is signed in: decisions need a signed-in officer</source>
        <translation>尚未登录：审核决定须由已登录的工作人员作出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="480" />
        <source>entry {entry} is {status}: it is not a proposal</source>
        <translation>条目{entry}状态为“{status}”，不是待审核的提议</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="482" />
        <source>black-list decisions need a supervisor; you are signed in as {role}</source>
        <translation>黑名单审核须由审核负责人作出；您当前的角色是{role}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="486" />
        <source>you proposed entry {entry}: another person decides it (two-person rule)</source>
        <translation>条目{entry}由您提议，须由他人审核（双人复核规则）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="501" />
        <source>select one or more entries first</source>
        <translation>请先选择一个或多个条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="502" />
        <source>select an active entry first</source>
        <translation>请先选择一个生效中的条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="509" />
        <source>none of the {n} selected entries can be decided by you; first: {why}</source>
        <translation>所选{n}个条目均不能由您审核；第一个原因：{why}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="511" />
        <source>nobody is signed in: removals need a signed-in officer</source>
        <translation>尚未登录：申请移出须由已登录的工作人员提出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="513" />
        <source>a removal is proposed for one entry at a time: select a single entry</source>
        <translation>每次只能对一个条目申请移出：请只选择一个条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/lists.py" line="515" />
        <source>entry {entry} is {status}: only an active entry can be removed</source>
        <translation>条目{entry}状态为“{status}”：只有生效中的条目才能申请移出</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="144" />
        <location filename="../../dieselwatch/services/notices.py" line="458" />
        <source>a notice must tell the owner whom to contact: set {keys} in the office settings first</source>
        <translation>通知书须告知车主联系方式：请先在单位设置中填写{keys}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="151" />
        <location filename="../../dieselwatch/services/notices.py" line="461" />
        <source>notices are signed with the issuer's name: account {user} has no display name; an admin sets it (users set {user} --name ...)</source>
        <translation>通知书须以签发人姓名署名：账号{user}没有填写姓名；请管理员设置（users set {user} --name ...）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="164" />
        <location filename="../../dieselwatch/services/notices.py" line="439" />
        <source>entries {ids} are not active black-list entries</source>
        <translation>条目{ids}不是生效的黑名单条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="178" />
        <source>the notice numbers changed since the preview (another workstation issued notices meanwhile): nothing was issued; preview again</source>
        <translation>预览后通知书编号已变化（其他工作站在此期间签发了通知书）：本次未签发任何通知书，请重新预览</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="308" />
        <source>no notice {ids}</source>
        <translation>没有通知书{ids}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="429" />
        <location filename="../../dieselwatch/services/notices.py" line="494" />
        <source>select one or more black-list entries first</source>
        <translation>请先选择一个或多个黑名单条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="444" />
        <source>entries {ids} already have a notice ({numbers})</source>
        <translation>条目{ids}已有通知书（{numbers}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/notices.py" line="492" />
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
        <translation>未知字段:{bad};可用字段:{fields}(或用{ignore}表示不导入该列)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/profiles.py" line="39" />
        <source>is neither a saved mapping profile nor a JSON file</source>
        <translation>既不是已保存的对应方案,也不是JSON文件</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/cli.py" line="248" />
        <source>already exists: add --force to overwrite it, or choose another --out</source>
        <translation>已存在：加--force覆盖，或另选--out</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/cli.py" line="250" />
        <location filename="../../dieselwatch/services/samples.py" line="135" />
        <source>cannot be written: folder {folder} does not exist</source>
        <translation>无法写入：文件夹{folder}不存在</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/cli.py" line="257" />
        <source>is a file, not a folder: give a folder for --out</source>
        <translation>是文件而不是文件夹：--out请给出文件夹</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/cli.py" line="705" />
        <location filename="../../dieselwatch/services/profiles.py" line="43" />
        <source>is not readable JSON ({error})</source>
        <translation>不是可读取的JSON({error})</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/cli.py" line="786" />
        <source>cannot be written or read: {error}</source>
        <translation>无法写入或读取：{error}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="134" />
        <source>is a monitoring export (a time column and columns such as {cols}), not a vehicle registry: import it as monitoring records (dieselwatch import)</source>
        <translation>是监控数据导出文件（有时间列及{cols}等列），不是车辆登记表：请作为监控数据导入（dieselwatch import）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="190" />
        <source>VIN repeated (first at row {row})</source>
        <translation>VIN重复(首次出现在第{row}行)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="203" />
        <source>longer than {limit} characters</source>
        <translation>超过{limit}个字符</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="32" />
        <source>reference torque must be a number of N m (100-10000)</source>
        <translation>参考扭矩必须是以N·m计的数值(100-10000)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="33" />
        <source>rated power must be a number of kW (20-1500)</source>
        <translation>额定功率须为以kW计的数值（20-1500）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="34" />
        <source>WHTC work must be a number of kWh (1-200)</source>
        <translation>WHTC循环功须为以kWh计的数值（1-200）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/registry.py" line="225" />
        <source>{n} row(s) refused, first: {first}</source>
        <translation>有{n}行被拒绝,第一处:{first}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/rulesets.py" line="53" />
        <source>no rule set version “{version}”; stored: {known}</source>
        <translation>没有规则版本“{version}”;已保存的版本:{known}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/rulesets.py" line="73" />
        <source>rule set version “{version}” already exists with other values: give the edited copy a new version</source>
        <translation>规则版本“{version}”已存在且内容不同:请为修改后的规则指定新版本号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/rulesets.py" line="97" />
        <source>give the edited rule set a new version</source>
        <translation>请为修改后的规则指定新版本号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/scoring.py" line="68" />
        <source>{what} must be a date as YYYY-MM-DD, got “{text}”</source>
        <translation>{what}必须是YYYY-MM-DD格式的日期,实际为“{text}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/scoring.py" line="243" />
        <source>Data source {source}: all {n} vehicles read at least {min} ppm downstream NOx when hot and loaded; the platform seems to omit the -200 ppm offset. Their NOx figures are not judged.</source>
        <translation>数据来源{source}：全部{n}辆车热态负载下下游NOx均不低于{min}ppm，疑为平台未减去-200ppm偏移，这些车辆的NOx指标不作判定。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/scoring.py" line="283" />
        <source>The period {start} to {end} reaches outside what the imported exports cover ({spans}): {n} of its {days} days are not judged for any vehicle.</source>
        <translation>评价期{start}至{end}超出已导入数据的覆盖范围（{spans}）：其{days}天中有{n}天对任何车辆都不作判定。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/scoring.py" line="285" />
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/scoring.py" line="288" />
        <source>{n} vehicle(s) appear in no export covering the period: not judged ({vins}).</source>
        <translation>{n}辆车不在覆盖该期间的任何导出数据中，不作判定（{vins}）。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/samples.py" line="90" />
        <location filename="../../dieselwatch/services/scoring.py" line="196" />
        <source>the period ends ({end}) before it starts ({start})</source>
        <translation>时段的结束日期({end})早于开始日期({start})</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/samples.py" line="98" />
        <source>no vehicle with VIN {vin} in this database</source>
        <translation>数据库中没有VIN为{vin}的车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/samples.py" line="110" />
        <source>no samples of {vin} from {start} to {end}; its stored samples run from {first} to {last}</source>
        <translation>{vin}在{start}至{end}期间没有数据；已存数据的时间范围为{first}至{last}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/samples.py" line="112" />
        <source>no samples of {vin} are stored</source>
        <translation>没有{vin}的已存数据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/samples.py" line="131" />
        <source>write samples to a .xlsx or .csv file</source>
        <translation>数据只能写入.xlsx或.csv文件</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/samples.py" line="133" />
        <source>already exists; choose another name or overwrite it with --force</source>
        <translation>文件已存在；请换一个文件名，或用--force覆盖</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="64" />
        <source>{key} must be true or false, got “{value}”</source>
        <translation>{key}必须是true或false,实际为“{value}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="69" />
        <source>{key} must be a whole number, got “{value}”</source>
        <translation>{key}必须是整数,实际为“{value}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="72" />
        <source>{key} must be between 0 and 3650, got {value}</source>
        <translation>{key}必须在0到3650之间,实际为{value}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="76" />
        <source>{key} is longer than 500 characters</source>
        <translation>{key}超过500个字符</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="81" />
        <source>notices.number_pattern may use only {{code}}, {{year}} and {{seq}}: {error}</source>
        <translation>notices.number_pattern只能使用{{code}}、{{year}}和{{seq}}:{error}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="84" />
        <source>notices.number_pattern must contain {seq}, or numbers would repeat</source>
        <translation>notices.number_pattern必须包含{seq},否则编号会重复</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/settings.py" line="98" />
        <source>unknown setting “{key}”; known: {known}</source>
        <translation>未知设置项“{key}”;可用设置项:{known}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="30" />
        <source>officer</source>
        <translation>工作人员</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="30" />
        <source>supervisor</source>
        <translation>审核人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="30" />
        <source>admin</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="82" />
        <source>wrong user name or password, or the account is disabled</source>
        <translation>用户名或密码错误,或账号已停用</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="95" />
        <location filename="../../dieselwatch/services/users.py" line="176" />
        <source>sign in first (user name and password)</source>
        <translation>请先登录(用户名和密码)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="97" />
        <source>no users yet: create the first admin account (dieselwatch users add NAME --role admin)</source>
        <translation>还没有账号:请先创建管理员账号(dieselwatch users add 用户名 --role admin)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="100" />
        <source>the account “{user}” no longer exists or was disabled</source>
        <translation>账号“{user}”已不存在或已停用</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="102" />
        <source>{user} is {role}; this needs the {need} role</source>
        <translation>{user}的角色是{role};此操作需要{need}角色</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="109" />
        <source>the password must not be blank or only spaces</source>
        <translation>密码不能为空，也不能只有空格</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="111" />
        <source>the password must have at least {n} characters</source>
        <translation>密码至少需要{n}个字符</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="113" />
        <source>the password must differ from the user name</source>
        <translation>密码不能与用户名相同</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="119" />
        <source>a user name is 1 to 100 characters without spaces</source>
        <translation>用户名为1至100个字符,不含空格</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="121" />
        <location filename="../../dieselwatch/services/users.py" line="152" />
        <source>role must be one of {roles}, got “{role}”</source>
        <translation>角色必须是{roles}之一,实际为“{role}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="126" />
        <source>the first account must be an admin</source>
        <translation>第一个账号必须是管理员</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="133" />
        <source>the user “{user}” already exists</source>
        <translation>用户“{user}”已存在</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="150" />
        <source>a display name cannot be blank</source>
        <translation>姓名不能为空</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="156" />
        <location filename="../../dieselwatch/services/users.py" line="184" />
        <source>no user “{user}”</source>
        <translation>没有用户“{user}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="167" />
        <source>this would leave no active admin</source>
        <translation>这样将没有启用的管理员</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/users.py" line="186" />
        <source>the current password is wrong</source>
        <translation>当前密码错误</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="116" />
        <source>the append-only guard(s) {guards} were removed from the database</source>
        <translation>数据库中的只追加保护{guards}已被删除</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="120" />
        <source>the append-only guard(s) {guards} were replaced by triggers that do something else</source>
        <translation>只允许追加的保护触发器{guards}已被替换为其他内容</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="126" />
        <source>event {seq} is missing (next stored is {next})</source>
        <translation>第{seq}条记录缺失(下一条保存的是第{next}条)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="129" />
        <source>event {seq} does not link to event {prev}</source>
        <translation>第{seq}条记录与第{prev}条记录衔接不上</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="134" />
        <source>event {seq} was altered after it was written</source>
        <translation>第{seq}条记录写入后被修改过</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="142" />
        <source>events after {n} are gone: {source} recorded the head at event {anchor}</source>
        <translation>第{n}条之后的记录已丢失：{source}记下的链头为第{anchor}条</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="145" />
        <source>event {seq} differs from the one {source} recorded ({hash})</source>
        <translation>第{seq}条记录与{source}记下的不同（{hash}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="139" />
        <source>the event count does not match the chain</source>
        <translation>记录条数与链不一致</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="151" />
        <source>events {first} to {last} were deleted (the chain ends at {n})</source>
        <translation>第{first}至{last}条记录已被删除(链止于第{n}条)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="153" />
        <source>the recorded head (event {head}) does not match the chain's last event {n}</source>
        <translation>记录的链头(第{head}条)与链的最后一条(第{n}条)不一致</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="157" />
        <source> (and {n} more differences)</source>
        <translation>（另有{n}处不一致）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="158" />
        <source>the tables differ from the history: {first}{more}</source>
        <translation>数据表与审计记录不一致：{first}{more}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/audit.py" line="160" />
        <source>{n} events, chain intact</source>
        <translation>共{n}条记录,链完整</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/db.py" line="38" />
        <source>not a database URL: “{url}” ({error})</source>
        <translation>不是数据库地址:“{url}”({error})</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/db.py" line="124" />
        <source>cannot connect: {error}</source>
        <translation>无法连接:{error}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/db.py" line="127" />
        <source>schema revision {rev}</source>
        <translation>数据库结构版本{rev}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/db.py" line="127" />
        <source>empty database (it is set up at the first start)</source>
        <translation>空数据库(首次启动时建立)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/db.py" line="128" />
        <source>{version}; {state}</source>
        <translation>{version};{state}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="130" />
        <source>NOx above screening threshold</source>
        <translation>NOx超筛查阈值占比</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="130" />
        <source>days above screening threshold</source>
        <translation>超筛查阈值天数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="131" />
        <source>brake-specific NOx (Annex K windows)</source>
        <translation>比排放NOx（附录K功基窗口）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="131" />
        <source>brake-specific NOx (fixed time windows)</source>
        <translation>比排放NOx（固定时间窗口）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="132" />
        <source>too few valid work windows</source>
        <translation>有效功基窗口不足</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="132" />
        <source>engine data missing</source>
        <translation>缺少发动机参数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="133" />
        <source>SCR efficiency low</source>
        <translation>SCR转化效率过低</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="134" />
        <source>SCR efficiency weak</source>
        <translation>SCR转化效率偏低</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="134" />
        <source>too little valid operation</source>
        <translation>有效工况不足</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="135" />
        <source>downstream NOx above upstream</source>
        <translation>下游NOx高于上游</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="135" />
        <source>downstream NOx at zero</source>
        <translation>下游NOx恒为零</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="136" />
        <source>downstream NOx stuck</source>
        <translation>下游NOx卡滞</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="136" />
        <source>downstream NOx emulated</source>
        <translation>下游NOx疑被模拟</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="137" />
        <source>reagent empty</source>
        <translation>反应剂为空</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="138" />
        <source>reagent level not falling</source>
        <translation>反应剂余量不降</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="138" />
        <source>reagent use far below peers</source>
        <translation>尿素消耗远低于同类车</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="139" />
        <source>SCR temperature implausible</source>
        <translation>SCR温度不可信</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="140" />
        <source>calibration changed</source>
        <translation>标定被修改</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="140" />
        <source>odometer backwards</source>
        <translation>里程倒退</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="141" />
        <source>MIL on</source>
        <translation>故障灯点亮</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="141" />
        <source>MIL on at times</source>
        <translation>故障灯曾点亮</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="141" />
        <source>long offline</source>
        <translation>长期离线</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="142" />
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="142" />
        <source>online rate low</source>
        <translation>上线率低</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="143" />
        <source>data incomplete</source>
        <translation>数据不完整</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="143" />
        <source>key fields missing</source>
        <translation>关键字段缺失</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="144" />
        <source>no valid position</source>
        <translation>定位无效</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="144" />
        <source>position jumps</source>
        <translation>位置跳变</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="145" />
        <source>insufficient data</source>
        <translation>数据不足</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="145" />
        <source>days not covered</source>
        <translation>数据未覆盖的天数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="146" />
        <source>data source offset</source>
        <translation>数据来源偏移</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/scoring/judge.py" line="146" />
        <source>not enough evidence for white</source>
        <translation>白名单证据不足</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="86" />
        <source>legal texts {where}: unknown key(s) {keys}; keys are: {known}</source>
        <translation>法律文本{where}：未知的项{keys}；可用的项：{known}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="90" />
        <source>legal texts {where}: {keys} must not be empty</source>
        <translation>法律文本{where}：{keys}不能为空</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="99" />
        <source>legal texts {where}: effective_from must be a date YYYY-MM-DD, got “{value}”</source>
        <translation>法律文本{where}：施行日期须为YYYY-MM-DD格式的日期，实际为“{value}”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="104" />
        <source>legal texts {where}: {keys} must be text (verified: true or false)</source>
        <translation>法律文本{where}：{keys}须为文本（verified须为true或false）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="108" />
        <source>legal texts {where}: {key} is longer than {limit} characters</source>
        <translation>法律文本{where}：{key}超过{limit}个字符</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="113" />
        <source>legal texts {where}: rights may use only {{body}} and {{court}}</source>
        <translation>法律文本{where}：权利告知中只能使用{{body}}和{{court}}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="139" />
        <source>no legal texts in force on {day}: the earliest version takes effect on {first}</source>
        <translation>{day}没有施行中的法律文本：最早的版本自{first}起施行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="150" />
        <source>legal texts must be a non-empty list of versions</source>
        <translation>法律文本须为至少包含一个版本的列表</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="155" />
        <source>legal texts: two versions take effect on {dates}</source>
        <translation>法律文本：有两个版本的施行日期同为{dates}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/legal.py" line="178" />
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
        <location filename="../../dieselwatch/ingest/frames.py" line="305" />
        <source>GB/T 32960 electric-vehicle frame (not a diesel terminal's message): refused</source>
        <translation>GB/T 32960 电动汽车报文（不是柴油车终端报文）：拒绝导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="312" />
        <source>unknown command 0x{cmd}</source>
        <translation>未知命令 0x{cmd}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="392" />
        <source>local dialect real-time layout (bodies without their own time, or types 0x80-0x82): not decoded</source>
        <translation>地方或早期平台的实时信息格式（信息体不带各自的采集时间，或类型为0x80-0x82）：未解析</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="395" />
        <source>unknown real-time layout: not decoded</source>
        <translation>无法识别的实时信息格式：未解析</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="413" />
        <source>info type 0x{type} ({name}) is counted but not decoded: rest of the frame skipped</source>
        <translation>信息类型 0x{type}（{name}）已计数但未解析：跳过该帧其余部分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="415" />
        <source>info type 0x{type} unknown or cut off: rest of the frame skipped</source>
        <translation>信息类型 0x{type} 未知或不完整：跳过该帧其余部分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/ingest/frames.py" line="432" />
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
        <source>unreadable marker {file}</source>
        <translation>无法读取的归属标记文件{file}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/rawstore.py" line="119" />
        <source>the raw sample store {store} holds samples of another database (it has no owner mark, and this database {this} names none of its files): open it with the database it belongs to, or give this database its own raw folder with --raw</source>
        <translation>原始数据存储{store}中保存的是另一个数据库的数据（没有归属标记，当前数据库{this}也未登记其中任何文件）：请用它所属的数据库打开，或用 --raw 为当前数据库指定单独的原始数据文件夹</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/rawstore.py" line="136" />
        <source>the raw sample store {store} belongs to the database {owner} (id {owner_id}), not to this database {this} (id {this_id}): nothing is written to, read from or removed from it. Open it with its own database, or give this database its own raw folder with --raw</source>
        <translation>原始数据存储{store}属于数据库{owner}（标识{owner_id}），不属于当前数据库{this}（标识{this_id}）：不会向其写入、从中读取或删除任何内容。请用它所属的数据库打开，或用 --raw 为当前数据库指定单独的原始数据文件夹</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/rawstore.py" line="249" />
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
        <location filename="../../dieselwatch/storage/audit.py" line="103" />
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
        <location filename="../../dieselwatch/storage/auditstate.py" line="127" />
        <source>event {seq} found {entity} {id} with {field} = {found}, but the history had {audited}: it was changed outside DieselWatch before that event</source>
        <translation>第{seq}条记录发现{entity}{id}的{field}为{found}，而审计记录中为{audited}：此前有人绕过本程序修改了它</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="145" />
        <source>the history is empty but the database holds {entries} list entries, {users} users and {notices} notices</source>
        <translation>审计记录为空，但数据库中有{entries}条名单条目、{users}个账号和{notices}份通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="152" />
        <source>{entity} {id} is in the table but not in the history</source>
        <translation>{entity}{id}在数据表中存在，但审计记录中没有</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="155" />
        <source>{entity} {id} is in the history but not in the table</source>
        <translation>{entity}{id}在审计记录中存在，但数据表中没有</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="161" />
        <source>{entity} {id}: {field} is {table} in the table but {audited} in the history</source>
        <translation>{entity}{id}：{field}在数据表中为{table}，在审计记录中为{audited}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="165" />
        <source>the active rule set is {table} in the table but {audited} in the history</source>
        <translation>数据表中当前规则版本为{table}，审计记录中为{audited}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/storage/auditstate.py" line="174" />
        <source>notice {number} was issued at history event {seq} ({hash}), which the history does not hold</source>
        <translation>通知书{number}签发时的审计链头为第{seq}条（{hash}），但审计记录中已没有该记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/reason_presets.py" line="50" />
        <source>a preset reason is longer than {limit} characters: “{text}…”</source>
        <translation>常用理由超过{limit}个字符：“{text}…”</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/reason_presets.py" line="54" />
        <source>at most {limit} preset reasons for approving and {limit} for rejecting</source>
        <translation>通过和驳回的常用理由各最多{limit}条</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/services/reason_presets.py" line="62" />
        <source>the preset reasons are edited by a supervisor or an admin</source>
        <translation>常用理由由审核负责人或管理员编辑</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../dieselwatch/gui/app.py" line="95" />
        <source>An unexpected error occurred: {0}

Details are in the log file:
{1}</source>
        <translation>发生意外错误:{0}

详细信息见日志文件:
{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/app.py" line="130" />
        <source>Loading the demo fleet</source>
        <translation>正在载入演示车队</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/app.py" line="132" />
        <source>The database was upgraded to this version. A copy of it as it was is kept at:
{0}</source>
        <translation>数据库已升级到当前版本。升级前的副本保存在:
{0}</translation>
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
        <translation>不予移出,保留在册</translation>
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
        <source>state recorded when the history began to cover it</source>
        <translation>审计开始覆盖时记录的现状</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="26" />
        <source>settings changed</source>
        <translation>修改设置</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="27" />
        <source>account created</source>
        <translation>创建账号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="28" />
        <source>account changed</source>
        <translation>修改账号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="29" />
        <source>password changed</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="32" />
        <source>import batch</source>
        <translation>导入批次</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="33" />
        <source>list entry</source>
        <translation>名单条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="34" />
        <source>notice</source>
        <translation>通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="35" />
        <source>vehicle</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="36" />
        <source>rule set</source>
        <translation>规则版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="37" />
        <source>settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="38" />
        <source>account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_labels.py" line="39" />
        <source>mapping profile</source>
        <translation>表头对应方案</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="27" />
        <source>Seq</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="27" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="27" />
        <source>Actor</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="27" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="28" />
        <source>Entity</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="28" />
        <source>ID</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="28" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="60" />
        <source>Before</source>
        <translation>变更前</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="61" />
        <source>After</source>
        <translation>变更后</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="65" />
        <source>Intact: {0}. Head event {1}, {2}</source>
        <translation>完好:{0}。链头事件{1},{2}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="66" />
        <source>BROKEN: {0}. Head event {1}, {2}</source>
        <translation>已损坏:{0}。链头事件{1},{2}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="73" />
        <source>Export the audit history</source>
        <translation>导出审计记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="75" />
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/audit_page.py" line="78" />
        <source>Wrote {0}</source>
        <translation>已写入 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.ui" line="8" />
        <source>Filter by actor, action, entity or reason</source>
        <translation>按操作人、操作、对象或原因筛选</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.ui" line="9" />
        <source>Verify the history</source>
        <translation>校验审计链</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.ui" line="10" />
        <source>Export to Excel…</source>
        <translation>导出到Excel…</translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="27" />
        <source>Hours with data</source>
        <translation>有数据小时数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="30" />
        <source>Exceedance minutes</source>
        <translation>超标分钟数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="64" />
        <source>SCR inlet (°C)</source>
        <translation>SCR入口温度(°C)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="66" />
        <source>Speed (km/h)</source>
        <translation>车速(km/h)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="86" />
        <source>upstream</source>
        <translation>上游</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="86" />
        <source>downstream</source>
        <translation>下游</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="101" />
        <source>Online rate, latest scoring (vehicles)</source>
        <translation>最近评分上线率分布(车辆数)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="104" />
        <source>Vehicles with data / with an exceedance day</source>
        <translation>每日有数据车辆 / 超标车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="123" />
        <source>with data</source>
        <translation>有数据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/charts.py" line="125" />
        <source>exceedance day</source>
        <translation>超标</translation>
    </message>
</context>
<context>
    <name>CoreText</name>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="33" />
        <source>row {0}</source>
        <translation>第{0}行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="35" />
        <source>column “{0}”</source>
        <translation>“{0}”列</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="38" />
        <source>{0}: </source>
        <translation>{0}:</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/core_text.py" line="38" />
        <source>, </source>
        <translation>,</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <location filename="../../dieselwatch/gui/decision_dialog.py" line="31" />
        <source>Approve the selected entries</source>
        <translation>通过所选条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/decision_dialog.py" line="31" />
        <source>Reject the selected entries</source>
        <translation>驳回所选条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/decision_dialog.py" line="33" />
        <source>Approve {0} of the {1} selected entries with one reason.</source>
        <translation>以同一理由通过所选{1}个条目中的{0}个。</translation>
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
    <name>FirstRunDialog</name>
    <message>
        <location filename="../../dieselwatch/gui/first_run.py" line="29" />
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/first_run.py" line="32" />
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
        <source>A new database. Name the bureau that issues the notices and create the first administrator account; further accounts are added with "dieselwatch users add".</source>
        <translation>这是一个新数据库。请填写签发通知书的单位名称并创建第一个管理员账号;其他账号用“dieselwatch users add”添加。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="11" />
        <source>Bureau name:</source>
        <translation>单位名称:</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="12" />
        <source>e.g. 济南市生态环境局平阴分局</source>
        <translation>例如:济南市生态环境局平阴分局</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="13" />
        <source>Bureau code:</source>
        <translation>单位代码:</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="14" />
        <source>used in notice numbers, e.g. 鲁济平</source>
        <translation>用于通知书编号,例如:鲁济平</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="15" />
        <source>Administrator:</source>
        <translation>管理员:</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="17" />
        <source>Password:</source>
        <translation>密码:</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="19" />
        <source>Repeat:</source>
        <translation>再次输入:</translation>
    </message>
    <message>
        <location filename="../../ui/first_run_dialog.ui" line="23" />
        <source>Load the demo fleet to try things out (12 trucks, 5 days)</source>
        <translation>载入演示车队试用(12辆车,5天数据)</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="28" />
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="32" />
        <source>Export header</source>
        <translation>导出表头</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="32" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="48" />
        <source>(not imported)</source>
        <translation>(不导入)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="70" />
        <source>encoding {0}</source>
        <translation>编码 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="70" />
        <source>sheet {0}</source>
        <translation>工作表 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="71" />
        <source>&lt;b&gt;{0}&lt;/b&gt;: {1}, header on row {2}; {3} of {4} columns mapped.</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt;:{1},表头在第{2}行;{4}列中已对应{3}列。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="74" />
        <source>Sheets imported together: {0}.</source>
        <translation>一并导入的工作表：{0}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="76" />
        <source>Sheet “{0}” is not imported: {1}</source>
        <translation>工作表“{0}”不导入：{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="94" />
        <source>Column {0} is not imported ({1} comes from {2}): {3}</source>
        <translation>列{0}不导入（{1}取自{2}）：{3}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="97" />
        <source>Key fields without a valid value in the first rows: {0}.</source>
        <translation>前几行中没有有效值的关键字段：{0}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="100" />
        <source>Key fields not mapped: {0}. Scoring then cannot judge: {1}.</source>
        <translation>关键字段未映射：{0}。评分将无法评判：{1}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="103" />
        <source>Required column(s) not mapped: {0}. Choose them in the mapping.</source>
        <translation>必需的列未对应:{0}。请在对应关系中选择。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="105" />
        <source>No problems in the first rows.</source>
        <translation>前几行没有发现问题。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/import_wizard.py" line="119" />
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
        <location filename="../../dieselwatch/gui/import_wizard.py" line="122" />
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
        <translation>表头对应关系(可修改字段):</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.ui" line="20" />
        <source>First rows as in the file (red: rejected or dropped, yellow: stored as missing):</source>
        <translation>文件前几行(红色:将被拒绝或丢弃;黄色:按缺失值保存):</translation>
    </message>
    <message>
        <location filename="../../ui/import_wizard.ui" line="29" />
        <source>Save this mapping as a profile named</source>
        <translation>将此对应关系保存为方案,名称</translation>
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
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="99" />
        <location filename="../../ui/legal_dialog.ui" line="6" />
        <source>Legal texts of the notices</source>
        <translation>通知书法律文本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/legal_dialog.py" line="99" />
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
        <location filename="../../dieselwatch/gui/lists_page.py" line="103" />
        <source>Signed in as {0} ({1})</source>
        <translation>当前用户:{0}({1})</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="105" />
        <source>No user accounts yet: decisions need signed-in officers.</source>
        <translation>尚未建立用户账号:审批需要登录的工作人员。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="107" />
        <source>Sign in first: proposals are made by an officer.</source>
        <translation>请先登录：提议须由工作人员提出。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="136" />
        <source>{0} entries selected. Approve or reject them together with one reason.</source>
        <translation>已选择{0}个条目，可以同一理由一并通过或驳回。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="153" />
        <source>Approve / reject: {0}</source>
        <translation>通过／驳回：{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="155" />
        <source>Removal: {0}</source>
        <translation>移出：{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="174" />
        <source>Evidence: score {0}, period {1} to {2}, rule set {3}</source>
        <translation>证据:评分{0},核查期间{1}至{2},规则版本{3}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="181" />
        <source>Removal proposed by {0}: {1}</source>
        <translation>{0}提出移出:{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="185" />
        <source>Rectification: {0}; re-inspected {1}; {2} clean days since</source>
        <translation>整改:{0};复检日期{1};此后{2}天数据正常</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="187" />
        <source>List history</source>
        <translation>名单记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="211" />
        <source>Copied {0} VIN(s).</source>
        <translation>已复制{0}个车辆识别代号。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="225" />
        <source>Open the vehicle and its evidence</source>
        <translation>查看车辆及其证据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="233" />
        <source>Copy VIN</source>
        <translation>复制车辆识别代号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="241" />
        <source>Scoring run {0}: proposed {1} black, {2} white, {3} watch; {4} white removals proposed</source>
        <translation>评分批次{0}:建议黑名单{1}辆、白名单{2}辆、重点关注{3}辆;建议移出白名单{4}辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="269" />
        <source>Approved {0} entries.</source>
        <translation>已通过{0}个条目。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="269" />
        <source>Rejected {0} entries.</source>
        <translation>已驳回{0}个条目。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="275" />
        <location filename="../../dieselwatch/gui/lists_page.py" line="278" />
        <source>Refused {0}:</source>
        <translation>未处理{0}个：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="295" />
        <source>Preset reasons saved for the whole office.</source>
        <translation>常用理由已保存，全单位通用。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="306" />
        <source>Leaving the black list needs the repair record, the re-inspection date and enough clean days with data since then.</source>
        <translation>移出黑名单需要维修记录、复检日期,以及复检后足够天数的正常数据。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="308" />
        <source>Propose ending this entry. Another officer decides.</source>
        <translation>提出结束该名单条目,由另一名工作人员审批。</translation>
    </message>
    <message>
        <location filename="../../ui/lists_page.ui" line="8" />
        <source>List:</source>
        <translation>名单:</translation>
    </message>
    <message>
        <location filename="../../ui/lists_page.ui" line="10" />
        <source>Status:</source>
        <translation>状态:</translation>
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
        <location filename="../../dieselwatch/gui/lists_page.py" line="227" />
        <location filename="../../ui/lists_page.ui" line="31" />
        <source>Approve…</source>
        <translation>批准…</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/lists_page.py" line="227" />
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
        <translation>用户名:</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.ui" line="25" />
        <source>Password:</source>
        <translation>密码:</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/login.py" line="21" />
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/login.py" line="30" />
        <source>Wrong user name or password, or the account is disabled.</source>
        <translation>用户名或密码错误,或账号已停用。</translation>
    </message>
</context>
<context>
    <name>MainController</name>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="63" />
        <source>DieselWatch - remote OBD monitoring review</source>
        <translation>DieselWatch 重型柴油车远程监控数据审查</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="73" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="74" />
        <source>black</source>
        <translation>黑名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="74" />
        <source>watch</source>
        <translation>重点关注</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="74" />
        <source>white</source>
        <translation>白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="75" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="77" />
        <source>on the black list</source>
        <translation>黑名单在册</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="77" />
        <source>on the watch list</source>
        <translation>重点关注在册</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="78" />
        <source>on the white list</source>
        <translation>白名单在册</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="81" />
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="81" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="81" />
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="81" />
        <source>Imported at</source>
        <translation>导入时间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="82" />
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="82" />
        <source>Rows read</source>
        <translation>读取行数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="82" />
        <source>Imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="83" />
        <source>Duplicates</source>
        <translation>重复</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="83" />
        <source>Rejected</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="125" />
        <source>Lists</source>
        <translation>黑白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="125" />
        <source>Notices</source>
        <translation>整改通知</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="126" />
        <source>Audit</source>
        <translation>审计记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="126" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="141" />
        <source>Database: {0}   User: {1}</source>
        <translation>数据库:{0}   用户:{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="171" />
        <source>records</source>
        <translation>监控数据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="171" />
        <source>registry</source>
        <translation>登记信息</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="207" />
        <source>Database: {0}   User: {1}   Audit: {2}</source>
        <translation>数据库:{0}   用户:{1}   审计链:{2}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="208" />
        <source>intact</source>
        <translation>完整</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="208" />
        <source>BROKEN - </source>
        <translation>已损坏 - </translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="218" />
        <source>Latest scoring: {0} to {1}, rule set {2}.</source>
        <translation>最近评分:{0}至{1},规则版本{2}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="225" />
        <source>Plate</source>
        <translation>车牌号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="226" />
        <source>VIN</source>
        <translation>车辆识别代号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="227" />
        <source>Main reasons</source>
        <translation>主要原因</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="229" />
        <source>Proposals go to the Lists page with "Propose from latest scoring".</source>
        <translation>在“黑白名单”页点击“按最近评分生成建议”,生成名单建议。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="234" />
        <source>in registry</source>
        <translation>已登记</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="234" />
        <location filename="../../dieselwatch/gui/main_window.py" line="292" />
        <source>rule set</source>
        <translation>规则版本</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="236" />
        <source>Vehicles</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="237" />
        <source>Records stored</source>
        <translation>已存储记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="238" />
        <source>Data from</source>
        <translation>数据区间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="239" />
        <source>Last import</source>
        <translation>最近导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="244" />
        <location filename="../../dieselwatch/gui/main_window.py" line="250" />
        <source>Latest scoring</source>
        <translation>最近评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="245" />
        <source>Proposed black</source>
        <translation>建议列入黑名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="246" />
        <source>Proposed watch</source>
        <translation>建议重点关注</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="247" />
        <source>Proposed white</source>
        <translation>建议列入白名单</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="248" />
        <source>No proposal</source>
        <translation>无建议</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="250" />
        <source>not yet scored: open Scoring and choose a period</source>
        <translation>尚未评分:请打开“评分”并选择时段</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="226" />
        <location filename="../../dieselwatch/gui/main_window.py" line="291" />
        <source>Owner</source>
        <translation>车主</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="291" />
        <source>County</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="291" />
        <source>Engine</source>
        <translation>发动机</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="292" />
        <source>reference torque</source>
        <translation>参考扭矩</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="299" />
        <source>Not scored in the latest run.</source>
        <translation>最近一次评分未包含该车。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="225" />
        <location filename="../../dieselwatch/gui/main_window.py" line="302" />
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="225" />
        <location filename="../../dieselwatch/gui/main_window.py" line="302" />
        <source>Proposal</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="251" />
        <source>On the lists</source>
        <translation>名单在册</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="251" />
        <source>black {0}, watch {1}, white {2}</source>
        <translation>黑名单{0},重点关注{1},白名单{2}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="253" />
        <source>Awaiting a decision</source>
        <translation>待审批</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="284" />
        <source>(exceedance {0} min)</source>
        <translation>(超标{0}分钟)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="309" />
        <source>Online rate</source>
        <translation>上线率</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="309" />
        <source>Completeness</source>
        <translation>数据完整率</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="310" />
        <source>Valid operation share</source>
        <translation>有效工况占比</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="312" />
        <source>SCR efficiency (hot)</source>
        <translation>SCR热态转化效率</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="313" />
        <source>Brake-specific NOx</source>
        <translation>比排放NOx</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="314" />
        <source>Distance</source>
        <translation>行驶里程</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="315" />
        <source>Longest offline</source>
        <translation>最长离线</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="321" />
        <source>List history</source>
        <translation>名单记录</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="348" />
        <source>Export import report</source>
        <translation>导出导入报告</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="349" />
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="352" />
        <source>Wrote {0}</source>
        <translation>已写入 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="391" />
        <source>Import monitoring records</source>
        <translation>导入监控数据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="449" />
        <source>Key fields missing</source>
        <translation>缺少关键字段</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="450" />
        <source>Import without them?</source>
        <translation>是否在缺少这些字段的情况下导入？</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="481" />
        <source>Import vehicle registry</source>
        <translation>导入车辆登记信息</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="482" />
        <source>Registry (*.xlsx *.xls *.csv);;All files (*)</source>
        <translation>登记表 (*.xlsx *.xls *.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="412" />
        <location filename="../../dieselwatch/gui/main_window.py" line="456" />
        <location filename="../../dieselwatch/gui/main_window.py" line="461" />
        <location filename="../../dieselwatch/gui/main_window.py" line="499" />
        <source>Importing {0}</source>
        <translation>正在导入 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="166" />
        <source>Vehicle {0} is not in the vehicle table.</source>
        <translation>车辆 {0} 不在车辆表中。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="311" />
        <source>Share above screening threshold</source>
        <translation>超筛查阈值占比</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="316" />
        <source>Parked / not covered</source>
        <translation>停驶／未覆盖</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="364" />
        <location filename="../../dieselwatch/gui/main_window.py" line="386" />
        <source>Remove import batch</source>
        <translation>撤销导入批次</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="366" />
        <source>Remove batch {0} ({1})? Its samples are deleted from the raw store and the days they touched are recomputed from what remains; the file can then be imported again.

Reason (required):</source>
        <translation>撤销批次{0}（{1}）？其数据将从原始数据库中删除，涉及日期的统计按剩余数据重新计算；之后可重新导入该文件。

原因（必填）：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="372" />
        <source>Removing a batch needs a reason.</source>
        <translation>撤销批次须填写原因。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="375" />
        <source>Removing batch {0}</source>
        <translation>正在撤销批次{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="378" />
        <source>Batch {0} ({1}) removed: {2} samples of {3} vehicles; {4} vehicle-days recomputed, {5} left without data. The file can be imported again.</source>
        <translation>已撤销批次{0}（{1}）：删除{3}辆车的{2}条数据；重新计算{4}个车辆日，{5}个车辆日已无数据。可重新导入该文件。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="383" />
        <source>These batches also delivered samples the removed batch held. Import their files again to restore them (only what is missing is stored):</source>
        <translation>以下批次也包含被撤销批次中的部分数据。请重新导入这些文件以恢复数据（只保存缺少的部分）：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="392" />
        <source>Exports and terminal captures (*.csv *.txt *.xlsx *.xls *.log *.bin *.hex);;All files (*)</source>
        <translation>导出文件和终端报文（*.csv *.txt *.xlsx *.xls *.log *.bin *.hex）;;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="505" />
        <source>already imported; nothing changed</source>
        <translation>已导入过,未做任何更改</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="506" />
        <source>sheet {0}</source>
        <translation>工作表 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="507" />
        <source>{0} rows read</source>
        <translation>读取{0}行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="509" />
        <source>, {0} imported, {1} duplicates, {2} rejected</source>
        <translation>,导入{0}条,重复{1}条,拒绝{2}条</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="512" />
        <source>, {0} created, {1} updated</source>
        <translation>,新建{0}辆,更新{1}辆</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="516" />
        <source>Covers {0} to {1} (stated in the file).</source>
        <translation>覆盖时段：{0}至{1}（文件中注明）。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="517" />
        <source>Covers {0} to {1} (first to last sample).</source>
        <translation>覆盖时段：{0}至{1}（首条至末条数据）。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="520" />
        <source>Imported again to restore samples that went with a removed batch.</source>
        <translation>已重新导入，恢复随被撤销批次删除的数据。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="522" />
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="522" />
        <source>invalid-value code</source>
        <translation>无效值代码</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="523" />
        <source>out of range</source>
        <translation>超出范围</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="523" />
        <source>not a number</source>
        <translation>非数值</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="524" />
        <source>sensor not ready</source>
        <translation>传感器未就绪</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="525" />
        <source>imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="525" />
        <source>already imported</source>
        <translation>此前已导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="526" />
        <source>not imported</source>
        <translation>未导入</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="528" />
        <source>sheet {0}: {1}</source>
        <translation>工作表{0}：{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="531" />
        <source>column {0} not imported: {1}</source>
        <translation>列{0}未导入：{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="534" />
        <source>imported without key field(s): {0}</source>
        <translation>导入时缺少关键字段：{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="540" />
        <source>frames: {0} read, {1} skipped, {2} encrypted</source>
        <translation>报文帧：读取{0}帧，跳过{1}帧，加密{2}帧</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="543" />
        <source>line {0}, byte {1}</source>
        <translation>第{0}行第{1}字节</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="544" />
        <source>row {0}, byte {1}</source>
        <translation>第{0}行第{1}字节</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="545" />
        <source>byte {0}</source>
        <translation>第{0}字节</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="547" />
        <source>row {0}, column {1}: {2}</source>
        <translation>第{0}行,列“{1}”:{2}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="560" />
        <source>{0} (active)</source>
        <translation>{0}(当前)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="562" />
        <source>{0}
saved {1} by {2}</source>
        <translation>{0}
{2}于{1}保存</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="573" />
        <source>Scoring {0} to {1}</source>
        <translation>正在评分 {0} 至 {1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/main_window.py" line="588" />
        <source>Scored {0} vehicles, {1} to {2}, rule set {3}.</source>
        <translation>已对{0}辆车评分,时段{1}至{2},规则版本{3}。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.ui" line="6" />
        <source>DieselWatch</source>
        <translation>柴油车监管</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="13" />
        <source>Dashboard</source>
        <translation>总览</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="14" />
        <source>Vehicles</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="15" />
        <source>Imports</source>
        <translation>数据导入</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="16" />
        <source>Scoring</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="23" />
        <source>Overview</source>
        <translation>概况</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="32" />
        <source>Search VIN, plate or owner</source>
        <translation>搜索VIN、车牌号或车主</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="33" />
        <source>Proposal:</source>
        <translation>建议:</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="48" />
        <source>Score and evidence</source>
        <translation>评分与证据</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="54" />
        <source>Days</source>
        <translation>逐日</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="58" />
        <source>One day at 1 Hz</source>
        <translation>单日秒级数据</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="62" />
        <source>Day:</source>
        <translation>日期:</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="78" />
        <location filename="../../ui/main_window.ui" line="129" />
        <source>Import monitoring records…</source>
        <translation>导入监控数据…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="79" />
        <location filename="../../ui/main_window.ui" line="130" />
        <source>Import vehicle registry…</source>
        <translation>导入车辆登记信息…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="80" />
        <source>Export report to Excel…</source>
        <translation>导出报告到Excel…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="81" />
        <source>Remove batch…</source>
        <translation>撤销批次…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="81" />
        <source>Undo this import: its samples are deleted and the days they touched are recomputed; the file can then be imported again.</source>
        <translation>撤销本次导入：删除其数据并重新计算涉及日期的统计；之后可重新导入该文件。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="94" />
        <source>From:</source>
        <translation>从:</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="96" />
        <source>To:</source>
        <translation>至:</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="98" />
        <source>Rule set:</source>
        <translation>规则版本:</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="99" />
        <source>The active rule set is the newest one saved; an older version re-scores the period as it was judged then.</source>
        <translation>当前规则版本是最近保存的版本;选择较早的版本可按当时的标准重新评分。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="100" />
        <source>Recompute from raw data</source>
        <translation>从原始数据重新计算</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="101" />
        <source>Score all vehicles</source>
        <translation>对全部车辆评分</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="116" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="123" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="131" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.ui" line="132" />
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
        <translation>合并为一个工作簿(每份一页)</translation>
    </message>
</context>
<context>
    <name>NoticesPage</name>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="45" />
        <source>Notice number</source>
        <translation>通知书编号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="42" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="45" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="167" />
        <source>Plate</source>
        <translation>车牌号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="42" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="45" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="167" />
        <source>VIN</source>
        <translation>车辆识别代号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="42" />
        <source>Entry</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="43" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="46" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="167" />
        <source>Owner</source>
        <translation>车主</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="43" />
        <source>Listed on</source>
        <translation>列入日期</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="43" />
        <source>Reasons</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="46" />
        <source>Issued at</source>
        <translation>签发时间</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="46" />
        <source>Deadline</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="47" />
        <source>Issued by</source>
        <translation>签发人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="81" />
        <source>Black-list entries without a notice ({0})</source>
        <translation>尚未签发通知书的黑名单条目（{0}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="83" />
        <source>select the entries to issue notices for</source>
        <translation>请选择要签发通知书的条目</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="84" />
        <source>every active black-list entry has its notice</source>
        <translation>所有生效中的黑名单条目均已签发通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="85" />
        <source>Issued notices ({0})</source>
        <translation>已签发的通知书（{0}）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="105" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="234" />
        <source>Select issued notices to write them again.</source>
        <translation>请选择已签发的通知书以重新生成文件。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="133" />
        <source>Open the vehicle and its evidence</source>
        <translation>查看车辆及其证据</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="136" />
        <location filename="../../ui/notices_page.ui" line="23" />
        <source>Preview and issue notices…</source>
        <translation>预览并签发通知书…</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="141" />
        <location filename="../../ui/notices_page.ui" line="47" />
        <source>Write selected notices again…</source>
        <translation>重新生成所选通知书…</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="144" />
        <source>Copy VIN</source>
        <translation>复制车辆识别代号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="149" />
        <source>Copied {0} VIN(s).</source>
        <translation>已复制{0}个车辆识别代号。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="164" />
        <source>{0} notices will be issued on {1} with the numbers below, in this order; the deadline is {2}. Numbers are assigned only when you confirm.</source>
        <translation>将于{1}按下列顺序和编号签发{0}份通知书，整改期限至{2}。编号在您确认后才正式分配。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="167" />
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="167" />
        <source>Owner's address</source>
        <translation>车主地址</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="168" />
        <source>Owner's contact</source>
        <translation>车主联系方式</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="176" />
        <source>Reasons: {0}</source>
        <translation>原因：{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="178" />
        <source>Issued by {0}; contact {1}, telephone {2}, address {3}; signed {4}.</source>
        <translation>签发单位：{0}；联系人：{1}；电话：{2}；地址：{3}；签发人：{4}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="184" />
        <source>Issue {0} notices</source>
        <translation>签发{0}份通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="194" />
        <location filename="../../dieselwatch/gui/notices_page.py" line="236" />
        <source>Folder for the notices</source>
        <translation>通知书保存位置</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="206" />
        <source>Nothing was issued.</source>
        <translation>未签发任何通知书。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="211" />
        <source>Issuing notices</source>
        <translation>正在签发通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="218" />
        <source>Issued {0} notices ({1}); {2} files written to {3}</source>
        <translation>已签发{0}份通知书（{1}）；{2}个文件已保存到{3}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="221" />
        <source>Issued {0} notices.</source>
        <translation>已签发{0}份通知书。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="243" />
        <source>{0} notices written to {1}</source>
        <translation>{0}份通知书已保存到{1}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="247" />
        <source>Writing notices</source>
        <translation>正在生成整改通知书</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="251" />
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="255" />
        <source>Wrote {0}</source>
        <translation>已写入 {0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="261" />
        <source>Export list publication</source>
        <translation>导出名单公示表</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/notices_page.py" line="264" />
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
        <translation>合并为一个工作簿(每份一页)</translation>
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
        <translation>通过理由：</translation>
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
        <translation>原因:</translation>
    </message>
    <message>
        <location filename="../../ui/removal_dialog.ui" line="13" />
        <source>Repair record:</source>
        <translation>维修记录:</translation>
    </message>
    <message>
        <location filename="../../ui/removal_dialog.ui" line="14" />
        <source>station, date, work done</source>
        <translation>维修站、日期、维修项目</translation>
    </message>
    <message>
        <location filename="../../ui/removal_dialog.ui" line="15" />
        <source>Re-inspected on:</source>
        <translation>复检日期:</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="24" />
        <source>Bureau name</source>
        <translation>单位名称</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="24" />
        <source>Bureau code (in notice numbers)</source>
        <translation>单位代码(用于通知书编号)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="25" />
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="25" />
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="25" />
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="26" />
        <source>Notice number pattern</source>
        <translation>通知书编号格式</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="27" />
        <source>Rectification deadline (days)</source>
        <translation>整改期限(天)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="28" />
        <source>Re-check within (days)</source>
        <translation>复查期限(天)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="29" />
        <source>Administrative reconsideration body (e.g. 平阴县人民政府)</source>
        <translation>行政复议机关（例如：平阴县人民政府）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="30" />
        <source>Court for administrative suits (empty: the competent court)</source>
        <translation>行政诉讼法院（留空：有管辖权的人民法院）</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="31" />
        <source>Two-person rule for decisions</source>
        <translation>审批须由提出人以外的人员进行</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="32" />
        <source>White entry valid for (days)</source>
        <translation>白名单有效期(天)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="33" />
        <source>Black and watch review after (days)</source>
        <translation>黑名单与重点关注复核周期(天)</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="34" />
        <source>Clean days before a black removal</source>
        <translation>移出黑名单前须连续正常天数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="50" />
        <source>Section</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="50" />
        <source>Key</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="50" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="57" />
        <source>empty: raw/ in the data folder; an office sharing one database: the same network folder on every workstation</source>
        <translation>留空：使用数据文件夹中的 raw/；多个工作站共用一个数据库时：每台工作站填写同一个网络文件夹</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="59" />
        <source>Raw sample folder:</source>
        <translation>原始数据文件夹：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="61" />
        <source>In use: {0}</source>
        <translation>当前使用：{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="74" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="74" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="74" />
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="74" />
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="102" />
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="102" />
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="135" />
        <source>Active rule set {0}. An edited copy is saved under a new version; the next scoring re-applies it to the raw samples.</source>
        <translation>当前规则版本{0}。修改后另存为新版本;下次评分时按新规则重新计算原始数据。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="153" />
        <source>Save rule set</source>
        <translation>保存评分规则</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="153" />
        <source>Why is the rule set changed?</source>
        <translation>修改规则的原因:</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="159" />
        <source>Rule set {0} saved and active.</source>
        <translation>规则版本{0}已保存并启用。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="167" />
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="171" />
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="174" />
        <source>Connected: {0}</source>
        <translation>连接成功:{0}</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="187" />
        <source>Saved for this workstation; applies at the next start.</source>
        <translation>已保存到本机,下次启动生效。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="195" />
        <source>Password (at least 8 characters):</source>
        <translation>密码(至少8个字符):</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="204" />
        <location filename="../../dieselwatch/gui/settings_page.py" line="207" />
        <location filename="../../dieselwatch/gui/settings_page.py" line="211" />
        <location filename="../../dieselwatch/gui/settings_page.py" line="215" />
        <source>Add account</source>
        <translation>添加账号</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="204" />
        <source>User name:</source>
        <translation>用户名:</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="207" />
        <source>Role:</source>
        <translation>角色:</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="212" />
        <source>The person's name (signs notices):</source>
        <translation>姓名（用于通知书署名）：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="220" />
        <source>Account {0} created.</source>
        <translation>已创建账号{0}。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="226" />
        <source>Change role</source>
        <translation>修改角色</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="226" />
        <source>Role of {0}:</source>
        <translation>{0}的角色:</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="230" />
        <source>Role changed.</source>
        <translation>角色已修改。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="237" />
        <source>Set name</source>
        <translation>设置姓名</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="238" />
        <source>Name of {0} (signs notices):</source>
        <translation>{0}的姓名（用于通知书署名）：</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="240" />
        <location filename="../../dieselwatch/gui/settings_page.py" line="252" />
        <source>Account updated.</source>
        <translation>账号已更新。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="246" />
        <source>Legal texts saved.</source>
        <translation>法律文本已保存。</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="260" />
        <location filename="../../dieselwatch/gui/settings_page.py" line="264" />
        <source>Set password</source>
        <translation>设置密码</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="260" />
        <source>Current password:</source>
        <translation>当前密码:</translation>
    </message>
    <message>
        <location filename="../../dieselwatch/gui/settings_page.py" line="267" />
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
        <translation>连接同一数据库的所有工作站共用这些设置。仅管理员可修改,每次修改都记入审计记录。</translation>
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
        <location filename="../../ui/settings_page.ui" line="30" />
        <source>New version:</source>
        <translation>新版本号:</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="32" />
        <source>Save as a new version…</source>
        <translation>另存为新版本…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="38" />
        <source>Accounts</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="43" />
        <source>Add account…</source>
        <translation>添加账号…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="44" />
        <source>Change role…</source>
        <translation>修改角色…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="45" />
        <source>Set name…</source>
        <translation>设置姓名…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="46" />
        <source>Disable or enable</source>
        <translation>停用或启用</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="47" />
        <source>Set password…</source>
        <translation>设置密码…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="54" />
        <source>This workstation</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="56" />
        <source>Database:</source>
        <translation>数据库:</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="59" />
        <source>empty: the SQLite file in the data folder; or postgresql://user:password@server/dieselwatch</source>
        <translation>留空:使用数据文件夹中的SQLite文件;或 postgresql://用户:密码@服务器/dieselwatch</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="60" />
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="64" />
        <source>Language:</source>
        <translation>语言:</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.ui" line="66" />
        <source>Save (applies at the next start)</source>
        <translation>保存(下次启动生效)</translation>
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
</TS>