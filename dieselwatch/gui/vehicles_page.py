"""The vehicles page: every vehicle with its latest score, filters, and the selected vehicle's evidence below the
table (score and reasons, days, one day at 1 Hz)."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QHeaderView, QScrollArea

from dieselwatch.gui.charts import DayPlot, DaysChart
from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.file_dialogs import Purpose, last_folder, remember_folder
from dieselwatch.gui.forms import load_form
from dieselwatch.gui.models import VehicleFilterProxy, VehicleTableModel
from dieselwatch.gui.tables import attach_table
from dieselwatch.services import evidence, overview
from dieselwatch.services.lists import STATUS_NAMES, history
from dieselwatch.services.samples import vehicle_samples, write_samples


def _detail(ws, vehicle_id: int) -> dict:
    """Runs on the worker: one vehicle's detail, days and list history."""
    d: dict = dict(overview.vehicle_detail(ws, vehicle_id))
    d["id"], d["days"] = vehicle_id, overview.vehicle_days(ws, vehicle_id)
    d["rule"] = evidence.exceedance_rule(ws)
    d["evidence_day"] = evidence.evidence_day(ws, vehicle_id)
    d["lists"] = history(ws, d["vin"])
    return d


def _pct(v) -> str:
    return "-" if v is None else f"{v:.1%}"


def _num(v, unit) -> str:
    return "-" if v is None else f"{v:,.1f} {unit}"


