"""Chinese throughout in zh_CN, English throughout in en: progress texts from the core, the audit history in words,
the import wizard's field list in the order an officer reads it, Chinese punctuation in the translations, and
no Chinese in the English sources of the forms."""

import itertools
import re
import sys
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import QProgressDialog, QWidget
from test_lists import as_user, entry_of, fake_run, office  # noqa: F401 - office is a fixture

from dieselwatch.gui.core_text import core_text
from dieselwatch.messages import Msg

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "dieselwatch_zh_CN.ts"
sys.path.insert(0, str(ROOT / "tools"))
from zh_punctuation import fix, hits  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff]")


# --- progress -----------------------------------------------------------------------------------------------


def _rows_read(progress=None, cancel=None):
    progress(0.25, Msg("{rows} rows read", rows=f"{2_000_000:,}"))
    cancel.check()
    return "finished"


def test_a_job_shows_the_cores_progress_text_in_chinese(zh, qtbot):
    """The job runner's dialog shows what the worker reported, translated, with the figure as formatted."""
    from dieselwatch.gui import jobs
    from dieselwatch.gui.worker import pool

    parent = QWidget()
    qtbot.addWidget(parent)
    labels = []
    job = jobs.run(_rows_read, parent=parent, title="导入", on_done=labels.append)
    job.signals.progress.connect(lambda f, m: labels.append(core_text(m)))
    qtbot.waitUntil(lambda: (pool().waitForDone(10) or True) and "finished" in labels, timeout=10000)
    assert "已读取2,000,000行" in labels
    assert parent.findChild(QProgressDialog).labelText() == "导入\n已读取2,000,000行"


def test_every_progress_text_of_an_import_and_a_scoring_translates(zh, ws, demo_dir, manifest):
    """What the services report while they work is a Msg that has a translation; the CLI still gets English."""
    from dieselwatch.services.imports import import_records
    from dieselwatch.services.registry import import_registry
    from dieselwatch.services.scoring import score_period

    seen: list = []

    def progress(fraction, message):
        seen.append(message)

    import_registry(ws, demo_dir / "registry.xlsx", progress=progress)
    import_records(ws, demo_dir / "records.csv", progress=progress)
    score_period(ws, date.fromisoformat(manifest["start"]), date.fromisoformat(manifest["end"]), progress=progress,
                 from_raw=True)
    texts = [m for m in seen if m]
    assert texts and all(isinstance(m, Msg) for m in texts), [m for m in texts if not isinstance(m, Msg)]
    assert any(re.fullmatch(r"[\d,]+ rows read", m) for m in texts)  # English as the CLI prints it
    for m in texts:
        shown = core_text(m)
        assert HAN.search(shown) and not re.search(r"\b(rows|read|vehicle|done|judged|stored)\b", shown), (m, shown)


def test_stored_reasons_with_figures_show_in_chinese(zh):
    """The history keeps the English reasons the services wrote ("scoring run 1"); the app shows them in words."""
    assert core_text("scoring run 12") == "第12次评分"
    assert core_text("scoring run 3 (2026-10-01 to 2026-10-05): EXC_SHARE, BSNOX") == \
        "第3次评分（2026-10-01至2026-10-05）：EXC_SHARE, BSNOX"
    assert core_text("replaced by black entry 7") == "被黑名单条目7取代"
    assert core_text("review date 2026-11-01 passed") == "已过复核日期2026-11-01"
    assert core_text("scoring runs are fun") == "scoring runs are fun"  # not a stored template: as written


# --- the audit page -----------------------------------------------------------------------------------------

ACTIONS_WRITTEN = {"user.create", "user.update", "user.password", "settings.update", "ruleset.install",
                   "ruleset.store", "ruleset.activate", "registry.create", "list.propose", "list.approve",
                   "list.reject", "list.propose_removal", "list.keep", "list.remove", "list.expire", "list.supersede",
                   "notice.issue", "profile.save", "import.remove"}


