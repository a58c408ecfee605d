"""Undoing an import, batch coverage and samples out (issue 12 items 5-7)."""

ZH = {
    "removing an import batch needs a reason": "撤销导入批次须填写原因",
    "batch {batch} is a vehicle registry import; only monitoring record imports can be removed":
        "批次{batch}是车辆登记表导入；只能撤销监控数据导入",
    "no vehicle with VIN {vin} in this database": "数据库中没有VIN为{vin}的车辆",
    "no samples of {vin} from {start} to {end}; its stored samples run from {first} to {last}":
        "{vin}在{start}至{end}期间没有数据；已存数据的时间范围为{first}至{last}",
    "no samples of {vin} are stored": "没有{vin}的已存数据",
    "write samples to a .xlsx or .csv file": "数据只能写入.xlsx或.csv文件",
    "already exists; choose another name or overwrite it with --force": "文件已存在；请换一个文件名，或用--force覆盖",
    "import batch removed": "撤销导入批次",
    "import batch": "导入批次",
    "Remove import batch": "撤销导入批次",
    "Remove batch {0} ({1})? Its samples are deleted from the raw store and the days they touched are recomputed "
    "from what remains; the file can then be imported again.\n\nReason (required):":
        "撤销批次{0}（{1}）？其数据将从原始数据库中删除，涉及日期的统计按剩余数据重新计算；之后可重新导入该文件。\n\n原因（必填）：",
    "Removing a batch needs a reason.": "撤销批次须填写原因。",
    "Removing batch {0}": "正在撤销批次{0}",
    "Batch {0} ({1}) removed: {2} samples of {3} vehicles; {4} vehicle-days recomputed, {5} left without data. "
    "The file can be imported again.":
        "已撤销批次{0}（{1}）：删除{3}辆车的{2}条数据；重新计算{4}个车辆日，{5}个车辆日已无数据。可重新导入该文件。",
    "These batches also delivered samples the removed batch held. Import their files again to restore them "
    "(only what is missing is stored):":
        "以下批次也包含被撤销批次中的部分数据。请重新导入这些文件以恢复数据（只保存缺少的部分）：",
    "Remove batch…": "撤销批次…",
    "Undo this import: its samples are deleted and the days they touched are recomputed; the file can then be "
    "imported again.": "撤销本次导入：删除其数据并重新计算涉及日期的统计；之后可重新导入该文件。",
    "Covers {0} to {1} (stated in the file).": "覆盖时段：{0}至{1}（文件中注明）。",
    "Covers {0} to {1} (first to last sample).": "覆盖时段：{0}至{1}（首条至末条数据）。",
    "Imported again to restore samples that went with a removed batch.": "已重新导入，恢复随被撤销批次删除的数据。",
}
