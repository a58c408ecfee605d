"""Raw terminal captures as the app sees them: whether a file is one (it then needs no header mapping)."""

from __future__ import annotations

from pathlib import Path

from dieselwatch.ingest.captures import open_capture


def is_capture(path: str | Path) -> bool:
    """True for hex logs, binary frame streams and exports whose only data is a 报文 column (reads 64 KB)."""
    return open_capture(Path(path)) is not None