def busy_history(ws, tmp_path) -> None:
    """A day's work touching every kind of record the services audit."""
    from sqlalchemy import select

    from dieselwatch.services import lists, users
    from dieselwatch.services.batches import remove_batch
    from dieselwatch.services.notices import export_notices
    from dieselwatch.services.profiles import save_profile
    from dieselwatch.services.rulesets import activate_rule_set, current_rules, save_edited_rules
    from dieselwatch.services.settings import update_settings
    from dieselwatch.storage.models import ImportBatch, Vehicle

    lists.propose_from_run(ws)
    black, white = entry_of(ws, "high_emitter", "black"), entry_of(ws, "clean", "white")
    proposed = lists.entries(ws, status="proposed")
    watch = next(e for e in proposed if e["list"] == "watch")
    other = next(e for e in proposed if e["id"] not in (black["id"], white["id"], watch["id"]))
    as_user(ws, "li")
    lists.decide(ws, black["id"], True, "confirmed")
    lists.decide(ws, other["id"], False, "data gap explained by the owner")
    as_user(ws, "zhou")
    lists.decide(ws, watch["id"], True, "keep an eye on it")  # expires below
    lists.decide(ws, white["id"], True, "clean")
    lists.propose_removal(ws, white["id"], "owner asked")
    as_user(ws, "wang")
    lists.decide(ws, white["id"], False, "no reason to remove")
    lists.propose_removal(ws, white["id"], "sold")
    as_user(ws, "li")
    lists.decide(ws, white["id"], True, "vehicle sold")
    as_user(ws, "chief")
    update_settings(ws, {"bureau.contact": "张科长", "bureau.phone": "0531-87881234", "bureau.address": "青龙路1号"},
                    reason="contact details for notices")
    export_notices(ws, tmp_path / "n")
    # later runs put the rejected vehicle on the watch list, then on the black list, which supersedes the watch
    with ws.Session() as s:
        vid = s.scalar(select(Vehicle.id).where(Vehicle.vin == other["vin"]))
    for n, kind in enumerate(("watch", "black")):
        as_user(ws, "wang")
        lists.propose_from_run(ws, fake_run(ws, {vid: kind}, date(2026, 10, 6 + n), date(2026, 10, 10 + n)))
        as_user(ws, "li")
        lists.decide(ws, lists.entries(ws, status="proposed", kind=kind, vin=other["vin"])[0]["id"], True, "confirmed")
    lists.expire_due(ws, today=date.today() + timedelta(days=400))
    as_user(ws, "chief")
    users.update_user(ws, "zhou", role="supervisor", reason="promoted")
    users.set_password(ws, "wang", "wang-new-pass-1")
    save_profile(ws, "平台A", {"车架号": "vin", "采集时间": "ts"})
    rules = dict(current_rules(ws))
    rules["version"] = "2026.9-office"
    save_edited_rules(ws, rules, reason="office threshold")
    activate_rule_set(ws, "2026.9-office", reason="office decision")
    with ws.Session() as s:
        batch = s.scalar(select(ImportBatch.id).where(ImportBatch.kind == "records"))
    remove_batch(ws, batch, "wrong file")


