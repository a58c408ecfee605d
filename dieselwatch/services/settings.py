"""Office-wide settings kept in the database (every workstation of a shared office sees the same bureau and
notice options). Values not stored yet come from DEFAULTS; changes are admin-only and audited."""

from __future__ import annotations

import copy
import re
from datetime import date

from dieselwatch.errors import InputError
from dieselwatch.messages import Msg, joined
from dieselwatch.storage import audit
from dieselwatch.storage.db import check_connection
from dieselwatch.storage.models import Setting
from dieselwatch.workspace import Workspace

DEFAULTS: dict[str, dict] = {
    "bureau": {
        "name": "XX市生态环境局XX分局",
        "code": "XX",  # goes into notice numbers
        "address": "",
        "phone": "",
        "contact": "",
        # Named in the notice's statement of the owner's rights; empty: "本级人民政府" / "有管辖权的人民法院".
        "reconsideration_body": "",
        "court": "",
    },
    "notices": {
        # Placeholders: {code} bureau code, {year}, {seq} the running number of that bureau and year.
        "number_pattern": "{code}环机整〔{year}〕{seq:04d}号",
        "deadline_days": 15,
        "recheck_days": 30,
        # The legal basis, consequences and rights texts are versions with effective dates: services/legal.py.
    },
    "lists": {
        "two_person_rule": True,  # black entries and removals: approved by a supervisor other than the proposer
        "white_valid_days": 180,  # a white entry expires after this and must be earned again
        "black_review_days": 30,  # when an active black or watch entry comes up for review
        "removal_clean_days": 30,  # clean days with data after the re-inspection before a black removal
    },
}


def get_settings(ws: Workspace) -> dict:
    with ws.Session() as s:
        return _merged(s)


def _merged(s) -> dict:
    out = copy.deepcopy(DEFAULTS)
    for row in s.query(Setting).all():
        if row.key in out and isinstance(row.value, dict):
            out[row.key].update({k: v for k, v in row.value.items() if k in out[row.key]})
    return out


def _coerce(section: str, key: str, value):
    default = DEFAULTS[section][key]
    if isinstance(default, bool):
        if isinstance(value, str):
            if value.lower() in ("1", "true", "yes", "on"):
                return True
            if value.lower() in ("0", "false", "no", "off"):
                return False
        if isinstance(value, bool):
            return value
        raise InputError(Msg("{key} must be true or false, got “{value}”", key=f"{section}.{key}", value=value))
    if isinstance(default, int):
        try:
            v = int(value)
        except (TypeError, ValueError):
            raise InputError(Msg("{key} must be a whole number, got “{value}”", key=f"{section}.{key}",
                                 value=value)) from None
        if v < 0 or v > 3650:
            raise InputError(Msg("{key} must be between 0 and 3650, got {value}", key=f"{section}.{key}", value=v))
        return v
    text = str(value).strip()
    if len(text) > 500:
        raise InputError(Msg("{key} is longer than 500 characters", key=f"{section}.{key}"))
    if section == "notices" and key == "number_pattern":
        try:
            text.format(code="X", year=2026, seq=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise InputError(Msg("notices.number_pattern may use only {{code}}, {{year}} and {{seq}}: {error}",
                                 error=exc)) from None
        if "{seq" not in text:
            raise InputError(Msg("notices.number_pattern must contain {seq}, or numbers would repeat"))
    return text


def _check_code_against_pattern(merged: dict) -> None:
    """A bureau code typed with the part the number pattern adds (鲁济平环机整 for 鲁济平) would print
    鲁济平环机整环机整〔2026〕0001号 on every notice, and an issued number can never change: refuse it."""
    code = str(merged["bureau"].get("code") or "")
    pattern = str(merged["notices"].get("number_pattern") or "")
    _, _, after = pattern.partition("{code}")
    word = re.match(r"[^\W\d_]+", after.split("{", 1)[0])  # the words the pattern adds (环机整), not 〔
    added = word.group(0) if word else ""
    if code and added and code.endswith(added):
        raise InputError(Msg("the bureau code “{code}” already ends with “{added}”, which the notice number adds: "
                             "numbers would read {example}. Enter only the code (e.g. {short})", code=code,
                             added=added, example=pattern.format(code=code, year=date.today().year, seq=1),
                             short=code[: -len(added)] or "鲁济平"), column="bureau.code")


def update_settings(ws: Workspace, changes: dict[str, object], reason: str | None = None) -> dict:
    """changes: {"section.key": value}. All or nothing; one audit event per changed section."""
    from dieselwatch.services.users import require

    require(ws, "admin")
    coerced = {}
    for dotted, value in changes.items():
        section, _, key = dotted.partition(".")
        if section not in DEFAULTS or key not in DEFAULTS[section]:
            known = joined(f"{s}.{k}" for s in DEFAULTS for k in DEFAULTS[s])
            raise InputError(Msg("unknown setting “{key}”; known: {known}", key=dotted, known=known))
        coerced[(section, key)] = _coerce(section, key, value)
    with ws.Session.begin() as s:
        # Read under the writer lock: `before` in the event is what this change replaces, even when two
        # admins save at once (audit verify checks each event's before against the history).
        audit.serialise(s)
        current = _merged(s)
        new = copy.deepcopy(current)
        for (section, key), value in coerced.items():
            new[section][key] = value
        _check_code_against_pattern(new)
        for section in DEFAULTS:
            if new[section] == current[section]:
                continue
            row = s.get(Setting, section)
            if row is None:
                s.add(Setting(key=section, value=new[section]))
            else:
                row.value = new[section]
            audit.append(s, ws.user, "settings.update", "settings", section, before=current[section],
                         after=new[section], reason=reason)
    return new


def check_database(url: str) -> str:
    """Connect once to a database URL and describe what is there (version, schema revision): the settings
    page's connection test. ConfigError with the reason when it cannot connect."""
    return check_connection(url)
