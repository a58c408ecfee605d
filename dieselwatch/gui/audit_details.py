"""An audit event in words: one sentence saying who did what to which record, and its fields as a table of
labels with the value before and after (only what changed, when there was a before). The raw JSON stays
available beside it for auditors; the codes are never lost (tooltips, search)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication

from dieselwatch.gui.audit_labels import action_label, entity_label, field_label, record_label
from dieselwatch.gui.core_text import core_text
from dieselwatch.services.audit_view import AuditNames, AuditRow

# QCoreApplication.translate("AuditDetails", ...) spelled out: lupdate reads only the full name.


FIRST = ("status", "list", "role", "active", "vin")  # what an officer looks for first


@dataclass(frozen=True)
class DetailRow:
    key: str  # the field's code
    label: str
    before: str
    after: str


class Describer:
    """Puts events into the officer's language (lang "zh_CN" or "en") with the core's names for codes."""

    def __init__(self, names: AuditNames, lang: str):
        self.names, self.zh = names, lang.startswith("zh")

    def label(self, key: str) -> str:
        f = self.names.registry_fields.get(key)
        if key not in ("vin", "name", "code") and f is not None and field_label(key) == key:
            return f.zh if self.zh else f.en
        return field_label(key)

    def value(self, key: str, v: Any) -> str:
        n = self.names
        if v is None or v == "":
            return "—"
        if isinstance(v, bool):
            return (QCoreApplication.translate("AuditDetails", "yes") if v
                    else QCoreApplication.translate("AuditDetails", "no"))
        if key == "status" and v in n.statuses:
            return core_text(n.statuses[v])
        if key == "list" and v in n.kinds:
            return core_text(n.kinds[v])
        if key == "role" and v in n.roles:
            return core_text(n.roles[v])
        if key == "password" and v == "changed":
            return QCoreApplication.translate("AuditDetails", "changed")
        if key == "reason_codes" and isinstance(v, list):
            return QCoreApplication.translate("AuditDetails", ", ").join(
                core_text(n.reasons[c]) if c in n.reasons else str(c) for c in v)
        if isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v):
            return QCoreApplication.translate("AuditDetails", ", ").join(map(str, v))
        if isinstance(v, (dict, list)):
            return json.dumps(v, ensure_ascii=False, sort_keys=True)
        if isinstance(v, str) and len(v) >= 19 and v[10:11] == "T" and v[:4].isdigit():
            return v.replace("T", " ")  # an ISO time as people write it
        return core_text(v) if isinstance(v, str) else str(v)

    def sentence(self, ev: AuditRow) -> str:
        """When, who, what, to which record (and its vehicle), and why."""
        target = entity_label(ev.entity)
        if ev.entity_id:
            target = QCoreApplication.translate("AuditDetails", "{0} {1}").format(
                target, record_label(ev.entity, ev.entity_id))
        if ev.vin and ev.entity != "vehicle":
            target = QCoreApplication.translate("AuditDetails", "{0}, vehicle {1}").format(target, ev.vin)
        text = QCoreApplication.translate("AuditDetails", "{0}, {1}: {2} ({3}).").format(
            ev.at.replace("T", " "), ev.actor, action_label(ev.action), target)
        if ev.reason:
            text += QCoreApplication.translate("AuditDetails", " Reason: {0}").format(core_text(ev.reason))
        return text

    def rows(self, ev: AuditRow) -> tuple[list[DetailRow], int]:
        """The fields as (label, before, after); with a before, only the fields that changed. Returns the rows and
        how many fields stayed the same."""
        before, after = ev.before, ev.after
        if not isinstance(before, dict) and not isinstance(after, dict):
            if before is None and after is None:
                return [], 0
            return [DetailRow("", QCoreApplication.translate("AuditDetails", "value"), self.value("", before),
                              self.value("", after))], 0
        b = before if isinstance(before, dict) else {}
        a = after if isinstance(after, dict) else {}
        keys = sorted(dict.fromkeys([*a, *b]), key=lambda k: k not in FIRST)  # stable: snapshot order otherwise
        out, same = [], 0
        for k in keys:
            if before is not None and after is not None and b.get(k) == a.get(k):
                same += 1
                continue
            out.append(DetailRow(k, self.label(k), self.value(k, b.get(k)) if k in b else "—",
                                 self.value(k, a.get(k)) if k in a else "—"))
        return out, same

    def search_text(self, ev: AuditRow) -> str:
        """What the page's filter matches besides the columns: the sentence and the fields in words and codes."""
        rows, _ = self.rows(ev)
        return " ".join([self.sentence(ev), *(f"{r.label} {r.key} {r.before} {r.after}" for r in rows)])
