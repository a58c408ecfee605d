"""VIN normalisation and the ISO 3779 / GB 16735 check digit (position 9)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_TRANSLIT = {**{str(d): d for d in range(10)},
             **dict(zip("ABCDEFGH", range(1, 9), strict=True)), **dict(zip("JKLMN", range(1, 6), strict=True)),
             "P": 7, "R": 9,
             **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def check_digit(vin: str) -> str:
    total = sum(_TRANSLIT[c] * w for c, w in zip(vin, _WEIGHTS, strict=False))
    r = total % 11
    return "X" if r == 10 else str(r)


def is_wellformed(vin: str) -> bool:
    return bool(VIN_RE.match(vin))


def has_valid_check_digit(vin: str) -> bool:
    return is_wellformed(vin) and vin[8] == check_digit(vin)


def with_check_digit(vin16: str) -> str:
    """Insert the right check digit into a 17-character VIN whose position 9 is a placeholder."""
    v = vin16[:8] + "0" + vin16[9:]
    return v[:8] + check_digit(v) + v[9:]


def normalise_series(s: pd.Series) -> pd.Series:
    """Trim, upper-case, drop inner spaces: done once per distinct value (a file has few VINs, many rows)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    clean = np.array(["".join(str(u).split()).upper() for u in uniques] + [""], dtype=object)
    return pd.Series(clean[codes], index=s.index, dtype=object)


def check_unique(vins: Iterable[object]) -> tuple[set[object], set[str]]:
    """For the distinct VINs of a file: (malformed, wrong check digit). Done per distinct value, not per row."""
    bad: set[object] = set()  # what the cells held, blanks (NaN) included
    wrong: set[str] = set()
    for v in vins:
        if not isinstance(v, str) or not is_wellformed(v):
            bad.add(v)
        elif v[8] != check_digit(v):
            wrong.add(v)
    return bad, wrong
