"""Where the non-code parts (resources/, ui/) live: the PyInstaller bundle, the source tree, or the installed
package."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@cache
def _locate(name: str) -> Path:
    candidates = []
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:  # frozen: dieselwatch.spec copies the folders next to the executable's data
        candidates.append(Path(meipass) / name)
    candidates.append(_PKG.parent / name)  # source tree and editable install
    candidates.append(_PKG / name)  # wheel: package-dir maps the folder into the package
    for c in candidates:
        if c.is_dir():
            return c
    raise FileNotFoundError(f"DieselWatch cannot find its {name}/ folder; looked in: "
                            + ", ".join(map(str, candidates)))


def resources_dir() -> Path:
    return _locate("resources")


def ui_dir() -> Path:
    return _locate("ui")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


GUIDE_LANGUAGES = ("zh_CN", "en")


@cache
def docs_dir() -> Path:
    """The user guide and its screenshots: docs/ of the source tree, dieselwatch/docs of a wheel (package-dir in
    pyproject.toml), docs/ of the bundle (dieselwatch.spec). Recognised by a guide inside, since site-packages
    may hold other packages' docs/ folders."""
    candidates = []
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        candidates.append(Path(meipass) / "docs")
    candidates += [_PKG.parent / "docs", _PKG / "docs"]
    for c in candidates:
        if (c / "guide_en.md").is_file():
            return c
    raise FileNotFoundError("DieselWatch cannot find its user guide; looked in: " + ", ".join(map(str, candidates)))


def guide(lang: str) -> Path:
    """The user guide in this language (zh_CN or en; any other language gets the English one)."""
    return docs_dir() / f"guide_{lang if lang in GUIDE_LANGUAGES else 'en'}.md"
