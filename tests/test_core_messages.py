"""The core's messages reach an officer in the app's language: a refused file names file, row and column in
Chinese, as do role refusals, the audit status and the import preview's problems; the CLI keeps English."""

import re
import string
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from dieselwatch.errors import InputError, PermissionDenied
from dieselwatch.gui.core_text import core_text
from dieselwatch.messages import Msg

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "dieselwatch_zh_CN.ts"


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def test_every_translation_keeps_the_placeholders():
    """A translation that drops or renames a {placeholder} would lose the figure or break the message."""
    for msg in ET.parse(TS).iter("message"):
        src, tr = msg.findtext("source"), msg.findtext("translation")
        assert _fields(src) == _fields(tr), (src, tr)


def test_core_message_templates_are_literals():
    """lupdate extracts only a literal template; Msg(f"...") or Msg(variable) would stay English for ever."""
    bad = []
    for p in (ROOT / "dieselwatch").rglob("*.py"):
        if p.name == "messages.py":
            continue
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bMsg\((?!\s*\")", line):
                bad.append(f"{p.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not bad, bad
    core = {m.findtext("source") for c in ET.parse(TS).iter("context") if not c.findtext("name")
            for m in c.iter("message")}
    assert "event {seq} was altered after it was written" in core and "VIN missing" in core


def test_refused_file_in_chinese_names_file_and_row(zh, ws, tmp_path):
    from dieselwatch.ingest.columns import record_fields
    from dieselwatch.services.imports import import_records

    f = tmp_path / "监控数据.csv"
    f.write_text("车架号,车速\nLFNA1B2C3D4E56789,10\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_records(ws, f)
    alias = record_fields()["ts"].aliases[0]
    # CLI and log: English; the app: Chinese. Both say what was recognised and that the time column is missing.
    assert str(err.value).startswith("监控数据.csv, row 1: is not a monitoring export: no ")
    text = core_text(err.value)
    assert text.startswith("监控数据.csv，第1行：不是监控数据导出文件：未找到") and f"{alias} (ts)" in text
    assert "第1行表头为：车架号, 车速" in text and "已识别：车架号 (vin), 车速 (speed)" in text


def test_role_refusal_in_chinese_with_role_names(zh, ws):
    from dieselwatch.services.users import create_user, require

    create_user(ws, "chief", "chief-pass-1", "admin")
    ws.user, ws.role = "chief", "admin"
    create_user(ws, "wang", "wang-pass-12", "officer")
    ws.user, ws.role = "wang", "officer"
    with pytest.raises(PermissionDenied) as err:
        require(ws, "supervisor")
    assert str(err.value) == "wang is officer; this needs the supervisor role"
    assert core_text(err.value) == "wang的角色是工作人员；此操作需要审核人角色"


def test_audit_status_and_preview_problems_in_chinese(zh, ws, tmp_path, qtbot):
    from dieselwatch.gui.import_wizard import ImportWizard
    from dieselwatch.gui.main_window import MainController
    from dieselwatch.services import auditlog
    from dieselwatch.services.import_preview import preview_records

    st = auditlog.verify(ws)
    assert st.ok and core_text(st.message) == f"共{st.head_seq}条记录，链完整"
    f = tmp_path / "a.csv"
    f.write_text("车架号,数据采集时间,车速\nLFNA1B2C3D4E56789,2026-10-01 08:00:00,abc\n"
                 "BAD,2026-10-01 08:00:01,300\n", encoding="utf-8")
    reasons = {core_text(r) for *_, r in preview_records(f).problems}
    assert reasons == {"非数值：按缺失值保存", "不是17位VIN：该行将被拒绝", "超出范围0至250.996：按缺失值保存"}
    # the import wizard an officer sees: problems, tooltips and the field names in Chinese
    ctl = MainController(ws, "zh_CN")
    qtbot.addWidget(ctl.w)
    wiz = ImportWizard(ctl, f, preview_records(f))
    assert wiz.d.previewTable.item(0, 2).toolTip() == "非数值：按缺失值保存"
    assert "1 × 不是17位VIN：该行将被拒绝" in wiz.d.problemSummary.text()
    assert wiz.combos[0].currentText() == "车辆识别代号 — vin"


def test_plain_stored_reason_and_untranslated_text(zh):
    """A report read back from the database holds plain English; a template without arguments still translates,
    and text with no translation is shown as it is rather than lost."""
    assert core_text("VIN missing") == "缺少VIN"
    assert core_text(Msg("{n} row(s) refused, first: {first}", n=3, first=Msg("VIN missing"))) == \
        "有3行被拒绝，第一处：缺少VIN"
    assert core_text("something only English") == "something only English"


def test_every_audit_action_has_a_label_in_chinese(zh):
    """The audit viewer shows what happened in words; an action code the core writes without a label would
    show as a bare code."""
    from dieselwatch.gui.audit_labels import ACTIONS, ENTITIES, action_label, entity_label

    written = set()
    for p in (ROOT / "dieselwatch").rglob("*.py"):
        written |= set(re.findall(r"\"((?:audit|import|list|notice|profile|registry|ruleset|settings|user)\.[a-z_]+)\"",
                                  p.read_text(encoding="utf-8")))
    written = {w for w in written if w.rsplit(".", 1)[1] not in ("xlsx", "csv", "json")}  # file names
    assert written == set(ACTIONS), written ^ set(ACTIONS)
    assert action_label("list.propose") == "提议列入名单" and entity_label("list_entry") == "名单条目"
    assert all(action_label(a) != a for a in ACTIONS) and all(entity_label(e) != e for e in ENTITIES)
    assert action_label("list.from_a_newer_version") == "list.from_a_newer_version"


def test_audit_page_in_chinese(zh, loaded_ws, qtbot):
    from dieselwatch.gui.main_window import MainController
    from dieselwatch.gui.worker import pool
    from dieselwatch.services.settings import update_settings
    from dieselwatch.services.users import create_user

    create_user(loaded_ws, "chief", "chief-pass-1", "admin")
    loaded_ws.user, loaded_ws.role = "chief", "admin"
    update_settings(loaded_ws, {"bureau.code": "鲁济平"}, reason="设置单位代码")
    ctl = MainController(loaded_ws, "zh_CN")
    qtbot.addWidget(ctl.w)
    ctl.audit_page.refresh()
    qtbot.waitUntil(lambda: (pool().waitForDone(10) or True) and ctl.audit_page.p.table.model().rowCount() >= 2)
    m = ctl.audit_page.p.table.model()
    rows = {tuple(m.index(r, c).data() for c in (3, 4)) for r in range(m.rowCount())}
    assert ("创建账号", "账号") in rows and ("修改设置", "设置") in rows
    ctl.audit_page.verify()
    qtbot.waitUntil(lambda: (pool().waitForDone(10) or True) and "链完整" in ctl.audit_page.p.status.text())


def test_every_reason_has_a_short_name():
    from dieselwatch.scoring.judge import LABELS, REASONS

    assert set(LABELS) == set(REASONS)


def test_lists_page_in_chinese_names_reasons_and_shows_the_evidence(zh, loaded_ws, qtbot):
    """An officer deciding an entry reads the reasons in words and the evidence with its figures."""
    from datetime import date

    from test_lists import as_user, make_office

    from dieselwatch.gui.main_window import MainController
    from dieselwatch.gui.worker import pool
    from dieselwatch.services import lists
    from dieselwatch.services.scoring import score_period

    make_office(loaded_ws)
    as_user(loaded_ws, "li")
    score_period(loaded_ws, date(2026, 10, 1), date(2026, 10, 5))
    lists.propose_from_run(loaded_ws)
    ctl = MainController(loaded_ws, "zh_CN")
    qtbot.addWidget(ctl.w)
    page = ctl.lists_page
    page.refresh()
    qtbot.waitUntil(lambda: (pool().waitForDone(10) or True) and page.table.proxy.rowCount() > 0)
    assert page.p.roleHint.text() == "当前用户：li（审核人）"
    m = page.table.proxy
    row = next(r for r in range(m.rowCount()) if "EXC_SHARE" in (m.index(r, 7).data(Qt.ItemDataRole.ToolTipRole) or ""))
    assert "NOx超筛查阈值占比" in m.index(row, 7).data()
    page.p.search.setText("TAMPER_REAGENT_EMPTY")  # still found by code
    assert m.rowCount() >= 1 and "反应剂为空" in m.index(0, 7).data()
    page.p.search.setText("")
    page.p.table.selectRow(row)
    qtbot.waitUntil(lambda: (pool().waitForDone(10) or True) and "有效工况下游NOx" in page.p.detail.toPlainText())
    assert "提议列入名单" in page.p.detail.toPlainText()


def test_no_tr_call_hidden_in_an_f_string():
    """lupdate does not look inside f-string replacement fields: a tr() there is never translated."""
    bad = []
    for p in (ROOT / "dieselwatch" / "gui").glob("*.py"):
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            for m in re.finditer(r"\bf(['\"])(.*?)\1", line):
                if re.search(r"\{[^}]*\btr\(", m.group(2)):
                    bad.append(f"{p.name}:{i}: {line.strip()}")
    assert not bad, bad


def test_reason_sentences_join_without_punctuation_pileups():
    from dieselwatch.messages import sentences

    assert sentences(["超标时间占97.6%。", "共5天", "仅2天有数据。", ""]) == "超标时间占97.6%。共5天；仅2天有数据。"
    assert sentences(["Above the threshold.", "5 days", "only 2 days"]) == "Above the threshold. 5 days; only 2 days"