def test_every_action_the_services_write_reads_in_words(zh, office, tmp_path):
    from dieselwatch.gui.audit_details import Describer
    from dieselwatch.gui.audit_labels import action_label
    from dieselwatch.services.audit_view import audit_names, audit_rows

    busy_history(office, tmp_path)
    rows = audit_rows(office)
    assert {r.action for r in rows} >= ACTIONS_WRITTEN, ACTIONS_WRITTEN - {r.action for r in rows}
    d = Describer(audit_names(), "zh_CN")
    seen = set()
    for ev in rows:
        sentence = d.sentence(ev)
        assert action_label(ev.action) in sentence and ev.action not in sentence, sentence
        fields, _ = d.rows(ev)
        if ev.entity != "rule_set":  # the rule-set keys are the rule editor's to name
            untranslated = [f.key for f in fields if not HAN.search(f.label)]
            assert not untranslated, (ev.action, untranslated)
        for f in fields:
            if f.key in ("status", "list", "role"):
                assert all(HAN.search(v) or v == "—" for v in (f.before, f.after)), (ev.action, f)
        seen.add(ev.action)
    # what an officer reads for an approval: who, what, which vehicle, and the status change in words
    approve = next(r for r in rows if r.action == "list.approve" and r.reason == "confirmed")
    assert approve.vin and approve.vin in d.sentence(approve) and "批准" in d.sentence(approve)
    status = next(f for f in d.rows(approve)[0] if f.key == "status")
    assert (status.label, status.before, status.after) == ("状态", "待审批", "生效")
    propose = next(r for r in rows if r.action == "list.propose")
    assert "第1次评分" in d.sentence(propose) or "次评分" in d.sentence(propose)
    password = next(r for r in rows if r.action == "user.password")
    assert ("密码", "—", "已修改") in [(f.label, f.before, f.after) for f in d.rows(password)[0]]
    notice = next(r for r in rows if r.action == "notice.issue")
    assert notice.vin and any(f.label == "整改期限" for f in d.rows(notice)[0])


def test_the_audit_page_in_both_languages(qtbot, zh, office, tmp_path, monkeypatch):
    """Details in words with the raw record one click away, search by the words and by the code, and a
    double-click on an event about a vehicle opens the vehicle."""
    from dieselwatch.gui.main_window import MainController
    from dieselwatch.gui.worker import pool
    from dieselwatch.services import lists

    lists.propose_from_run(office)
    black = entry_of(office, "high_emitter", "black")
    as_user(office, "li")
    lists.decide(office, black["id"], True, "confirmed")
    ctl = MainController(office, "zh_CN")
    qtbot.addWidget(ctl.w)
    page = ctl.audit_page
    page.refresh()
    qtbot.waitUntil(lambda: (pool().waitForDone(10) or True) and page.table.proxy.rowCount() > 2)
    page.p.filterEdit.setText("list.approve")  # by the code
    assert page.table.proxy.rowCount() == 1
    page.p.filterEdit.setText("批准")  # by the words shown
    assert page.table.proxy.rowCount() == 1
    page.p.filterEdit.setText("待审批")  # by a value in the detail
    assert page.table.proxy.rowCount() >= 1
    page.p.filterEdit.setText("list.approve")
    page.p.table.selectRow(0)
    text = page.p.detail.toPlainText()
    assert "批准" in text and "状态" in text and "生效" in text and '"status"' not in text
    page.p.rawCheck.setChecked(True)
    assert '"status": "active"' in page.p.detail.toPlainText()
    opened = []
    monkeypatch.setattr(ctl, "show_vehicle", lambda vin: opened.append(vin) or True)
    page.p.table.doubleClicked.emit(page.p.table.currentIndex())
    assert opened == [black["vin"]]


def test_the_audit_page_in_english(qtbot, office):
    from dieselwatch.gui.main_window import MainController
    from dieselwatch.gui.worker import pool
    from dieselwatch.services import lists

    lists.propose_from_run(office)
    as_user(office, "li")
    lists.decide(office, entry_of(office, "high_emitter", "black")["id"], True, "confirmed")
    ctl_en = MainController(office, "en")
    qtbot.addWidget(ctl_en.w)
    page_en = ctl_en.audit_page
    page_en.refresh()
    qtbot.waitUntil(lambda: (pool().waitForDone(10) or True) and page_en.table.proxy.rowCount() > 2)
    page_en.p.filterEdit.setText("list.approve")
    page_en.p.table.selectRow(0)
    text = page_en.p.detail.toPlainText()
    assert "li: approved (list entry 2, vehicle" in text and "Reason: confirmed" in text and "status" in text
    assert "proposed" in text and "active" in text and not HAN.search(text)


# --- the import wizard --------------------------------------------------------------------------------------


