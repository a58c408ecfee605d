"""The main window's shell and its page controllers (dashboard, vehicles, imports, scoring)."""

ZH = {
    "Vehicle {0} is not in the vehicle table.": "车辆 {0} 不在车辆表中。",
    "No data yet. Import a vehicle registry and monitoring exports (File > Import monitoring records…, Ctrl+I, or "
    "drop the files on this window), or restart with --demo to try the demo fleet.":
        "尚无数据。请导入车辆登记表和监控数据导出文件（文件 > 导入监控数据…，Ctrl+I，或把文件拖到本窗口），"
        "或以 --demo 重新启动，试用演示车队。",
    "Data is imported but not yet scored: open Scoring (Ctrl+4), choose the period and press \"Score all vehicles\".":
        "数据已导入但尚未评分：打开“评分”（Ctrl+4），选择时段后点击“对全部车辆评分”。",
    "{0} list decision(s) await a second officer: open Lists (Ctrl+5).": "有 {0} 项名单决定等待第二名工作人员审核：打开“黑白名单”（Ctrl+5）。",
    "Nothing imported yet. Import the vehicle registry first (owners, engines), then the platform's monitoring exports "
    "(CSV or Excel, GBK or UTF-8) or raw terminal captures; you can also drop files on the window.":
        "尚未导入任何文件。请先导入车辆登记表（车主、发动机），再导入平台的监控数据导出文件（CSV 或 Excel，GBK 或 UTF-8）"
        "或终端原始报文；也可以把文件拖到窗口上。",
    "Select an import batch first.": "请先选择一个导入批次。",
    "Write this batch's report to an Excel workbook.": "把该批次的导入报告写入 Excel 工作簿。",
    "A registry import cannot be removed: import a corrected registry instead.": "车辆登记表的导入不能撤销：请导入更正后的登记表。",
    "User: {0}   Database: {1}": "用户：{0}   数据库：{1}",
    "Audit: {0}": "审计记录：{0}",
    "There are no user accounts yet: create them in Settings > Users first.": "尚无用户账号：请先在“设置 > 用户”中创建。",
    "Wait for the running task to finish before signing out.": "请等正在运行的任务完成后再退出登录。",
    "Signed in as {0}.": "已以 {0} 身份登录。",
    "Sign out / switch user…": "退出登录 / 切换用户…",
    "black or watch": "黑名单或重点关注",
    "#{0}: {1} to {2}, rule set {3}, {4} vehicles ({5} by {6})": "第 {0} 次：{1} 至 {2}，规则版本 {3}，{4} 辆车（{5}，{6}）",
    "No scoring yet. Choose the period (it defaults to the data stored) and press \"Score all vehicles\".":
        "尚未评分。请选择时段（默认为已存数据的时段），然后点击“对全部车辆评分”。",
    "{0} vehicles scored: black {1}, watch {2}, white {3}, no proposal {4}. Proposals go to the Lists page with "
    "\"Propose from latest scoring\"; double-click a vehicle for its evidence.":
        "共评分 {0} 辆：黑名单 {1}，重点关注 {2}，白名单 {3}，无建议 {4}。在“黑白名单”页点击“按最近评分生成建议”即可生成建议；"
        "双击车辆查看证据。",
    "Run:": "评分批次：",
    "Search VIN, plate, owner or reason": "搜索VIN、车牌号、车主或原因",
    "No vehicles yet. Import a vehicle registry (Ctrl+R) and monitoring exports (Ctrl+I), or drop the files on this "
    "window.": "尚无车辆。请导入车辆登记表（Ctrl+R）和监控数据导出文件（Ctrl+I），或把文件拖到本窗口。",
    "{0} d": "{0} 天",
    "{0} d / {1} d": "{0} 天 / {1} 天",
    "County:": "县区：",
    "Score at most:": "评分不高于：",
    "Show vehicles whose latest score is at most this value (100 shows all, including unscored).":
        "只显示最近评分不高于此值的车辆（100 显示全部，包括未评分车辆）。",
    "Details": "详情",
    "Show or hide the selected vehicle's details below the table": "显示或隐藏表格下方所选车辆的详情",
    "Remote OBD monitoring review": "重型柴油车远程排放监控审查",
    "Preparing the demo fleet (first start only)…": "正在准备演示车队（仅首次启动）…",
    "Show score and evidence": "查看评分与证据",
    "Copy VIN": "复制VIN",
    "Export stored samples…": "导出已存储的逐秒数据…",
    "Select one vehicle to export its samples.": "请只选择一辆车来导出其数据。",
    "No data stored yet.": "尚未存储任何数据。",
    "Export stored samples": "导出已存储的逐秒数据",
    "Excel workbook (*.xlsx);;CSV (*.csv)": "Excel 工作簿 (*.xlsx);;CSV (*.csv)",
    "Exporting the samples of {0}": "正在导出 {0} 的数据",
    "Show vehicle and evidence": "查看车辆与证据",
    "Select one vehicle.": "请只选择一辆车。",
    "{0} — trial": "{0}——试算",
    "Scored with a rule set the office has not activated: the lists never propose from this run.":
        "使用本单位尚未启用的规则版本评分：名单不会根据此次评分生成建议。",
    "Trial with rule set {0}: the lists never propose from this run.": "使用规则版本 {0} 试算：名单不会根据此次评分生成建议。",
    "The active rule set is the one the office activated (Settings, Rule set). Scoring with another version is a "
    "trial: kept for comparison, never proposed from.":
        "当前规则版本是本单位启用的版本（设置，规则版本）。用其他版本评分属于试算：结果保留以供比较，但不会据此生成名单建议。",
    "Black-list entries without a notice": "尚未发出通知书的黑名单条目",
    "Issued notices": "已发出的通知书",
    "list-publication.xlsx": "名单公示.xlsx",
    "scoring-report.xlsx": "评分报告.xlsx",
    "the bureau code “{code}” already ends with “{added}”, which the notice number adds: numbers would read "
    "{example}. Enter only the code (e.g. {short})":
        "单位代码“{code}”已以“{added}”结尾，而通知书编号会自动加上“{added}”：编号将变成{example}。请只填写代码（例如{short}）",
    "{0}: {1}": "{0}：{1}",
    "({0})": "（{0}）",
    "{0} ({1})": "{0}（{1}）",
    "{0} — {1}, rule set {2}": "{0} — {1}，规则版本 {2}",
    "reference torque {0} N·m": "参考扭矩 {0} N·m",
}
