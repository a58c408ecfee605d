"""The layering and packaging rules every later feature relies on."""

import subprocess
import sys
from pathlib import Path

import pytest

from dieselwatch.paths import resource, resources_dir, ui_dir

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports(contract: str) -> subprocess.CompletedProcess:
    linter = Path(sys.executable).parent / "lint-imports"
    return subprocess.run([str(linter), str(ROOT / "pyproject.toml"), "--contract", contract], cwd=ROOT,
                          capture_output=True, text=True)


@pytest.mark.parametrize("contract", ["core-no-qt", "layers", "gui-through-services", "cli-through-services"])
def test_import_contract_kept(contract):
    """The import-linter contracts in pyproject.toml: the core (ingest, storage, scoring, services...) imports no
    PySide6 and no GUI, so it runs headless in the CLI, tests and batch jobs; each layer imports only the layers
    below it (entry > gui > demo > services > workspace > storage > ingest | scoring > base); the GUI and the CLI
    reach storage, ingest and scoring only through services."""
    r = _lint_imports(contract)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "KEPT" in r.stdout and "BROKEN" not in r.stdout


def test_every_contract_is_checked():
    """A contract added to pyproject.toml without an id (or with one this test does not name) is not left out."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert sorted(c.get("id", "") for c in contracts["contracts"]) == ["cli-through-services", "core-no-qt",
                                                                      "gui-through-services", "layers"]


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


def test_no_runtime_files_tracked():
    """Databases, their WAL/SHM files and logs that a run leaves in the tree stay out of git (.gitignore)."""
    r = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("not a git checkout")
    runtime = [f for f in r.stdout.splitlines()
               if f.endswith((".log", ".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".sqlite3-journal"))]
    assert runtime == []
    ignored = subprocess.run(["git", "check-ignore", "imports/dieselwatch.sqlite3-wal", "imports/logs/dieselwatch.log",
                              "x.sqlite3-shm"], cwd=ROOT, capture_output=True, text=True)
    assert len(ignored.stdout.split()) == 3
