"""The lists page: the proposal queue, decisions with a required reason, removals with rectification
evidence, and each entry's history. Buttons follow the signed-in role; the services check it again."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import QDate, QObject
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

from dieselwatch.gui.audit_labels import action_label
from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.forms import load_form
from dieselwatch.gui.tables import Labelled, RowsTable
from dieselwatch.scoring.judge import LABELS
from dieselwatch.services import lists
from dieselwatch.services.lists import STATUS_NAMES
from dieselwatch.services.settings import get_settings
from dieselwatch.services.users import role_name

SUPERVISING = ("supervisor", "admin")


class ListsPage(QObject):
    def __init__(self, ctl):
        super().__init__(ctl)
        self.ctl, self.ws = ctl, ctl.ws
        self.p = load_form("lists_page.ui")
        p = self.p
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
        p.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        p.proposeButton.clicked.connect(self.propose)
        p.approveButton.clicked.connect(lambda: self.decide(True))
        p.rejectButton.clicked.connect(lambda: self.decide(False))
        p.removeButton.clicked.connect(self.remove)
        p.splitter.setSizes([420, 200])
        self.entries: dict[int, dict] = {}
        self.two_person = True

    # --- data -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        kind, status = self.p.kindFilter.currentData(), self.p.statusFilter.currentData()

        ws = self.ws  # the worker gets plain data, never this QObject

        def load(progress=None, cancel=None):
            rows = lists.entries(ws, kind=kind or None, status=None if status in ("", "pending") else status)
            if status == "pending":
                rows = [r for r in rows if r["status"] in ("proposed", "removal_pending")]
            return rows, get_settings(ws)["lists"]["two_person_rule"]

        self.ctl.run(load, on_done=self._show)

    def _show(self, data) -> None:
        rows, self.two_person = data
        current = self.table.current()
        self.entries = {r["id"]: r for r in rows}
        self.table.set_rows([(r["id"], self.kinds[r["list"]], self.statuses[r["status"]], r["vin"], r["plate"],
                              r["owner"], r["score"], self._reason_names(r["reason_codes"]), r["proposed_by"],
                              r["decided_by"], r["review_date"]) for r in rows], [r["id"] for r in rows])
        role = self.ws.role
        self.p.roleHint.setText(self.tr("Signed in as {0} ({1})").format(self.ws.user, core_text(role_name(role)))
                                if role
                                else self.tr("No user accounts yet: decisions need signed-in officers."))
        self.p.proposeButton.setEnabled(role is not None)
        if current is not None:
            self.table.select_key(current)
        self._selected()

    def _selected(self) -> None:
        e = self.entries.get(self.table.current())
        can_decide = can_remove = False
        if e is not None and self.ws.role:
            proposer = e["proposed_by"] if e["status"] == "proposed" else e["removal_proposed_by"]
            can_decide = (e["status"] in ("proposed", "removal_pending")
                          and (e["list"] != "black" or self.ws.role in SUPERVISING)
                          and not (self.two_person and proposer == self.ws.user))
            can_remove = e["status"] == "active"
        self.p.approveButton.setEnabled(can_decide)
        self.p.rejectButton.setEnabled(can_decide)
        self.p.removeButton.setEnabled(can_remove)
        if e is None:
            self.p.detail.clear()
            return
        self.ctl.run(lambda progress=None, cancel=None, ws=self.ws, vin=e["vin"]: lists.history(ws, vin),
                      on_done=self._show_history)

    @staticmethod
    def _reason_names(codes: list[str]) -> Labelled:
        """Short translated names in the table; the codes stay searchable and show in the tooltip."""
        return Labelled(", ".join(core_text(LABELS[c]) if c in LABELS else c for c in codes), ", ".join(codes))

    def _show_history(self, h: dict) -> None:
        e = html.escape
        entry = self.entries.get(self.table.current())
        if entry is None:
            return
        parts = [f"<h3>{e(entry['plate'] or '')} {e(entry['vin'])} — {e(self.kinds[entry['list']])}, "
                 f"{e(self.statuses[entry['status']])}</h3>",
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
                         f"<td style='padding-right:10px'>{e(action_label(ev['action']))} #{e(ev['entity_id'] or '')}</td>"
                         f"<td>{e(ev['reason'] or '')}</td></tr>")
        self.p.detail.setHtml("".join(parts) + "</table>")

    # --- actions ----------------------------------------------------------------------------------------
    def propose(self) -> None:
        def done(r):
            p = r.proposed
            self.ctl.w.statusbar.showMessage(self.tr(
                "Scoring run {0}: proposed {1} black, {2} white, {3} watch; {4} white removals proposed").format(
                r.run_id, p["black"], p["white"], p["watch"], r.white_removals), 10000)
            self.refresh()

        self.ctl.run(lambda progress=None, cancel=None, ws=self.ws: lists.propose_from_run(ws), on_done=done)

    def decide(self, approve: bool) -> None:
        e = self.entries.get(self.table.current())
        if e is None:
            return
        title = self.tr("Approve") if approve else self.tr("Reject")
        reason, ok = QInputDialog.getMultiLineText(self.p, title, self.tr("Reason (required):"))
        if not ok:
            return
        if not reason.strip():
            QMessageBox.warning(self.p, title, self.tr("A decision needs a reason."))
            return
        self._act(lambda ws=self.ws: lists.decide(ws, e["id"], approve, reason, expected_version=e["version"]))

    def remove(self) -> None:
        e = self.entries.get(self.table.current())
        if e is None:
            return
        d = load_form("removal_dialog.ui", self.p)
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
        self._act(lambda ws=self.ws: lists.propose_removal(ws, e["id"], reason, repair_record=repair or None,
                                                reinspected_on=when, expected_version=e["version"]))

    def _act(self, fn) -> None:
        """Run a decision off the GUI thread; refresh afterwards either way (after a conflict the officer sees
        the entry as the other workstation left it)."""
        job = self.ctl.run(lambda progress=None, cancel=None: fn(), on_done=lambda _: self.refresh())
        job.signals.failed.connect(lambda *_: self.refresh())
