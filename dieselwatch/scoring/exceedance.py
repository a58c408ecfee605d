"""Valid operation and the smoothed tailpipe NOx that exceedance is judged on (domain.md section 3).

One definition for the day statistics that scoring counts and for the evidence plot that shows them, so the
shaded spans an officer sees are exactly the seconds the score counted."""

from __future__ import annotations

import numpy as np
import pandas as pd


def valid_operation(rpm: np.ndarray, coolant: np.ndarray, scr_in: np.ndarray, net_torque: np.ndarray,
                    down: np.ndarray, validity: dict) -> np.ndarray:
    """Samples a fair NOx judgement counts: engine running, warm, SCR hot, torque above friction, a NOx
    reading. validity: the rule set's 'validity' section."""
    with np.errstate(invalid="ignore"):
        return ((rpm >= validity["rpm_min"]) & (coolant >= validity["coolant_min_c"])
                & (scr_in >= validity["scr_in_min_c"]) & (net_torque > validity["torque_above_friction_pct"])
                & ~np.isnan(down))


def smoothed_down(ts: np.ndarray, down: np.ndarray, valid: np.ndarray, window_s: float) -> np.ndarray:
    """Downstream NOx smoothed over a centred time window of valid samples (20-60 s agrees with PEMS); NaN
    outside valid operation. ts: datetime64[s], sorted."""
    smooth = np.full(len(down), np.nan)
    if valid.any():
        s = pd.Series(down[valid], index=pd.DatetimeIndex(ts[valid]))
        smooth[valid] = s.rolling(f"{int(window_s)}s", center=True, min_periods=1).mean().to_numpy()
    return smooth
