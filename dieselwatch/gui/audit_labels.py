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
    return QCoreApplication.translate(CONTEXT, str(ACTIONS[code])) if code in ACTIONS else code


def entity_label(code: str) -> str:
    return QCoreApplication.translate(CONTEXT, str(ENTITIES[code])) if code in ENTITIES else code


# The fields events record in before/after (storage/auditstate.py snapshots, services' audit.append calls),
# in words. A field this version does not know is shown by its key.
FIELDS = {
    # list entries
    "id": QT_TRANSLATE_NOOP("AuditLabels", "entry number"),
    "vehicle_id": QT_TRANSLATE_NOOP("AuditLabels", "vehicle number (internal)"),
    "list": QT_TRANSLATE_NOOP("AuditLabels", "list"),
    "status": QT_TRANSLATE_NOOP("AuditLabels", "status"),
    "reason_codes": QT_TRANSLATE_NOOP("AuditLabels", "reasons"),
    "effective_from": QT_TRANSLATE_NOOP("AuditLabels", "effective from"),
    "review_date": QT_TRANSLATE_NOOP("AuditLabels", "review date"),
    "ended_on": QT_TRANSLATE_NOOP("AuditLabels", "ended on"),
    "proposed_by": QT_TRANSLATE_NOOP("AuditLabels", "proposed by"),
    "decided_by": QT_TRANSLATE_NOOP("AuditLabels", "decided by"),
    "decision_reason": QT_TRANSLATE_NOOP("AuditLabels", "reason for the decision"),
    "removal_proposed_by": QT_TRANSLATE_NOOP("AuditLabels", "removal proposed by"),
    "removal_reason": QT_TRANSLATE_NOOP("AuditLabels", "reason for the removal"),
    "rectification": QT_TRANSLATE_NOOP("AuditLabels", "rectification record"),
    "version": QT_TRANSLATE_NOOP("AuditLabels", "version"),
    "evidence_sha": QT_TRANSLATE_NOOP("AuditLabels", "evidence fingerprint"),
    # accounts
    "username": QT_TRANSLATE_NOOP("AuditLabels", "user name"),
    "display_name": QT_TRANSLATE_NOOP("AuditLabels", "name"),
    "role": QT_TRANSLATE_NOOP("AuditLabels", "role"),
    "active": QT_TRANSLATE_NOOP("AuditLabels", "account enabled"),
    "created_at": QT_TRANSLATE_NOOP("AuditLabels", "created at"),
    "password": QT_TRANSLATE_NOOP("AuditLabels", "password"),
    "password_fp": QT_TRANSLATE_NOOP("AuditLabels", "password fingerprint"),
    # notices
    "entry": QT_TRANSLATE_NOOP("AuditLabels", "list entry"),
    "vin": QT_TRANSLATE_NOOP("AuditLabels", "VIN"),
    "deadline": QT_TRANSLATE_NOOP("AuditLabels", "deadline"),
    "ruleset_version": QT_TRANSLATE_NOOP("AuditLabels", "rule set version"),
    # import batches
    "file": QT_TRANSLATE_NOOP("AuditLabels", "file"),
    "sha256": QT_TRANSLATE_NOOP("AuditLabels", "file fingerprint (SHA-256)"),
    "sheet": QT_TRANSLATE_NOOP("AuditLabels", "sheet"),
    "imported_at": QT_TRANSLATE_NOOP("AuditLabels", "imported at"),
    "imported_by": QT_TRANSLATE_NOOP("AuditLabels", "imported by"),
    "rows_read": QT_TRANSLATE_NOOP("AuditLabels", "rows read"),
    "rows_imported": QT_TRANSLATE_NOOP("AuditLabels", "rows imported"),
    "span_start": QT_TRANSLATE_NOOP("AuditLabels", "first record"),
    "span_end": QT_TRANSLATE_NOOP("AuditLabels", "last record"),
    "rows_removed": QT_TRANSLATE_NOOP("AuditLabels", "rows removed"),
    "vehicles": QT_TRANSLATE_NOOP("AuditLabels", "vehicles"),
    "days_recomputed": QT_TRANSLATE_NOOP("AuditLabels", "days recomputed"),
    "days_emptied": QT_TRANSLATE_NOOP("AuditLabels", "days left without data"),
    "shared_batches": QT_TRANSLATE_NOOP("AuditLabels", "batches holding the same records"),
    # office settings (services/settings.py DEFAULTS, services/legal.py)
    "name": QT_TRANSLATE_NOOP("AuditLabels", "name"),
    "code": QT_TRANSLATE_NOOP("AuditLabels", "bureau code"),
    "address": QT_TRANSLATE_NOOP("AuditLabels", "address"),
    "phone": QT_TRANSLATE_NOOP("AuditLabels", "telephone"),
    "contact": QT_TRANSLATE_NOOP("AuditLabels", "contact person"),
    "reconsideration_body": QT_TRANSLATE_NOOP("AuditLabels", "administrative reconsideration body"),
    "court": QT_TRANSLATE_NOOP("AuditLabels", "court"),
    "number_pattern": QT_TRANSLATE_NOOP("AuditLabels", "notice number pattern"),
    "deadline_days": QT_TRANSLATE_NOOP("AuditLabels", "days to rectify"),
    "recheck_days": QT_TRANSLATE_NOOP("AuditLabels", "days until the re-check"),
    "two_person_rule": QT_TRANSLATE_NOOP("AuditLabels", "two-person rule"),
    "white_valid_days": QT_TRANSLATE_NOOP("AuditLabels", "days a white entry is valid"),
    "black_review_days": QT_TRANSLATE_NOOP("AuditLabels", "days until a black or watch entry is reviewed"),
    "removal_clean_days": QT_TRANSLATE_NOOP("AuditLabels", "clean days needed before a black removal"),
    "versions": QT_TRANSLATE_NOOP("AuditLabels", "legal text versions"),
}


def field_label(key: str) -> str:
    return QCoreApplication.translate(CONTEXT, str(FIELDS[key])) if key in FIELDS else key


# Office settings sections (services/settings.py DEFAULTS, services/legal.py SETTING_KEY): the ID of a
# settings.update event.
SECTIONS = {
    "bureau": QT_TRANSLATE_NOOP("AuditLabels", "bureau details"),
    "notices": QT_TRANSLATE_NOOP("AuditLabels", "notice options"),
    "lists": QT_TRANSLATE_NOOP("AuditLabels", "list rules"),
    "legal": QT_TRANSLATE_NOOP("AuditLabels", "legal texts"),
}


def record_label(entity: str, entity_id: str | None) -> str:
    """The record an event is about as the officer names it: a settings section in words, any other ID as is."""
    if entity == "settings" and entity_id in SECTIONS:
        return QCoreApplication.translate(CONTEXT, str(SECTIONS[entity_id]))
    return entity_id or ""
