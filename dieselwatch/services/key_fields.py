"""The fields scoring cannot do without, what it cannot judge when one is missing, and the import's guard:
a file missing one is refused unless the officer accepts, field by field, that those judgements are lost."""

from __future__ import annotations

from collections.abc import Collection

from dieselwatch.errors import InputError
from dieselwatch.ingest.columns import record_fields
from dieselwatch.messages import Msg, joined

KEY_FIELDS = ("nox_down", "nox_up", "scr_in", "coolant", "torque_actual", "torque_friction", "rpm", "air_flow",
              "fuel_rate")
ALL = "all"  # --allow-missing all


def cannot_judge(name: str) -> Msg:
    """What scoring cannot judge without this field (scoring/daystats.py uses them so)."""
    if name == "nox_down":
        return Msg("tailpipe NOx: exceedance, SCR efficiency, NOx mass and the stuck-sensor check")
    if name == "nox_up":
        return Msg("SCR conversion efficiency and the downstream-above-upstream check")
    if name in ("scr_in", "coolant", "torque_actual", "torque_friction"):
        return Msg("valid operation (hot SCR, warm engine, torque above friction): no sample counts, so NOx "
                   "is not judged at all")
    if name == "rpm":
        return Msg("engine running: trips, completeness, gaps and every NOx measure")
    if name in ("air_flow", "fuel_rate"):
        return Msg("exhaust flow: NOx mass and brake-specific NOx")
    raise KeyError(name)


def chinese_name(name: str) -> str:
    """The field's name in the standard (GB 17691 Annex Q), as the officer reads it in exports."""
    f = record_fields()[name]
    return f.aliases[0] if f.aliases else name


def describe(names: Collection[str]) -> str:
    """"SCR下游NOx传感器输出值 (nox_down), …" for messages."""
    return joined(f"{chinese_name(n)} ({n})" for n in names)


def judgements_lost(names: Collection[str]) -> list[Msg]:
    out: list[Msg] = []
    for n in names:
        m = cannot_judge(n)
        if m not in out:
            out.append(m)
    return out


def normalise_allowed(allow: Collection[str]) -> set[str]:
    """The fields an officer allows to be missing; "all" allows every key field. Unknown names are an error
    (a typo must not silently allow nothing)."""
    allowed = {a.strip() for a in allow if a and a.strip()}
    if ALL in allowed:
        return set(KEY_FIELDS)
    bad = sorted(allowed - set(KEY_FIELDS))
    if bad:
        raise InputError(Msg("--allow-missing takes key fields or {all}: {bad} is not one; key fields: {fields}",
                             all=ALL, bad=joined(bad), fields=joined(KEY_FIELDS)))
    return allowed


class KeyFieldsMissing(InputError):
    def __init__(self, file: str, unmapped: list[str], empty: list[str]):
        self.unmapped, self.empty = unmapped, empty
        missing = unmapped + empty
        super().__init__(Msg("key field(s) missing: not in the file: {unmapped}; no valid value: {empty}. Scoring "
                             "then cannot judge: {lost}. Map the column (--profile), or import anyway with "
                             "--allow-missing {names}",
                             unmapped=describe(unmapped) or "—", empty=describe(empty) or "—",
                             lost="; ".join(judgements_lost(missing)), names=" ".join(missing)), file=file)


def check(file: str, unmapped: list[str], empty: list[str], allow: Collection[str] | None) -> None:
    """Refuse unless every missing key field is allowed. allow=None: the caller does not guard (the report
    still lists what is missing)."""
    if allow is None:
        return
    allowed = normalise_allowed(allow)
    u = [f for f in unmapped if f not in allowed]
    e = [f for f in empty if f not in allowed]
    if u or e:
        raise KeyFieldsMissing(file, u, e)