class VehiclesPage(QObject):
    def __init__(self, ctl):
        super().__init__()
        self.ctl = ctl
        p = self.p = load_form("vehicles_page.ui")
        self.model = VehicleTableModel(self)
        self.proxy = VehicleFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        t = p.vehiclesTable
        t.setModel(self.proxy)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        t.horizontalHeader().setStretchLastSection(True)
        t.verticalHeader().setDefaultSectionSize(24)
        for i, width in enumerate((170, 90, 230, 80, 55, 75, 75)):
            t.setColumnWidth(i, width)
        p.proposalFilter.addItem(self.tr("All"), "")
        for key in ("black", "watch", "white", "none"):
            p.proposalFilter.addItem(self.model.proposal_text(key), key)
        for key, text in (("black", self.tr("on the black list")), ("watch", self.tr("on the watch list")),
                          ("white", self.tr("on the white list"))):
            p.proposalFilter.addItem(text, f"list:{key}")
        p.countyFilter.addItem(self.tr("All"), "")
        p.vehicleSearch.textChanged.connect(self.proxy.set_text)
        p.proposalFilter.currentIndexChanged.connect(lambda _: self.proxy.set_proposal(p.proposalFilter.currentData()))
        p.countyFilter.currentIndexChanged.connect(lambda _: self.proxy.set_county(p.countyFilter.currentData() or ""))
        p.scoreMax.valueChanged.connect(self.proxy.set_score_max)
        t.selectionModel().currentRowChanged.connect(self._vehicle_selected)
        self.tools = attach_table(t, "vehicles", ctl.settings, title=self.tr("Vehicles"),
                                  exports_dir=ctl.ws.home.exports_dir)
        self.tools.activated.connect(lambda _row: self.set_detail_visible(True))
        self.tools.add_action(self.tr("Show score and evidence"), lambda rows: self.set_detail_visible(True))
        self.tools.add_action(self.tr("Copy VIN"), lambda rows: QGuiApplication.clipboard().setText(
            "\n".join(self.model.row_at(r).vin for r in rows)))
        self.tools.add_action(self.tr("Export stored samples…"),
                              lambda rows: self.export_samples(self.model.row_at(rows[0]).vin),
                              check=lambda rows: None if len(rows) == 1 else
                              self.tr("Select one vehicle to export its samples."))
        p.detailToggle.toggled.connect(self.set_detail_visible)
        # The table dominates; the detail below can be collapsed to a thin bar or hidden.
        p.vehicleSplitter.setStretchFactor(0, 3)
        p.vehicleSplitter.setStretchFactor(1, 2)
        p.vehicleSplitter.setSizes([480, 320])
        self.days_chart, self.day_plot = DaysChart(), DayPlot()
        p.daysLayout.addWidget(self.days_chart)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)  # the plot keeps a minimum height per panel; scroll when the pane is low
        scroll.setWidget(self.day_plot)
        p.dayPlotLayout.addWidget(scroll)
        p.dayPick.currentIndexChanged.connect(lambda _: self._load_day())
        self.vehicle_id: int | None = None
        self._pending_vin: str | None = None
        self.statuses = {k: core_text(name) for k, name in STATUS_NAMES.items()}

    # --- loading ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.ctl.run(overview.vehicle_rows, self.ctl.ws, self.ctl.lang, on_done=self._show_rows)

    def _show_rows(self, rows) -> None:
        keep = self.selected_vins()  # a refresh (after a decision, an import) keeps the officer's selection
        self.model.set_rows(rows)
        counties = sorted({r.county for r in rows if r.county})
        pick = self.p.countyFilter
        keep = pick.currentData()
        pick.blockSignals(True)
        pick.clear()
        pick.addItem(self.tr("All"), "")
        for c in counties:
            pick.addItem(c, c)
        pick.setCurrentIndex(max(pick.findData(keep), 0) if keep else 0)
        pick.blockSignals(False)
        self.p.emptyHint.setText(self.tr("No vehicles yet. Import a vehicle registry (Ctrl+R) and monitoring exports "
                                         "(Ctrl+I), or drop the files on this window."))
        self.p.emptyHint.setVisible(not rows)
        if self._pending_vin:
            vin, self._pending_vin = self._pending_vin, None
            self.select_vin(vin)
        elif keep:
            self.tools.select_source_rows([r for r in range(self.model.rowCount()) if self.model.row_at(r).vin in keep])

    def set_detail_visible(self, on: bool) -> None:
        self.p.vehicleTabs.setVisible(on)
        if self.p.detailToggle.isChecked() != on:
            self.p.detailToggle.setChecked(on)

    def select_vin(self, vin: str) -> bool:
        """Select the vehicle with this VIN, clearing filters that hide it. False when it is not in the table."""
        for r in range(self.model.rowCount()):
            if self.model.row_at(r).vin == vin:
                p = self.p
                if not self.tools.view_index(r).isValid():
                    self.tools.hide_filter()
                    p.vehicleSearch.setText("")
                    p.proposalFilter.setCurrentIndex(0)
                    p.countyFilter.setCurrentIndex(0)
                    p.scoreMax.setValue(p.scoreMax.maximum())
                self.tools.select_source_rows([r])
                self.set_detail_visible(True)
                return True
        if not self.model.rowCount():  # not loaded yet: select once the rows arrive
            self._pending_vin = vin
            return True
        return False

    def selected_vins(self) -> list[str]:
        return [self.model.row_at(r).vin for r in self.tools.source_rows()]

    def export_samples(self, vin: str) -> None:
        """A vehicle's stored 1 Hz samples for a case file, over the latest scoring's period (else all data)."""
        run = self.ctl.dashboard_page.summary and self.ctl.dashboard_page.summary.get("run")
        s = self.ctl.dashboard_page.summary or {}
        start, end = (run["from"], run["to"]) if run else (s.get("data_from"), s.get("data_to"))
        if start is None or end is None:
            self.ctl.status(self.tr("No data stored yet."))
            return
        folder = last_folder(self.ctl.settings, Purpose.EXPORTS, self.ctl.ws.home.exports_dir)
        path, _ = QFileDialog.getSaveFileName(self.ctl.w, self.tr("Export stored samples"),
                                              str(folder / f"{vin}_{start}_{end}.xlsx"),
                                              self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if not path:
            return
        remember_folder(self.ctl.settings, Purpose.EXPORTS, path)
        ws = self.ctl.ws

        def write(progress=None):  # the file dialog already asked before replacing a file
            return write_samples(vehicle_samples(ws, vin, start, end), Path(path), force=True, progress=progress)

        self.ctl.run(write, title=self.tr("Exporting the samples of {0}").format(vin),
                     on_done=lambda out: self.ctl.status(self.tr("Wrote {0}").format(out)))

    def _vehicle_selected(self, current, _previous) -> None:
        if not current.isValid():
            return
        row = self.model.row_at(self.tools.to_source(current).row())
        self.ctl.run(_detail, self.ctl.ws, row.id, on_done=self._show_detail)

    def _load_day(self) -> None:
        day = self.p.dayPick.currentData()
        if day is None or self.vehicle_id is None:
            self.day_plot.set_evidence(None)
            return
        vid = self.vehicle_id
        # The plot follows the vehicle's reasons: threshold, smoothed trace and shaded exceedances, reagent
        # against fuel, MIL and DTCs, as its latest score calls for (services/evidence.py).
        self.ctl.run(evidence.day_evidence, self.ctl.ws, vid, day,
                     on_done=lambda ev: self.day_plot.set_evidence(ev) if vid == self.vehicle_id else None)

    # --- the detail -------------------------------------------------------------------------------------
    def _show_detail(self, d: dict) -> None:
        self.vehicle_id = d["id"]
        self.days_chart.set_days(d["days"], d["rule"].day_min_minutes)
        pick = self.p.dayPick
        pick.blockSignals(True)
        pick.clear()
        # Exceedance days first: the day an officer wants to look at; the day with the most exceedance chosen.
        for day in sorted(d["days"], key=lambda x: (not x["exceed_day"], -x["day"].toordinal())):
            label = str(day["day"]) + ("  " + self.tr("(exceedance {0} min)").format(f"{day['exceed_minutes']:.0f}")
                                       if day["exceed_day"] else "")
            pick.addItem(label, day["day"])
        if d["evidence_day"] is not None:
            pick.setCurrentIndex(max(pick.findData(d["evidence_day"]), 0))
        pick.blockSignals(False)
        self._load_day()
        self.p.vehicleDetail.setHtml(self._detail_html(d))

    def _detail_html(self, d: dict) -> str:
        e = html.escape
        key = "text" if self.ctl.lang.startswith("zh") else "text_en"
        torque = f"{d['ref_torque_nm']:g}" if d["ref_torque_nm"] else "-"
        pair, paren = self.tr("{0}: {1}"), self.tr("{0} ({1})")  # full-width in Chinese: “车主：…（参考扭矩…）”
        parts = [f"<h3>{e(d['plate'] or '')} &nbsp; {e(d['vin'])}</h3>",
                 "<p>" + " &nbsp; ".join((
                     e(pair.format(self.tr("Owner"), d["owner"] or "-")),
                     e(pair.format(self.tr("County"), d["county"] or "-")),
                     e(pair.format(self.tr("Engine"), paren.format(
                         d["engine_model"] or "-", self.tr("reference torque {0} N·m").format(torque)))))
                 ) + "</p>"]
        sc = d["score"]
        if sc is None:
            parts.append("<p>" + e(self.tr("Not scored in the latest run.")) + "</p>")
        else:
            run = d["run"]
            score = pair.format(self.tr("Score"), sc["score"])
            proposal = pair.format(self.tr("Proposal"), self.model.proposal_text(sc["proposal"]))
            parts.append(f"<p><b>{e(score)}</b> &nbsp; <b>{e(proposal)}</b> &nbsp; "
                         + e(self.tr("({0})").format(self.tr("{0} — {1}, rule set {2}").format(
                             run["from"], run["to"], run["ruleset"]))) + "</p>")
            if sc["reasons"]:
                parts.append("<ul>" + "".join(f"<li>{e(r.get(key) or r.get('text') or '')}</li>"
                                              for r in sc["reasons"]) + "</ul>")
            m = sc["metrics"]
            facts = [(self.tr("Online rate"), _pct(m.get("online_rate"))),
                     (self.tr("Completeness"), _pct(m.get("completeness"))),
                     (self.tr("Valid operation share"), _pct(m.get("valid_share"))),
                     (self.tr("Share above screening threshold"), _pct(m.get("exceed_share"))),
                     (self.tr("SCR efficiency (hot)"), _pct(m.get("scr_efficiency"))),
                     (self.tr("Brake-specific NOx"), _num(m.get("bsnox_mg_kwh"), "mg/kWh")),
                     (self.tr("Distance"), _num(m.get("distance_km"), "km")),
                     (self.tr("Longest offline"), self.tr("{0} d").format(m.get("longest_offline_days"))),
                     (self.tr("Parked / not covered"), self.tr("{0} d / {1} d").format(
                         m.get("parked_days", 0), m.get("not_covered_days", 0)))]
            parts.append("<table>" + "".join(f"<tr><td style='padding-right:14px'>{e(k)}</td><td>{e(v)}</td></tr>"
                                             for k, v in facts) + "</table>")
        entries = d.get("lists", {}).get("entries", [])
        if entries:
            parts.append("<h4>" + e(self.tr("List history")) + "</h4><table>")
            for x in entries:
                parts.append(
                    f"<tr><td style='padding-right:12px'>#{x['id']}</td><td style='padding-right:12px'>"
                    f"{e(self.model.proposal_text(x['list']))}</td><td style='padding-right:12px'>"
                    f"{e(self.statuses.get(x['status'], x['status']))}"
                    f"</td><td style='padding-right:12px'>{e(str(x['effective_from'] or ''))}</td>"
                    f"<td>{e(core_text(x['decision_reason'] or x['removal_reason'] or ''))}</td></tr>")
            parts.append("</table>")
        return "".join(parts)
