"""Maintain the Simplified Chinese translation: extract strings (pyside6-lupdate), fill them from ZH below,
build the .qm (pyside6-lrelease). Run after changing UI text:  python tools/translations.py
The test suite checks that every string is translated and that the committed .qm is current."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "dieselwatch_zh_CN.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent

ZH = {
    "On list": "在册名单", "on the black list": "黑名单在册", "on the watch list": "重点关注在册",
    "on the white list": "白名单在册", "List history": "名单记录",
    "Accounts": "账号", "Add account…": "添加账号…", "Change role…": "修改角色…", "Disable or enable": "停用或启用",
    "Set password…": "设置密码…", "officer": "工作人员", "supervisor": "审核人", "admin": "管理员", "User name": "用户名",
    "Name": "姓名", "Role": "角色", "Active": "启用", "yes": "是", "no": "否",
    "Password (at least 8 characters):": "密码（至少8个字符）：", "Add account": "添加账号", "Role:": "角色：",
    "Account {0} created.": "已创建账号{0}。", "Change role": "修改角色", "Role of {0}:": "{0}的角色：",
    "Role changed.": "角色已修改。", "Account updated.": "账号已更新。", "Set password": "设置密码",
    "Current password:": "当前密码：", "Password of {0} changed.": "{0}的密码已修改。",
    "Header mapping (change a field to correct it):": "表头对应关系（可修改字段）：",
    "First rows as in the file (red: rejected or dropped, yellow: stored as missing):": "文件前几行（红色：将被拒绝或丢弃；黄色：按缺失值保存）：",
    "Save this mapping as a profile named": "将此对应关系保存为方案，名称", "Import": "导入", "Export header": "导出表头",
    "Field": "字段", "(not imported)": "（不导入）", "encoding {0}": "编码 {0}",
    "<b>{0}</b>: {1}, header on row {2}; {3} of {4} columns mapped.": "<b>{0}</b>：{1}，表头在第{2}行；{4}列中已对应{3}列。",
    "Required column(s) not mapped: {0}. Choose them in the mapping.": "必需的列未对应：{0}。请在对应关系中选择。",
    "No problems in the first rows.": "前几行没有发现问题。",
    "Set up DieselWatch": "DieselWatch 初始设置",
    "A new database. Name the bureau that issues the notices and create the first administrator account; further accounts are added with \"dieselwatch users add\".":
        "这是一个新数据库。请填写签发通知书的单位名称并创建第一个管理员账号；其他账号用“dieselwatch users add”添加。",
    "Bureau name:": "单位名称：", "e.g. 济南市生态环境局平阴分局": "例如：济南市生态环境局平阴分局", "Bureau code:": "单位代码：",
    "used in notice numbers, e.g. 鲁济平": "用于通知书编号，例如：鲁济平", "Administrator:": "管理员：", "Repeat:": "再次输入：",
    "Load the demo fleet to try things out (12 trucks, 5 days)": "载入演示车队试用（12辆车，5天数据）",
    "The two passwords differ.": "两次输入的密码不一致。", "The bureau needs a name.": "请填写单位名称。",
    "Loading the demo fleet": "正在载入演示车队",
    "Online rate, latest scoring (vehicles)": "最近评分上线率分布（车辆数）",
    "Vehicles with data / with an exceedance day": "每日有数据车辆 / 超标车辆", "with data": "有数据",
    "exceedance day": "超标", "On the lists": "名单在册", "black {0}, watch {1}, white {2}": "黑名单{0}，重点关注{1}，白名单{2}",
    "Settings": "设置", "Bureau, notices and lists": "单位、通知书与名单", "Rule set": "评分规则",
    "This workstation": "本机",
    "Shared by every workstation on this database. Only an admin can change them; each change is recorded in the audit history.":
        "连接同一数据库的所有工作站共用这些设置。仅管理员可修改，每次修改都记入审计记录。",
    "Save settings": "保存设置", "New version:": "新版本号：", "Save as a new version…": "另存为新版本…",
    "Database:": "数据库：",
    "empty: the SQLite file in the data folder; or postgresql://user:password@server/dieselwatch":
        "留空：使用数据文件夹中的SQLite文件；或 postgresql://用户:密码@服务器/dieselwatch",
    "Test connection": "测试连接", "Language:": "语言：", "Save (applies at the next start)": "保存（下次启动生效）",
    "Bureau name": "单位名称", "Bureau code (in notice numbers)": "单位代码（用于通知书编号）", "Address": "地址",
    "Phone": "电话", "Contact": "联系人", "Notice number pattern": "通知书编号格式",
    "Rectification deadline (days)": "整改期限（天）", "Re-check within (days)": "复查期限（天）", "Legal basis": "法律依据",
    "Two-person rule for decisions": "审批须由提出人以外的人员进行", "White entry valid for (days)": "白名单有效期（天）",
    "Black and watch review after (days)": "黑名单与重点关注复核周期（天）",
    "Clean days before a black removal": "移出黑名单前须连续正常天数", "Section": "类别", "Key": "参数", "Value": "值",
    "Active rule set {0}. An edited copy is saved under a new version; the next scoring re-applies it to the raw samples.":
        "当前规则版本{0}。修改后另存为新版本；下次评分时按新规则重新计算原始数据。",
    "Save rule set": "保存评分规则", "Why is the rule set changed?": "修改规则的原因：",
    "Rule set {0} saved and active.": "规则版本{0}已保存并启用。", "Settings saved.": "设置已保存。",
    "Connecting…": "正在连接…", "Connected: {0}": "连接成功：{0}",
    "Saved for this workstation; applies at the next start.": "已保存到本机，下次启动生效。",
    "Score and evidence": "评分与证据", "Days": "逐日", "One day at 1 Hz": "单日秒级数据", "Day:": "日期：",
    "exceedance": "超标", "Hours with data": "有数据小时数", "Exceedance minutes": "超标分钟数",
    "SCR inlet (°C)": "SCR入口温度（°C）", "Speed (km/h)": "车速（km/h）", "upstream": "上游", "downstream": "下游",
    "Latest scoring: {0} to {1}, rule set {2}.": "最近评分：{0}至{1}，规则版本{2}。",
    "Proposals go to the Lists page with \"Propose from latest scoring\".": "在“黑白名单”页点击“按最近评分生成建议”，生成名单建议。",
    "Lists": "黑白名单", "Notices": "整改通知", "Audit": "审计记录", "List:": "名单：", "Status:": "状态：",
    "Propose from latest scoring": "按最近评分生成建议", "Approve…": "批准…", "Reject…": "驳回…",
    "Propose removal…": "提出移出…", "Propose removal from the list": "提出移出名单", "Reason:": "原因：",
    "Repair record:": "维修记录：", "station, date, work done": "维修站、日期、维修项目", "Re-inspected on:": "复检日期：",
    "Black list": "黑名单", "White list": "白名单", "Watch list": "重点关注", "proposed": "待审批", "active": "生效",
    "removal proposed": "待审批移出", "rejected": "已驳回", "removed": "已移出", "expired": "已失效",
    "Awaiting a decision": "待审批", "Entry": "编号", "List": "名单", "Status": "状态", "Reasons": "原因",
    "Proposed by": "提出人", "Decided by": "审批人", "Review date": "复核日期",
    "Signed in as {0} ({1})": "当前用户：{0}（{1}）",
    "No user accounts yet: decisions need signed-in officers.": "尚未建立用户账号：审批需要登录的工作人员。",
    "Evidence: score {0}, period {1} to {2}, rule set {3}": "证据：评分{0}，核查期间{1}至{2}，规则版本{3}",
    "Removal proposed by {0}: {1}": "{0}提出移出：{1}",
    "Rectification: {0}; re-inspected {1}; {2} clean days since": "整改：{0}；复检日期{1}；此后{2}天数据正常",
    "Scoring run {0}: proposed {1} black, {2} white, {3} watch; {4} white removals proposed":
        "评分批次{0}：建议黑名单{1}辆、白名单{2}辆、重点关注{3}辆；建议移出白名单{4}辆",
    "Approve": "批准", "Reject": "驳回", "Reason (required):": "原因（必填）：",
    "A decision needs a reason.": "审批必须填写原因。",
    "Leaving the black list needs the repair record, the re-inspection date and enough clean days with data since then.":
        "移出黑名单需要维修记录、复检日期，以及复检后足够天数的正常数据。",
    "Propose ending this entry. Another officer decides.": "提出结束该名单条目，由另一名工作人员审批。",
    "Issue and export notices…": "生成并导出整改通知书…", "One workbook, a sheet per notice": "合并为一个工作簿（每份一页）",
    "Export list publication…": "导出名单公示表…", "Export scoring report…": "导出评分报告…",
    "Open exports folder": "打开导出文件夹", "Notice number": "通知书编号", "Issued at": "签发时间", "Deadline": "整改期限",
    "Issued by": "签发人", "Folder for the notices": "通知书保存位置", "Writing notices": "正在生成整改通知书",
    "{0} notices written ({1} newly issued) to {2}": "已写出{0}份通知书（新签发{1}份）至{2}",
    "Export list publication": "导出名单公示表", "Export scoring report": "导出评分报告",
    "Filter by actor, action, entity or reason": "按操作人、操作、对象或原因筛选", "Verify the history": "校验审计链",
    "Export to Excel…": "导出到Excel…", "Seq": "序号", "Time": "时间", "Actor": "操作人", "Action": "操作",
    "Entity": "对象", "ID": "编号", "Reason": "原因", "Before": "变更前", "After": "变更后",
    "Intact: {0}. Head event {1}, {2}": "完好：{0}。链头事件{1}，{2}",
    "BROKEN: {0}. Head event {1}, {2}": "已损坏：{0}。链头事件{1}，{2}", "Export the audit history": "导出审计记录",
    "Sign in to DieselWatch": "登录 DieselWatch", "User name:": "用户名：", "Password:": "密码：", "Sign in": "登录",
    "Wrong user name or password, or the account is disabled.": "用户名或密码错误，或账号已停用。",
    "&File": "文件(&F)", "&View": "视图(&V)", ", {0} created, {1} updated": "，新建{0}辆，更新{1}辆",
    ", {0} imported, {1} duplicates, {2} rejected": "，导入{0}条，重复{1}条，拒绝{2}条", "All": "全部",
    "An unexpected error occurred: {0}\n\nDetails are in the log file:\n{1}": "发生意外错误：{0}\n\n详细信息见日志文件：\n{1}",
    "BROKEN - ": "已损坏 - ", "Batch": "批次", "Brake-specific NOx": "比排放NOx", "By": "操作人", "Cancel": "取消",
    "Cancelled: nothing was stored.": "已取消：未保存任何数据。", "Completeness": "数据完整率", "County": "区县",
    "Dashboard": "总览", "Data from": "数据区间", "Database: {0}   User: {1}": "数据库：{0}   用户：{1}",
    "Database: {0}   User: {1}   Audit: {2}": "数据库：{0}   用户：{1}   审计链：{2}", "DieselWatch": "柴油车监管",
    "DieselWatch - remote OBD monitoring review": "DieselWatch 重型柴油车远程监控数据审查", "Distance": "行驶里程",
    "Duplicates": "重复", "Exceedance share": "超标时间占比",
    "Exports (*.csv *.txt *.xlsx *.xls);;All files (*)": "导出文件 (*.csv *.txt *.xlsx *.xls);;所有文件 (*)",
    "File": "文件", "From:": "从：", "Import monitoring records": "导入监控数据",
    "Import monitoring records…": "导入监控数据…", "Import vehicle registry": "导入车辆登记信息",
    "Import vehicle registry…": "导入车辆登记信息…", "Imported": "已导入", "Imported at": "导入时间",
    "Importing {0}": "正在导入 {0}", "Imports": "数据导入", "Kind": "类型", "Last import": "最近导入",
    "Latest scoring": "最近评分", "Longest offline": "最长离线", "Main reasons": "主要原因", "No proposal": "无建议",
    "Online rate": "上线率", "Overview": "概况", "Owner": "车主", "Plate": "车牌号", "Proposal": "建议",
    "Proposal:": "建议：", "Proposed black": "建议列入黑名单", "Proposed watch": "建议重点关注",
    "Proposed white": "建议列入白名单", "Quit": "退出", "Recompute from raw data": "从原始数据重新计算",
    "Records stored": "已存储记录", "Refresh": "刷新",
    "Registry (*.xlsx *.xls *.csv);;All files (*)": "登记表 (*.xlsx *.xls *.csv);;所有文件 (*)", "Rejected": "拒绝",
    "Rows read": "读取行数", "SCR efficiency (hot)": "SCR热态转化效率", "Score": "评分", "Score all vehicles": "对全部车辆评分",
    "Scoring": "评分", "Scoring {0} to {1}": "正在评分 {0} 至 {1}", "Search VIN, plate or owner": "搜索VIN、车牌号或车主",
    "To:": "至：", "Unexpected error": "意外错误", "VIN": "车辆识别代号", "Valid operation share": "有效工况占比",
    "Vehicles": "车辆", "black": "黑名单", "intact": "完整", "none": "无", "watch": "重点关注", "white": "白名单",
    "not yet scored: open Scoring and choose a period": "尚未评分：请打开“评分”并选择时段", "records": "监控数据",
    "registry": "登记信息", "sheet {0}": "工作表 {0}", "{0} rows read": "读取{0}行", "in registry": "已登记",
    "Engine": "发动机", "reference torque": "参考扭矩", "rule set": "规则版本",
    "Not scored in the latest run.": "最近一次评分未包含该车。", "already imported; nothing changed": "已导入过，未做任何更改",
    "row {0}, column {1}: {2}": "第{0}行，列“{1}”：{2}",
    "Scored {0} vehicles, {1} to {2}, rule set {3}.": "已对{0}辆车评分，时段{1}至{2}，规则版本{3}。",
    "Export report to Excel…": "导出报告到Excel…", "Export import report": "导出导入报告",
    "Excel workbook (*.xlsx)": "Excel工作簿 (*.xlsx)", "Wrote {0}": "已写入 {0}",
    "The database was upgraded to this version. A copy of it as it was is kept at:\n{0}":
        "数据库已升级到当前版本。升级前的副本保存在：\n{0}",
    "missing": "缺失", "invalid-value code": "无效值代码", "out of range": "超出范围", "not a number": "非数值",
}


# Messages of the Qt-free core (dieselwatch.messages.Msg): placeholders kept by name.
ZH.update({
    "is neither UTF-8 nor GBK/GB18030 text, nor an Excel workbook": "既不是UTF-8或GBK/GB18030文本，也不是Excel工作簿",
    "no header row found in the first 30 rows: expected column names such as {names}":
        "前30行中没有找到表头行：应有如下列名：{names}",
    "missing required column(s) {missing}; header row {row} has: {found}":
        "缺少必需的列：{missing}；第{row}行表头为：{found}",
    "is not a readable Excel workbook ({error})": "不是可读取的Excel工作簿（{error}）",
    "is a zip archive but not an Excel workbook": "是zip压缩包，但不是Excel工作簿",
    "unpacks to {unpacked} MB from {packed} MB: refused as a zip bomb":
        "由{packed} MB解压为{unpacked} MB：疑似压缩炸弹，已拒绝",
    "cannot be read ({error})": "无法读取（{error}）",
    "is empty": "是空文件",
    "is a binary file, not a CSV export or Excel workbook": "是二进制文件，不是CSV导出文件或Excel工作簿",
    "has no lines": "没有任何行",
    "has no sheet “{sheet}”; sheets: {sheets}": "没有工作表“{sheet}”；现有工作表：{sheets}",
    "sheet “{sheet}” cannot be read ({error})": "工作表“{sheet}”无法读取（{error}）",
    "has no sheets": "没有工作表",
    "is not valid {encoding} text after the first megabyte ({error})": "第1 MB之后不是有效的{encoding}文本（{error}）",
    "is not a well-formed CSV: {error}": "不是格式正确的CSV:{error}",
    "cannot be parsed as CSV: {error}": "无法按CSV解析：{error}",
    "is not valid {encoding} text ({error})": "不是有效的{encoding}文本（{error}）",
    "VIN missing": "缺少VIN", "VIN malformed (17 characters, no I, O or Q)": "VIN格式错误（应为17位，不含I、O、Q）",
    "time not understood": "无法识别的时间", "time before 2015 or in the future": "时间早于2015年或晚于当前",
    "cancelled by the user": "已由用户取消",
    "{source}: not a readable rule set ({error})": "{source}：不是可读取的规则文件（{error}）",
    "{source}: needs a non-empty “version”": "{source}：必须填写“version”（版本号）",
    "{source}: section “{section}” missing": "{source}：缺少“{section}”部分",
    "{source}: “{key}” missing": "{source}：缺少“{key}”",
    "{source}: “{key}” must be a number >= 0, got “{value}”": "{source}：“{key}”必须是≥0的数值，实际为“{value}”",
    "{source}: unknown key(s) in “{section}”: {keys}": "{source}：“{section}”中有未知的项：{keys}",
    "unreadable time: the row is rejected": "时间无法识别：该行将被拒绝",
    "no time: the row is rejected": "没有时间：该行将被拒绝",
    "not a 17-character VIN: the row is rejected": "不是17位VIN：该行将被拒绝",
    "invalid marker: stored as missing": "无效标记：按缺失值保存",
    "not a number: stored as missing": "非数值：按缺失值保存",
    "invalid-value code: stored as missing": "无效值代码：按缺失值保存",
    "out of range {min} to {max}: stored as missing": "超出范围{min}至{max}：按缺失值保存",
    "there is no import batch {batch}": "没有第{batch}批导入",
    "does not exist or is not a file": "不存在或不是文件",
    "has a header row but no data rows": "只有表头，没有数据行",
    "no scoring run {run}": "没有第{run}次评分", "no scoring run yet: score a period first": "还没有评分：请先对一个时段评分",
    "a decision needs a reason": "审批需要填写理由",
    "entry {entry} is {status}: there is nothing to decide": "条目{entry}状态为{status}，无需审批",
    "{user} proposed this and cannot also decide it (two-person rule)": "{user}是提议人，不能再审批此条目（双人原则）",
    "entry {entry} was changed on another workstation while you decided: reload it and decide again":
        "您审批期间条目{entry}已在另一工作站被修改：请重新载入后再审批",
    "no list entry {entry}": "没有名单条目{entry}",
    "entry {entry} was changed by {user} after you opened it (version {opened}, now {now}): reload it":
        "条目{entry}在您打开后被{user}修改（打开时版本{opened}，现为{now}）：请重新载入",
    "the vehicle of entry {entry} is already on the {kind} list (entry {other}): end that entry first":
        "条目{entry}的车辆已在{kind}中（条目{other}）：请先结束该条目",
    "a removal needs a reason": "移出需要填写理由",
    "entry {entry} is {status}; only an active entry can be removed": "条目{entry}状态为{status}；只有生效的条目可以移出",
    "removal from the black list needs the repair record and the re-inspection date": "移出黑名单需要维修记录和复检日期",
    "the re-inspection date {date} is in the future": "复检日期{date}晚于今天",
    "the re-inspection ({date}) predates the black entry ({since})": "复检日期（{date}）早于列入黑名单的日期（{since}）",
    "the vehicle was not clean after the re-inspection on {days}": "车辆复检后仍有超标或异常：{days}",
    "{n} clean days with data since the re-inspection on {date}; {need} are required":
        "自{date}复检以来有数据且达标的天数为{n}天；需要{need}天",
    "entry {entry} was changed on another workstation: reload it": "条目{entry}已在另一工作站被修改：请重新载入",
    "list must be one of {kinds}, got “{kind}”": "名单类型必须是{kinds}之一，实际为“{kind}”",
    "status must be one of {statuses}, got “{status}”": "状态必须是{statuses}之一，实际为“{status}”",
    "no vehicle with VIN “{vin}”": "没有VIN为“{vin}”的车辆",
    "entries {ids} are not active black-list entries": "条目{ids}不是生效的黑名单条目",
    "no notice {ids}": "没有通知书{ids}",
    "must be a JSON object of export header -> field": "必须是“导出表头 -> 字段”形式的JSON对象",
    "unknown field(s) {bad}; fields are: {fields} (or {ignore} to leave a column out)":
        "未知字段：{bad}；可用字段：{fields}（或用{ignore}表示不导入该列）",
    "is neither a saved mapping profile nor a JSON file": "既不是已保存的对应方案，也不是JSON文件",
    "is not readable JSON ({error})": "不是可读取的JSON({error})",
    "VIN repeated (first at row {row})": "VIN重复（首次出现在第{row}行）",
    "longer than {limit} characters": "超过{limit}个字符",
    "reference torque must be a number of N m (100-10000)": "参考扭矩必须是以N·m计的数值（100-10000）",
    "{n} row(s) refused, first: {first}": "有{n}行被拒绝，第一处：{first}",
    "rule set version “{version}” already exists with other values: give the edited copy a new version":
        "规则版本“{version}”已存在且内容不同：请为修改后的规则指定新版本号",
    "give the edited rule set a new version": "请为修改后的规则指定新版本号",
    "{what} must be a date as YYYY-MM-DD, got “{text}”": "{what}必须是YYYY-MM-DD格式的日期，实际为“{text}”",
    "the period ends ({end}) before it starts ({start})": "时段的结束日期（{end}）早于开始日期（{start}）",
    "{key} must be true or false, got “{value}”": "{key}必须是true或false，实际为“{value}”",
    "{key} must be a whole number, got “{value}”": "{key}必须是整数，实际为“{value}”",
    "{key} must be between 0 and 3650, got {value}": "{key}必须在0到3650之间，实际为{value}",
    "{key} is longer than 500 characters": "{key}超过500个字符",
    "notices.number_pattern may use only {{code}}, {{year}} and {{seq}}: {error}":
        "notices.number_pattern只能使用{{code}}、{{year}}和{{seq}}:{error}",
    "notices.number_pattern must contain {seq}, or numbers would repeat": "notices.number_pattern必须包含{seq}，否则编号会重复",
    "unknown setting “{key}”; known: {known}": "未知设置项“{key}”；可用设置项：{known}",
    "wrong user name or password, or the account is disabled": "用户名或密码错误，或账号已停用",
    "sign in first (user name and password)": "请先登录（用户名和密码）",
    "no users yet: create the first admin account (dieselwatch users add NAME --role admin)":
        "还没有账号：请先创建管理员账号（dieselwatch users add 用户名 --role admin）",
    "the account “{user}” no longer exists or was disabled": "账号“{user}”已不存在或已停用",
    "{user} is {role}; this needs the {need} role": "{user}的角色是{role}；此操作需要{need}角色",
    "the password must have at least {n} characters": "密码至少需要{n}个字符",
    "the password must differ from the user name": "密码不能与用户名相同",
    "a user name is 1 to 100 characters without spaces": "用户名为1至100个字符，不含空格",
    "role must be one of {roles}, got “{role}”": "角色必须是{roles}之一，实际为“{role}”",
    "the first account must be an admin": "第一个账号必须是管理员",
    "the user “{user}” already exists": "用户“{user}”已存在",
    "no user “{user}”": "没有用户“{user}”",
    "this would leave no active admin": "这样将没有启用的管理员",
    "the current password is wrong": "当前密码错误",
    "the append-only guard(s) {guards} were removed from the database": "数据库中的只追加保护{guards}已被删除",
    "event {seq} is missing (next stored is {next})": "第{seq}条记录缺失（下一条保存的是第{next}条）",
    "event {seq} does not link to event {prev}": "第{seq}条记录与第{prev}条记录衔接不上",
    "event {seq} was altered after it was written": "第{seq}条记录写入后被修改过",
    "event {seq} differs from the one this workstation verified earlier": "第{seq}条记录与本工作站此前核验的不一致",
    "the event count does not match the chain": "记录条数与链不一致",
    "events after {n} are gone: this workstation verified up to event {anchor} earlier":
        "第{n}条之后的记录已丢失：本工作站此前核验到第{anchor}条",
    "events {first} to {last} were deleted (the chain ends at {n})": "第{first}至{last}条记录已被删除（链止于第{n}条）",
    "the recorded head (event {head}) does not match the chain's last event {n}":
        "记录的链头（第{head}条）与链的最后一条（第{n}条）不一致",
    "{n} events, chain intact": "共{n}条记录，链完整",
    "not a database URL: “{url}” ({error})": "不是数据库地址：“{url}”（{error}）",
    "cannot connect: {error}": "无法连接：{error}",
    "schema revision {rev}": "数据库结构版本{rev}",
    "empty database (it is set up at the first start)": "空数据库（首次启动时建立）",
    "{version}; {state}": "{version}；{state}",
    # short reason names (dieselwatch/scoring/judge.py LABELS)
    "NOx exceedance share": "NOx超标占比", "NOx exceedance days": "NOx超标天数", "brake-specific NOx": "NOx比排放超标",
    "SCR efficiency low": "SCR转化效率过低", "SCR efficiency weak": "SCR转化效率偏低",
    "too little valid operation": "有效工况不足", "downstream NOx above upstream": "下游NOx高于上游",
    "downstream NOx at zero": "下游NOx恒为零", "downstream NOx stuck": "下游NOx卡滞", "reagent empty": "反应剂为空",
    "reagent level not falling": "反应剂余量不降", "SCR temperature implausible": "SCR温度不可信",
    "calibration changed": "标定被修改", "odometer backwards": "里程倒退", "MIL on": "故障灯点亮",
    "MIL on at times": "故障灯曾点亮", "long offline": "长期离线", "offline": "离线", "online rate low": "上线率低",
    "data incomplete": "数据不完整", "key fields missing": "关键字段缺失", "no valid position": "定位无效",
    "position jumps": "位置跳变", "insufficient data": "数据不足",
    "(exceedance {0} min)": "（超标{0}分钟）",
    "Rule set:": "规则版本：", "{0} (active)": "{0}（当前）",
    "The active rule set is the newest one saved; an older version re-scores the period as it was judged then.":
        "当前规则版本是最近保存的版本；选择较早的版本可按当时的标准重新评分。",
    "no rule set version “{version}”; stored: {known}": "没有规则版本“{version}”；已保存的版本：{known}",
    "{0}\nsaved {1} by {2}": "{0}\n{2}于{1}保存",
    # audit action and entity labels (dieselwatch/gui/audit_labels.py)
    "proposed for a list": "提议列入名单", "approved": "批准", "removal refused, entry kept": "不予移出，保留在册",
    "removed from the list": "移出名单", "superseded by a later entry": "被新条目取代", "notice issued": "签发通知书",
    "mapping profile saved": "保存表头对应方案", "vehicle registered": "登记车辆", "registry data changed": "修改登记信息",
    "rule set saved": "保存规则版本", "settings changed": "修改设置", "account created": "创建账号",
    "account changed": "修改账号", "password changed": "修改密码", "list entry": "名单条目", "notice": "通知书",
    "vehicle": "车辆", "settings": "设置", "account": "账号", "mapping profile": "表头对应方案",
    "row {0}": "第{0}行", "column “{0}”": "“{0}”列", "{0}: ": "{0}：", ", ": "，",
})


# Further translations live one file per topic in tools/zh/ (each defines ZH = {...}), so changes to different
# parts of the program never edit the same lines of one dictionary.
for _extra in sorted((ROOT / "tools" / "zh").glob("*.py")):
    _ns: dict = {}
    exec(compile(_extra.read_text(encoding="utf-8"), str(_extra), "exec"), _ns)
    ZH.update(_ns["ZH"])


def run(tool: str, *args: str) -> None:
    subprocess.run([str(BIN / f"pyside6-{tool}"), *args], check=True, cwd=ROOT)


# The Qt-free core marks its user-facing text with dieselwatch.messages.Msg; lupdate reads it as QT_TR_NOOP.
LUPDATE_ARGS = ("-tr-function-alias", "QT_TR_NOOP+=Msg")


def sources() -> list[str]:
    """The GUI modules, the Designer forms, and the core modules whose messages the GUI shows."""
    files = [*(ROOT / "dieselwatch").rglob("*.py"), *(ROOT / "ui").glob("*.ui")]
    return sorted(str(p.relative_to(ROOT)) for p in files if p.name != "messages.py")


def fill(ts: Path) -> list[str]:
    """Write ZH into the .ts; return the source texts that have no translation."""
    tree = ET.parse(ts)
    missing = []
    for msg in tree.iter("message"):
        src = msg.findtext("source")
        tr = msg.find("translation")
        if src in ZH:
            tr.text = ZH[src]
            tr.attrib.pop("type", None)
        elif tr.attrib.get("type") != "vanished":
            missing.append(src)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return missing


def add_rule_meta(ts: Path) -> None:
    """The rule-set editor's labels, units and help live in resources/rules/meta.json, which lupdate cannot read:
    add them as context RuleMeta (the app translates them with QCoreApplication.translate("RuleMeta", text))."""
    import json

    meta = json.loads((ROOT / "resources" / "rules" / "meta.json").read_text(encoding="utf-8"))
    texts = [v[k] for part in ("sections", "keys") for v in meta[part].values() for k in ("label", "unit", "help")
             if v.get(k)]
    tree = ET.parse(ts)
    ctx = ET.SubElement(tree.getroot(), "context")
    ET.SubElement(ctx, "name").text = "RuleMeta"
    for text in dict.fromkeys(texts):
        msg = ET.SubElement(ctx, "message")
        ET.SubElement(msg, "source").text = text
        ET.SubElement(msg, "translation", type="unfinished")
    tree.write(ts, encoding="utf-8", xml_declaration=True)


def main() -> int:
    run("lupdate", "-no-obsolete", *LUPDATE_ARGS, *sources(), "-ts", str(TS))
    add_rule_meta(TS)
    missing = fill(TS)
    run("lrelease", str(TS), "-qm", str(QM))
    if missing:
        print("untranslated:", *missing, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
