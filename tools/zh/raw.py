"""Raw terminal captures (GB 17691 / HJ 1239 frames): what was skipped and why, and refused captures."""

ZH = {
    "{n} bytes before the first frame": "第一帧之前有{n}个字节",
    "no frame start bytes (## or ~~) in {n} bytes": "{n}个字节中没有帧起始符（## 或 ~~）",
    "torn frame: cut off by the end of the data": "残帧：数据在帧内结束",
    "frame shorter than its length field says ({length} data bytes): torn or cut off":
        "帧比其长度字段（{length}个数据字节）短：残帧或被截断",
    "check byte does not match (torn or garbled frame)": "校验码不符（残帧或乱码帧）",
    "{n} bytes after the last frame": "最后一帧之后有{n}个字节",
    "{n} garbled bytes between frames": "帧之间有{n}个乱码字节",
    "GB/T 32960 electric-vehicle frame (not a diesel terminal's message): refused":
        "GB/T 32960 电动汽车报文（不是柴油车终端报文）：拒绝导入",
    "unknown command 0x{cmd}": "未知命令 0x{cmd}",
    "local dialect real-time layout (bodies without their own time, or types 0x80-0x82): not decoded":
        "地方或早期平台的实时信息格式（信息体不带各自的采集时间，或类型为0x80-0x82）：未解析",
    "unknown real-time layout: not decoded": "无法识别的实时信息格式：未解析",
    "info type 0x{type} ({name}) is counted but not decoded: rest of the frame skipped":
        "信息类型 0x{type}（{name}）已计数但未解析：跳过该帧其余部分",
    "info type 0x{type} unknown or cut off: rest of the frame skipped": "信息类型 0x{type} 未知或不完整：跳过该帧其余部分",
    "data-stream body with an invalid time: skipped": "数据流信息体的采集时间无效：已跳过",
    "is a GB/T 32960 electric-vehicle capture ({n} frames), not GB 17691 / HJ 1239 diesel monitoring data: refused":
        "是 GB/T 32960 电动汽车报文（{n}帧），不是 GB 17691 / HJ 1239 柴油车监控数据：拒绝导入",
    "holds no decodable GB 17691 / HJ 1239 data frame ({read} frames read, {skipped} skipped, {enc} encrypted){why}":
        "没有可解析的 GB 17691 / HJ 1239 数据帧（读取{read}帧，跳过{skipped}帧，加密{enc}帧）{why}",
    "Exports and terminal captures (*.csv *.txt *.xlsx *.xls *.log *.bin *.hex);;All files (*)":
        "导出文件和终端报文（*.csv *.txt *.xlsx *.xls *.log *.bin *.hex）;;所有文件 (*)",
    "frames: {0} read, {1} skipped, {2} encrypted": "报文帧：读取{0}帧，跳过{1}帧，加密{2}帧",
    "line {0}, byte {1}": "第{0}行第{1}字节",
    "row {0}, byte {1}": "第{0}行第{1}字节",
    "byte {0}": "第{0}字节",
}
