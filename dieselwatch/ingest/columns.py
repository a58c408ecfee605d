"""The canonical fields and their export-header aliases (resources/columns.csv, registry_columns.csv)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from dieselwatch.paths import resource

# "车速(km/h)", "车速（km/h）", "NOx [ppm]" -> units in brackets are not part of the name.
_BRACKETS = re.compile(r"[\(（\[【].*?[\)）\]】]")
_SPACE = re.compile(r"[\s_:：]+")


def normalise_header(text: object) -> str:
    s = "" if text is None else str(text)
    return _SPACE.sub("", _BRACKETS.sub("", s)).strip().lower()


@dataclass(frozen=True)
class Field:
    name: str
    dtype: str  # float | text | time
    unit: str = ""
    min: float | None = None
    max: float | None = None
    sentinels: tuple[float, ...] = ()
    aliases: tuple[str, ...] = ()
    description: str = ""


def _num(s: str) -> float | None:
    return float(s) if s.strip() else None


@cache
def record_fields() -> dict[str, Field]:
    out = {}
    with open(resource("columns.csv"), encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out[r["field"]] = Field(
                name=r["field"], dtype=r["dtype"], unit=r["unit"], min=_num(r["min"]), max=_num(r["max"]),
                sentinels=tuple(float(x) for x in r["sentinels"].split("|") if x),
                aliases=tuple(a for a in r["aliases"].split("|") if a), description=r["description_en"],
            )
    return out


@cache
def registry_fields() -> dict[str, Field]:
    out = {}
    with open(resource("registry_columns.csv"), encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out[r["field"]] = Field(name=r["field"], dtype=r["dtype"],
                                    aliases=tuple(a for a in r["aliases"].split("|") if a),
                                    description=r["description_en"])
    return out


def alias_index(fields: dict[str, Field]) -> dict[str, str]:
    idx = {}
    for f in fields.values():
        idx[normalise_header(f.name)] = f.name
        for a in f.aliases:
            idx[normalise_header(a)] = f.name
    return idx


IGNORE = "-"  # in a mapping profile: leave this column out


def map_headers(headers: list[str], fields: dict[str, Field], profile: dict[str, str] | None = None
                ) -> tuple[dict[int, str], list[str]]:
    """Column position -> canonical field, plus the headers nobody knows. A profile (export header ->
    field) wins over the alias table, and IGNORE there drops a column the aliases would map; the first
    column claiming a field wins over later ones."""
    idx = alias_index(fields)
    prof = {normalise_header(k): v for k, v in (profile or {}).items()}
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    claimed: set[str] = set()
    for i, h in enumerate(headers):
        key = normalise_header(h)
        name = prof.get(key) or idx.get(key)
        if name == IGNORE:
            unknown.append(str(h))
        elif name and name in fields and name not in claimed:
            mapping[i] = name
            claimed.add(name)
        elif str(h).strip():
            unknown.append(str(h))
    return mapping, unknown