def test_wizard_fields_sorted_by_the_names_shown(zh, ws, tmp_path, qtbot):
    from PySide6.QtCore import QCollator, QLocale

    from dieselwatch.gui.import_wizard import ImportWizard
    from dieselwatch.gui.main_window import MainController
    from dieselwatch.services.import_preview import preview_records

    f = tmp_path / "a.csv"
    f.write_text("车架号,数据采集时间,车速\nLFNA1B2C3D4E56789,2026-10-01 08:00:00,10\n", encoding="utf-8")
    p = preview_records(f)
    for lang, locale in (("zh_CN", QLocale(QLocale.Language.Chinese, QLocale.Country.China)),
                         ("en", QLocale(QLocale.Language.English))):
        ctl = MainController(ws, lang)
        qtbot.addWidget(ctl.w)
        combo = ImportWizard(ctl, f, p).combos[0]
        shown = [combo.itemText(i).rsplit(" — ", 1) for i in range(1, combo.count())]
        names, codes = [s[0] for s in shown], [s[1] for s in shown]
        assert set(codes) == set(p.fields) and codes != sorted(codes)
        c = QCollator(locale)
        assert all(c.compare(a, b) <= 0 for a, b in itertools.pairwise(names)), names
        if lang == "en":
            assert not any(HAN.search(n) for n in names)
            assert names[:3] == sorted(names, key=str.lower)[:3]
        else:
            assert all(HAN.search(n) for n in names if n not in p.fields.values())
            # pinyin order: 车辆识别代号 (cheliang...) before 车速 (chesu)
            assert names.index(p.names_zh["vin"]) < names.index(p.names_zh["speed"])


def test_the_wizard_reaches_the_core_only_through_services():
    src = (ROOT / "dieselwatch" / "gui" / "import_wizard.py").read_text(encoding="utf-8")
    assert not re.search(r"dieselwatch\.(ingest|scoring|storage)", src)


# --- punctuation and languages ------------------------------------------------------------------------------


def test_the_checker_flags_ascii_marks_next_to_chinese():
    assert hits("密码(至少8个字符):") and fix("密码(至少8个字符):") == "密码（至少8个字符）："
    assert fix("第{0}行, 列“{1}”: {2}") == "第{0}行，列“{1}”：{2}"
    assert fix("<b>{0}</b>: {1}, 表头在第{2}行") == "<b>{0}</b>：{1}，表头在第{2}行"
    assert fix("参考扭矩(100-10000)") == "参考扭矩（100-10000）"  # brackets in pairs
    # what programs read stays ASCII: numbers, times, placeholders, mnemonics, file filters, addresses
    for ok in ("共2,000,000行", "08:30开始", "{0}:{1}", "文件(&F)", "登记表 (*.xlsx *.csv);;所有文件 (*)",
               "或 postgresql://用户:密码@服务器/库", "Speed (km/h)", "链头应写作“序号:哈希”"):
        assert not hits(ok), ok


def test_chinese_translations_use_chinese_punctuation():
    bad = [(m.findtext("source"), m.findtext("translation")) for m in ET.parse(TS).iter("message")
           if hits(m.findtext("translation") or "")]
    assert not bad, bad


def test_english_sources_of_the_forms_and_code_have_no_chinese():
    """In en the app shows its sources: a Chinese source text would show Chinese to an English officer. An example
    of Chinese data after "e.g." (a bureau's name, the code in its notice numbers) is data, not UI text."""
    example = re.compile(r"e\.g\. [^),;]+")  # an example may hold a space: 机动车排放监管科 王磊
    bad = [src for m in ET.parse(TS).iter("message")
           if HAN.search(example.sub("", src := m.findtext("source") or ""))]
    assert not bad, bad
    for ui in (ROOT / "ui").glob("*.ui"):
        for s in ET.parse(ui).iter("string"):
            assert not (s.text and HAN.search(example.sub("", s.text))), (ui.name, s.text)
