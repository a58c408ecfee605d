"""The Help menu: the user guide window and the About box (dieselwatch/gui/help.py)."""

ZH = {
    "&Help": "帮助(&H)",
    "User guide": "用户指南",
    "About DieselWatch": "关于 DieselWatch",
    "DieselWatch user guide": "DieselWatch 用户指南",
    "Find in the guide (Enter: next)": "在指南中查找（回车：下一处）",
    "Back to the guide": "返回指南",
    "set-up mode, no accounts yet": "初始设置状态，尚无账号",
    "Version": "版本",
    "Database": "数据库",
    "User": "用户",
    "{0} ({1})": "{0}（{1}）",
    "Raw sample folder": "原始数据文件夹",
    "Data folder": "数据文件夹",
    "Log file": "日志文件",
    "System": "操作系统",
    "Review of the remote OBD monitoring data of China VI heavy-duty diesel vehicles: import, scoring with "
    "evidence, black and white lists, rectification notices.":
        "国六重型柴油车远程OBD监控数据审查：数据导入、有证据的评分、黑白名单、整改通知书。",
    "DieselWatch is free software under the MIT licence. It uses Qt through PySide6 (LGPL v3) and other "
    "open-source libraries under their own licences.":
        "DieselWatch 是以 MIT 许可证发布的自由软件，通过 PySide6 使用 Qt（LGPL v3），并使用其他遵循各自许可证的开源库。",
    "The screening threshold, the rule set and the legal texts of the notices are the office’s choices: check "
    "them before notices go out.":
        "筛查阈值、评分规则和通知书的法律文本由本单位确定：签发通知书前请逐一核对。",
}
