# Notices: contact details, signer, legal texts by date, publication privacy.
ZH = {
    "a notice must tell the owner whom to contact: set {keys} in the office settings first":
        "通知书须告知车主联系方式：请先在单位设置中填写{keys}",
    "notices are signed with the issuer's name: account {user} has no display name; an admin sets it "
    "(users set {user} --name ...)":
        "通知书须以签发人姓名署名：账号{user}没有填写姓名；请管理员设置（users set {user} --name ...）",
    "a display name cannot be blank": "姓名不能为空",
    "legal texts {where}: unknown key(s) {keys}; keys are: {known}": "法律文本{where}：未知的项{keys}；可用的项：{known}",
    "legal texts {where}: {keys} must not be empty": "法律文本{where}：{keys}不能为空",
    "legal texts {where}: effective_from must be a date YYYY-MM-DD, got “{value}”":
        "法律文本{where}：施行日期须为YYYY-MM-DD格式的日期，实际为“{value}”",
    "legal texts {where}: {key} is longer than {limit} characters": "法律文本{where}：{key}超过{limit}个字符",
    "legal texts {where}: rights may use only {{body}} and {{court}}":
        "法律文本{where}：权利告知中只能使用{{body}}和{{court}}",
    "no legal texts in force on {day}: the earliest version takes effect on {first}":
        "{day}没有施行中的法律文本：最早的版本自{first}起施行",
    "legal texts must be a non-empty list of versions": "法律文本须为至少包含一个版本的列表",
    "legal texts: two versions take effect on {dates}": "法律文本：有两个版本的施行日期同为{dates}",
    "the legal texts in force on {day} (version of {since}) are shipped defaults: check the article numbers against "
    "the official texts and save them as verified (dieselwatch settings legal --set FILE)":
        "{day}施行的法律文本（{since}版）为出厂默认文本：请对照官方文本核对条款号，并保存为已核对"
        "（dieselwatch settings legal --set 文件）",
    "Legal texts of the notices": "通知书法律文本",
    "A notice cites the version in force on its date. The shipped versions are defaults: check the article numbers "
    "against the official texts, correct them here and tick “Checked”. Each change is recorded in the audit history.":
        "通知书引用其签发日期施行的版本。出厂版本为默认文本：请对照官方文本核对条款号，在此修改并勾选“已核对”。"
        "每次修改都记入审计记录。",
    "Add a version": "新增版本", "Remove the selected version": "删除所选版本",
    "Administrative reconsideration body (e.g. 平阴县人民政府)": "行政复议机关（例如：平阴县人民政府）",
    "Court for administrative suits (empty: the competent court)": "行政诉讼法院（留空：有管辖权的人民法院）",
    "The person's name (signs notices):": "姓名（用于通知书署名）：", "Set name": "设置姓名",
    "Name of {0} (signs notices):": "{0}的姓名（用于通知书署名）：", "Legal texts saved.": "法律文本已保存。",
    "Legal texts of the notices…": "通知书法律文本…", "Set name…": "设置姓名…",
    "In force from (YYYY-MM-DD)": "施行日期（YYYY-MM-DD）", "Name of this version": "版本名称", "Legal basis": "法律依据",
    "Consequences: tampering": "后果：篡改", "Consequences: emissions": "后果：排放超标",
    "Consequences: OBD faults": "后果：OBD故障", "Consequences: data faults": "后果：数据问题",
    "Right of appeal ({body}, {court} are filled in)": "权利告知（自动填入{body}、{court}）", "Checked": "已核对",
    "Only an admin can change the legal texts.": "只有管理员可以修改法律文本。", "Why are they changed?": "修改原因：",
    "legal texts {where}: {keys} must be text (verified: true or false)":
        "法律文本{where}：{keys}须为文本（verified须为true或false）",
}
