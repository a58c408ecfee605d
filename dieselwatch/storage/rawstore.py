"""Columnar store of raw 1 Hz samples: <root>/<VIN>/<YYYY-MM>/b<batch>-<id>.parquet.

A file counts only once a raw_partitions row names it, and that row is committed in the same transaction as
its import batch. Files are written (temp name, fsync, rename) before that commit, so a crash at any moment
leaves either a committed file or an orphan that readers never see and sweep_orphans() removes."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dieselwatch.ingest.columns import record_fields
from dieselwatch.ingest.values import FLOAT64_FIELDS

ORPHAN_AGE_S = 24 * 3600  # never sweep a file another workstation may be about to commit


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

    def write(self, vin: str, month: str, batch_id: int, frame: pd.DataFrame) -> tuple[str, int]:
        """Write one vehicle-month piece; returns (path relative to root, bytes). Durable when it returns."""
        rel = Path(vin) / month / f"b{batch_id}-{uuid.uuid4().hex[:12]}.parquet"
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
        """Delete files no committed row names (left by an import killed before its commit)."""
        removed, now = [], time.time()
        for p in self.root.rglob("*.parquet*"):
            rel = p.relative_to(self.root).as_posix()
            if rel not in committed and now - p.stat().st_mtime >= min_age_s:
                p.unlink(missing_ok=True)
                removed.append(rel)
        return removed

    def file_paths(self) -> set[str]:
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*.parquet")}
