"""What a published list may show of an owner (Personal Information Protection Law): a private person is masked
(王*, VIN shortened to its last digits), a firm is named in full. Notices to the owner are not masked.

The registry does not say whether an owner is a person or a firm, so the name decides: firms carry an
organisation word (公司, 物流, 车队, 合作社 ...); anything else is treated as a person, which errs on the side of
masking."""

from __future__ import annotations

import re

# Organisation words of Chinese firm and institution names; a name containing one is a firm.
# Single characters that also occur in given names (行, 社, 部 ...) only count inside longer words.
_FIRM = re.compile(r"公司|有限|集团|企业|工厂|厂$|车队|物流|运输|货运|客运|工程|建设|建筑|矿业|商贸|贸易|实业|"
                   r"合作社|中心|服务站|维修站|管理局|分局|医院|学院|学校|大学|研究所|事务所|门店|商店|商行|银行|"
                   r"协会|委员会|政府|办事处|经营部|营业部|"
                   r"Co\.|Ltd|Inc|Corp|LLC|Company|Group", re.IGNORECASE)
# Two-character surnames: keep both characters, mask the given name.
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                      "夏侯", "轩辕", "令狐", "钟离", "端木", "西门", "南宫", "独孤", "澹台", "公冶", "宗政", "濮阳",
                      "单于", "太叔", "申屠", "闻人", "赫连", "呼延", "万俟", "拓跋", "百里", "东郭", "第五")
VIN_SHOWN = 6


def is_firm(name: str | None) -> bool:
    return bool(name and _FIRM.search(name))


def mask_person(name: str | None) -> str:
    """王小明 -> 王*, 欧阳明 -> 欧阳*, Zhang San -> Z*; empty stays empty."""
    name = (name or "").strip()
    if not name:
        return ""
    keep = 2 if name.startswith(_COMPOUND_SURNAMES) and len(name) > 2 else 1
    return name[:keep] + "*"


def short_vin(vin: str | None) -> str:
    vin = vin or ""
    return ("*" * (len(vin) - VIN_SHOWN) + vin[-VIN_SHOWN:]) if len(vin) > VIN_SHOWN else vin


def published_owner(owner: str | None, vin: str | None) -> tuple[str, str]:
    """(owner, VIN) as a publication may print them."""
    if is_firm(owner):
        return owner or "", vin or ""
    return mask_person(owner), short_vin(vin)
