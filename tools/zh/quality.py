"""Messages of the code-quality round (issue 15, structure)."""

ZH = {
    "no vehicle with id {id} in this database (removed?)": "数据库中没有编号为{id}的车辆（可能已被删除）",
}
