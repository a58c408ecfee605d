"""The settings page (rule sets, accounts), the first-run set-up, and the rule-set editor's labels, units and help
(resources/rules/meta.json, context RuleMeta)."""

ZH = {
    # core messages
    "“{key}” must lie between {min} and {max}, got {value}": "“{key}”应在{min}至{max}之间，当前为{value}",
    "“{key}” must be a whole number, got {value}": "“{key}”应为整数，当前为{value}",
    "“{low}” ({a}) must not exceed “{high}” ({b})": "“{low}”（{a}）不得大于“{high}”（{b}）",
    "say why the rule set is activated (a reason is required)": "请说明启用该规则版本的原因（必填）",
    "rule set {version} is already the active one": "规则版本{version}已是当前启用的版本",
    "scoring run {run} is a trial with rule set {version}, which the office has not activated: activate it and score "
    "again to propose from it":
        "评分批次{run}是使用未启用的规则版本{version}的试算：须先启用该版本并重新评分，才能据此生成名单建议",
    # accounts
    "e.g. 王磊": "例如：王磊", "User name (to sign in):": "用户名（用于登录）：", "Enter a user name.": "请填写用户名。",
    "Set password of {0}": "设置{0}的密码", "New password (at least 8 characters):": "新密码（至少8个字符）：",
    "Repeat the password:": "再次输入密码：", "Only an admin can change accounts.": "仅管理员可修改账号。",
    "Choose an account in the table first.": "请先在表格中选择一个账号。", "Enable…": "启用…", "Disable…": "停用…",
    "Sign in first.": "请先登录。", "Disable account": "停用账号",
    "Disable the account {0}? They can no longer sign in; their past decisions stay in the history.":
        "确定停用账号{0}？停用后该账号无法登录，其以往的审批记录仍保留在审计记录中。",
    "Account {0} disabled.": "账号{0}已停用。", "Account {0} enabled.": "账号{0}已启用。",
    # rule sets on the settings page
    "Save rule set {0}": "保存规则版本{0}",
    "{0} value(s) differ from the active rule set {1}. The new version is stored but not active: an admin activates "
    "it.": "与当前启用的规则版本{1}相比，有{0}项参数不同。新版本保存后不会立即启用，须由管理员启用。",
    "No value differs from the active rule set {0}.": "与当前启用的规则版本{0}相比，没有参数改动。",
    "Setting": "参数", "Active {0}": "启用中 {0}", "New {0}": "新版本 {0}",
    "Try the edited rule set": "试算修改后的规则",
    "A trial scores the period with the values shown, without saving or activating them. Its run is kept marked as a "
    "trial; lists never propose from it.":
        "试算按当前显示的参数对所选期间评分，不保存也不启用这些参数。试算结果单独标记为试算，不会据此生成名单建议。",
    ":": "：", "Version": "版本", "Saved": "保存时间", "State": "状态",
    "Only an admin can change this.": "仅管理员可修改。", "active: scoring uses it": "启用中：评分使用此版本",
    "stored, not active": "已保存，未启用", "Storing a rule set needs the supervisor role.": "保存规则版本需要审核人角色。",
    "Scoring uses the active rule set {0}. Edit a copy below: “Try on a period” scores with it without saving "
    "anything; “Save as a new version” stores it (supervisor) without changing what scoring uses; an admin then "
    "activates it. Point at a value for its help.":
        "评分使用当前启用的规则版本{0}。可在下方修改副本：“按期间试算”用修改后的参数评分，不保存任何内容；"
        "“另存为新版本”保存修改（审核人），但不改变评分所用的规则；之后由管理员启用。鼠标指向参数可查看说明。",
    "Only an admin can activate a rule set.": "仅管理员可启用规则版本。",
    "This version is already the active one.": "此版本已是当前启用的版本。",
    "Editing a copy of rule set {0}.": "正在修改规则版本{0}的副本。",
    "Give the edited rule set a new version.": "请为修改后的规则填写新的版本号。",
    "Rule set {0} stored (not active: an admin activates it).": "规则版本{0}已保存（未启用，须由管理员启用）。",
    "Activate rule set {0}": "启用规则版本{0}",
    "From now on every scoring uses rule set {0} instead of {1}, and the next run re-applies it to the raw samples. "
    "Why is it activated?": "此后所有评分将使用规则版本{0}（替代{1}），下次评分时按新规则重新计算原始数据。启用原因：",
    "Activating a rule set needs a reason.": "启用规则版本须填写原因。", "Rule set {0} is now active.": "规则版本{0}已启用。",
    "Trying rule set {0}": "正在试算规则版本{0}",
    "Trial of rule set {0}, {1} to {2}: black {3}, watch {4}, white {5}, none {6}.":
        "规则版本{0}试算（{1}至{2}）：黑名单{3}，重点关注{4}，白名单{5}，无建议{6}。",
    "The office's latest run ({0}, rule set {1}): black {2}, watch {3}, white {4}, none {5}.":
        "本单位最近一次正式评分（批次{0}，规则版本{1}）：黑名单{2}，重点关注{3}，白名单{4}，无建议{5}。",
    "Nothing was saved or activated. The trial is kept as run {0}, marked as a trial; lists never propose from it.":
        "未保存也未启用任何规则。试算结果保存为批次{0}并标记为试算，不会据此生成名单建议。",
    "Trial run": "试算", "Trial run {0} with rule set {1} done.": "规则版本{1}试算完成（批次{0}）。",
    "Edit a copy of this version": "修改此版本的副本", "Activate this version…": "启用此版本…",
    "Undo changes": "撤销修改", "Try on a period…": "按期间试算…",
    # first-run set-up
    "A new database. Name the bureau that issues the notices, say whom owners contact, and create the first "
    "administrator account. Further accounts are added in Settings → Accounts.":
        "这是一个新数据库。请填写签发通知书的单位及车主联系方式，并创建第一个管理员账号。其他账号可在“设置 → 账号”中添加。",
    "The bureau (printed on every notice)": "单位信息（印在每份通知书上）", "Contact person:": "联系人：",
    "whom owners call, e.g. 机动车排放监管科 王磊": "车主联系的人员，例如：机动车排放监管科 王磊", "Phone:": "联系电话：",
    "e.g. 0531-87881234": "例如：0531-87881234", "Address:": "地址：",
    "where owners bring their documents": "车主递交材料的地址",
    "Notices need the contact person, phone and address; you can also fill them in later in Settings.":
        "签发通知书须有联系人、电话和地址；也可以稍后在“设置”中填写。",
    "The first administrator": "第一个管理员", "Full name:": "姓名：", "signs notices, e.g. 陈建国": "用于通知书署名，例如：陈建国",
    "Load the demo fleet to try things out (14 trucks, 5 days)": "载入演示车队试用（14辆车，5天数据）",
    "at least 8 characters": "至少8个字符",
    # rule-set editor: sections
    "Valid operation": "有效工况",
    "A sample counts as valid operation only when all of these hold; the NOx and SCR checks use valid samples only.":
        "同时满足以下各项的数据才算有效工况；NOx与SCR判定只使用有效工况数据。",
    "NOx exceedance": "NOx超标",
    "Downstream NOx against the office's screening threshold (not a legal limit).":
        "下游NOx与本单位筛查阈值比较（筛查阈值不是法定限值）。",
    "Work-based windows (GB 17691 Annex K)": "功基窗口法（GB 17691附录K）",
    "Brake-specific NOx over windows of the engine's WHTC reference work.": "按发动机WHTC循环功划分窗口计算比排放NOx。",
    "SCR conversion": "SCR转化效率",
    "Conversion efficiency 1 - downstream/upstream NOx over hot valid samples.": "转化效率 = 1 − 下游NOx / 上游NOx（热机有效工况）。",
    "Tampering signatures": "作弊特征", "Patterns of a disabled, emulated or starved after-treatment.":
        "后处理被停用、模拟或尿素不足的特征。",
    "Data gaps and coverage": "数据缺失与覆盖",
    "Silence, gaps and missing fields, and how much data a judgement needs.": "离线、数据中断和字段缺失，以及判定所需的数据量。",
    "OBD faults": "OBD故障", "The malfunction indicator with trouble codes.": "故障指示灯与故障码。",
    "Comparison with similar engines": "同型发动机比较", "Vehicles judged against engines of the same model.":
        "与同型号发动机的车辆比较判定。",
    "Score weights": "评分扣分", "Points taken from 100 per reason category.": "每类原因从100分中扣除的分数。",
    # units
    "rpm": "转/分", "°C": "°C", "%": "%", "s": "秒", "min": "分钟", "ppm": "ppm", "share": "比例", "days": "天",
    "mg/kWh": "mg/kWh", "×": "倍", "windows": "个窗口", "kW": "kW", "samples": "条", "L": "升", "changes": "次",
    "km": "公里", "h": "小时", "0 or 1": "0或1", "vehicles": "辆", "means": "个", "points": "分",
    # keys: validity
    "Minimum engine speed": "最低发动机转速",
    "Below this engine speed the engine is idling or off; such samples are not judged.": "低于此转速视为怠速或熄火，不参与判定。",
    "Minimum coolant temperature": "最低冷却液温度",
    "A cold engine is not judged: the SCR cannot work yet.": "冷机状态不参与判定：SCR尚不能正常工作。",
    "Minimum SCR inlet temperature": "最低SCR入口温度",
    "Below this the catalyst cannot convert NOx; such samples are not judged.": "低于此温度催化器无法转化NOx，不参与判定。",
    "Torque above friction torque": "实际扭矩高于摩擦扭矩",
    "Actual torque must exceed friction torque by this many percentage points (the engine is pulling, not coasting).":
        "实际扭矩须比摩擦扭矩高出此百分点（发动机在做功，而非滑行）。",
    # exceedance
    "Smoothing window": "平滑窗口",
    "Downstream NOx is averaged over this centred window of valid samples before it is compared with the threshold.":
        "下游NOx先按此长度的居中窗口对有效数据取平均，再与阈值比较。",
    "Screening threshold": "筛查阈值",
    "The office's screening threshold for smoothed downstream NOx; no regulation sets a tailpipe ppm limit for remote "
    "data.": "本单位对平滑后下游NOx设定的筛查阈值；现行法规未对远程监控数据规定尾管ppm限值。",
    "Minutes above the threshold for an exceedance day": "超标日最少超标分钟数",
    "A day counts as an exceedance day with at least this many minutes above the threshold.": "当日超过阈值的时间达到此分钟数即为超标日。",
    "Exceedance share for black": "列入黑名单的超标比例",
    "Black when at least this share of the valid samples is above the threshold (together with the exceedance days "
    "below).": "有效数据中超过阈值的比例达到此值（并满足下方超标天数）时列入黑名单建议。",
    "Exceedance days for black": "列入黑名单的超标天数", "Black needs at least this many exceedance days in the period.":
        "期间内超标日达到此天数才列入黑名单建议。",
    # work windows
    "WHTC NOx limit": "WHTC NOx限值",
    "The China VI WHTC NOx limit that conformity factors are computed against (460).": "计算符合性因子所用的国六WHTC NOx限值（460）。",
    "Conformity factor limit": "符合性因子限值",
    "The chosen percentile of the windows' conformity factors must not exceed this (1.5).": "各窗口符合性因子的所选百分位数不得超过此值（1.5）。",
    "Conformity factor percentile": "符合性因子百分位",
    "Which percentile of the valid windows' conformity factors is compared with the limit (90 %).": "用有效窗口符合性因子的哪一百分位数与限值比较（90%）。",
    "Power threshold at start": "初始功率阈值",
    "A window is valid when its average power reaches this share of the rated power.": "窗口平均功率达到额定功率的此比例时为有效窗口。",
    "Power threshold step": "功率阈值步长",
    "When too few windows are valid the threshold is lowered by this step.": "有效窗口过少时，功率阈值按此步长降低。",
    "Lowest power threshold": "最低功率阈值",
    "The threshold is never lowered below this share of the rated power.": "功率阈值不低于额定功率的此比例。",
    "Share of valid windows needed": "有效窗口所需比例",
    "Below this share of valid windows the power threshold is lowered.": "有效窗口比例低于此值时降低功率阈值。",
    "Valid windows needed": "所需有效窗口数",
    "A brake-specific judgement needs at least this many valid windows.": "比排放判定至少需要此数量的有效窗口。",
    "Fallback window length": "备用窗口时长",
    "Without rated power or WHTC work, fixed time windows of this length are used instead (they give a watch, never "
    "black).": "缺少额定功率或WHTC循环功时，改用此时长的固定时间窗口（只给出重点关注，不列入黑名单）。",
    "Fallback minimum average power": "备用窗口最低平均功率",
    "A fallback window is valid when its average power reaches this (an office choice, not from the standard).":
        "备用窗口平均功率达到此值时有效（由本单位设定，非标准规定）。",
    "Fallback windows needed": "所需备用窗口数",
    "A fallback judgement needs at least this many valid windows.": "备用窗口判定至少需要此数量的有效窗口。",
    # scr
    "SCR efficiency for black": "列入黑名单的SCR效率",
    "Below this conversion efficiency the vehicle is proposed for the black list.": "转化效率低于此值时建议列入黑名单。",
    "SCR efficiency for watch": "列入重点关注的SCR效率",
    "Below this conversion efficiency the vehicle is watched; a working China VI SCR converts well above 80 %.":
        "转化效率低于此值时列为重点关注；正常工作的国六SCR转化效率远高于80%。",
    "Low efficiency of one sample": "单条数据低效率",
    "A single sample converting less than this counts as a low-efficiency sample.": "单条数据转化效率低于此值即计为低效率数据。",
    "Hot samples needed": "所需热机数据条数",
    "The SCR efficiency is judged only with at least this many hot valid samples.": "热机有效数据达到此条数才判定SCR效率。",
    # tamper
    "Downstream above upstream by": "下游高于上游的幅度",
    "A sample where downstream NOx exceeds upstream by more than this margin is implausible.": "下游NOx高出上游超过此幅度的数据不合理。",
    "Share of downstream above upstream": "下游高于上游的比例",
    "Tampering is suspected when at least this share of the hot samples has downstream above upstream.":
        "热机数据中下游高于上游的比例达到此值时怀疑作弊。",
    "Downstream NOx counted as zero": "视为零的下游NOx", "Downstream readings at or below this count as zero.": "下游读数不高于此值时视为零。",
    "Share of zero downstream": "下游为零的比例",
    "A downstream sensor reading zero in at least this share of hot samples is suspect.": "热机数据中下游读数为零的比例达到此值时可疑。",
    "Constant downstream for": "下游读数不变的时长",
    "Downstream NOx unchanged for this long while the engine works is stuck or substituted.": "发动机工作时下游NOx保持不变达到此时长，视为卡滞或被替换。",
    "Share of repeated downstream values": "下游重复值比例",
    "A downstream trace repeating the same few values in at least this share of samples is suspect.":
        "下游读数在此比例以上的数据中重复少数几个数值时可疑。",
    "Samples needed for the repeat check": "重复值检查所需数据条数",
    "The repeat check needs at least this many valid downstream samples.": "重复值检查至少需要此条数的有效下游数据。",
    "Reagent level counted as empty": "视为空罐的尿素液位",
    "A reagent tank level at or below this (percent of the tank) counts as empty.": "尿素箱液位（占箱容百分比）不高于此值时视为空罐。",
    "Share of empty reagent": "尿素空罐比例",
    "Driving with an empty reagent tank in at least this share of samples is tampering.": "尿素空罐行驶的数据比例达到此值即视为作弊。",
    "Fuel for the reagent check": "尿素检查所需油耗",
    "The reagent level is expected to fall once at least this much fuel was burnt.": "消耗此数量燃油后尿素液位应有下降。",
    "Minimum reagent drop": "尿素液位最小降幅",
    "A reagent level that falls less than this (percent of the tank) over that fuel is static.":
        "消耗上述燃油后尿素液位降幅（占箱容百分比）小于此值，视为液位不变。",
    "High load torque": "高负荷扭矩",
    "Torque (percent of reference) from which the engine counts as under high load.": "扭矩（占参考扭矩百分比）达到此值即视为高负荷。",
    "SCR cold under high load below": "高负荷下SCR低温阈值",
    "An SCR inlet colder than this under long high load points to a bypassed sensor.": "长时间高负荷下SCR入口温度低于此值，提示传感器被旁路。",
    "Cold SCR under high load for": "高负荷下SCR低温时长",
    "How long the SCR must stay cold under high load to be suspect.": "高负荷下SCR保持低温达到此时长即为可疑。",
    "Calibration changes allowed": "允许的标定变更次数",
    "More CALID/CVN changes than this in the period point to re-flashed engine software.": "期间内CALID/CVN变更超过此次数，提示发动机软件被刷写。",
    # data
    "Shortest data gap": "最短数据中断",
    "A jump in time inside a trip of at least this long is a data gap.": "行程内时间跳变达到此时长即为数据中断。",
    "Trip break": "行程间隔", "A pause this long or longer ends a trip (not a gap).": "停顿达到此时长即结束一个行程（不计为中断）。",
    "Position jump factor": "位置跳变倍数",
    "A position that moves more than this times the distance the speed allows is a jump.": "位置移动超过车速允许距离的此倍数即为跳变。",
    "Position jump margin": "位置跳变余量",
    "Added to the allowed distance before a position counts as a jump.": "判断位置跳变前加到允许距离上的余量。",
    "Online rate for white": "列入白名单的上线率",
    "White needs at least this online rate (days with data / days with data or driven unreported).":
        "列入白名单须达到此上线率（有数据天数 / 有数据或行驶未上报的天数）。",
    "Completeness for white": "列入白名单的数据完整率", "White needs at least this share of the expected samples.":
        "列入白名单须达到应有数据量的此比例。",
    "Missing key field for watch": "关键字段缺失（重点关注）",
    "A key field missing in at least this share of samples gives a watch.": "关键字段缺失的数据比例达到此值时列为重点关注。",
    "Days driven unreported for black": "行驶未上报天数（黑名单）",
    "Black when the vehicle drove without reporting on at least this many days.": "车辆行驶但未上报数据的天数达到此值时列入黑名单建议。",
    "Days driven unreported for watch": "行驶未上报天数（重点关注）",
    "Watch when the vehicle drove without reporting on at least this many days.": "车辆行驶但未上报数据的天数达到此值时列为重点关注。",
    "Running hours needed": "所需运行小时数",
    "Below this many running hours in the period nothing is judged.": "期间内运行小时数低于此值时不作判定。",
    "Days with data needed": "所需有数据天数", "Below this many days with data nothing is judged.": "有数据天数低于此值时不作判定。",
    "Too little data gives a watch": "数据不足时列为重点关注",
    "1: a vehicle with too little data is watched; 0: it gets no proposal.": "1：数据不足的车辆列为重点关注；0：不给出建议。",
    "Parked if it moved at most": "视为停放的最大移动距离",
    "A silence across which the odometer or position moved at most this far was parked, not driven unreported.":
        "离线前后里程或位置变化不超过此距离时视为停放，而非行驶未上报。",
    "Days with data for white": "列入白名单的有数据天数", "White needs at least this many days with data.": "列入白名单至少需要此天数的数据。",
    "Valid hours for white": "列入白名单的有效工况小时数",
    "White needs at least this many hours of valid operation.": "列入白名单至少需要此小时数的有效工况。",
    "Valid windows for white": "列入白名单的有效窗口数",
    "White needs at least this many valid brake-specific windows.": "列入白名单至少需要此数量的有效比排放窗口。",
    "Invalid position fixes for watch": "定位无效（重点关注）",
    "Invalid GNSS fixes in at least this share of samples give a watch.": "定位无效的数据比例达到此值时列为重点关注。",
    # obd
    "Persistent malfunction indicator": "故障灯持续点亮",
    "MIL on with trouble codes in at least this share of records is a defect to repair (watch, never black on its "
    "own).": "故障灯点亮且有故障码的记录比例达到此值，视为须维修的故障（列为重点关注，不单独列入黑名单）。",
    # peer
    "Smallest comparison group": "最小比较组",
    "An engine model with fewer vehicles with enough data is compared with the whole fleet.": "数据充足的同型车辆少于此数时，与全部车辆比较。",
    "Low percentile of the group": "组内低百分位", "A vehicle below this percentile of its group counts as low.": "低于组内此百分位的车辆视为偏低。",
    "High percentile of the group": "组内高百分位", "A vehicle above this percentile of its group counts as high.": "高于组内此百分位的车辆视为偏高。",
    "Fuel needed for the comparison": "比较所需油耗",
    "Reagent use is compared only with at least this much fuel burnt.": "消耗燃油达到此数量才比较尿素消耗。",
    "Reagent use against the group median": "尿素消耗与组内中位数之比",
    "Reagent use below this share of the group median (and below the low percentile) is too little dosing.":
        "尿素消耗低于组内中位数的此比例（且低于低百分位）视为喷射不足。",
    "10-second means needed": "所需10秒均值个数",
    "The emulator check needs at least this many 10 s means of hot valid operation.": "模拟器检查至少需要此数量的热机有效工况10秒均值。",
    "Highest correlation of an emulated sensor": "模拟传感器的最高相关系数",
    "A downstream trace correlating less than this with upstream NOx and with load looks emulated.":
        "下游读数与上游NOx及负荷的相关系数均低于此值时疑似模拟信号。",
    "Highest mean of an emulated trace": "模拟信号的最高均值",
    "An emulated trace stays plausible: its mean is at most this.": "模拟信号通常看似合理：其均值不超过此值。",
    "Platform offset: lowest hot downstream": "平台偏移：热机下游最低值",
    "When every vehicle of one source never reads below this hot and loaded, the platform omits the -200 ppm offset.":
        "同一数据来源的所有车辆在热机带载时读数均不低于此值，说明平台未减去−200 ppm偏移量。",
    "Platform offset: vehicles needed": "平台偏移：所需车辆数",
    "The offset check needs at least this many vehicles from one source.": "偏移检查至少需要同一来源的此数量车辆。",
    # weights
    "Points for an emission reason": "排放原因扣分", "Points taken from 100 for the worst emission reason.": "最严重的排放原因从100分中扣除的分数。",
    "Points for a tampering reason": "作弊原因扣分", "Points taken from 100 for the worst tampering reason.": "最严重的作弊原因从100分中扣除的分数。",
    "Points for a data reason": "数据原因扣分", "Points taken from 100 for the worst data reason.": "最严重的数据原因从100分中扣除的分数。",
    "Points for an OBD reason": "OBD原因扣分", "Points taken from 100 for the worst OBD reason.": "最严重的OBD原因从100分中扣除的分数。",
    # new on the pages of this slice
    "needed on every notice": "每份通知书都需要", "shipped with the program": "程序自带",
    # texts these pages and dialogs share with others, with the full-width punctuation Chinese documents use
    "Role:": "角色：", "Why is the rule set changed?": "修改规则的原因：", "Bureau name:": "单位名称：",
    "e.g. 济南市生态环境局平阴分局": "例如：济南市生态环境局平阴分局", "Bureau code:": "单位代码：",
    "used in notice numbers, e.g. 鲁济平": "用于通知书编号，例如：鲁济平", "User name:": "用户名：", "Password:": "密码：",
    "Repeat:": "再次输入：", "Wrong user name or password, or the account is disabled.": "用户名或密码错误，或账号已停用。",
    "Current password:": "当前密码：", "From:": "从：", "To:": "至：",
    "Bureau code (in notice numbers)": "单位代码（用于通知书编号）", "Rectification deadline (days)": "整改期限（天）",
    "Re-check within (days)": "复查期限（天）", "White entry valid for (days)": "白名单有效期（天）",
    "Black and watch review after (days)": "黑名单与重点关注复核周期（天）", "Connected: {0}": "连接成功：{0}",
    "Saved for this workstation; applies at the next start.": "已保存到本机，下次启动生效。", "Role of {0}:": "{0}的角色：",
    "Shared by every workstation on this database. Only an admin can change them; each change is recorded in the "
    "audit history.": "连接同一数据库的所有工作站共用这些设置。仅管理员可修改，每次修改都记入审计记录。",
    "New version:": "新版本号：", "Database:": "数据库：", "Language:": "语言：", "Save (applies at the next start)": "保存（下次启动生效）",
    # audit actions of rule sets
    "rule set version stored (not active)": "保存规则版本（未启用）", "rule set activated": "启用规则版本",
}
