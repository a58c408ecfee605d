"""The Help menu: the user guides ship with the package and the bundle, render with their contents and
screenshots, name what the app really shows, and About tells a support call what it needs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGS = ("zh_CN", "en")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _install_like_setuptools(site: Path) -> None:
    """What build_py puts in a wheel: each listed package's modules from its package-dir, plus its package-data."""
    cfg = _setuptools()
    dirs = cfg["package-dir"]
    for pkg in cfg["packages"]:
        base = max((k for k in dirs if pkg == k or pkg.startswith(k + ".")), key=len)
        src = ROOT / dirs[base] / Path(*pkg[len(base):].split(".")[1:])
        dest = site / Path(*pkg.split("."))
        dest.mkdir(parents=True, exist_ok=True)
        for f in src.glob("*.py"):
            shutil.copy2(f, dest / f.name)
        for pattern in cfg.get("package-data", {}).get(pkg, []):
            for f in src.glob(pattern):
                if f.is_file():
                    (dest / f.relative_to(src)).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(f, dest / f.relative_to(src))


def test_the_package_list_names_every_package():
    """find cannot see resources/, ui/ and docs/, so the packages are listed: a new subpackage must be added."""
    listed = set(_setuptools()["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "dieselwatch").rglob("__init__.py")}
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert {"dieselwatch.docs", "dieselwatch.resources", "dieselwatch.ui"} <= listed


def test_guides_are_found_where_a_wheel_installs_them(tmp_path):
    site = tmp_path / "site"
    _install_like_setuptools(site)
    script = ("from dieselwatch.paths import guide, resource, ui_dir\n"
              "print(guide('zh_CN')); print(guide('en')); print(guide('fr'))\n"
              "print(resource('rules', 'default.json')); print(ui_dir())")
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, check=False, capture_output=True, text=True,
                         env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    zh, en, other, rules, ui = (Path(x) for x in out.stdout.split("\n")[:5])
    installed = site / "dieselwatch"
    assert zh == installed / "docs" / "guide_zh_CN.md" and en == installed / "docs" / "guide_en.md"
    assert other == en  # a language without a guide gets the English one
    assert rules.is_file() and rules.is_relative_to(installed) and ui == installed / "ui"
    for lang in LANGS:
        text = (installed / "docs" / f"guide_{lang}.md").read_text(encoding="utf-8")
        assert text == (DOCS / f"guide_{lang}.md").read_text(encoding="utf-8")
        for name in IMAGE.findall(text):
            assert (installed / "docs" / name).is_file(), name


def test_the_bundle_carries_the_guide(tmp_path, monkeypatch):
    from dieselwatch import paths

    # The spec's own lines that choose the docs (run as the spec runs them): every guide, every image they show.
    spec = (ROOT / "dieselwatch.spec").read_text(encoding="utf-8")
    chosen = "\n".join(line for line in spec.splitlines() if line.startswith(("GUIDES =", "SHOWN =")))
    ns: dict = {"ROOT": ROOT, "re": __import__("re")}
    exec(chosen, ns)
    assert {g.name for g in ns["GUIDES"]} >= {f"guide_{lang}.md" for lang in LANGS} | {"domain.md"}
    for lang in LANGS:
        assert set(IMAGE.findall((DOCS / f"guide_{lang}.md").read_text(encoding="utf-8"))) <= set(ns["SHOWN"])
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide_en.md").write_text("# frozen", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    paths.docs_dir.cache_clear()
    try:
        assert paths.guide("en") == tmp_path / "docs" / "guide_en.md"
    finally:
        paths.docs_dir.cache_clear()


@pytest.mark.parametrize("lang", LANGS)
def test_every_linked_screenshot_and_note_exists(lang):
    text = (DOCS / f"guide_{lang}.md").read_text(encoding="utf-8")
    images = IMAGE.findall(text)
    assert len(images) >= 8
    for name in images + [x for x in LINK.findall(text) if not x.startswith(("#", "http"))]:
        assert (DOCS / name).is_file(), name
    from dieselwatch.gui.help import slug

    anchors = {slug(h) for h in re.findall(r"^#+ (.*)$", text, re.MULTILINE)}
    sections = [x[1:] for x in LINK.findall(text) if x.startswith("#")]
    assert sections and set(sections) <= anchors


def test_both_guides_have_the_same_sections():
    heads = {lang: re.findall(r"^(#+) ", (DOCS / f"guide_{lang}.md").read_text(encoding="utf-8"), re.MULTILINE)
             for lang in LANGS}
    assert heads["zh_CN"] == heads["en"] and len(heads["en"]) >= 15


def _labels(ts: Path) -> tuple[set[str], set[str]]:
    """Every source text and its Chinese translation, as a user sees them (no & accelerator)."""
    src, zh = set(), set()
    for m in ET.parse(ts).iter("message"):
        src.add((m.findtext("source") or "").replace("&", ""))
        zh.add(re.sub(r"\(&\w\)", "", m.findtext("translation") or ""))
    return src, zh


def _shown(cited: str, texts: set[str]) -> bool:
    """The cited name is a text of the app, or its start before a bracket or punctuation (the guide leaves out
    "(12 trucks, 5 days)", a trailing colon or ellipsis is the label's own)."""
    cited = cited.strip()
    for t in texts:
        t = t.strip()
        if t == cited or t.rstrip(":：") == cited:
            return True
        if t.startswith(cited) and t[len(cited)] in " (（,，:：":
            return True
    return False


@pytest.mark.parametrize("lang", LANGS)
def test_names_in_bold_are_what_the_app_shows(lang):
    """The guides put every button, menu, page and field name in bold, exactly as the app shows it in that
    language: a renamed label fails here until the guide follows."""
    src, zh = _labels(ROOT / "resources" / "translations" / "dieselwatch_zh_CN.ts")
    texts = zh if lang == "zh_CN" else src
    text = (DOCS / f"guide_{lang}.md").read_text(encoding="utf-8")
    cited = re.findall(r"\*\*(.+?)\*\*", text)
    assert len(cited) > 60
    wrong = [c for c in cited for part in c.split(" > ") if not _shown(part, texts)]
    assert wrong == []


def test_the_chinese_guide_uses_chinese_punctuation():
    text = (DOCS / "guide_zh_CN.md").read_text(encoding="utf-8")
    # Prose only: code, link targets, headings and bold names (checked against the app) left out.
    prose = re.sub(r"`[^`]*`|\]\([^)]*\)|^#.*$|\*\*.+?\*\*", "", text, flags=re.MULTILINE)
    han = r"[\u4e00-\u9fff]"
    assert re.findall(rf"{han}[,;:?!]|[,;:?!]{han}|{han}\(|\){han}", prose) == []


def test_code_cites_sections_the_domain_notes_have():
    notes = (DOCS / "domain.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (\d+)\. ", notes, re.MULTILINE))
    cited = set()
    rules = ROOT / "resources" / "rules" / "default.json"
    for f in [*(ROOT / "dieselwatch").rglob("*.py"), *(ROOT / "tests").glob("*.py"), rules]:
        text = f.read_text(encoding="utf-8")
        if f.name != "test_help.py":
            assert "shared/domain.md" not in text and "shared/protocol.md" not in text, f
        for m in re.finditer(r"docs/domain\.md sections? (\d+)(?: and (\d+))?", text):
            cited |= {x for x in m.groups() if x}
    assert cited and cited <= sections, cited - sections


# --- in the app -------------------------------------------------------------------------------------------
@pytest.fixture()
def window(qtbot):
    from PySide6.QtWidgets import QMainWindow

    w = QMainWindow()
    qtbot.addWidget(w)
    w.resize(900, 700)
    w.show()
    return w


@pytest.mark.parametrize("lang", LANGS)
def test_guide_renders_headings_contents_and_every_screenshot(window, qtbot, lang):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QPixmap, QTextDocument

    from dieselwatch.gui.help import MAX_IMAGE_WIDTH, GuideDialog, open_guide

    dlg = open_guide(window, lang)
    assert isinstance(dlg, GuideDialog) and dlg.isVisible() and not dlg.isModal()
    dlg.grab()  # lays the document out and loads its images, as painting does
    heads = dlg.headings()
    first = "DieselWatch 用户指南" if lang == "zh_CN" else "DieselWatch user guide"
    assert heads[0][:2] == (1, first)
    assert [h[1] for h in heads] == [h[1] for h in heads if h[0] <= 3]
    assert dlg.contents.topLevelItemCount() == 1 and dlg.contents.topLevelItem(0).childCount() == 9
    names = dlg.image_names()
    assert len(names) == len(IMAGE.findall((DOCS / f"guide_{lang}.md").read_text(encoding="utf-8")))
    doc = dlg.browser.document()
    for name in names:
        res = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        assert isinstance(res, QPixmap) and not res.isNull(), name  # else Qt paints a broken-image box
    widths = [f.width() for f in _image_formats(doc)]
    assert widths and all(0 < w <= MAX_IMAGE_WIDTH for w in widths)
    assert open_guide(window, lang) is dlg  # F1 again brings the same window forward
    dlg.close()


def _image_formats(doc):
    block, out = doc.begin(), []
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                out.append(fmt.toImageFormat())
            it += 1
        block = block.next()
    return out


def test_contents_and_links_lead_to_their_places(window, qtbot, monkeypatch):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    from dieselwatch.gui.help import open_guide

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    dlg = open_guide(window, "en")
    dlg.grab()
    item = dlg.contents.topLevelItem(0).child(7)  # 8. What the judgements mean
    assert item.text(0) == "8. What the judgements mean"
    dlg.contents.itemClicked.emit(item, 0)
    assert dlg.browser.textCursor().block().text() == "8. What the judgements mean"
    assert dlg.browser.verticalScrollBar().value() > 0
    dlg.browser.anchorClicked.emit(QUrl("#7-settings"))
    assert dlg.browser.textCursor().block().text() == "7. Settings"
    assert dlg.contents.currentItem().text(0) == "7. Settings"  # the contents follow the reading
    dlg.browser.anchorClicked.emit(QUrl("domain.md"))  # the domain notes, in the same window
    assert dlg.headings()[0][1] == "DieselWatch domain notes" and dlg.back_button.isVisible()
    dlg.back()
    assert dlg.headings()[0][1] == "DieselWatch user guide" and not dlg.back_button.isVisible()
    dlg.browser.anchorClicked.emit(QUrl("screenshots/lists_en.png"))  # a screenshot opens full size
    dlg.browser.anchorClicked.emit(QUrl("https://example.org/x"))
    assert opened[0].endswith("/docs/screenshots/lists_en.png") and opened[1] == "https://example.org/x"
    dlg.find_edit.setText("two-person rule")
    dlg.find_next()
    assert dlg.browser.textCursor().selectedText().lower() == "two-person rule"
    dlg.close()


def test_help_menu_opens_the_guide_on_f1_and_about(window, qtbot, ws):
    from PySide6.QtWidgets import QMessageBox

    from dieselwatch.gui.help import GuideDialog, add_help_menu

    menu = add_help_menu(window, "en", ws)
    guide_action, about_action = menu.actions()
    assert guide_action.shortcut().toString() == "F1"
    guide_action.trigger()
    assert window.findChild(GuideDialog) is not None
    about_action.trigger()
    box = window.findChild(QMessageBox, "aboutBox")
    assert box is not None and box.isVisible()
    box.close()
    window.findChild(GuideDialog).close()


def test_about_names_version_database_user_and_raw_folder(window, qtbot, ws):
    import dieselwatch
    from dieselwatch.gui.help import about_html, show_about

    box = show_about(window, ws)
    text = box.text()
    assert f"DieselWatch {dieselwatch.__version__}" in text
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert dieselwatch.__version__ == version
    for part in (ws.db_url, ws.user, str(ws.raw.root), "PySide6", "MIT"):
        assert part in text
    box.close()
    ws.role = "supervisor"
    assert "supervisor" in about_html(ws)


def test_a_reworded_rule_set_doc_is_the_same_rule_set(ws):
    """The domain-note citations in default.json's _doc changed: the shipped version stored with one wording
    accepts the file with the other as that same version, while a changed value is still refused."""
    import copy

    from dieselwatch.errors import ConfigError
    from dieselwatch.scoring.rules import default_rules
    from dieselwatch.services.rulesets import active_rules, save_rules

    with ws.Session.begin() as s:
        stored = active_rules(s)  # the shipped default, stored on first use
    old = copy.deepcopy(dict(default_rules()))
    old["data"]["_doc"] = old["data"]["_doc"].replace("docs/domain.md", "domain.md")
    assert old != dict(stored)
    with ws.Session.begin() as s:
        assert save_rules(s, old, "tester").version == stored.version
    changed = copy.deepcopy(dict(default_rules()))
    changed["exceedance"]["threshold_ppm"] = 450
    with pytest.raises(ConfigError), ws.Session.begin() as s:
        save_rules(s, changed, "tester")
