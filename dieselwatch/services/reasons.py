"""The scoring reasons as the app names them: short labels by reason code, for tables and filters."""

from __future__ import annotations

from dieselwatch.messages import Msg
from dieselwatch.scoring.judge import LABELS


def reason_labels() -> dict[str, Msg]:
    """Reason code -> short label (a Msg: translated where shown)."""
    return dict(LABELS)
