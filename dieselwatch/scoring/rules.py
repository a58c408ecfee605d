"""Rule sets: a versioned JSON document (resources/rules/default.json documents every key)."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

from dieselwatch.errors import ConfigError
from dieselwatch.messages import Msg, joined
from dieselwatch.paths import resource

MAX_POWER_STEPS = 6  # day statistics keep one window count per threshold step (columns kw_v0..kw_v5)


class RuleSet(dict):
    """A dict with attribute-free, explicit access: rules['exceedance']['threshold_ppm']."""

    @property
    def version(self) -> str:
        return self["version"]

    def fingerprint(self) -> str:
        """The values only: a reworded _doc (or name) does not make the same version a different rule set."""
        body = {k: ({kk: vv for kk, vv in v.items() if not kk.startswith("_")} if isinstance(v, dict) else v)
                for k, v in self.items() if k not in ("version", "name")}
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]


def default_rules() -> RuleSet:
    return load_rules(resource("rules", "default.json"))


def load_rules(path: Path) -> RuleSet:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(Msg("{source}: not a readable rule set ({error})", source=path, error=exc)) from exc
    return validate(data, str(path))


def validate(data: dict, source: str = Msg("rule set")) -> RuleSet:
    """Every key of the default must be present with a number of the same kind; unknown keys are refused,
    so a typo cannot silently fall back to a default."""
    base = json.loads(resource("rules", "default.json").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("version"), str) or not data["version"].strip():
        raise ConfigError(Msg("{source}: needs a non-empty “version”", source=source))
    for section, keys in base.items():
        if not isinstance(keys, dict):
            continue
        got = data.get(section)
        if not isinstance(got, dict):
            raise ConfigError(Msg("{source}: section “{section}” missing", source=source, section=section))
        for k in keys:
            if k.startswith("_"):
                continue
            if k not in got:
                raise ConfigError(Msg("{source}: “{key}” missing", source=source, key=f"{section}.{k}"))
            if not isinstance(got[k], (int, float)) or isinstance(got[k], bool) or got[k] < 0:
                raise ConfigError(Msg("{source}: “{key}” must be a number >= 0, got “{value}”", source=source,
                                      key=f"{section}.{k}", value=got[k]))
        extra = [k for k in got if k not in keys]
        if extra:
            raise ConfigError(Msg("{source}: unknown key(s) in “{section}”: {keys}", source=source, section=section,
                                  keys=joined(extra)))
    ww = data["work_window"]
    steps = round((ww["power_share_start"] - ww["power_share_min"]) / ww["power_share_step"]) + 1 \
        if ww["power_share_step"] > 0 else 1
    if ww["power_share_min"] > ww["power_share_start"] or steps > MAX_POWER_STEPS:
        raise ConfigError(Msg("{source}: the work-window power threshold must fall from power_share_start to "
                              "power_share_min in at most {n} steps", source=source, n=MAX_POWER_STEPS))
    if not 0 < ww["cf_percentile"] < 1:
        raise ConfigError(Msg("{source}: “{key}” must lie between 0 and 1", source=source,
                              key="work_window.cf_percentile"))
    return RuleSet(copy.deepcopy(data))


def power_thresholds(rules: RuleSet) -> list[float]:
    """The work-window power thresholds (shares of rated power) tried in order, as GB 17691-2018 Annex K lowers
    them when too few windows are valid: start, start - step, ... down to the minimum."""
    ww = rules["work_window"]
    out = [ww["power_share_start"]]
    while ww["power_share_step"] > 0 and out[-1] - ww["power_share_step"] >= ww["power_share_min"] - 1e-9 \
            and len(out) < MAX_POWER_STEPS:
        out.append(round(out[-1] - ww["power_share_step"], 6))
    return out
