"""Raw store ownership, the shared raw folder of an office, and the list rules the database enforces."""

ZH = {
    "unreadable marker {file}": "无法读取的归属标记文件{file}",
    "the raw sample store {store} holds samples of another database (it has no owner mark, and this database {this} "
    "names none of its files): open it with the database it belongs to, or give this database its own raw folder "
    "with --raw":
        "原始数据存储{store}中保存的是另一个数据库的数据（没有归属标记，当前数据库{this}也未登记其中任何文件）："
        "请用它所属的数据库打开，或用 --raw 为当前数据库指定单独的原始数据文件夹",
    "the raw sample store {store} belongs to the database {owner} (id {owner_id}), not to this database {this} "
    "(id {this_id}): nothing is written to, read from or removed from it. Open it with its own database, or give "
    "this database its own raw folder with --raw":
        "原始数据存储{store}属于数据库{owner}（标识{owner_id}），不属于当前数据库{this}（标识{this_id}）："
        "不会向其写入、从中读取或删除任何内容。请用它所属的数据库打开，或用 --raw 为当前数据库指定单独的原始数据文件夹",
    "the raw sample file {path} that the database names is not in this raw store: every workstation of an office "
    "must use the same raw folder (--raw, or Settings → This workstation)":
        "数据库登记的原始数据文件{path}不在本机的原始数据存储中：同一单位的所有工作站必须使用同一个原始数据文件夹"
        "（--raw，或“设置 → 本机”）",
    "another entry of the vehicle of entry {entry} became active at the same moment (another workstation decided "
    "it): reload the vehicle's entries and decide again":
        "条目{entry}所属车辆的另一条名单条目在同一时刻生效（另一工作站作出了决定）：请重新加载该车辆的条目后再作决定",
    "another workstation kept proposing the same entries: try again": "另一工作站正在提出相同的条目：请重试",
    "Raw sample folder:": "原始数据文件夹：",
    "empty: raw/ in the data folder; an office sharing one database: the same network folder on every workstation":
        "留空：使用数据文件夹中的 raw/；多个工作站共用一个数据库时：每台工作站填写同一个网络文件夹",
    "In use: {0}": "当前使用：{0}",
}
