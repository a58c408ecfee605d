"""The audit page: the history, newest first, searchable by the words shown and by the codes; each event in
words (a sentence and its changed fields with labels), the raw record one click away for auditors; a
double-click on an event about a vehicle opens it; the verification on demand, and the export."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt

from dieselwatch.gui.audit_details import Describer
from dieselwatch.gui.audit_labels import action_label, entity_label, record_label
from dieselwatch.gui.core_text import core_text
from dieselwatch.gui.file_dialogs import Purpose, save_file
from dieselwatch.gui.forms import load_form
from dieselwatch.gui.tables import SEARCH, Labelled, RowsTable, attach_table
from dieselwatch.services import auditlog
from dieselwatch.services.audit_view import AuditRow, audit_names, audit_rows

SHOWN = 5000  # newest events in the table; the export has them all
REASON_COLUMN = 7


class AuditPage(QObject):
    def __init__(self, ctl):
        super().__init__(ctl)
        self.ctl, self.ws = ctl, ctl.ws
        self.p: Any = load_form("audit_page.ui")  # the form's named children
        self.table = RowsTable(self.p.table, [self.tr("Seq"), self.tr("Time"), self.tr("Actor"), self.tr("Action"),
                                              self.tr("Record"), self.tr("ID"), self.tr("Vehicle"), self.tr("Reason")],
                               [60, 140, 80, 150, 90, 110, 150, 300])
        self.describe = Describer(audit_names(), ctl.lang)
        self.events: dict[int, AuditRow] = {}
        self.p.filterEdit.textChanged.connect(self.table.proxy.setFilterFixedString)
        self.p.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.p.table.doubleClicked.connect(lambda *_: self.open_vehicle())
        self.tools = attach_table(self.p.table, "audit", ctl.settings, title=self.tr("Audit"),
                                  exports_dir=ctl.ws.home.exports_dir)
        if not self.tools.restored:
            self.p.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first, until the officer sorts
        self.p.rawCheck.toggled.connect(lambda *_: self._selected())
        self.p.verifyButton.clicked.connect(self.verify)
        self.p.exportButton.clicked.connect(self.export)
        self.p.table.setToolTip(self.tr("Double-click an event about a vehicle to open the vehicle."))
        self.p.splitter.setSizes([420, 200])

    def refresh(self) -> None:
        self.ctl.run(audit_rows, self.ws, SHOWN, on_done=self._show)

    def _show(self, evs: list[AuditRow]) -> None:
        self.events = {e.seq: e for e in evs}
        self.table.set_rows([(e.seq, e.at.replace("T", " "), e.actor, Labelled(action_label(e.action), e.action),
                              Labelled(entity_label(e.entity), e.entity),
                              Labelled(record_label(e.entity, e.entity_id), e.entity_id or ""), e.vin or "",
                              Labelled(core_text(e.reason), e.reason) if e.reason else "") for e in evs],
                            [e.seq for e in evs])
        # The filter also finds an event by the words of its detail (field names and values) and their codes.
        model = self.table.model
        for r, e in enumerate(evs):
            it = model.item(r, REASON_COLUMN)
            it.setData(f"{it.data(SEARCH)} {self.describe.search_text(e)}", SEARCH)

    def current(self) -> AuditRow | None:
        return self.events.get(self.table.current())

    def _selected(self) -> None:
        ev = self.current()
        if ev is None:
            self.p.detail.clear()
            return
        self.p.detail.setHtml(self.raw_html(ev) if self.p.rawCheck.isChecked() else self.words_html(ev))

    def words_html(self, ev: AuditRow) -> str:
        e = html.escape
        rows, same = self.describe.rows(ev)
        out = f"<p>{e(self.describe.sentence(ev))}</p>"
        if rows:
            head = "".join(f"<th align='left'>{e(h)}</th>" for h in (self.tr("Field"), self.tr("Before"),
                                                                      self.tr("After")))
            body = "".join(f"<tr><td title='{e(r.key)}'>{e(r.label)}</td><td>{e(r.before)}</td>"
                           f"<td>{e(r.after)}</td></tr>"
                           for r in rows)
            out += f"<table cellspacing='0' cellpadding='3' border='1'><tr>{head}</tr>{body}</table>"
        if same:
            out += "<p>" + e(self.tr("{0} other field(s) unchanged.").format(same)) + "</p>"
        out += "<p style='color:#666'>" + e(self.tr("Action code {0}, record {1}; SHA-256 {2}").format(
            ev.action, ev.entity, ev.hash)) + "</p>"
        return out

    def raw_html(self, ev: AuditRow) -> str:
        e = html.escape

        def block(title, value):
            text = "—" if value is None else json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
            return f"<p><b>{e(title)}</b></p><pre>{e(text)}</pre>"

        return (f"<p>{e(ev.action)} {e(ev.entity)} {e(ev.entity_id or '')}<br>SHA-256 {e(ev.hash)}</p>"
                + block(self.tr("Before"), ev.before) + block(self.tr("After"), ev.after))

    def open_vehicle(self) -> None:
        ev = self.current()
        if ev is None:
            return
        if not ev.vin:
            self.ctl.status(self.tr("This event is not about a vehicle."))
        elif not self.ctl.show_vehicle(ev.vin):
            self.ctl.status(self.tr("Vehicle {0} is not in the database any more.").format(ev.vin))

    def verify(self) -> None:
        def done(st):
            text = (self.tr("Intact: {0}. Head event {1}, {2}") if st.ok else
                    self.tr("BROKEN: {0}. Head event {1}, {2}")).format(core_text(st.message), st.head_seq,
                                                                         st.head_hash[:16])
            self.p.status.setText(text)
            self.p.status.setStyleSheet("" if st.ok else "color: #b00020; font-weight: bold;")

        self.ctl.run(auditlog.verify, self.ws, on_done=done)

    def export(self) -> None:
        path = save_file(self.p, self.ctl.settings, Purpose.EXPORTS, self.tr("Export the audit history"),
                         self.tr("audit history.xlsx"), fallback=self.ws.home.exports_dir)
        if path:
            self.ctl.run(auditlog.export_workbook, self.ws, Path(path),
                         on_done=lambda p: self.p.status.setText(self.tr("Wrote {0}").format(p)))
