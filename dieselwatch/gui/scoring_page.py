"""The scoring page: choose a period and rule set and score every vehicle; below, any stored run as a sortable,
filterable table of every vehicle it scored, with the reasons. Double-click leads to the vehicle's evidence."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView

from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.forms import load_form
from dieselwatch.gui.models import PROPOSAL_COLOURS
from dieselwatch.gui.row_model import Column, RowsFilterProxy, RowsModel
from dieselwatch.gui.tables import attach_table
from dieselwatch.services.rulesets import list_rule_sets
from dieselwatch.services.score_runs import RunInfo, ScoreRow, list_runs, run_rows
from dieselwatch.services.scoring import coverage_warnings, score_period


def _load(ws) -> dict:
    return {"runs": list_runs(ws), "rulesets": list_rule_sets(ws)}


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class ScoringPage(QObject):
    def __init__(self, ctl):
        super().__init__()
        self.ctl = ctl
        p = self.p = load_form("scoring_page.ui")
        self.proposals = {"black": self.tr("black"), "watch": self.tr("watch"), "white": self.tr("white"),
                          "none": self.tr("none")}
        order = {"black": 0, "watch": 1, "none": 2, "white": 3}
        self.model = RowsModel([
            Column(self.tr("Score"), lambda r: str(r.score), sort=lambda r: r.score, right=True),
            Column(self.tr("Proposal"), lambda r: self.proposals.get(r.proposal, r.proposal),
                   sort=lambda r: order.get(r.proposal, 9), background=lambda r: PROPOSAL_COLOURS.get(r.proposal)),
            Column(self.tr("Plate"), lambda r: r.plate),
            Column(self.tr("VIN"), lambda r: r.vin),
            Column(self.tr("Owner"), lambda r: r.owner),
            Column(self.tr("County"), lambda r: r.county),
            Column(self.tr("Reasons"), lambda r: r.reasons, tooltip=lambda r: r.reasons),
        ], self)
        self.proxy = RowsFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        t = p.scoresTable
        t.setModel(self.proxy)
        t.verticalHeader().hide()
        t.setEditTriggers(t.EditTrigger.NoEditTriggers)
        t.horizontalHeader().setStretchLastSection(True)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, width in enumerate((55, 70, 90, 170, 200, 80)):
            t.setColumnWidth(i, width)
        self.tools = attach_table(t, "scores", ctl.settings, title=self.tr("Scoring"),
                                  exports_dir=ctl.ws.home.exports_dir)
        if not self.tools.restored:
            t.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # worst first, until the officer sorts otherwise
        self.tools.activated.connect(lambda row: self.ctl.show_vehicle(self.model.rows[row].vin) if row >= 0 else None)
        self.tools.add_action(self.tr("Show vehicle and evidence"),
                              lambda rows: self.ctl.show_vehicle(self.model.rows[rows[0]].vin),
                              check=lambda rows: None if len(rows) == 1 else self.tr("Select one vehicle."))
        self.tools.add_action(self.tr("Copy VIN"), lambda rows: QGuiApplication.clipboard().setText(
            "\n".join(self.model.rows[r].vin for r in rows)))
        p.proposalFilter.addItem(self.tr("All"), "")
        p.proposalFilter.addItem(self.tr("black or watch"), "flagged")
        for key, text in self.proposals.items():
            p.proposalFilter.addItem(text, key)
        p.proposalFilter.currentIndexChanged.connect(lambda _: self._filter())
        p.search.textChanged.connect(lambda _: self._filter())
        p.runPick.currentIndexChanged.connect(lambda _: self._load_run())
        p.scoreButton.clicked.connect(self.run_scoring)
        p.fromDate.dateChanged.connect(self.check_coverage)
        p.toDate.dateChanged.connect(self.check_coverage)
        # Until data says otherwise: the last 30 days, not 2000-01-01.
        today = date.today()
        p.fromDate.setDate(_qdate(today - timedelta(days=30)))
        p.toDate.setDate(_qdate(today))
        self._period_set = False
        self._runs: list[RunInfo] = []

    # --- loading ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.ctl.run(_load, self.ctl.ws, on_done=self._show)

    def set_data_span(self, first: date | None, last: date | None) -> None:
        """Called with the stored data's first and last day: the period defaults to it, once."""
        if first and last and not self._period_set:
            self.p.fromDate.setDate(_qdate(first))
            self.p.toDate.setDate(_qdate(last))
            self._period_set = True

    def _show(self, data: dict) -> None:
        self._show_rule_sets(data["rulesets"])
        runs: list[RunInfo] = data["runs"]
        pick = self.p.runPick
        keep = pick.currentData()
        newest_changed = bool(runs) and (not self._runs or runs[0].id != self._runs[0].id)
        self._runs = runs
        pick.blockSignals(True)
        pick.clear()
        for r in runs:
            text = self.tr("#{0}: {1} to {2}, rule set {3}, {4} vehicles ({5} by {6})").format(
                r.id, r.period_from, r.period_to, r.ruleset_version, r.vehicles, f"{r.created_at:%Y-%m-%d %H:%M}",
                r.created_by)
            pick.addItem(self.tr("{0} — trial").format(text) if r.trial else text, r.id)
            if r.trial:
                pick.setItemData(pick.count() - 1, self.tr("Scored with a rule set the office has not activated: "
                                                           "the lists never propose from this run."),
                                 Qt.ItemDataRole.ToolTipRole)
        i = pick.findData(keep) if keep is not None and not newest_changed else 0
        pick.setCurrentIndex(max(i, 0))
        pick.blockSignals(False)
        self.p.emptyHint.setText(self.tr("No scoring yet. Choose the period (it defaults to the data stored) and "
                                         "press \"Score all vehicles\"."))
        self.p.emptyHint.setVisible(not runs)
        self._load_run()

    def _load_run(self) -> None:
        run_id = self.p.runPick.currentData()
        if run_id is None:
            self.model.set_rows([])
            self.p.runSummary.setText("")
            return
        self.ctl.run(run_rows, self.ctl.ws, run_id, self.ctl.lang,
                     on_done=lambda rows: self._show_run(run_id, rows))

    def _show_run(self, run_id: int, rows: list[ScoreRow]) -> None:
        if run_id != self.p.runPick.currentData():
            return  # the officer picked another run meanwhile
        self.model.set_rows(rows)
        counts = {k: sum(r.proposal == k for r in rows) for k in self.proposals}
        text = self.tr("{0} vehicles scored: black {1}, watch {2}, white {3}, no proposal {4}. "
                       "Proposals go to the Lists page with \"Propose from latest scoring\"; "
                       "double-click a vehicle for its evidence.").format(
            len(rows), counts["black"], counts["watch"], counts["white"], counts["none"])
        run = next((r for r in self._runs if r.id == run_id), None)
        if run is not None and run.trial:
            text = self.tr("Trial with rule set {0}: the lists never propose from this run.").format(
                run.ruleset_version) + " " + text
        self.p.runSummary.setText(text)
        self.p.runSummary.setStyleSheet("color: #9a4a00;" if run is not None and run.trial else "")
        self._filter()

    def _filter(self) -> None:
        kind = self.p.proposalFilter.currentData() or ""
        text = self.p.search.text().strip().upper()

        def accept(r: ScoreRow) -> bool:
            if kind == "flagged" and r.proposal not in ("black", "watch"):
                return False
            if kind and kind != "flagged" and r.proposal != kind:
                return False
            return not text or any(text in x.upper() for x in (r.vin, r.plate, r.owner, r.county, r.reasons,
                                                                 " ".join(r.codes)))

        self.proxy.set_predicate(accept if kind or text else None)

    def selected_rows(self) -> list[ScoreRow]:
        return [self.model.rows[r] for r in self.tools.source_rows()]

    # --- scoring ----------------------------------------------------------------------------------------
    def _show_rule_sets(self, sets: list[dict]) -> None:
        """Newest first, the active one marked and chosen unless the officer picked another that still exists."""
        pick = self.p.ruleSetPick
        keep = pick.currentData()
        pick.blockSignals(True)
        pick.clear()
        for r in sets:
            pick.addItem(self.tr("{0} (active)").format(r["version"]) if r["active"] else r["version"],
                         None if r["active"] else r["version"])
            pick.setItemData(pick.count() - 1, self.tr("{0}\nsaved {1} by {2}").format(
                r["name"], f"{r['created_at']:%Y-%m-%d %H:%M}", r["created_by"]), Qt.ItemDataRole.ToolTipRole)
        i = pick.findData(keep) if keep else -1
        pick.setCurrentIndex(max(i, 0))
        pick.blockSignals(False)

    def run_scoring(self) -> None:
        start = self.p.fromDate.date().toPython()
        end = self.p.toDate.date().toPython()
        self.ctl.run(score_period, self.ctl.ws, start, end, version=self.p.ruleSetPick.currentData(),
                     from_raw=self.p.fromRawCheck.isChecked(),
                     on_done=self._scored, title=self.tr("Scoring {0} to {1}").format(start, end))

    def check_coverage(self, *_) -> None:
        """Before scoring: say which days of the chosen period no imported export covers (they are not judged)."""
        start, end = self.p.fromDate.date().toPython(), self.p.toDate.date().toPython()
        if end >= start:
            self.ctl.run(coverage_warnings, self.ctl.ws, start, end, on_done=self._show_coverage)

    def _show_coverage(self, warnings: list) -> None:
        label = self.p.coverageWarning
        label.setText("\n".join(core_text(m) for m in warnings))
        label.setVisible(bool(warnings))

    def _scored(self, res) -> None:
        self._show_coverage(res.warnings)
        text = self.tr("Scored {0} vehicles, {1} to {2}, rule set {3}.").format(
            len(res.vehicles), res.period_from, res.period_to, res.ruleset_version)
        if res.trial:
            text += " " + self.tr("Trial with rule set {0}: the lists never propose from this run.").format(
                res.ruleset_version)
        self.ctl.status(text, 10000)
        self.ctl.refresh()  # this page then shows the new run
