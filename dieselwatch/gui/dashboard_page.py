"""The dashboard page: fleet counts, the latest scoring, the charts, and what to do next on an empty database."""

from __future__ import annotations

import html

from PySide6.QtCore import QObject

from dieselwatch.gui.charts import DashboardCharts
from dieselwatch.gui.forms import load_form
from dieselwatch.services import overview


def _load(ws) -> dict:
    return {"summary": overview.fleet_summary(ws), "charts": overview.dashboard_series(ws)}


class DashboardPage(QObject):
    def __init__(self, ctl):
        super().__init__()
        self.ctl = ctl
        self.p = load_form("dashboard_page.ui")
        self.charts = DashboardCharts()
        self.charts.setMinimumHeight(280)
        self.p.dashboardLayout.addWidget(self.charts, 1)
        self.summary: dict | None = None

    def refresh(self) -> None:
        self.ctl.run(_load, self.ctl.ws, on_done=self._show)

    def _show(self, data: dict) -> None:
        s = self.summary = data["summary"]
        self.p.dashboardText.setHtml(self._summary_html(s))
        self.charts.set_data(data["charts"])
        hint = ""
        if not s["vehicles"]:
            hint = self.tr("No data yet. Import a vehicle registry and monitoring exports (File > Import monitoring "
                           "records…, Ctrl+I, or drop the files on this window), or restart with --demo to try the "
                           "demo fleet.")
        elif not s["run"]:
            hint = self.tr("Data is imported but not yet scored: open Scoring (Ctrl+4), choose the period and "
                           "press \"Score all vehicles\".")
        elif s["pending"]:
            hint = self.tr("{0} list decision(s) await a second officer: open Lists (Ctrl+5).").format(s["pending"])
        self.p.emptyHint.setText(hint)
        self.p.emptyHint.setVisible(bool(hint))
        self.ctl.summary_changed(s)

    def _summary_html(self, s: dict) -> str:
        e = html.escape
        p = s["proposals"]
        in_registry, rule_set = self.tr("in registry"), self.tr("rule set")
        rows = [
            (self.tr("Vehicles"), self.tr("{0} ({1})").format(
                f"{s['vehicles']:,}", self.tr("{0}: {1}").format(in_registry, f"{s['in_registry']:,}"))),
            (self.tr("Records stored"), f"{s['records']:,}"),
            (self.tr("Data from"), f"{s['data_from'] or '-'} — {s['data_to'] or '-'}"),
            (self.tr("Last import"), f"{s['last_import']['file']} ({s['last_import']['at']:%Y-%m-%d %H:%M})"
             if s["last_import"] else "-"),
        ]
        if s["run"]:
            r = s["run"]
            rows.append((self.tr("Latest scoring"), f"{r['from']} — {r['to']}, {rule_set} {r['ruleset']}"))
            rows.append((self.tr("Proposed black"), str(p.get("black", 0))))
            rows.append((self.tr("Proposed watch"), str(p.get("watch", 0))))
            rows.append((self.tr("Proposed white"), str(p.get("white", 0))))
            rows.append((self.tr("No proposal"), str(p.get("none", 0))))
        else:
            rows.append((self.tr("Latest scoring"), self.tr("not yet scored: open Scoring and choose a period")))
        rows.append((self.tr("On the lists"), self.tr("black {0}, watch {1}, white {2}").format(
            s["lists"].get("black", 0), s["lists"].get("watch", 0), s["lists"].get("white", 0))))
        rows.append((self.tr("Awaiting a decision"), str(s["pending"])))
        # Two label/value pairs per line: the whole summary fits above the charts without scrolling.
        cell = "<td style='padding:4px 12px 4px 0'><b>{0}</b></td><td style='padding-right:40px'>{1}</td>"
        half = (len(rows) + 1) // 2
        body = "".join("<tr>" + "".join(cell.format(e(k), e(v)) for k, v in (rows[i], *rows[half + i:half + i + 1]))
                       + "</tr>" for i in range(half))
        return f"<table style='font-size:11pt'>{body}</table>"
