# Progress texts of the core (services, demo), audit events in words (gui/audit_details.py, audit_labels.py
# FIELDS, audit_page.py), reasons the services stored in English (gui/core_text.py STORED).
ZH = {
    # progress
    "done": "完成", "{rows} rows read": "已读取{rows}行", "vehicle {vin}, month {month} stored": "已保存车辆{vin}的{month}数据",
    "{rows} rows written": "已写入{rows}行", "vehicle {vin} recomputed": "已重新计算车辆{vin}",
    "registry rows checked": "登记表已校验", "vehicle {vin}": "车辆{vin}", "vehicle {vin} judged": "已评判车辆{vin}",
    "day statistics rebuilt for {done} of {total} vehicles": "已重建日统计：{done}/{total}辆车",
    "notice {number}": "通知书{number}", "demo vehicle {vin} generated": "已生成演示车辆{vin}",
    # reasons stored by the services
    "scoring run {run} ({start} to {end}): {codes}": "第{run}次评分（{start}至{end}）：{codes}",
    "scoring run {run}": "第{run}次评分", "replaced by {kind} entry {entry}": "被{kind}条目{entry}取代",
    "review date {date} passed": "已过复核日期{date}", "registry import {file}": "导入登记表{file}",
    "first-run admin set-up": "首次启动时设置管理员", "shipped default rule set stored on first use": "首次使用时保存随附的默认规则",
    "scoring with an edited rule set": "用修改后的规则评分",
    "state when the history began to cover it (revision 0008)": "审计记录开始覆盖时的状态（版本0008）",
    "the active rule set when the history began to cover it (revision 0008)": "审计记录开始覆盖时的当前规则版本（版本0008）",
    # audit fields
    "entry number": "条目编号", "vehicle number (internal)": "车辆内部编号", "list": "名单", "status": "状态",
    "reasons": "原因", "effective from": "生效日期", "review date": "复核日期", "ended on": "终止日期",
    "proposed by": "提议人", "decided by": "决定人", "reason for the decision": "决定理由",
    "removal proposed by": "移出提议人", "reason for the removal": "移出理由", "rectification record": "整改记录",
    "version": "版本", "evidence fingerprint": "证据指纹", "user name": "用户名", "name": "名称", "role": "角色",
    "account enabled": "账号启用", "created at": "创建时间", "password": "密码", "password fingerprint": "密码指纹",
    "deadline": "整改期限", "rule set version": "规则版本", "file": "文件",
    "file fingerprint (SHA-256)": "文件指纹（SHA-256）", "sheet": "工作表", "imported at": "导入时间",
    "imported by": "导入人", "rows read": "读取行数", "rows imported": "导入行数", "first record": "最早记录",
    "last record": "最晚记录", "rows removed": "删除行数", "vehicles": "车辆", "days recomputed": "重新计算的天数",
    "days left without data": "不再有数据的天数", "batches holding the same records": "含相同记录的批次",
    "bureau code": "单位代码", "address": "地址", "telephone": "电话", "contact person": "联系人",
    "administrative reconsideration body": "行政复议机关", "court": "人民法院", "notice number pattern": "通知书编号格式",
    "days to rectify": "整改天数", "days until the re-check": "复查间隔天数", "two-person rule": "双人审核",
    "days a white entry is valid": "白名单有效天数", "days until a black or watch entry is reviewed": "黑名单或重点关注复核间隔天数",
    "clean days needed before a black removal": "移出黑名单前需达标天数", "legal text versions": "法律文本版本",
    # audit details and page
    "changed": "已修改", "value": "值", "{0} (vehicle {1})": "{0}（车辆{1}）", "{0}: {1} {2}, {3}.": "{0}：{1}{2}，{3}。",
    " Reason: {0}": "原因：{0}", "Record": "对象", "Vehicle": "车辆",
    "{0} other field(s) unchanged.": "其余{0}项未变。", "Action code {0}, record {1}; SHA-256 {2}": "操作代码{0}，对象{1}；SHA-256 {2}",
    "Double-click an event about a vehicle to open the vehicle.": "双击与车辆有关的记录可打开该车辆。",
    "This event is not about a vehicle.": "这条记录与车辆无关。",
    "Vehicle {0} is not in the database any more.": "数据库中已没有车辆{0}。",
    "Show raw data": "显示原始数据", "The event as stored and hashed into the chain (JSON), for auditors": "按原样保存并计入哈希链的记录（JSON），供审计人员查看",
    "Search by person, action, record, vehicle, reason or code": "按人员、操作、对象、车辆、原因或代码搜索",
}
