"""Columnar store of raw 1 Hz samples: <root>/<VIN>/<YYYY-MM>/b<batch>-<id>.parquet.

A file counts only once a raw_partitions row names it, and that row is committed in the same transaction as
its import batch. Files are written (temp name, fsync, rename) before that commit, so a crash at any moment
leaves either a committed file or an orphan that readers never see and sweep_orphans() removes.

A store belongs to one database: the marker file in its root names that database's id (table
database_identity). Only that database writes, reads and sweeps it; any other database opened on the same
folder is refused with a message naming both, so a wrong --db can never delete or mix raw samples. Several
workstations sharing one database share one store (a network folder, --raw)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dieselwatch.errors import InputError
from dieselwatch.ingest.columns import record_fields
from dieselwatch.ingest.values import FLOAT64_FIELDS
from dieselwatch.messages import Msg
from dieselwatch.storage.filelock import FileLock

log = logging.getLogger(__name__)
ORPHAN_AGE_S = 24 * 3600  # never sweep a file another workstation may be about to commit
MARKER = ".dieselwatch-store.json"
STAGING = ".staging"


def schema() -> pa.Schema:
    cols = [pa.field("ts", pa.timestamp("s"))]
    for f in record_fields().values():
        if f.name in ("vin", "ts", "plate"):
            continue
        if f.dtype == "text":
            cols.append(pa.field(f.name, pa.string()))
        else:
            cols.append(pa.field(f.name, pa.float64() if f.name in FLOAT64_FIELDS else pa.float32()))
    return pa.schema(cols)


def _encodings(sch: pa.Schema) -> tuple[dict, list]:
    enc, dict_cols = {"ts": "DELTA_BINARY_PACKED"}, []
    for f in sch:
        if pa.types.is_floating(f.type):
            enc[f.name] = "BYTE_STREAM_SPLIT"  # separates exponent/mantissa bytes: zstd then finds the runs
        elif pa.types.is_string(f.type):
            dict_cols.append(f.name)
    return enc, dict_cols


def to_table(frame: pd.DataFrame) -> pa.Table:
    sch = schema()
    arrays = []
    n = len(frame)
    for f in sch:
        if f.name in frame:
            col = frame[f.name]
            if f.name == "ts":
                arrays.append(pa.array(col.to_numpy(dtype="datetime64[s]"), type=f.type))
            elif pa.types.is_string(f.type):
                arrays.append(pa.array(col.to_numpy(dtype=object), type=f.type, from_pandas=True))
            else:
                arrays.append(pa.array(col.to_numpy(dtype=f.type.to_pandas_dtype()), type=f.type, from_pandas=True))
        else:
            arrays.append(pa.nulls(n, type=f.type))
    return pa.Table.from_arrays(arrays, schema=sch)


class RawStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.refusal: Msg | None = None  # why this database may not use the store (None: it may)
        self._staging_locks: dict[Path, FileLock] = {}
        self._journal_lock = threading.Lock()

    # --- ownership ------------------------------------------------------------------------------------------
    @property
    def marker_path(self) -> Path:
        return self.root / MARKER

    def owner(self) -> dict | None:
        """The marker's content (database id and URL), or None for a store nobody has claimed yet."""
        try:
            text = self.marker_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or not isinstance(data.get("database_id"), str):
                raise ValueError("no database_id")
            return data
        except ValueError:
            return {"database_id": "?", "database": Msg("unreadable marker {file}", file=self.marker_path)}

    def has_data_files(self) -> bool:
        return next((p for p in self.root.glob("*/*/*.parquet")), None) is not None

    def claim(self, database_id: str, database_url: str, committed_sample: list[str]) -> None:
        """Bind the store to this database. A store without a marker is claimed if it holds no raw files yet, or
        if this database names files in it (a home from before markers existed); a store holding only files
        this database does not know stays unclaimed and refused, as does a store marked for another database."""
        owner = self.owner()
        if owner is None:
            if self.has_data_files() and not any((self.root / p).is_file() for p in committed_sample):
                self.refusal = Msg("the raw sample store {store} holds samples of another database (it has no owner "
                                   "mark, and this database {this} names none of its files): open it with the "
                                   "database it belongs to, or give this database its own raw folder with --raw",
                                   store=self.root, this=database_url)
                return
            doc = {"database_id": database_id, "database": database_url,
                   "claimed_at": datetime.now().isoformat(timespec="seconds"), "host": socket.gethostname()}
            try:  # exclusive create: of two workstations claiming at once, the first one wins
                with open(self.marker_path, "x", encoding="utf-8") as fh:
                    json.dump(doc, fh, ensure_ascii=False, indent=1)
                    fh.flush()
                    os.fsync(fh.fileno())
                log.info("raw store %s now belongs to database %s (%s)", self.root, database_id, database_url)
            except FileExistsError:
                pass
            # Removed again between the two lines only by hand: treat it as unreadable, never as ours.
            owner = self.owner() or {"database_id": "?", "database": Msg("unreadable marker {file}",
                                                                           file=self.marker_path)}
        if owner["database_id"] != database_id:
            self.refusal = Msg("the raw sample store {store} belongs to the database {owner} (id {owner_id}), not to "
                               "this database {this} (id {this_id}): nothing is written to, read from or removed "
                               "from it. Open it with its own database, or give this database its own raw folder "
                               "with --raw", store=self.root, owner=owner.get("database", "?"),
                               owner_id=owner["database_id"][:8], this=database_url, this_id=database_id[:8])
            log.warning("%s", self.refusal)

    def check_owned(self) -> None:
        if self.refusal is not None:
            raise InputError(self.refusal)  # the message names the store and both databases

    # --- staging of running imports ---------------------------------------------------------------------------
    def open_staging(self) -> Path:
        """A private folder for one import's intermediate files. It holds an OS lock for as long as the import
        lives, so a sweep on this machine removes it as soon as its import is gone (even killed), never before.
        Give it back with close_staging()."""
        self.check_owned()
        d = self.root / STAGING / uuid.uuid4().hex
        d.mkdir(parents=True)
        lock = FileLock(d / "lock")
        lock.acquire()
        with self._journal_lock:
            self._staging_locks[d] = lock
        # Written after the lock is held: a sweep judges the lock only of folders that have this file.
        (d / "owner.json").write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid()}),
                                      encoding="utf-8")
        return d

    def _journal(self, rel: str) -> None:
        """Note a raw file in the staging folders of this process's running imports before it is created: if the
        process dies before its commit, the sweep removes exactly these files at once (those no row names)
        instead of after a day. Staging folders of one process die together, so noting it in each is safe."""
        with self._journal_lock:
            for d in self._staging_locks:
                with open(d / "written.txt", "a", encoding="utf-8") as fh:
                    fh.write(rel + "\n")

    def close_staging(self, d: Path) -> None:
        with self._journal_lock:
            lock = self._staging_locks.pop(d, None)
        # The note of written files goes before the lock: a sweep that finds the lock free must not find a note
        # of files this import has just committed.
        (d / "written.txt").unlink(missing_ok=True)
        if lock is not None:
            lock.release()
        shutil.rmtree(d, ignore_errors=True)

    def sweep_staging(self, committed_paths, min_age_s: float = ORPHAN_AGE_S) -> list[str]:
        """Remove staging folders of imports that are gone: on this machine, those whose lock is free; from
        another machine (whose locks may not reach here over a network share), those older than min_age_s.
        The raw files such an import noted and no committed row names go with them. committed_paths() is asked
        only after an import is known to be gone, so it includes anything that import committed."""
        committed: set[str] | None = None
        removed: list[str] = []
        now, host = time.time(), socket.gethostname()
        base = self.root / STAGING
        if self.refusal is not None or not base.is_dir():
            return removed
        for d in base.iterdir():
            try:
                age = now - d.stat().st_mtime
            except OSError:
                continue  # removed meanwhile
            try:
                owner = json.loads((d / "owner.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                owner = {}  # not written yet (an import starting right now) or damaged: only age decides
            gone = age >= min_age_s
            if not gone and owner.get("host") == host:
                lock = FileLock(d / "lock")
                if lock.acquire(blocking=False):
                    lock.release()
                    gone = True
            if gone:
                try:
                    noted = (d / "written.txt").read_text(encoding="utf-8").split()
                except OSError:
                    noted = []
                if noted and committed is None:
                    committed = committed_paths()
                for rel in noted:
                    if committed is not None and rel not in committed:
                        for p in (self.root / rel, self.root / (rel + ".tmp")):
                            p.unlink(missing_ok=True)
                shutil.rmtree(d, ignore_errors=True)
                removed.append(d.name)
        return removed

    def write(self, vin: str, month: str, batch_id: int, frame: pd.DataFrame) -> tuple[str, int]:
        """Write one vehicle-month piece; returns (path relative to root, bytes). Durable when it returns."""
        self.check_owned()
        rel = Path(vin) / month / f"b{batch_id}-{uuid.uuid4().hex[:12]}.parquet"
        self._journal(rel.as_posix())
        final = self.root / rel
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(final.name + ".tmp")
        table = to_table(frame)
        enc, dict_cols = _encodings(table.schema)
        pq.write_table(table, tmp, compression="zstd", compression_level=3, use_dictionary=dict_cols,
                       column_encoding=enc, row_group_size=1 << 20, write_statistics=["ts"])
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        return rel.as_posix(), final.stat().st_size

    def read(self, paths: list[str], columns: list[str] | None = None,
             start: np.datetime64 | None = None, end: np.datetime64 | None = None) -> pd.DataFrame:
        """Concatenate committed pieces, optionally limited to start <= ts < end, sorted by time."""
        if not paths:
            return to_table(pd.DataFrame()).to_pandas().iloc[0:0] if columns is None else \
                pd.DataFrame(columns=columns)
        self.check_owned()
        missing = next((p for p in paths if not (self.root / p).is_file()), None)
        if missing is not None:
            raise InputError(Msg("the raw sample file {path} that the database names is not in this raw store: every "
                                 "workstation of an office must use the same raw folder (--raw, or Settings → This "
                                 "workstation)", path=missing), file=str(self.root))
        filters = []
        if start is not None:
            filters.append(("ts", ">=", pd.Timestamp(start).to_pydatetime()))
        if end is not None:
            filters.append(("ts", "<", pd.Timestamp(end).to_pydatetime()))
        # The current schema: a piece written before columns.csv gained a field reads that field as nulls.
        sch = schema()
        tables = [pq.read_table(self.root / p, columns=columns, filters=filters or None, schema=sch) for p in paths]
        table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
        frame = table.to_pandas()
        if len(tables) > 1:
            frame = frame.sort_values("ts", kind="stable", ignore_index=True)
        return frame

    def sweep_orphans(self, committed: set[str], min_age_s: float = ORPHAN_AGE_S) -> list[str]:
        """Delete files no committed row names (left by an import killed before its commit). Only in a store that
        belongs to this database: `committed` names nothing of another database's files."""
        removed: list[str] = []
        now = time.time()
        if self.refusal is not None:
            return removed
        for p in self.root.rglob("*.parquet*"):
            rel = p.relative_to(self.root).as_posix()
            if rel not in committed and now - p.stat().st_mtime >= min_age_s:
                p.unlink(missing_ok=True)
                removed.append(rel)
        return removed

    def file_paths(self) -> set[str]:
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*.parquet")}
