"""Import speed against the bare readers, measured in the same run (the machine is shared and noisy).

  python benchmarks/import_bench.py [--rows 2000000] [--xlsx-rows 100000] [--work DIR]

Prints: CSV end-to-end import vs bare pandas.read_csv of the same file (target >= 0.5x), XLSX import vs bare
pandas.read_excel(engine="calamine") (target >= 0.8x), bytes per stored sample (target <= 30), and the peak
RSS of an import process (target < 1 GB at 10 M rows: run with --rows 10000000)."""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, demo_export

# 20 columns, as the benchmark: identity, time and 17 measurements.
COLUMNS = ["车牌号", "车辆识别代号", "数据采集时间", "车速(km/h)", "发动机净输出扭矩(%)", "摩擦扭矩(%)",
           "发动机转速(rpm)", "发动机燃料流量(L/h)", "SCR上游NOx传感器输出值(ppm)", "SCR下游NOx传感器输出值(ppm)",
           "反应剂余量(%)",
           "进气量(kg/h)", "SCR入口温度(℃)", "SCR出口温度(℃)", "DPF压差(kPa)", "发动机冷却液温度(℃)", "油箱液位(%)",
           "经度", "纬度", "累计里程(km)"]


def make_csv(work: Path, rows: int) -> Path:
    m = demo_export(work / "demo", rows)
    src = work / "demo" / m["files"]["records_csv"]
    df = pd.read_csv(src, encoding="gbk", skiprows=2, usecols=COLUMNS, dtype=str, keep_default_na=False)
    df = df.iloc[:rows]
    out = work / "records_2m.csv"
    sink = pa.BufferOutputStream()
    pacsv.write_csv(pa.Table.from_pandas(df[COLUMNS], preserve_index=False), sink,
                    pacsv.WriteOptions(quoting_style="none"))
    out.write_bytes(b"\xd6\xd8\xd0\xcd\xb2\xf1\xd3\xcd\xb3\xb5 \xca\xfd\xbe\xdd\xb5\xbc\xb3\xf6\n"  # title row, GBK
                    + sink.getvalue().to_pybytes().decode("utf-8").encode("gbk"))
    return out


def make_xlsx(work: Path, csv: Path, rows: int) -> Path:
    from openpyxl import Workbook

    df = pd.read_csv(csv, encoding="gbk", skiprows=1, nrows=rows, na_values=["FF", "无效"])
    df["数据采集时间"] = pd.to_datetime(df["数据采集时间"])
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([None if (isinstance(x, float) and x != x)
                   else (x.to_pydatetime() if hasattr(x, "to_pydatetime") else x) for x in row])
    out = work / "records.xlsx"
    wb.save(out)
    return out


def import_once(path: Path, home: Path):
    from dieselwatch.services.imports import import_records
    from dieselwatch.workspace import Workspace

    shutil.rmtree(home, ignore_errors=True)
    ws = Workspace.open(home=str(home), user="bench")
    rep = import_records(ws, path)
    ws.close()
    return rep


def child_rss(path: Path, home: Path) -> float:
    """Peak RSS (MB) of a separate process importing the file."""
    shutil.rmtree(home, ignore_errors=True)
    code = ("import resource, sys; from dieselwatch.workspace import Workspace; "
            "from dieselwatch.services.imports import import_records; "
            f"ws = Workspace.open(home={str(home)!r}); import_records(ws, {str(path)!r}); "
            # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child would report its parent's peak.
            "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(r.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--xlsx-rows", type=int, default=100_000)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="dw-import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    csv = work / "records_2m.csv"
    if not csv.exists():
        print(f"building a {a.rows:,}-row, {len(COLUMNS)}-column GBK export in {work} ...", flush=True)
        csv = make_csv(work, a.rows)
    with open(csv, "rb") as f:
        n_rows = sum(1 for _ in f) - 2
    bare_csv, _ = best_of(lambda: pd.read_csv(csv, encoding="gbk", skiprows=1), a.repeat)
    ours_csv, rep = best_of(lambda: import_once(csv, work / "home"), a.repeat)
    from sqlalchemy import func, select

    from dieselwatch.storage.models import RawPartition
    from dieselwatch.workspace import Workspace

    ws = Workspace.open(home=str(work / "home"))
    with ws.Session() as s:
        stored_rows, stored_bytes = s.execute(select(func.sum(RawPartition.rows), func.sum(RawPartition.bytes))).one()
    ws.close()
    rss = child_rss(csv, work / "home-rss")
    xlsx = work / "records.xlsx"
    if not xlsx.exists():
        print(f"building a {a.xlsx_rows:,}-row workbook ...", flush=True)
        xlsx = make_xlsx(work, csv, a.xlsx_rows)
    bare_x, _ = best_of(lambda: pd.read_excel(xlsx, engine="calamine"), a.repeat)
    ours_x, xrep = best_of(lambda: import_once(xlsx, work / "home-x"), a.repeat)
    result = {
        "csv_rows": n_rows, "csv_columns": len(COLUMNS), "csv_encoding": rep.encoding,
        "csv_bare_read_s": round(bare_csv, 3), "csv_import_s": round(ours_csv, 3),
        "csv_ratio": round(bare_csv / ours_csv, 3),
        "xlsx_rows": xrep.rows_read, "xlsx_bare_read_s": round(bare_x, 3), "xlsx_import_s": round(ours_x, 3),
        "xlsx_ratio": round(bare_x / ours_x, 3),
        "bytes_per_sample": round(stored_bytes / stored_rows, 2), "peak_rss_mb": round(rss, 1),
        "bench_process_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result, indent=2))
    print(f"CSV  import {result['csv_ratio']:.2f}x bare pandas.read_csv (target >= 0.5x); "
          f"XLSX import {result['xlsx_ratio']:.2f}x bare read_excel(calamine) (target >= 0.8x); "
          f"{result['bytes_per_sample']} bytes/sample (target <= 30); import peak RSS {result['peak_rss_mb']} MB "
          f"for {n_rows:,} rows")


if __name__ == "__main__":
    main()
