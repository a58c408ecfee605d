"""What the workbook check before every XLSX import costs (dieselwatch/ingest/limits.py), measured in one run.

  python benchmarks/limits_bench.py [--xlsx-rows 100000] [--work DIR] [--repeat 3]

Prints: the import of a 100,000-row, 20-column workbook with the check against the same import without it
(the baseline: the check replaced by nothing), alternating runs, best of --repeat (target: under 1.05x), the
check alone with the installed inflater (ISA-L when `isal` is installed) and with the standard zlib, and
pandas.read_excel(engine="calamine") of the same file, as import_bench.py reports it."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_bench


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--xlsx-rows", type=int, default=100_000)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="dw-limits-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    xlsx = work / "records.xlsx"
    if not xlsx.exists():
        print(f"building a {a.xlsx_rows:,}-row workbook in {work} ...", flush=True)
        csv = work / "records_2m.csv"
        if not csv.exists():
            csv = import_bench.make_csv(work, max(a.xlsx_rows * 2, 100_000))
        xlsx = import_bench.make_xlsx(work, csv, a.xlsx_rows)

    import zlib

    from dieselwatch.ingest import limits, tables

    checked = tables._check_zip
    times: dict[str, list[float]] = {"with_check": [], "without_check": [], "bare_calamine": []}
    for _ in range(a.repeat):
        for mode in ("without_check", "with_check"):
            tables._check_zip = checked if mode == "with_check" else (lambda path: None)
            t = time.perf_counter()
            import_bench.import_once(xlsx, work / "home")
            times[mode].append(time.perf_counter() - t)
        t = time.perf_counter()
        pd.read_excel(xlsx, engine="calamine")
        times["bare_calamine"].append(time.perf_counter() - t)
    tables._check_zip = checked

    def check_time(inflater) -> float:
        saved, limits._zlib = limits._zlib, inflater
        try:
            best = float("inf")
            for _ in range(a.repeat):
                t = time.perf_counter()
                limits.check_workbook(xlsx)
                best = min(best, time.perf_counter() - t)
            return best
        finally:
            limits._zlib = saved

    best = {k: min(v) for k, v in times.items()}
    result = {
        "xlsx_rows": a.xlsx_rows, "sheet_xml_mb": round(sum(i.file_size for i in
                                                             __import__("zipfile").ZipFile(xlsx).infolist()) / 1e6),
        "import_with_check_s": round(best["with_check"], 3), "import_without_check_s": round(best["without_check"], 3),
        "import_with_vs_without_check": round(best["with_check"] / best["without_check"], 3),
        "xlsx_vs_bare_with_check": round(best["bare_calamine"] / best["with_check"], 3),
        "xlsx_vs_bare_without_check": round(best["bare_calamine"] / best["without_check"], 3),
        "check_s": round(check_time(limits._zlib), 3), "inflater": limits._zlib.__name__,
        "check_s_stdlib_zlib": round(check_time(zlib), 3),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
