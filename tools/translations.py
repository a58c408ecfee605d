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
    "Password (at least 8 characters):": "密码(至少8个字符):", "Add account": "添加账号", "Role:": "角色:",
    "Account {0} created.": "已创建账号{0}。", "Change role": "修改角色", "Role of {0}:": "{0}的角色:",
    "Role changed.": "角色已修改。", "Account updated.": "账号已更新。", "Set password": "设置密码",
    "Current password:": "当前密码:", "Password of {0} changed.": "{0}的密码已修改。",
    "Header mapping (change a field to correct it):": "表头对应关系(可修改字段):",
    "First rows as in the file (red: rejected or dropped, yellow: stored as missing):": "文件前几行(红色:将被拒绝或丢弃;黄色:按缺失值保存):",
    "Save this mapping as a profile named": "将此对应关系保存为方案,名称", "Import": "导入", "Export header": "导出表头",
    "Field": "字段", "(not imported)": "(不导入)", "encoding {0}": "编码 {0}",
    "<b>{0}</b>: {1}, header on row {2}; {3} of {4} columns mapped.": "<b>{0}</b>:{1},表头在第{2}行;{4}列中已对应{3}列。",
    "Required column(s) not mapped: {0}. Choose them in the mapping.": "必需的列未对应:{0}。请在对应关系中选择。",
    "No problems in the first rows.": "前几行没有发现问题。",
    "Set up DieselWatch": "DieselWatch 初始设置",
    "A new database. Name the bureau that issues the notices and create the first administrator account; further accounts are added with \"dieselwatch users add\".":
        "这是一个新数据库。请填写签发通知书的单位名称并创建第一个管理员账号;其他账号用“dieselwatch users add”添加。",
    "Bureau name:": "单位名称:", "e.g. 济南市生态环境局平阴分局": "例如:济南市生态环境局平阴分局", "Bureau code:": "单位代码:",
    "used in notice numbers, e.g. 鲁济平": "用于通知书编号,例如:鲁济平", "Administrator:": "管理员:", "Repeat:": "再次输入:",
    "Load the demo fleet to try things out (12 trucks, 5 days)": "载入演示车队试用(12辆车,5天数据)",
    "The two passwords differ.": "两次输入的密码不一致。", "The bureau needs a name.": "请填写单位名称。",
    "Loading the demo fleet": "正在载入演示车队",
    "Online rate, latest scoring (vehicles)": "最近评分上线率分布(车辆数)",
    "Vehicles with data / with an exceedance day": "每日有数据车辆 / 超标车辆", "with data": "有数据",
    "exceedance day": "超标", "On the lists": "名单在册", "black {0}, watch {1}, white {2}": "黑名单{0},重点关注{1},白名单{2}",
    "Settings": "设置", "Bureau, notices and lists": "单位、通知书与名单", "Rule set": "评分规则",
    "This workstation": "本机",
    "Shared by every workstation on this database. Only an admin can change them; each change is recorded in the audit history.":
        "连接同一数据库的所有工作站共用这些设置。仅管理员可修改,每次修改都记入审计记录。",
    "Save settings": "保存设置", "New version:": "新版本号:", "Save as a new version…": "另存为新版本…",
    "Database:": "数据库:",
    "empty: the SQLite file in the data folder; or postgresql://user:password@server/dieselwatch":
        "留空:使用数据文件夹中的SQLite文件;或 postgresql://用户:密码@服务器/dieselwatch",
    "Test connection": "测试连接", "Language:": "语言:", "Save (applies at the next start)": "保存(下次启动生效)",
    "Bureau name": "单位名称", "Bureau code (in notice numbers)": "单位代码(用于通知书编号)", "Address": "地址",
    "Phone": "电话", "Contact": "联系人", "Notice number pattern": "通知书编号格式",
    "Rectification deadline (days)": "整改期限(天)", "Re-check within (days)": "复查期限(天)", "Legal basis": "法律依据",
    "Two-person rule for decisions": "审批须由提出人以外的人员进行", "White entry valid for (days)": "白名单有效期(天)",
    "Black and watch review after (days)": "黑名单与重点关注复核周期(天)",
    "Clean days before a black removal": "移出黑名单前须连续正常天数", "Section": "类别", "Key": "参数", "Value": "值",
    "Active rule set {0}. An edited copy is saved under a new version; the next scoring re-applies it to the raw samples.":
        "当前规则版本{0}。修改后另存为新版本;下次评分时按新规则重新计算原始数据。",
    "Save rule set": "保存评分规则", "Why is the rule set changed?": "修改规则的原因:",
    "Rule set {0} saved and active.": "规则版本{0}已保存并启用。", "Settings saved.": "设置已保存。",
    "Connecting…": "正在连接…", "Connected: {0}": "连接成功:{0}",
    "Saved for this workstation; applies at the next start.": "已保存到本机,下次启动生效。",
    "Score and evidence": "评分与证据", "Days": "逐日", "One day at 1 Hz": "单日秒级数据", "Day:": "日期:",
    "exceedance": "超标", "Hours with data": "有数据小时数", "Exceedance minutes": "超标分钟数",
    "SCR inlet (°C)": "SCR入口温度(°C)", "Speed (km/h)": "车速(km/h)", "upstream": "上游", "downstream": "下游",
    "Latest scoring: {0} to {1}, rule set {2}.": "最近评分:{0}至{1},规则版本{2}。",
    "Proposals go to the Lists page with \"Propose from latest scoring\".": "在“黑白名单”页点击“按最近评分生成建议”,生成名单建议。",
    "Lists": "黑白名单", "Notices": "整改通知", "Audit": "审计记录", "List:": "名单:", "Status:": "状态:",
    "Propose from latest scoring": "按最近评分生成建议", "Approve…": "批准…", "Reject…": "驳回…",
    "Propose removal…": "提出移出…", "Propose removal from the list": "提出移出名单", "Reason:": "原因:",
    "Repair record:": "维修记录:", "station, date, work done": "维修站、日期、维修项目", "Re-inspected on:": "复检日期:",
    "Black list": "黑名单", "White list": "白名单", "Watch list": "重点关注", "proposed": "待审批", "active": "生效",
    "removal proposed": "待审批移出", "rejected": "已驳回", "removed": "已移出", "expired": "已失效",
    "Awaiting a decision": "待审批", "Entry": "编号", "List": "名单", "Status": "状态", "Reasons": "原因",
    "Proposed by": "提出人", "Decided by": "审批人", "Review date": "复核日期",
    "Signed in as {0} ({1})": "当前用户:{0}({1})",
    "No user accounts yet: decisions need signed-in officers.": "尚未建立用户账号:审批需要登录的工作人员。",
    "Evidence: score {0}, period {1} to {2}, rule set {3}": "证据:评分{0},核查期间{1}至{2},规则版本{3}",
    "Removal proposed by {0}: {1}": "{0}提出移出:{1}",
    "Rectification: {0}; re-inspected {1}; {2} clean days since": "整改:{0};复检日期{1};此后{2}天数据正常",
    "Scoring run {0}: proposed {1} black, {2} white, {3} watch; {4} white removals proposed":
        "评分批次{0}:建议黑名单{1}辆、白名单{2}辆、重点关注{3}辆;建议移出白名单{4}辆",
    "Approve": "批准", "Reject": "驳回", "Reason (required):": "原因(必填):",
    "A decision needs a reason.": "审批必须填写原因。",
    "Leaving the black list needs the repair record, the re-inspection date and enough clean days with data since then.":
        "移出黑名单需要维修记录、复检日期,以及复检后足够天数的正常数据。",
    "Propose ending this entry. Another officer decides.": "提出结束该名单条目,由另一名工作人员审批。",
    "Issue and export notices…": "生成并导出整改通知书…", "One workbook, a sheet per notice": "合并为一个工作簿(每份一页)",
    "Export list publication…": "导出名单公示表…", "Export scoring report…": "导出评分报告…",
    "Open exports folder": "打开导出文件夹", "Notice number": "通知书编号", "Issued at": "签发时间", "Deadline": "整改期限",
    "Issued by": "签发人", "Folder for the notices": "通知书保存位置", "Writing notices": "正在生成整改通知书",
    "{0} notices written ({1} newly issued) to {2}": "已写出{0}份通知书(新签发{1}份)至{2}",
    "Export list publication": "导出名单公示表", "Export scoring report": "导出评分报告",
    "Filter by actor, action, entity or reason": "按操作人、操作、对象或原因筛选", "Verify the history": "校验审计链",
    "Export to Excel…": "导出到Excel…", "Seq": "序号", "Time": "时间", "Actor": "操作人", "Action": "操作",
    "Entity": "对象", "ID": "编号", "Reason": "原因", "Before": "变更前", "After": "变更后",
    "Intact: {0}. Head event {1}, {2}": "完好:{0}。链头事件{1},{2}",
    "BROKEN: {0}. Head event {1}, {2}": "已损坏:{0}。链头事件{1},{2}", "Export the audit history": "导出审计记录",
    "Sign in to DieselWatch": "登录 DieselWatch", "User name:": "用户名:", "Password:": "密码:", "Sign in": "登录",
    "Wrong user name or password, or the account is disabled.": "用户名或密码错误,或账号已停用。",
    "&File": "文件(&F)", "&View": "视图(&V)", ", {0} created, {1} updated": ",新建{0}辆,更新{1}辆",
    ", {0} imported, {1} duplicates, {2} rejected": ",导入{0}条,重复{1}条,拒绝{2}条", "All": "全部",
    "An unexpected error occurred: {0}\n\nDetails are in the log file:\n{1}": "发生意外错误:{0}\n\n详细信息见日志文件:\n{1}",
    "BROKEN - ": "已损坏 - ", "Batch": "批次", "Brake-specific NOx": "比排放NOx", "By": "操作人", "Cancel": "取消",
    "Cancelled: nothing was stored.": "已取消:未保存任何数据。", "Completeness": "数据完整率", "County": "区县",
    "Dashboard": "总览", "Data from": "数据区间", "Database: {0}   User: {1}": "数据库:{0}   用户:{1}",
    "Database: {0}   User: {1}   Audit: {2}": "数据库:{0}   用户:{1}   审计链:{2}", "DieselWatch": "柴油车监管",
    "DieselWatch - remote OBD monitoring review": "DieselWatch 重型柴油车远程监控数据审查", "Distance": "行驶里程",
    "Duplicates": "重复", "Exceedance share": "超标时间占比",
    "Exports (*.csv *.txt *.xlsx *.xls);;All files (*)": "导出文件 (*.csv *.txt *.xlsx *.xls);;所有文件 (*)",
    "File": "文件", "From:": "从:", "Import monitoring records": "导入监控数据",
    "Import monitoring records…": "导入监控数据…", "Import vehicle registry": "导入车辆登记信息",
    "Import vehicle registry…": "导入车辆登记信息…", "Imported": "已导入", "Imported at": "导入时间",
    "Importing {0}": "正在导入 {0}", "Imports": "数据导入", "Kind": "类型", "Last import": "最近导入",
    "Latest scoring": "最近评分", "Longest offline": "最长离线", "Main reasons": "主要原因", "No proposal": "无建议",
    "Online rate": "上线率", "Overview": "概况", "Owner": "车主", "Plate": "车牌号", "Proposal": "建议",
    "Proposal:": "建议:", "Proposed black": "建议列入黑名单", "Proposed watch": "建议重点关注",
    "Proposed white": "建议列入白名单", "Quit": "退出", "Recompute from raw data": "从原始数据重新计算",
    "Records stored": "已存储记录", "Refresh": "刷新",
    "Registry (*.xlsx *.xls *.csv);;All files (*)": "登记表 (*.xlsx *.xls *.csv);;所有文件 (*)", "Rejected": "拒绝",
    "Rows read": "读取行数", "SCR efficiency (hot)": "SCR热态转化效率", "Score": "评分", "Score all vehicles": "对全部车辆评分",
    "Scoring": "评分", "Scoring {0} to {1}": "正在评分 {0} 至 {1}", "Search VIN, plate or owner": "搜索VIN、车牌号或车主",
    "To:": "至:", "Unexpected error": "意外错误", "VIN": "车辆识别代号", "Valid operation share": "有效工况占比",
    "Vehicles": "车辆", "black": "黑名单", "intact": "完整", "none": "无", "watch": "重点关注", "white": "白名单",
    "not yet scored: open Scoring and choose a period": "尚未评分:请打开“评分”并选择时段", "records": "监控数据",
    "registry": "登记信息", "sheet {0}": "工作表 {0}", "{0} rows read": "读取{0}行", "in registry": "已登记",
    "Engine": "发动机", "reference torque": "参考扭矩", "rule set": "规则版本",
    "Not scored in the latest run.": "最近一次评分未包含该车。", "already imported; nothing changed": "已导入过,未做任何更改",
    "row {0}, column {1}: {2}": "第{0}行,列“{1}”:{2}",
    "Scored {0} vehicles, {1} to {2}, rule set {3}.": "已对{0}辆车评分,时段{1}至{2},规则版本{3}。",
    "Export report to Excel…": "导出报告到Excel…", "Export import report": "导出导入报告",
    "Excel workbook (*.xlsx)": "Excel工作簿 (*.xlsx)", "Wrote {0}": "已写入 {0}",
    "The database was upgraded to this version. A copy of it as it was is kept at:\n{0}":
        "数据库已升级到当前版本。升级前的副本保存在:\n{0}",
    "missing": "缺失", "invalid-value code": "无效值代码", "out of range": "超出范围", "not a number": "非数值",
}


def run(tool: str, *args: str) -> None:
    subprocess.run([str(BIN / f"pyside6-{tool}"), *args], check=True, cwd=ROOT)


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in [*(ROOT / "dieselwatch" / "gui").glob("*.py"), *(ROOT / "ui").glob("*.ui")])


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


def main() -> int:
    run("lupdate", "-no-obsolete", *sources(), "-ts", str(TS))
    missing = fill(TS)
    run("lrelease", str(TS), "-qm", str(QM))
    if missing:
        print("untranslated:", *missing, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
