"""The officer's daily list work: batch decisions with the office's preset reasons, actions that say why they
are not available, from an entry or a notice to the vehicle, and notices issued from a preview of the selected
entries. Services first, then the two pages driven with pytest-qt through a stand-in for the main window."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QMainWindow
from sqlalchemy import func, select
from test_lists import as_user, entry_of, make_office

from dieselwatch.errors import Conflict, InputError, PermissionDenied
from dieselwatch.gui import jobs
from dieselwatch.gui.worker import pool
from dieselwatch.services import auditlog, lists, notices, reason_presets
from dieselwatch.services.lists import Actor, ListStatus, Pick, action_blocks, decision_block
from dieselwatch.services.scoring import score_period
from dieselwatch.services.settings import update_settings
from dieselwatch.storage.models import Notice

CONTACT = {"bureau.contact": "张科长", "bureau.phone": "0531-87881234", "bureau.address": "青龙路1号"}


@pytest.fixture()
def office(loaded_ws, manifest):
    """The demo fleet scored and proposed by officer wang, in a bureau with two officers and two supervisors."""
    make_office(loaded_ws)
    as_user(loaded_ws, "chief")
    update_settings(loaded_ws, CONTACT)
    as_user(loaded_ws, "wang")
    score_period(loaded_ws, date.fromisoformat(manifest["start"]), date.fromisoformat(manifest["end"]))
    lists.propose_from_run(loaded_ws)
    loaded_ws.behaviour = {v["vin"]: v["behaviour"] for v in manifest["vehicles"]}
    return loaded_ws


def approve_black(ws, n: int | None = None) -> list[int]:
    """Supervisor li approves wang's black proposals (n of them); returns their ids."""
    as_user(ws, "li")
    ids = [e["id"] for e in lists.entries(ws, kind="black", status="proposed")][:n]
    r = lists.decide_many(ws, [Pick(i) for i in ids], True, "复核属实")
    assert not r.refused
    return ids


# --- services ---------------------------------------------------------------------------------------------

def test_batch_decision_reports_each_refusal_with_its_reason(office):
    black = entry_of(office, "high_emitter", "black")
    white = entry_of(office, "clean", "white")
    watch = next(iter(lists.entries(office, kind="watch", status="proposed")))
    as_user(office, "zhou")  # an officer, not the proposer
    r = lists.decide_many(office, [Pick(white["id"], white["version"]), Pick(black["id"], black["version"]),
                                   Pick(watch["id"], watch["version"])], True, "经人工复核，数据完整，符合列入条件。")
    assert [o.entry_id for o in r.decided] == [white["id"], watch["id"]]
    assert all(o.status == ListStatus.ACTIVE == "active" for o in r.decided)
    [refused] = r.refused
    assert refused.entry_id == black["id"] and refused.vin == black["vin"] and "supervisor" in refused.refused
    decided = lists.entries(office, vin=white["vin"], kind="white")[0]
    assert decided["decision_reason"] == "经人工复核，数据完整，符合列入条件。"
    # The proposer cannot decide his own; an entry another workstation decided first is a conflict.
    as_user(office, "wang")
    others = [e for e in lists.entries(office, status="proposed") if e["list"] != "black"]
    r = lists.decide_many(office, [Pick(others[0]["id"], others[0]["version"])], False, "证据不足")
    assert not r.decided and "two-person" in r.refused[0].refused
    as_user(office, "li")
    lists.decide(office, black["id"], True, "复核属实")  # the other workstation
    as_user(office, "zhao")
    r = lists.decide_many(office, [Pick(black["id"], black["version"])], False, "证据不足")
    assert not r.decided and "changed by li" in r.refused[0].refused
    with pytest.raises(InputError, match="reason"):
        lists.decide_many(office, [Pick(black["id"])], True, "  ")
    assert auditlog.verify(office).ok


def test_action_blocks_say_why(office):
    as_user(office, "wang")
    rows = {e["id"]: e for e in lists.entries(office)}
    black = entry_of(office, "high_emitter", "black")
    white = entry_of(office, "clean", "white")
    wang, zhou, li = Actor("wang", "officer", True), Actor("zhou", "officer", True), Actor("li", "supervisor", True)
    nobody = Actor("someone", None, True)
    assert "select one or more" in action_blocks([], wang).decide
    assert "two-person" in decision_block(white, wang)
    assert decision_block(white, Actor("wang", "officer", False)) is None  # without the rule he may
    assert "need a supervisor" in decision_block(black, zhou)
    assert decision_block(black, li) is None and decision_block(white, zhou) is None
    assert "signed in" in decision_block(white, nobody)
    b = action_blocks([white, black], zhou)
    assert b.decide is None and b.decidable == (white["id"],)  # one of two is enough; the other is refused later
    b = action_blocks([white, black], wang)
    assert "none of the 2" in b.decide
    assert "single entry" in b.remove
    assert "only an active entry" in action_blocks([white], zhou).remove
    as_user(office, "zhou")
    active = lists.decide(office, white["id"], True, "ok")
    assert "not a proposal" in decision_block(active, li) and action_blocks([active], zhou).remove is None
    assert len(rows) > 2


