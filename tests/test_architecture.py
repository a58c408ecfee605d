"""The layering and packaging rules every later feature relies on."""

import subprocess
import sys
from pathlib import Path

import pytest

from dieselwatch.paths import resource, resources_dir, ui_dir

ROOT = Path(__file__).resolve().parent.parent


def test_domain_core_imports_no_qt():
    """The import-linter contract in pyproject.toml: the core (ingest, storage, scoring, services...) may not
    import PySide6 or the GUI package, so it runs headless in the CLI, tests and batch jobs."""
    linter = Path(sys.executable).parent / "lint-imports"
    r = subprocess.run([str(linter), str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "KEPT" in r.stdout and "BROKEN" not in r.stdout


def test_core_import_does_not_load_qt():
    code = ("import sys; import dieselwatch.cli, dieselwatch.services.imports, dieselwatch.services.scoring, "
            "dieselwatch.services.registry; print(any(m.startswith('PySide6') for m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "False"


def test_resources_are_found():
    assert (resources_dir() / "columns.csv").is_file()
    assert resource("rules", "default.json").is_file()
    assert (ui_dir() / "main_window.ui").is_file()


@pytest.mark.parametrize("form", sorted(p.name for p in (ROOT / "ui").glob("*.ui")))
def test_every_form_loads(qapp, form):
    from dieselwatch.gui.forms import load_form

    w = load_form(form)
    assert w is not None and w.objectName()


def test_form_widgets_the_code_names_exist(qapp):
    """Forms load at run time (typed Any), so mypy cannot catch a misspelt widget name: every camelCase name read
    from a form object (`.p.`, `.w.`, `.d.`) must be an objectName in ui/*.ui or a Qt widget attribute."""
    import re

    from PySide6.QtWidgets import QDialog, QMainWindow

    names = set()
    for ui in (ROOT / "ui").glob("*.ui"):
        names |= set(re.findall(r'name="([A-Za-z_][A-Za-z0-9_]*)"', ui.read_text(encoding="utf-8")))
    qt = set(dir(QMainWindow)) | set(dir(QDialog))
    missing = []
    for py in (ROOT / "dieselwatch" / "gui").glob("*.py"):
        text = py.read_text(encoding="utf-8")
        found = re.findall(r"\b(?:self|ctl|page)\.(?:p|w|d)\.([a-z]+[A-Z][A-Za-z0-9]*)\b", text)
        if re.search(r"\bp = self\.p\b", text):  # a page's local alias of its form
            found += re.findall(r"(?<![.\w])p\.([a-z]+[A-Z][A-Za-z0-9]*)\b", text)
        for name in found:
            if name not in names and name not in qt:
                missing.append(f"{py.name}: {name}")
    assert not missing, missing
