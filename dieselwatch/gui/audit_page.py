"""The audit page: the history, newest first, with a filter, each event's before and after, the
verification on demand, and the export."""

from __future__ import annotations

import html
import json
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog

from dieselwatch.gui.audit_labels import action_label, entity_label
from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.forms import load_form
from dieselwatch.gui.tables import Labelled, RowsTable
from dieselwatch.services import auditlog

SHOWN = 5000  # newest events in the table; the export has them all


class AuditPage(QObject):
    def __init__(self, ctl):
        super().__init__(ctl)
        self.ctl, self.ws = ctl, ctl.ws
        self.p = load_form("audit_page.ui")
        self.table = RowsTable(self.p.table, [self.tr("Seq"), self.tr("Time"), self.tr("Actor"), self.tr("Action"),
                                              self.tr("Entity"), self.tr("ID"), self.tr("Reason")],
                               [60, 150, 90, 150, 90, 140, 300])
        self.events: dict[int, dict] = {}
        self.p.filterEdit.textChanged.connect(self.table.proxy.setFilterFixedString)
        self.p.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.p.verifyButton.clicked.connect(self.verify)
        self.p.exportButton.clicked.connect(self.export)
        self.p.splitter.setSizes([450, 170])

    def refresh(self) -> None:
        self.ctl.run(lambda progress=None, cancel=None, ws=self.ws: auditlog.events(ws, limit=SHOWN),
                      on_done=self._show)

    def _show(self, evs: list[dict]) -> None:
        self.events = {e["seq"]: e for e in evs}
        self.table.set_rows([(e["seq"], e["at"].replace("T", " "), e["actor"], Labelled(action_label(e["action"]), e["action"]),
                              Labelled(entity_label(e["entity"]), e["entity"]), e["entity_id"], e["reason"]) for e in evs],
                            [e["seq"] for e in evs])
        self.p.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first

    def _selected(self) -> None:
        ev = self.events.get(self.table.current())
        if ev is None:
            self.p.detail.clear()
            return
        e = html.escape

        def block(title, value):
            text = "—" if value is None else json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
            return f"<p><b>{e(title)}</b></p><pre>{e(text)}</pre>"

        self.p.detail.setHtml(f"<p>{e(ev['action'])} {e(ev['entity'])} {e(ev['entity_id'] or '')}<br>"
                              f"SHA-256 {e(ev['hash'])}</p>" + block(self.tr("Before"), ev["before"])
                              + block(self.tr("After"), ev["after"]))

    def verify(self) -> None:
        def done(st):
            text = (self.tr("Intact: {0}. Head event {1}, {2}") if st.ok else
                    self.tr("BROKEN: {0}. Head event {1}, {2}")).format(core_text(st.message), st.head_seq, st.head_hash[:16])
            self.p.status.setText(text)
            self.p.status.setStyleSheet("" if st.ok else "color: #b00020; font-weight: bold;")

        self.ctl.run(lambda progress=None, cancel=None, ws=self.ws: auditlog.verify(ws), on_done=done)

    def export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.p, self.tr("Export the audit history"),
                                              str(self.ws.home.exports_dir / "审计记录.xlsx"),
                                              self.tr("Excel workbook (*.xlsx)"))
        if path:
            self.ctl.run(lambda progress=None, cancel=None, ws=self.ws: auditlog.export_workbook(ws, Path(path)),
                          on_done=lambda p: self.p.status.setText(self.tr("Wrote {0}").format(p)))