def test_preset_reasons_are_office_wide_and_audited(office):
    assert reason_presets.presets(office).approve == reason_presets.DEFAULT_APPROVE
    as_user(office, "wang")
    assert reason_presets.edit_block("officer") is not None
    with pytest.raises(PermissionDenied):
        reason_presets.save_presets(office, ["x"], ["y"])
    as_user(office, "li")
    assert reason_presets.edit_block("supervisor") is None
    p = reason_presets.save_presets(office, ["复核属实。", "", "复核属实。", "  整改合格。 "], ["证据不足。"])
    assert p.approve == ["复核属实。", "整改合格。"] and p.reject == ["证据不足。"]
    assert reason_presets.presets(office) == p  # what another workstation reads
    ev = auditlog.events(office, entity="settings", entity_id="reason_presets")
    assert len(ev) == 1 and ev[0]["actor"] == "li"
    reason_presets.save_presets(office, p.approve, p.reject)  # unchanged: no event
    assert len(auditlog.events(office, entity="settings", entity_id="reason_presets")) == 1
    assert auditlog.verify(office).ok
    with pytest.raises(InputError, match="longer than"):
        reason_presets.save_presets(office, ["长" * 201], [])


def notice_count(ws) -> int:
    with ws.Session() as s:
        return s.scalar(select(func.count()).select_from(Notice)) or 0


def test_preview_then_issue_exactly_the_selected_entries(office, tmp_path):
    black = approve_black(office)
    assert len(black) >= 4
    as_user(office, "wang")
    chosen = [black[2], black[0]]
    pv = notices.preview_notices(office, chosen)
    assert [i.entry_id for i in pv.items] == sorted(chosen) and pv.blocked is None
    year = date.today().year
    assert pv.numbers == [f"XX环机整〔{year}〕0001号", f"XX环机整〔{year}〕0002号"]
    assert pv.items[0].reasons and pv.contact == "张科长" and pv.signer == "王磊"
    assert notice_count(office) == 0  # a preview assigns nothing: a cancelled one leaves no gap
    assert notices.preview_notices(office, chosen).numbers == pv.numbers
    r = notices.issue_selected(office, chosen, tmp_path / "out", expected_numbers=pv.numbers)
    assert [n.number for n in r.notices] == pv.numbers and len(r.files) == 2
    assert {n["entry_id"] for n in notices.list_notices(office)} == set(chosen)
    assert black[1] in {c.entry_id for c in notices.notice_candidates(office)}
    assert not {c.entry_id for c in notices.notice_candidates(office)} & set(chosen)
    with pytest.raises(InputError, match="already have a notice"):
        notices.preview_notices(office, chosen)
    # Another workstation issues between preview and confirmation: nothing issued, the officer previews again.
    pv = notices.preview_notices(office, [black[1]])
    assert pv.numbers == [f"XX环机整〔{year}〕0003号"]
    notices.issue_notices(office, [black[3]])
    before = notice_count(office)
    with pytest.raises(Conflict, match="preview again"):
        notices.issue_selected(office, [black[1]], tmp_path / "out2", expected_numbers=pv.numbers)
    assert notice_count(office) == before and not (tmp_path / "out2").exists()
    assert auditlog.verify(office).ok


def test_preview_says_what_blocks_issuing(office):
    black = approve_black(office, 1)
    as_user(office, "chief")
    update_settings(office, {"bureau.phone": ""})
    as_user(office, "wang")
    pv = notices.preview_notices(office, black)
    assert "bureau.phone" in pv.blocked
    assert notices.issue_block(0, "officer") is not None and notices.issue_block(1, None) is not None
    assert notices.issue_block(1, "officer") is None
    with pytest.raises(InputError, match="not active black-list"):
        notices.preview_notices(office, [black[0] + 10_000])


# --- the pages --------------------------------------------------------------------------------------------

class FakeShell(QObject):
    """The page API of the main window (ctl), with show_vehicle recorded."""

    def __init__(self, ws, lang: str = "en"):
        super().__init__()
        self.ws, self.lang, self.settings = ws, lang, None
        self.w = QMainWindow()
        self.shown: list[str] = []
        self.messages: list[str] = []

    def run(self, fn, *args, on_done=None, title=None, on_failed=None, **kwargs):
        return jobs.run(fn, *args, parent=self.w, title=title, on_done=on_done, on_failed=on_failed,
                        status=self.status, **kwargs)

    def status(self, text: str, ms: int = 8000) -> None:
        self.messages.append(text)

    def show_vehicle(self, vin: str) -> bool:
        self.shown.append(vin)
        return True

    def refresh(self) -> None:
        pass


