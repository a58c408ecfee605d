"""The lists page: the proposal queue, batch decisions with one reason (the office's presets or written),
removals with rectification evidence, and each entry's history. What the signed-in user may do, and why not,
comes from services.lists.action_blocks; the services check it again when the decision is made."""

from __future__ import annotations

import html
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QDate, QItemSelection, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QMenu

from dieselwatch.gui.audit_labels import action_label
from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.decision_dialog import DecisionDialog, PresetsEditor
from dieselwatch.gui.forms import load_form
from dieselwatch.gui.tables import KEY, Labelled, RowsTable, attach_table
from dieselwatch.services import lists, reason_presets
from dieselwatch.services.lists import (
    STATUS_NAMES,
    ActionBlocks,
    Actor,
    BatchDecision,
    EntryRow,
    ListStatus,
    Pick,
    action_blocks,
    decision_block,
)
from dieselwatch.services.reason_presets import ReasonPresets
from dieselwatch.services.users import role_name

AWAITING = (ListStatus.PROPOSED, ListStatus.REMOVAL_PENDING)


def _load(ws, kind: str | None, status: str) -> tuple[list[EntryRow], bool, ReasonPresets]:
    """Runs on the worker: the entries shown, the two-person setting and the office's preset reasons."""
    if status == "pending":
        rows = lists.entries(ws, kind=kind, statuses=AWAITING)
    else:
        rows = lists.entries(ws, kind=kind, status=status or None)
    return rows, lists.two_person_rule(ws), reason_presets.presets(ws)


