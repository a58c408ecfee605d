"""Audit action and entity codes as an officer reads them. The stored event keeps the code (it is hashed into
the chain); the app shows the label and keeps the code beside it in the event's detail."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "AuditLabels"
ACTIONS = {
    "import.remove": QT_TRANSLATE_NOOP("AuditLabels", "import batch removed"),
    "list.propose": QT_TRANSLATE_NOOP("AuditLabels", "proposed for a list"),
    "list.approve": QT_TRANSLATE_NOOP("AuditLabels", "approved"),
    "list.reject": QT_TRANSLATE_NOOP("AuditLabels", "rejected"),
    "list.keep": QT_TRANSLATE_NOOP("AuditLabels", "removal refused, entry kept"),
    "list.propose_removal": QT_TRANSLATE_NOOP("AuditLabels", "removal proposed"),
    "list.remove": QT_TRANSLATE_NOOP("AuditLabels", "removed from the list"),
    "list.expire": QT_TRANSLATE_NOOP("AuditLabels", "expired"),
    "list.supersede": QT_TRANSLATE_NOOP("AuditLabels", "superseded by a later entry"),
    "notice.issue": QT_TRANSLATE_NOOP("AuditLabels", "notice issued"),
    "profile.save": QT_TRANSLATE_NOOP("AuditLabels", "mapping profile saved"),
    "registry.create": QT_TRANSLATE_NOOP("AuditLabels", "vehicle registered"),
    "registry.update": QT_TRANSLATE_NOOP("AuditLabels", "registry data changed"),
    "ruleset.save": QT_TRANSLATE_NOOP("AuditLabels", "rule set saved"),
    "ruleset.install": QT_TRANSLATE_NOOP("AuditLabels", "shipped rule set stored"),
    "ruleset.store": QT_TRANSLATE_NOOP("AuditLabels", "rule set version stored (not active)"),
    "ruleset.activate": QT_TRANSLATE_NOOP("AuditLabels", "rule set activated"),
    "audit.baseline": QT_TRANSLATE_NOOP("AuditLabels", "state recorded when the history began to cover it"),
    "settings.update": QT_TRANSLATE_NOOP("AuditLabels", "settings changed"),
    "user.create": QT_TRANSLATE_NOOP("AuditLabels", "account created"),
    "user.update": QT_TRANSLATE_NOOP("AuditLabels", "account changed"),
    "user.password": QT_TRANSLATE_NOOP("AuditLabels", "password changed"),
}
ENTITIES = {
    "import_batch": QT_TRANSLATE_NOOP("AuditLabels", "import batch"),
    "list_entry": QT_TRANSLATE_NOOP("AuditLabels", "list entry"),
    "notice": QT_TRANSLATE_NOOP("AuditLabels", "notice"),
    "vehicle": QT_TRANSLATE_NOOP("AuditLabels", "vehicle"),
    "rule_set": QT_TRANSLATE_NOOP("AuditLabels", "rule set"),
    "settings": QT_TRANSLATE_NOOP("AuditLabels", "settings"),
    "user": QT_TRANSLATE_NOOP("AuditLabels", "account"),
    "mapping_profile": QT_TRANSLATE_NOOP("AuditLabels", "mapping profile"),
}


def action_label(code: str) -> str:
    """The label, or the code itself for an action this version does not know (an event from a newer one)."""
    return QCoreApplication.translate(CONTEXT, ACTIONS[code]) if code in ACTIONS else code


def entity_label(code: str) -> str:
    return QCoreApplication.translate(CONTEXT, ENTITIES[code]) if code in ENTITIES else code