def settle(qtbot, cond, timeout=20000):
    qtbot.waitUntil(lambda: (pool().waitForDone(10) or True) and cond(), timeout=timeout)


def shown(qtbot, shell, page, loaded):
    """The page inside the stand-in window, loaded; afterwards every job finished before the window goes."""
    shell.w.setCentralWidget(page.p)
    shell.w.resize(1280, 760)
    qtbot.addWidget(shell.w)
    shell.w.show()
    page.refresh()
    settle(qtbot, loaded)
    yield page
    pool().waitForDone(20000)
    qtbot.wait(10)


@pytest.fixture()
def lists_page(qtbot, office):
    from dieselwatch.gui.lists_page import ListsPage

    shell = FakeShell(office)
    page = ListsPage(shell)
    yield from shown(qtbot, shell, page, lambda: page.table.proxy.rowCount() > 0)


def select_entries(page, ids: set[int]) -> None:
    page._select_keys(sorted(ids))
    assert {e["id"] for e in page.selected()} == ids


def test_batch_approve_with_a_preset_reason_as_second_user(lists_page, qtbot, monkeypatch):
    page, ws = lists_page, lists_page.ws
    as_user(ws, "li")  # the second person: a supervisor who proposed nothing
    page.refresh()
    settle(qtbot, lambda: "Signed in as li" in page.p.roleHint.text())
    black = [e["id"] for e in page.entries.values() if e["list"] == "black"][:2]
    white = [e["id"] for e in page.entries.values() if e["list"] == "white"][:1]
    select_entries(page, set(black + white))
    assert page.p.approveButton.isEnabled() and page.p.approveButton.toolTip() == ""
    preset = reason_presets.presets(ws).approve[1]
    # Meanwhile supervisor zhao decides one of them on another workstation: it must be refused as a conflict.
    as_user(ws, "zhao")
    lists.decide(ws, black[1], False, "证据不足")
    as_user(ws, "li")

    def confirm(dlg):
        assert dlg.d.entriesList.count() == 3
        dlg.d.presetList.itemClicked.emit(dlg.d.presetList.item(1))  # the officer clicks a preset
        assert dlg.reason == preset and dlg.ok_button.isEnabled()
        return True

    monkeypatch.setattr("dieselwatch.gui.decision_dialog.DecisionDialog.exec", confirm)
    with qtbot.waitSignal(page.changed, timeout=20000):  # the shell reloads the pages showing lists
        page.p.approveButton.click()
    settle(qtbot, lambda: "Approved 2 entries." in page.p.summary.text())
    for i in (black[0], *white):
        e = next(x for x in lists.entries(ws) if x["id"] == i)
        assert e["status"] == "active" and e["decided_by"] == "li" and e["decision_reason"] == preset
    assert next(x for x in lists.entries(ws) if x["id"] == black[1])["status"] == "rejected"
    summary = page.p.summary.text()
    assert "Refused 1:" in summary and f"#{black[1]}" in summary and "changed by zhao" in summary
    settle(qtbot, lambda: black[0] not in page.entries)  # decided entries leave the queue


def test_preset_editor_from_the_dialog_saves_for_the_office(lists_page, qtbot, monkeypatch):
    page, ws = lists_page, lists_page.ws
    as_user(ws, "li")
    page.refresh()
    settle(qtbot, lambda: "Signed in as li" in page.p.roleHint.text())
    select_entries(page, {next(iter(page.entries))})

    def edit(ed):
        ed.d.approveEdit.setPlainText("复核属实，证据充分。\n车主未整改，维持。")
        return True

    monkeypatch.setattr("dieselwatch.gui.decision_dialog.PresetsEditor.exec", edit)
    dlg = page.decision_dialog(True)
    dlg.d.editPresetsButton.click()
    settle(qtbot, lambda: dlg.d.presetList.count() == 2)
    assert dlg.d.presetList.item(1).text() == "车主未整改，维持。"
    assert reason_presets.presets(ws).approve == ["复核属实，证据充分。", "车主未整改，维持。"]


