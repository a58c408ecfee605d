"""Relational model. Raw 1 Hz samples are NOT here: they live in the columnar raw store (rawstore.py);
the database holds what is small and transactional, including which raw files are committed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Vehicle(Base):
    __tablename__ = "vehicles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vin: Mapped[str] = mapped_column(String(17), unique=True)
    plate: Mapped[str | None] = mapped_column(String(16), index=True)
    owner: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    county: Mapped[str | None] = mapped_column(String(100))
    emission_stage: Mapped[str | None] = mapped_column(String(20))
    vehicle_type: Mapped[str | None] = mapped_column(String(50))
    engine_model: Mapped[str | None] = mapped_column(String(100))
    ref_torque_nm: Mapped[float | None] = mapped_column(Float)
    # Type-approval data for GB 17691 Annex K work-based windows (revision 0009); per engine model when only some
    # vehicles of a model carry them.
    rated_power_kw: Mapped[float | None] = mapped_column(Float)
    whtc_work_kwh: Mapped[float | None] = mapped_column(Float)
    terminal_id: Mapped[str | None] = mapped_column(String(50))
    in_registry: Mapped[bool] = mapped_column(Boolean, default=False)  # False: seen only in monitoring data
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic concurrency for shared databases
    __mapper_args__ = {"version_id_col": version}


class ImportBatch(Base):
    __tablename__ = "import_batches"
    # One batch per sheet: the other sheets of a workbook can be imported later. "" for a CSV, never NULL (NULLs
    # never collide in a unique key, so a CSV could be imported twice).
    __table_args__ = (UniqueConstraint("kind", "file_hash", "sheet", name="uq_import_batches_kind_file_hash_sheet"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # records | registry
    file_name: Mapped[str] = mapped_column(String(500))
    file_hash: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int] = mapped_column(BigInteger)
    encoding: Mapped[str | None] = mapped_column(String(20))
    sheet: Mapped[str] = mapped_column(String(100), default="", server_default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(100))
    rows_read: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_imported: Mapped[int] = mapped_column(BigInteger, default=0)
    duplicates: Mapped[int] = mapped_column(BigInteger, default=0)
    rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    report: Mapped[dict] = mapped_column(JSON, default=dict)
    # The export's own time span where the file states it, else its first and last sample (added in 0006).
    span_start: Mapped[datetime | None] = mapped_column(DateTime)
    span_end: Mapped[datetime | None] = mapped_column(DateTime)


class BatchCoverage(Base):
    """Which vehicles a batch delivered, and from when to when (whether or not its samples were new). Tells
    "no data" from "not covered", and which batches shared samples with one being removed. Added in 0006."""

    __tablename__ = "batch_coverage"
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), primary_key=True, index=True)
    first_ts: Mapped[datetime] = mapped_column(DateTime)
    last_ts: Mapped[datetime] = mapped_column(DateTime)
    rows: Mapped[int] = mapped_column(BigInteger)  # distinct sample times delivered for the vehicle
    # Set when removing another batch took samples this one also delivered: its file may be imported again
    # to restore them, and until then it does not count as covering the vehicle.
    incomplete: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    @validates("sheet")
    def _sheet_not_null(self, _key, value):
        return value or ""


class RawPartition(Base):
    """One committed Parquet file of the raw store. A file on disk without a row here is an orphan of an
    interrupted import and is never read: this table is what makes raw writes all-or-nothing."""

    __tablename__ = "raw_partitions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, Beijing time
    path: Mapped[str] = mapped_column(String(500), unique=True)  # relative to the raw store root
    rows: Mapped[int] = mapped_column(BigInteger)
    bytes: Mapped[int] = mapped_column(BigInteger)
    first_ts: Mapped[datetime] = mapped_column(DateTime)
    last_ts: Mapped[datetime] = mapped_column(DateTime)


class TerminalSession(Base):
    """A terminal's login..logout span from raw login (0x01) and logout (0x04) frames: when the terminal was on,
    which tells a vehicle that sent nothing from one whose terminal was off. Added in revision 0005."""

    __tablename__ = "terminal_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    login_ts: Mapped[datetime] = mapped_column(DateTime)
    logout_ts: Mapped[datetime | None] = mapped_column(DateTime)  # None: no logout seen (yet)
    serial: Mapped[int] = mapped_column(Integer)
    iccid: Mapped[str | None] = mapped_column(String(20))


class DayStat(Base):
    """Per vehicle and Beijing calendar day: the aggregates scoring works on (docs/domain.md sections 3 and 4)."""

    __tablename__ = "day_stats"
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    ruleset_version: Mapped[str] = mapped_column(String(40))
    n_records: Mapped[int] = mapped_column(Integer)
    n_running: Mapped[int] = mapped_column(Integer)
    n_expected: Mapped[int] = mapped_column(Integer)  # 1 Hz between first and last record of each trip
    n_trips: Mapped[int] = mapped_column(Integer)
    n_gaps: Mapped[int] = mapped_column(Integer)
    gap_s: Mapped[int] = mapped_column(Integer)
    max_gap_s: Mapped[int] = mapped_column(Integer)
    n_position_jumps: Mapped[int] = mapped_column(Integer)
    n_valid: Mapped[int] = mapped_column(Integer)  # valid operating samples
    n_exceed: Mapped[int] = mapped_column(Integer)  # valid samples with smoothed downstream NOx over threshold
    n_hot: Mapped[int] = mapped_column(Integer)  # valid samples with both NOx sensors valid
    sum_up_hot: Mapped[float] = mapped_column(Float)
    sum_down_hot: Mapped[float] = mapped_column(Float)
    n_low_eff: Mapped[int] = mapped_column(Integer)
    n_down_gt_up: Mapped[int] = mapped_column(Integer)
    n_down_zero_loaded: Mapped[int] = mapped_column(Integer)
    max_down_const_s: Mapped[int] = mapped_column(Integer)
    # Valid downstream values identical to the previous one while running: a live sensor at 0.05 ppm
    # resolution almost never repeats itself; a stuck or emulated one always does. Added in revision 0002.
    n_down_repeat: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    n_down_valid: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    n_scr_cold_high_load: Mapped[int] = mapped_column(Integer)
    nox_mass_g: Mapped[float] = mapped_column(Float)
    work_kwh: Mapped[float | None] = mapped_column(Float)  # None without the registry's reference torque
    bs_windows: Mapped[int] = mapped_column(Integer)
    bs_windows_over: Mapped[int] = mapped_column(Integer)
    distance_km: Mapped[float] = mapped_column(Float)
    fuel_l: Mapped[float] = mapped_column(Float)
    n_miss_down: Mapped[int] = mapped_column(Integer)
    n_miss_scr_temp: Mapped[int] = mapped_column(Integer)
    n_miss_reagent: Mapped[int] = mapped_column(Integer)
    n_miss_air: Mapped[int] = mapped_column(Integer)
    reagent_first: Mapped[float | None] = mapped_column(Float)
    reagent_last: Mapped[float | None] = mapped_column(Float)
    reagent_min: Mapped[float | None] = mapped_column(Float)
    reagent_drop: Mapped[float] = mapped_column(Float)  # sum of falls of the smoothed level
    n_reagent_zero: Mapped[int] = mapped_column(Integer)
    n_mil_on: Mapped[int] = mapped_column(Integer)
    dtc_max: Mapped[int] = mapped_column(Integer)
    calids: Mapped[str] = mapped_column(Text, default="")  # distinct CALID|CVN pairs seen, sorted, ';'-joined
    n_odo_back: Mapped[int] = mapped_column(Integer)
    n_gnss_invalid: Mapped[int] = mapped_column(Integer)
    # Revision 0009 (scoring/daystats.py explains them); NULL until a day is re-derived from the raw store.
    odo_first: Mapped[float | None] = mapped_column(Float)
    odo_last: Mapped[float | None] = mapped_column(Float)
    lat_first: Mapped[float | None] = mapped_column(Float)
    lon_first: Mapped[float | None] = mapped_column(Float)
    lat_last: Mapped[float | None] = mapped_column(Float)
    lon_last: Mapped[float | None] = mapped_column(Float)
    kw_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kw_v0: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kw_v1: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kw_v2: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kw_v3: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kw_v4: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kw_v5: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kw_o0: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kw_o1: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kw_o2: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kw_o3: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kw_o4: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    kw_o5: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cs_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cs_u: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    cs_d: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    cs_l: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    cs_uu: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    cs_dd: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    cs_ll: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    cs_ud: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    cs_dl: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    down_min_hot: Mapped[float | None] = mapped_column(Float)


class RuleSet(Base):
    __tablename__ = "rule_sets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    # The audit event that last made this version the active one (0010): the active set is the row with the
    # highest, so activating is one audited act, saving a version is another, and reading writes nothing.
    activation_seq: Mapped[int | None] = mapped_column(BigInteger)


class ScoreRun(Base):
    __tablename__ = "score_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    ruleset_version: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(20))  # day_stats | raw
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    # A run with a rule set the office has not activated (0010): shown, never the latest run, never proposed from.
    trial: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Score(Base):
    __tablename__ = "scores"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("score_runs.id"), index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    proposal: Mapped[str] = mapped_column(String(10))
    reasons: Mapped[list] = mapped_column(JSON)
    metrics: Mapped[dict] = mapped_column(JSON)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))  # officer | supervisor | admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # added in 0003
    __mapper_args__ = {"version_id_col": version}


class ListEntry(Base):
    """One vehicle on one list. proposed -> active (approved) or rejected; active -> removal_pending (a removal
    was proposed) -> removed, or back to active when the removal is rejected; active -> expired when its review
    date passes (white) or a newer entry replaces it. Columns after created_at were added in revision 0003."""

    __tablename__ = "list_entries"
    # Enforced by the database, so two workstations deciding at once cannot break them (added in 0007): a vehicle
    # is on at most one list at a time, and has at most one open proposal per list.
    __table_args__ = (
        Index("uq_list_entries_one_current", "vehicle_id", unique=True,
              postgresql_where=text("status IN ('active', 'removal_pending')"),
              sqlite_where=text("status IN ('active', 'removal_pending')")),
        Index("uq_list_entries_one_proposal", "vehicle_id", "list_kind", unique=True,
              postgresql_where=text("status = 'proposed'"), sqlite_where=text("status = 'proposed'")),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), index=True)
    list_kind: Mapped[str] = mapped_column(String(10))  # black | white | watch
    status: Mapped[str] = mapped_column(String(16), index=True)  # the queues filter on it (index made in 0003)
    reason_codes: Mapped[list] = mapped_column(JSON)
    evidence: Mapped[dict] = mapped_column(JSON)  # score, metrics, reasons, rule-set version, period, run
    effective_from: Mapped[date | None] = mapped_column(Date)
    review_date: Mapped[date | None] = mapped_column(Date)
    proposed_by: Mapped[str] = mapped_column(String(100))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    ended_on: Mapped[date | None] = mapped_column(Date)
    removal_proposed_by: Mapped[str | None] = mapped_column(String(100))
    removal_proposed_at: Mapped[datetime | None] = mapped_column(DateTime)
    removal_reason: Mapped[str | None] = mapped_column(Text)
    rectification: Mapped[dict | None] = mapped_column(JSON)  # repair record, re-inspection date, clean days
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Notice(Base):
    __tablename__ = "notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), index=True)
    list_entry_id: Mapped[int | None] = mapped_column(ForeignKey("list_entries.id"))
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    deadline: Mapped[date | None] = mapped_column(Date)
    content: Mapped[dict] = mapped_column(JSON)
    issued_by: Mapped[str] = mapped_column(String(100))


class NoticeCounter(Base):
    """The last notice number used per bureau and year: numbers are taken from here inside the transaction
    that stores the notice, so they are never reused, even after a notice is withdrawn. Added in 0003."""

    __tablename__ = "notice_counters"
    bureau_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class AuditHead(Base):
    """One row: the sequence and hash of the newest audit event, written in the same transaction as the event.
    Deleting the newest events leaves the chain itself valid; this row is what still remembers them."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class AuditEvent(Base):
    """Append-only, hash-chained history. seq is assigned by the writer, gapless; hash covers canonical JSON."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class MappingProfile(Base):
    """A user's saved header mapping for a platform's odd export headers."""

    __tablename__ = "mapping_profiles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    mapping: Mapped[dict] = mapped_column(JSON)  # export header -> canonical field
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Setting(Base):
    """Office-wide settings shared by every workstation on the database (bureau name, notice pattern...)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)


class DatabaseIdentity(Base):
    """One row: an id generated once per database (revision 0007). The raw store's marker file names it, so a
    store is only written, read and swept by the database it belongs to."""

    __tablename__ = "database_identity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