class ListsPage(QObject):
    # Entries were proposed, decided or proposed for removal here: pages showing lists (notices, vehicles,
    # dashboard) reload. The shell connects it.
    changed = Signal()

    def __init__(self, ctl):
        super().__init__(ctl)
        self.ctl, self.ws = ctl, ctl.ws
        p: Any = load_form("lists_page.ui")  # a Designer form: its children are attributes
        self.p = p
        self.kinds = {"black": self.tr("Black list"), "white": self.tr("White list"), "watch": self.tr("Watch list")}
        self.statuses = {k: core_text(name) for k, name in STATUS_NAMES.items()}  # the core's names, translated
        p.kindFilter.addItem(self.tr("All"), "")
        for k, t in self.kinds.items():
            p.kindFilter.addItem(t, k)
        p.statusFilter.addItem(self.tr("Awaiting a decision"), "pending")
        p.statusFilter.addItem(self.tr("All"), "")
        for k, t in self.statuses.items():
            p.statusFilter.addItem(t, k)
        self.table = RowsTable(p.table, [self.tr("Entry"), self.tr("List"), self.tr("Status"), self.tr("VIN"),
                                         self.tr("Plate"), self.tr("Owner"), self.tr("Score"), self.tr("Reasons"),
                                         self.tr("Proposed by"), self.tr("Decided by"), self.tr("Review date")],
                               [55, 80, 90, 160, 85, 190, 50, 230, 85, 85, 90])
        p.kindFilter.currentIndexChanged.connect(lambda _: self.refresh())
        p.statusFilter.currentIndexChanged.connect(lambda _: self.refresh())
        p.search.textChanged.connect(self.table.proxy.setFilterFixedString)
        p.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        p.table.doubleClicked.connect(self._open_vehicle_at)
        p.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        p.table.customContextMenuRequested.connect(self._context_menu)
        self.tools = attach_table(p.table, "lists", ctl.settings, title=self.tr("Lists"),
                                  exports_dir=ctl.ws.home.exports_dir, own_menu=True)
        p.proposeButton.clicked.connect(self.propose)
        p.approveButton.clicked.connect(lambda: self.decide(True))
        p.rejectButton.clicked.connect(lambda: self.decide(False))
        p.removeButton.clicked.connect(self.remove)
        p.splitter.setSizes([420, 200])
        self.entries: dict[int, EntryRow] = {}
        self.two_person = True
        self.presets = ReasonPresets()
        self.blocks: ActionBlocks = action_blocks([], self.actor())
        self._history_for: int | None = None
        self._update_actions()

    # --- data -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        kind, status = self.p.kindFilter.currentData(), self.p.statusFilter.currentData()
        self.ctl.run(_load, self.ws, kind or None, status or "", on_done=self._show)

    def _show(self, data: tuple[list[EntryRow], bool, ReasonPresets]) -> None:
        rows, self.two_person, self.presets = data
        keep = [e["id"] for e in self.selected()]
        self.entries = {r["id"]: r for r in rows}
        self.table.set_rows([(r["id"], self.kinds[r["list"]], self.statuses[r["status"]], r["vin"], r["plate"],
                              r["owner"], r["score"], self._reason_names(r["reason_codes"]), r["proposed_by"],
                              r["decided_by"], r["review_date"]) for r in rows], [r["id"] for r in rows])
        role = self.ws.role
        self.p.roleHint.setText(self.tr("Signed in as {0} ({1})").format(self.ws.user, core_text(role_name(role)))
                                if role
                                else self.tr("No user accounts yet: decisions need signed-in officers."))
        self.p.proposeButton.setEnabled(role is not None)
        self.p.proposeButton.setToolTip("" if role else self.tr("Sign in first: proposals are made by an officer."))
        self._select_keys(keep)
        self._selected()

    def actor(self) -> Actor:
        return Actor(self.ws.user, self.ws.role, self.two_person)

    def selected(self) -> list[EntryRow]:
        """The selected entries, in the order shown."""
        rows = sorted(self.p.table.selectionModel().selectedRows(), key=lambda i: i.row())
        keys = [i.siblingAtColumn(0).data(KEY) for i in rows]  # the view's own indexes: right under any proxy
        return [self.entries[k] for k in keys if k in self.entries]

    def _select_keys(self, keys: list[int]) -> None:
        sm = self.p.table.selectionModel()
        wanted, sel = set(keys), QItemSelection()
        model = self.p.table.model()  # the view's model, whatever proxies the table tools put in between
        for r in range(model.rowCount()):
            idx = model.index(r, 0)
            if idx.data(KEY) in wanted:
                sel.select(idx, idx)
        # One change of the selection, so one reload of the history, however many rows.
        sm.select(sel, sm.SelectionFlag.ClearAndSelect | sm.SelectionFlag.Rows)

    def _selected(self) -> None:
        self._update_actions()
        chosen = self.selected()
        if len(chosen) != 1:
            self._history_for = None
            self.p.detail.setHtml("" if not chosen else "<p>" + html.escape(
                self.tr("{0} entries selected. Approve or reject them together with one reason.")
                .format(len(chosen))) + "</p>")
            return
        e = chosen[0]
        self._history_for = e["id"]
        self.ctl.run(lists.history, self.ws, e["vin"], on_done=self._show_history)

    def _update_actions(self) -> None:
        """Enable what the signed-in user may do with the selection; say why not in the tooltip and beside the
        buttons."""
        self.blocks = b = action_blocks(self.selected(), self.actor())
        p = self.p
        for button, why in ((p.approveButton, b.decide), (p.rejectButton, b.decide), (p.removeButton, b.remove)):
            button.setEnabled(why is None)
            button.setToolTip("" if why is None else core_text(why))
        hints = []
        if b.decide is not None:
            hints.append(self.tr("Approve / reject: {0}").format(core_text(b.decide)))
        if b.remove is not None and self.selected():
            hints.append(self.tr("Removal: {0}").format(core_text(b.remove)))
        p.actionHint.setText("\n".join(hints))

    @staticmethod
    def _reason_names(codes: list[str]) -> Labelled:
        """Short translated names in the table; the codes stay searchable and show in the tooltip."""
        return Labelled(", ".join(core_text(lists.reason_label(c)) for c in codes), ", ".join(codes))

    def describe(self, e: EntryRow) -> str:
        return f"#{e['id']}  {self.kinds[e['list']]}  {self.statuses[e['status']]}  {e['plate'] or ''}  " \
               f"{e['vin']}  {e['owner'] or ''}"

    def _show_history(self, h: dict) -> None:
        e = html.escape
        entry = self.entries.get(self._history_for) if self._history_for is not None else None
        if entry is None or entry["vin"] != h["vin"]:
            return  # the selection moved on while the history loaded
        parts = [(f"<h3>{e(entry['plate'] or '')} {e(entry['vin'])} — {e(self.kinds[entry['list']])}, "
                 f"{e(self.statuses[entry['status']])}</h3>"),
                 "<p>" + e(self.tr("Evidence: score {0}, period {1} to {2}, rule set {3}").format(
                     entry["score"], entry["period"][0], entry["period"][1], entry["ruleset_version"])) + "</p>"]
        key = "text" if self.ctl.lang.startswith("zh") else "text_en"
        if entry["reasons"]:  # the evidence the officer decides on, with its figures
            parts.append("<ul>" + "".join(f"<li>{e(r.get(key) or r['code'])}</li>" for r in entry["reasons"])
                         + "</ul>")
        if entry["removal_reason"]:
            parts.append("<p>" + e(self.tr("Removal proposed by {0}: {1}").format(
                entry["removal_proposed_by"], entry["removal_reason"])) + "</p>")
        if entry["rectification"]:
            r = entry["rectification"]
            parts.append("<p>" + e(self.tr("Rectification: {0}; re-inspected {1}; {2} clean days since").format(
                r["repair_record"], r["reinspected_on"], r["clean_days"])) + "</p>")
        parts.append("<h4>" + e(self.tr("List history")) + "</h4><table>")
        for ev in h["events"]:
            parts.append(f"<tr><td style='padding-right:10px'>{ev['seq']}</td><td style='padding-right:10px'>"
                         f"{e(ev['at'].replace('T', ' '))}</td><td style='padding-right:10px'>{e(ev['actor'])}</td>"
                         f"<td style='padding-right:10px'>{e(action_label(ev['action']))} "
                         f"#{e(ev['entity_id'] or '')}</td>"
                         f"<td>{e(ev['reason'] or '')}</td></tr>")
        self.p.detail.setHtml("".join(parts) + "</table>")

    # --- from an entry to its vehicle -------------------------------------------------------------------
    def _entry_at(self, index) -> EntryRow | None:
        if not index.isValid():
            return None
        return self.entries.get(index.siblingAtColumn(0).data(KEY))

    def _open_vehicle_at(self, index) -> None:
        e = self._entry_at(index)
        if e is not None:
            self.ctl.show_vehicle(e["vin"])

    def copy_vins(self) -> None:
        vins = [e["vin"] for e in self.selected()]
        if vins:
            QGuiApplication.clipboard().setText("\n".join(vins))
            self.ctl.status(self.tr("Copied {0} VIN(s).").format(len(vins)))

    def _context_menu(self, pos: QPoint) -> None:
        e = self._entry_at(self.p.table.indexAt(pos))
        if e is None:
            return
        if e not in self.selected():  # right-clicking outside the selection acts on that row
            self._select_keys([e["id"]])
        menu = self.context_menu(e)
        menu.exec(self.p.table.viewport().mapToGlobal(pos))

    def context_menu(self, e: EntryRow) -> QMenu:
        menu = QMenu(self.p)
        menu.setToolTipsVisible(True)
        menu.addAction(self.tr("Open the vehicle and its evidence"), lambda: self.ctl.show_vehicle(e["vin"]))
        menu.addSeparator()
        for text, approve in ((self.tr("Approve…"), True), (self.tr("Reject…"), False)):
            act = menu.addAction(text, partial(self.decide, approve))
            act.setEnabled(self.blocks.decide is None)
            if self.blocks.decide is not None:
                act.setToolTip(core_text(self.blocks.decide))
        menu.addSeparator()
        menu.addAction(self.tr("Copy VIN"), self.copy_vins)
        self.tools.add_standard_actions(menu)
        return menu

    # --- actions ----------------------------------------------------------------------------------------
    def propose(self) -> None:
        def done(r):
            p = r.proposed
            self.ctl.status(self.tr(
                "Scoring run {0}: proposed {1} black, {2} white, {3} watch; {4} white removals proposed").format(
                r.run_id, p["black"], p["white"], p["watch"], r.white_removals), 10000)
            self.refresh()
            self.changed.emit()

        self.ctl.run(lists.propose_from_run, self.ws, on_done=done)

    def decision_dialog(self, approve: bool) -> DecisionDialog | None:
        chosen = self.selected()
        if self.blocks.decide is not None or not chosen:
            self.ctl.status(core_text(self.blocks.decide) if self.blocks.decide else "")
            return None
        actor = self.actor()
        blocks = {e["id"]: decision_block(e, actor) for e in chosen}
        return DecisionDialog(self.p, approve, chosen, blocks, self.presets, self.describe, self.edit_presets)

    def decide(self, approve: bool) -> None:
        dlg = self.decision_dialog(approve)
        if dlg is None or not dlg.exec():
            return
        picks = [Pick(e["id"], e["version"]) for e in self.selected()]
        self.ctl.run(lists.decide_many, self.ws, picks, approve, dlg.reason, on_done=self._decided,
                     on_failed=lambda _: self.refresh())

    def _decided(self, r: BatchDecision) -> None:
        """What was decided and what was refused, and why: on the page (it stays until the next decision) and
        in the status bar."""
        e = html.escape
        done = (self.tr("Approved {0} entries.") if r.approve else self.tr("Rejected {0} entries.")
                ).format(len(r.decided))
        parts = [f"<b>{e(done)}</b>"]
        if r.decided:
            parts.append(e(", ".join(f"#{o.entry_id} {o.vin or ''}" for o in r.decided)))
        if r.refused:
            parts.append("<br><b style='color:#b00020'>" + e(self.tr("Refused {0}:").format(len(r.refused))) + "</b>")
            parts.append("<br>".join(e(f"#{o.entry_id} {o.vin or ''}: {core_text(o.refused)}") for o in r.refused))
        self.p.summary.setText(" ".join(parts))
        self.ctl.status(done + ("" if not r.refused else " " + self.tr("Refused {0}:").format(len(r.refused))
                                + " " + core_text(r.refused[0].refused)), 15000)
        self.refresh()
        if r.decided:
            self.changed.emit()

    def edit_presets(self, dialog: DecisionDialog | None = None) -> None:
        """The office's preset reasons; read-only for those who may not change them."""
        ed = PresetsEditor(self.p, self.presets, reason_presets.edit_block(self.ws.role))
        if not ed.exec():
            return
        approve, reject = ed.lines()

        def saved(p: ReasonPresets) -> None:
            self.presets = p
            if dialog is not None:
                dialog.set_presets(p)
            self.ctl.status(self.tr("Preset reasons saved for the whole office."))

        self.ctl.run(reason_presets.save_presets, self.ws, approve, reject, on_done=saved)

    def remove(self) -> None:
        chosen = self.selected()
        if self.blocks.remove is not None or len(chosen) != 1:
            return
        e = chosen[0]
        d: Any = load_form("removal_dialog.ui", self.p)
        black = e["list"] == "black"
        d.intro.setText(self.tr("Leaving the black list needs the repair record, the re-inspection date and enough "
                                "clean days with data since then.") if black else
                        self.tr("Propose ending this entry. Another officer decides."))
        for w in (d.repairLabel, d.repairEdit, d.reinspectedLabel, d.reinspectedDate):
            w.setVisible(black)
        d.reinspectedDate.setDate(QDate.currentDate())
        d.buttons.accepted.connect(d.accept)
        d.buttons.rejected.connect(d.reject)
        if d.exec() != QDialog.DialogCode.Accepted:
            return
        reason, repair = d.reasonEdit.toPlainText(), d.repairEdit.text()
        when: date | None = d.reinspectedDate.date().toPython() if black else None
        # Refresh either way: after a conflict the officer sees the entry as the other workstation left it.
        self.ctl.run(lists.propose_removal, self.ws, e["id"], reason, repair_record=repair or None,
                     reinspected_on=when, expected_version=e["version"], on_done=lambda _: self._removed(),
                     on_failed=lambda _: self.refresh())

    def _removed(self) -> None:
        self.refresh()
        self.changed.emit()

