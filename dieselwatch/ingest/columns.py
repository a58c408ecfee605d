"""The canonical fields and their export-header aliases (resources/columns.csv, registry_columns.csv), and how
an export's header row is matched to them."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from dieselwatch.messages import Msg
from dieselwatch.paths import resource

# After NFKC full-width brackets are half-width; 【】 have no half-width form.
_BRACKETS = re.compile(r"[\(\[【].*?[\)\]】]")
_SPACE = re.compile(r"[\s_:：·.\-]+")
# A unit written after the name without brackets ("SCR入口温度℃", "车速/km/h"). NFKC turns ℃ into °c.
_UNIT_TAIL = re.compile(r"/?(?:°c|ppm|rpm|km/h|kg/h|l/h|kpa|km|%)$")
# Platform prefixes seen in front of the standard names ("OBD_MIL状态", "数据流-车速"); tried only when the
# name as written matches nothing.
PREFIXES = ("obd", "数据流", "实时数据", "发动机数据流", "国六", "gb17691", "hj1239")


def _tidy(s: str) -> str:
    s = _SPACE.sub("", s)
    s = _UNIT_TAIL.sub("", s) or s
    # "SCR下游NOx传感器输出值" and "SCR下游NOx传感器输出" are one name; so are "IUPR值" and "IUPR".
    for tail in ("数值", "值"):
        if s.endswith(tail) and len(s) > len(tail):
            return s[: -len(tail)]
    return s


def _nfkc(text: object) -> str:
    return unicodedata.normalize("NFKC", "" if text is None else str(text)).strip().lower()


def normalise_header(text: object) -> str:
    """The name without units in brackets, spaces, separators, a trailing 值/数值, width or case."""
    return _tidy(_BRACKETS.sub("", _nfkc(text)))


def _with_brackets(text: object) -> str:
    """As normalise_header, but what is in brackets stays: "OBD状态(MIL故障灯)" names the MIL, not the OBD."""
    return _tidy(_nfkc(text))


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
    not_ready: tuple[float, ...] = ()  # decoded raw 0 of a sensor that is not ready yet (NOx: -200 ppm)


def _num(s: str) -> float | None:
    return float(s) if s.strip() else None


def _floats(s: str | None) -> tuple[float, ...]:
    return tuple(float(x) for x in (s or "").split("|") if x)


@cache
def record_fields() -> dict[str, Field]:
    out = {}
    with open(resource("columns.csv"), encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out[r["field"]] = Field(
                name=r["field"], dtype=r["dtype"], unit=r["unit"], min=_num(r["min"]), max=_num(r["max"]),
                sentinels=_floats(r["sentinels"]),
                aliases=tuple(a for a in r["aliases"].split("|") if a), description=r["description_en"],
                not_ready=_floats(r.get("not_ready")),
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


def alias_index(fields: dict[str, Field]) -> dict[str, tuple[str, int]]:
    """Normalised name -> (field, rank). Rank 0 is the field's first alias, its name in the standard
    (GB 17691 Annex Q); higher ranks are other platforms' names. An alias with brackets matches only with
    them."""
    idx: dict[str, tuple[str, int]] = {}
    for f in fields.values():
        for rank, a in enumerate(f.aliases):
            key = _with_brackets(a) if _BRACKETS.search(_nfkc(a)) else normalise_header(a)
            idx.setdefault(key, (f.name, rank))
        idx.setdefault(normalise_header(f.name), (f.name, len(f.aliases)))
    return idx


def lookup(header: object, idx: dict[str, tuple[str, int]]) -> tuple[str, int] | None:
    for key in (_with_brackets(header), normalise_header(header)):
        if key in idx:
            return idx[key]
    bare = normalise_header(header)
    for p in PREFIXES:
        if bare.startswith(p) and bare[len(p):] in idx:
            return idx[bare[len(p):]]
    return None


IGNORE = "-"  # in a mapping profile: leave this column out


@dataclass(frozen=True)
class LeftOut:
    """A column that claimed a field another column got."""

    header: str
    field: str
    kept: str  # the header that got the field
    reason: str

    def as_dict(self) -> dict:
        return {"header": self.header, "field": self.field, "kept": self.kept, "reason": self.reason}


@dataclass
class HeaderMatch:
    mapping: dict[int, str]  # column position -> field
    unknown: list[str] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)


def match_headers(headers: list[str], fields: dict[str, Field], profile: dict[str, str] | None = None,
                  valid: Callable[[int, str], int] | None = None, sample_rows: int = 0) -> HeaderMatch:
    """Which column feeds which field. When several columns claim one field: a profile (or the wizard's
    choice) wins; a column without a single valid value in the sample never wins over one with values;
    then the standard's name wins over another platform's; then the column with more valid values in the
    sample (valid(position, field) counts them); then the earlier column."""
    idx = alias_index(fields)
    prof: dict[str, str] = {}
    for k, v in (profile or {}).items():
        prof.setdefault(_with_brackets(k), v)
        prof.setdefault(normalise_header(k), v)
    claims: dict[str, list[tuple[int, bool, int]]] = {}  # field -> [(position, from profile, rank)]
    unknown: list[str] = []
    for i, h in enumerate(headers):
        text = str(h).strip()
        name = prof.get(_with_brackets(h)) or prof.get(normalise_header(h))
        if name == IGNORE:
            if text:
                unknown.append(text)
            continue
        if name in fields:
            claims.setdefault(name, []).append((i, True, -1))
            continue
        hit = lookup(h, idx) if text else None
        if hit and hit[0] in fields:
            claims.setdefault(hit[0], []).append((i, False, hit[1]))
        elif text:
            unknown.append(text)
    mapping: dict[int, str] = {}
    left_out: list[LeftOut] = []
    for name, cands in claims.items():
        win, reason = _decide(name, cands, valid, sample_rows, [str(h).strip() for h in headers])
        mapping[win] = name
        left_out.extend(LeftOut(str(headers[i]).strip(), name, str(headers[win]).strip(), why)
                        for i, why in reason.items())
    left_out.sort(key=lambda x: headers.index(x.header) if x.header in headers else 0)
    return HeaderMatch(dict(sorted(mapping.items())), unknown, left_out)


def _decide(name, cands, valid, sample_rows, headers) -> tuple[int, dict[int, str]]:
    """The winning position among columns claiming one field, and why each other one lost."""
    if len(cands) == 1:
        return cands[0][0], {}
    counts = {i: (valid(i, name) if valid else 0) for i, _, _ in cands}
    profiled = [c for c in cands if c[1]]
    if profiled:
        win = profiled[0][0]
        return win, {i: (Msg("the mapping gives {field} to the earlier column {kept}", field=name,
                                 kept=headers[win]) if from_profile
                         else Msg("the mapping gives {field} to {kept}", field=name, kept=headers[win]))
                     for i, from_profile, _ in cands if i != win}
    pool = cands
    if valid and any(counts[i] for i, _, _ in cands):
        pool = [c for c in cands if counts[c[0]]]
    # The standard's name first, then more valid values, then the earlier column.
    pool = sorted(pool, key=lambda c: (c[2] != 0, -counts[c[0]], c[2], c[0]))
    win, _, win_rank = pool[0]
    out: dict[int, str] = {}
    for i, _, rank in cands:
        if i == win:
            continue
        if valid and counts[win] and not counts[i]:
            out[i] = Msg("no valid value in the first {rows} rows, {kept} has {n}", rows=sample_rows,
                         kept=headers[win], n=counts[win])
        elif win_rank == 0 and rank != 0:
            out[i] = Msg("{kept} is the standard (GB 17691) name of {field}", kept=headers[win], field=name)
        elif counts[win] > counts[i]:
            out[i] = Msg("{kept} has more valid values in the first {rows} rows ({n} against {m})",
                         kept=headers[win], rows=sample_rows, n=counts[win], m=counts[i])
        elif win_rank < rank:
            out[i] = Msg("{kept} is the more usual name of {field}", kept=headers[win], field=name)
        else:
            out[i] = Msg("{kept} also names {field} and comes first", kept=headers[win], field=name)
    return win, out


def map_headers(headers: list[str], fields: dict[str, Field], profile: dict[str, str] | None = None
                ) -> tuple[dict[int, str], list[str]]:
    """Column position -> canonical field, plus the headers nobody knows (see match_headers)."""
    m = match_headers(headers, fields, profile)
    return m.mapping, m.unknown
