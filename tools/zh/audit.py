"""Simplified Chinese for the audit that covers the state, the recorded heads and sign-in rules (issue 14)."""

ZH = {
    "user": "账号",
    "settings section": "设置类别",
    "event {seq} found {entity} {id} with {field} = {found}, but the history had {audited}: it was changed outside "
    "DieselWatch before that event":
        "第{seq}条记录发现{entity}{id}的{field}为{found}，而审计记录中为{audited}：此前有人绕过本程序修改了它",
    "the history is empty but the database holds {entries} list entries, {users} users and {notices} notices":
        "审计记录为空，但数据库中有{entries}条名单条目、{users}个账号和{notices}份通知书",
    "{entity} {id} is in the table but not in the history": "{entity}{id}在数据表中存在，但审计记录中没有",
    "{entity} {id} is in the history but not in the table": "{entity}{id}在审计记录中存在，但数据表中没有",
    "{entity} {id}: {field} is {table} in the table but {audited} in the history":
        "{entity}{id}：{field}在数据表中为{table}，在审计记录中为{audited}",
    "the active rule set is {table} in the table but {audited} in the history":
        "数据表中当前规则版本为{table}，审计记录中为{audited}",
    "notice {number} was issued at history event {seq} ({hash}), which the history does not hold":
        "通知书{number}签发时的审计链头为第{seq}条（{hash}），但审计记录中已没有该记录",
    "this workstation": "本机",
    "the append-only guard(s) {guards} were replaced by triggers that do something else":
        "只允许追加的保护触发器{guards}已被替换为其他内容",
    "events after {n} are gone: {source} recorded the head at event {anchor}":
        "第{n}条之后的记录已丢失：{source}记下的链头为第{anchor}条",
    "event {seq} differs from the one {source} recorded ({hash})": "第{seq}条记录与{source}记下的不同（{hash}）",
    "the tables differ from the history: {first}{more}": "数据表与审计记录不一致：{first}{more}",
    " (and {n} more differences)": "（另有{n}处不一致）",
    "a head is written SEQ:HASH, as printed on notices (e.g. 42:1a2b3c4d5e6f), got “{text}”":
        "链头应写作“序号:哈希”，与通知书上印的一致（例如42:1a2b3c4d5e6f），收到的是“{text}”",
    "the head {head} given to check": "所给的链头{head}",
    "the password must not be blank or only spaces": "密码不能为空，也不能只有空格",
    "shipped rule set stored": "保存内置规则",
    "state recorded when the history began to cover it": "审计开始覆盖时记录的现状",
}
