"""Chinese for the judgement texts of issue 13 (coverage, Annex K windows, peer comparison)."""

ZH = {
    # reason short names
    "NOx above screening threshold": "NOx超筛查阈值占比",
    "days above screening threshold": "超筛查阈值天数",
    "brake-specific NOx (Annex K windows)": "比排放NOx（附录K功基窗口）",
    "brake-specific NOx (fixed time windows)": "比排放NOx（固定时间窗口）",
    "too few valid work windows": "有效功基窗口不足",
    "engine data missing": "缺少发动机参数",
    "downstream NOx emulated": "下游NOx疑被模拟",
    "reagent use far below peers": "尿素消耗远低于同类车",
    "days not covered": "数据未覆盖的天数",
    "data source offset": "数据来源偏移",
    "not enough evidence for white": "白名单证据不足",
    # vehicle detail
    "Share above screening threshold": "超筛查阈值占比",
    "Parked / not covered": "停驶／未覆盖",
    # rule sets, registry
    "{source}: the work-window power threshold must fall from power_share_start to power_share_min in at most {n} steps":
        "{source}：功基窗口功率阈值须从power_share_start降至power_share_min，且不超过{n}步",
    "{source}: “{key}” must lie between 0 and 1": "{source}：“{key}”须在0与1之间",
    "rated power must be a number of kW (20-1500)": "额定功率须为以kW计的数值（20-1500）",
    "WHTC work must be a number of kWh (1-200)": "WHTC循环功须为以kWh计的数值（1-200）",
    # scoring run warnings
    "The period {start} to {end} reaches outside what the imported exports cover ({spans}): {n} of its {days} days are not judged for any vehicle.":
        "评价期{start}至{end}超出已导入数据的覆盖范围（{spans}）：其{days}天中有{n}天对任何车辆都不作判定。",
    "nothing": "无",
    "{n} vehicle(s) appear in no export covering the period: not judged ({vins}).":
        "{n}辆车不在覆盖该期间的任何导出数据中，不作判定（{vins}）。",
    "Data source {source}: all {n} vehicles read at least {min} ppm downstream NOx when hot and loaded; the platform seems to omit the -200 ppm offset. Their NOx figures are not judged.":
        "数据来源{source}：全部{n}辆车热态负载下下游NOx均不低于{min}ppm，疑为平台未减去-200ppm偏移，这些车辆的NOx指标不作判定。",
}