def test_disabled_actions_say_why(lists_page, qtbot):
    page, ws = lists_page, lists_page.ws
    p = page.p
    page._select_keys([])
    page._update_actions()
    assert not p.approveButton.isEnabled() and "select one or more entries" in p.approveButton.toolTip()
    assert "select one or more entries" in p.actionHint.text()
    white = next(e for e in page.entries.values() if e["list"] == "white")
    black = next(e for e in page.entries.values() if e["list"] == "black")
    select_entries(page, {white["id"]})  # wang proposed it
    assert not p.approveButton.isEnabled() and not p.rejectButton.isEnabled()
    assert "two-person rule" in p.approveButton.toolTip() and "two-person rule" in p.actionHint.text()
    assert "only an active entry" in p.removeButton.toolTip()
    as_user(ws, "zhou")
    page.refresh()
    settle(qtbot, lambda: "Signed in as zhou" in p.roleHint.text())
    select_entries(page, {black["id"]})
    assert not p.approveButton.isEnabled() and "need a supervisor" in p.approveButton.toolTip()
    select_entries(page, {white["id"]})
    assert p.approveButton.isEnabled() and p.approveButton.toolTip() == ""
    # The context menu offers the same, greyed out with the same reason.
    select_entries(page, {black["id"]})
    menu = page.context_menu(black)
    acts = {a.text(): a for a in menu.actions() if a.text()}
    assert not acts["Approve…"].isEnabled() and "need a supervisor" in acts["Approve…"].toolTip()
    assert "Copy VIN" in acts and "Open the vehicle and its evidence" in acts


def test_double_click_and_menu_lead_to_the_vehicle(lists_page, qtbot, qapp):
    page = lists_page
    idx = page.table.proxy.index(2, 3)
    vin = page.entries[page.table.proxy.index(2, 0).data(Qt.ItemDataRole.UserRole + 1)]["vin"]
    page.p.table.doubleClicked.emit(idx)
    assert page.ctl.shown == [vin]
    e = page.entries[page.table.proxy.index(2, 0).data(Qt.ItemDataRole.UserRole + 1)]
    select_entries(page, {e["id"]})
    acts = {a.text(): a for a in page.context_menu(e).actions() if a.text()}
    acts["Open the vehicle and its evidence"].trigger()
    acts["Copy VIN"].trigger()
    assert page.ctl.shown == [vin, vin] and qapp.clipboard().text() == vin


@pytest.fixture()
def notices_page(qtbot, office):
    from dieselwatch.gui.notices_page import NoticesPage

    approve_black(office)
    as_user(office, "wang")
    shell = FakeShell(office)
    page = NoticesPage(shell)
    yield from shown(qtbot, shell, page, lambda: page.cand_table.proxy.rowCount() >= 3)


def test_notice_preview_and_confirm_issue_exactly_the_selected(notices_page, qtbot, monkeypatch, tmp_path):
    page, ws = notices_page, notices_page.ws
    p = page.p
    assert not p.issueButton.isEnabled() and "select one or more" in p.issueButton.toolTip()
    keys = [page.cand_table.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) for r in range(3)]
    chosen = {keys[0], keys[2]}
    for r in (0, 2):
        p.candidates.selectionModel().select(page.cand_table.proxy.index(r, 0),
                                             p.candidates.selectionModel().SelectionFlag.Select
                                             | p.candidates.selectionModel().SelectionFlag.Rows)
    assert set(page.selected_entries()) == chosen and p.issueButton.isEnabled()
    seen = {}

    def accept(d):
        seen["text"] = d.preview.toPlainText()
        seen["ok"] = d.buttons.button(d.buttons.StandardButton.Ok).text()
        d.folderEdit.setText(str(tmp_path / "issued"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", accept)
    with qtbot.waitSignal(page.issued, timeout=20000):
        p.issueButton.click()
    settle(qtbot, lambda: "Issued 2 notices" in p.result.text())
    year = date.today().year
    numbers = [f"XX环机整〔{year}〕0001号", f"XX环机整〔{year}〕0002号"]
    assert all(n in seen["text"] for n in numbers) and "张科长" in seen["text"] and seen["ok"] == "Issue 2 notices"
    issued = notices.list_notices(ws)
    assert sorted(n["entry_id"] for n in issued) == sorted(chosen)
    assert [n["number"] for n in issued] == numbers  # consecutive, in entry order, as previewed
    assert len(list((tmp_path / "issued").glob("*.xlsx"))) == 2 and p.openFileButton.isEnabled()
    settle(qtbot, lambda: page.table.proxy.rowCount() == 2)
    assert keys[1] in page.candidates and not chosen & page.candidates.keys()
    # An issued notice leads to its vehicle too.
    p.table.doubleClicked.emit(page.table.proxy.index(0, 2))
    assert page.ctl.shown == [page.table.proxy.index(0, 2).data()]


def test_cancelled_preview_issues_nothing(notices_page, qtbot, monkeypatch):
    page, ws = notices_page, notices_page.ws
    page.p.candidates.selectRow(0)
    monkeypatch.setattr(QDialog, "exec", lambda d: QDialog.DialogCode.Rejected)
    page.p.issueButton.click()
    settle(qtbot, lambda: "Nothing was issued." in page.ctl.messages)
    assert notices.list_notices(ws) == [] and notice_count(ws) == 0
    # and the next issue still starts at 0001: a preview takes no number
    assert notices.preview_notices(ws, page.selected_entries()).numbers[0].endswith("0001号")
