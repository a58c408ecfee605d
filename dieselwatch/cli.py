"""Command line: `dieselwatch` alone opens the desktop app; subcommands run the same core services headless.
Exit codes: 0 ok, 2 usage, 3 bad input, 1 internal error. --json prints exactly one JSON document on stdout."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date
from pathlib import Path

from dieselwatch import __version__
from dieselwatch.errors import Cancelled, ConfigError, DieselWatchError, InputError

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3
log = logging.getLogger("dieselwatch")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 already; keep the message short and on stderr
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="dieselwatch", description="DieselWatch: China VI HDDV remote OBD monitoring review. "
                "Without a command, opens the desktop app.")
    p.add_argument("--version", action="version", version=f"dieselwatch {__version__}")
    p.add_argument("--home", help="data folder (database, raw store, logs, exports); env DIESELWATCH_HOME")
    p.add_argument("--db", help="database URL, e.g. postgresql://user:pw@host/dieselwatch; env DIESELWATCH_DB")
    p.add_argument("--user", help="acting user name recorded in the history (default: the login name)")
    p.add_argument("--lang", choices=["zh_CN", "en"], help="desktop app language (default: from the system)")
    p.add_argument("--demo", action="store_true", help="open the app on a demo home, creating the demo fleet "
                   "on first use (a separate folder unless --home is given)")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    d = sub.add_parser("demo", help="write a synthetic demo export set (registry, GBK CSV, XLSX, manifest)")
    d.add_argument("--out", required=True, type=Path)
    d.add_argument("--vehicles", type=int, default=12)
    d.add_argument("--days", type=int, default=5)
    d.add_argument("--seed", type=int, default=7)
    d.add_argument("--start", default="2026-10-01", help="first day, YYYY-MM-DD")
    d.add_argument("--minutes-per-day", type=int, default=70, help="driving per vehicle and day")
    d.add_argument("--load", action="store_true", help="also import it into the database (registry first)")
    d.add_argument("--json", action="store_true")

    v = sub.add_parser("vehicles", help="the vehicle registry")
    vs = v.add_subparsers(dest="action", required=True, parser_class=_Parser)
    vi = vs.add_parser("import", help="import or update the registry from a CSV or Excel file")
    vi.add_argument("file", type=Path)
    vi.add_argument("--sheet")
    vi.add_argument("--json", action="store_true")
    vl = vs.add_parser("list", help="list vehicles")
    vl.add_argument("--json", action="store_true")

    i = sub.add_parser("import", help="import monitoring record exports (CSV/XLSX), each file all-or-nothing")
    i.add_argument("files", nargs="+", type=Path)
    i.add_argument("--sheet")
    i.add_argument("--profile", help="a saved mapping profile's name, or a JSON file of export header -> field")
    i.add_argument("--save-profile", metavar="NAME", help="save the --profile JSON file under NAME for later use")
    i.add_argument("--json", action="store_true")

    b = sub.add_parser("imports", help="list import batches, or export one batch's report as a workbook")
    b.add_argument("--export", type=int, metavar="BATCH", help="write this batch's report (rejects...) to --out")
    b.add_argument("--out", type=Path, help="workbook to write with --export")
    b.add_argument("--json", action="store_true")

    s = sub.add_parser("score", help="score every vehicle over a period")
    s.add_argument("--from", dest="start", required=True)
    s.add_argument("--to", dest="end", required=True)
    s.add_argument("--rules", type=Path, help="an edited rule set (JSON); saved under its version and used")
    s.add_argument("--from-raw", action="store_true", help="recompute day statistics from the raw store first")
    s.add_argument("--json", action="store_true")

    a = sub.add_parser("audit", help="the tamper-evident history")
    a_s = a.add_subparsers(dest="action", required=True, parser_class=_Parser)
    av = a_s.add_parser("verify", help="check the hash chain and the sequence")
    av.add_argument("--json", action="store_true")

    st = sub.add_parser("selftest", help="run the whole pipeline in a temporary home and exit 0 if it works")
    st.add_argument("--json", action="store_true")
    return p


class _Bar:
    """Text progress on stderr for the CLI (the GUI shows the same callback in a progress dialog)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()

    def __call__(self, fraction: float, message: str = "") -> None:
        if self.enabled:
            n = int(fraction * 30)
            sys.stderr.write(f"\r[{'#' * n}{'.' * (30 - n)}] {fraction:4.0%} {message[:40]:40s}")
            if fraction >= 1:
                sys.stderr.write("\n")
            sys.stderr.flush()


def _emit(args, doc: dict, text: str) -> None:
    if getattr(args, "json", False):
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(text)


def _workspace(args):
    from dieselwatch.workspace import Workspace

    return Workspace.open(home=args.home, db=args.db, user=args.user)


def cmd_demo(args) -> int:
    from dieselwatch.demo.fleet import generate

    start = _day(args.start, "--start")
    if args.vehicles < 1 or args.days < 1 or args.minutes_per_day < 5:
        raise InputError("--vehicles and --days must be at least 1, --minutes-per-day at least 5")
    m = generate(args.out, vehicles=args.vehicles, days=args.days, seed=args.seed, start=start,
                 minutes_per_day=args.minutes_per_day, progress=_Bar(not args.json))
    doc = {"out": str(args.out), "manifest": m}
    text = f"wrote {m['rows']:,} records of {len(m['vehicles'])} vehicles, {m['start']} to {m['end']}, into {args.out}"
    if args.load:
        from dieselwatch.services.imports import import_records
        from dieselwatch.services.registry import import_registry

        ws = _workspace(args)
        reg = import_registry(ws, args.out / m["files"]["registry"])
        reports = [import_records(ws, args.out / m["files"][k], progress=_Bar(not args.json))
                   for k in ("records_csv", "records_xlsx") if k in m["files"]]
        doc["registry"] = reg.as_dict()
        doc["imports"] = [r.as_dict() for r in reports]
        text += f"\nloaded into {ws.db_url}: {reg.created} vehicles, " + \
            ", ".join(f"{r.file}: {r.rows_imported:,} rows ({r.duplicates:,} duplicates)" for r in reports)
    _emit(args, doc, text)
    return EXIT_OK


def _day(text: str, what: str) -> date:
    from dieselwatch.services.scoring import parse_day

    return parse_day(text, what)


def cmd_vehicles(args) -> int:
    ws = _workspace(args)
    if args.action == "import":
        from dieselwatch.services.registry import RegistryRejected, import_registry

        try:
            rep = import_registry(ws, args.file, sheet=args.sheet, progress=_Bar(not args.json))
        except RegistryRejected as exc:
            _emit(args, {"error": str(exc), **exc.report.as_dict()}, _reject_text(str(exc), exc.report.rejects))
            return EXIT_INPUT
        _emit(args, rep.as_dict(), f"{rep.file}: {rep.status}; {rep.rows_read} rows, {rep.created} created, "
              f"{rep.updated} updated, {rep.unchanged} unchanged"
              + (f"; check digit wrong for {len(rep.wrong_check_digit)} VIN(s)" if rep.wrong_check_digit else ""))
        return EXIT_OK
    from sqlalchemy import select

    from dieselwatch.storage.models import Vehicle

    with ws.Session() as s:
        rows = [{"vin": v.vin, "plate": v.plate, "owner": v.owner, "county": v.county, "engine_model": v.engine_model,
                 "ref_torque_nm": v.ref_torque_nm, "in_registry": v.in_registry}
                for v in s.scalars(select(Vehicle).order_by(Vehicle.vin))]
    _emit(args, {"vehicles": rows}, "\n".join(f"{r['vin']}  {r['plate'] or '':10s} {r['owner'] or ''}" for r in rows)
          or "no vehicles")
    return EXIT_OK


def _reject_text(head: str, rejects: list[dict]) -> str:
    lines = [head] + [f"  row {r['row']}, column {r['column']}: {r['reason']}"
                      + (f" ({r['value']})" if r.get("value") else "") for r in rejects[:20]]
    return "\n".join(lines)


def cmd_import(args) -> int:
    from dieselwatch.services.imports import import_records

    from dieselwatch.services.profiles import load_profile, save_profile

    ws = _workspace(args)
    profile = load_profile(ws, args.profile) if args.profile else None
    if args.save_profile:
        if profile is None:
            raise InputError("--save-profile needs --profile FILE.json")
        save_profile(ws, args.save_profile, profile)
    reports, errors = [], []
    for f in args.files:
        try:
            reports.append(import_records(ws, f, profile=profile, sheet=args.sheet, progress=_Bar(not args.json)))
        except InputError as exc:
            errors.append({"file": str(f), "error": str(exc), "row": exc.row, "column": exc.column})
    rejects = [{"file": r.file, **x} for r in reports for x in r.rejects][:100]
    doc = {
        "rows_read": sum(r.rows_read for r in reports if r.status == "imported"),
        "rows_imported": sum(r.rows_imported for r in reports),
        "duplicates": sum(r.duplicates for r in reports),
        "rejected": sum(r.rejected for r in reports),
        "rejects": rejects,
        "files": [r.as_dict() for r in reports],
        "errors": errors,
    }
    lines = []
    for r in reports:
        if r.status == "already_imported":
            lines.append(f"{r.file}: already imported (batch {r.batch_id}); nothing changed")
            continue
        lines.append(f"{r.file}: {r.encoding or 'Excel ' + str(r.sheet)}, header on row {r.header_row}; "
                     f"{r.rows_read:,} rows read, {r.rows_imported:,} imported, {r.duplicates:,} duplicates, "
                     f"{r.rejected:,} rejected")
        for col, c in r.invalid_values.items():
            lines.append(f"  {col}: " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in c.items() if v))
        for x in r.rejects[:10]:
            lines.append(f"  row {x['row']}, column {x['column']}: {x['reason']} {x['value']}")
        if r.unknown_columns:
            lines.append("  ignored columns: " + ", ".join(r.unknown_columns))
        if r.wrong_check_digit:
            lines.append(f"  warning: VIN check digit wrong for {', '.join(r.wrong_check_digit[:5])}")
    lines += [f"{e['file']}: NOT imported: {e['error']}" for e in errors]
    _emit(args, doc, "\n".join(lines))
    return EXIT_INPUT if errors else EXIT_OK


def cmd_imports(args) -> int:
    from sqlalchemy import select

    from dieselwatch.storage.models import ImportBatch

    ws = _workspace(args)
    if args.export is not None:
        from dieselwatch.services.import_report import export_batch_report

        out = args.out or ws.home.exports_dir / f"import-report-{args.export}.xlsx"
        path = export_batch_report(ws, args.export, out)
        _emit(args, {"batch": args.export, "out": str(path)}, f"wrote {path}")
        return EXIT_OK
    with ws.Session() as s:
        rows = [{"id": b.id, "kind": b.kind, "file": b.file_name, "sha256": b.file_hash, "at": b.imported_at,
                 "by": b.imported_by, "rows_read": b.rows_read, "rows_imported": b.rows_imported,
                 "duplicates": b.duplicates, "rejected": b.rejected}
                for b in s.scalars(select(ImportBatch).order_by(ImportBatch.id))]
    _emit(args, {"batches": rows}, "\n".join(
        f"{r['id']:4d} {r['at']:%Y-%m-%d %H:%M} {r['by']:10s} {r['kind']:8s} {r['file']}  "
        f"{r['rows_imported']:,}/{r['rows_read']:,} rows" for r in rows) or "no imports yet")
    return EXIT_OK


def cmd_score(args) -> int:
    from dieselwatch.services.scoring import score_period

    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    rules = None
    if args.rules:
        try:
            rules = json.loads(args.rules.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"is not a readable JSON rule set ({exc})", file=str(args.rules)) from exc
    ws = _workspace(args)
    res = score_period(ws, start, end, rules=rules, from_raw=args.from_raw, progress=_Bar(not args.json))
    doc = res.as_dict()
    doc["counts"] = res.counts()
    lines = [f"period {res.period_from} to {res.period_to}, rule set {res.ruleset_version}, "
             f"{len(res.vehicles)} vehicles: " + ", ".join(f"{k} {v}" for k, v in res.counts().items())]
    for v in res.vehicles:
        lines.append(f"{v['vin']}  {v['plate'] or '':9s} {v['score']:3d}  {v['proposal']:5s}  "
                     + "; ".join(r["text"] for r in v["reasons"]))
    _emit(args, doc, "\n".join(lines))
    return EXIT_OK


def cmd_audit(args) -> int:
    from dieselwatch.storage import audit

    ws = _workspace(args)
    with ws.Session() as s:
        ok, broken, msg = audit.verify(s)
        seq, head = audit.head(s)
    _emit(args, {"ok": ok, "first_broken": broken, "message": msg, "head_seq": seq, "head_hash": head},
          f"{'OK' if ok else 'BROKEN'}: {msg}; head {seq} {head[:16]}")
    return EXIT_OK if ok else EXIT_INPUT


def cmd_selftest(args) -> int:
    from dieselwatch.selftest import run_selftest

    result = run_selftest()
    _emit(args, result, "\n".join(f"{'ok  ' if s['ok'] else 'FAIL'} {s['step']}: {s['detail']}" for s in result["steps"]))
    return EXIT_OK if result["ok"] else EXIT_INTERNAL


COMMANDS = {"demo": cmd_demo, "vehicles": cmd_vehicles, "import": cmd_import, "imports": cmd_imports,
            "score": cmd_score, "audit": cmd_audit, "selftest": cmd_selftest}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        from dieselwatch.launch import launch

        try:
            return launch(args)
        except (InputError, ConfigError) as exc:
            _fail(args, exc, EXIT_INPUT)
            return EXIT_INPUT
    try:
        return COMMANDS[args.command](args)
    except (InputError, ConfigError) as exc:
        _fail(args, exc, EXIT_INPUT)
        return EXIT_INPUT
    except Cancelled as exc:
        _fail(args, exc, EXIT_INPUT)
        return EXIT_INPUT
    except DieselWatchError as exc:
        _fail(args, exc, EXIT_INTERNAL)
        return EXIT_INTERNAL
    except Exception as exc:  # noqa: BLE001 - the contract: internal errors exit 1 with a message, not a traceback
        log.exception("internal error")
        _fail(args, exc, EXIT_INTERNAL)
        return EXIT_INTERNAL


def _fail(args, exc: Exception, code: int) -> None:
    if getattr(args, "json", False):
        doc = {"error": str(exc), "type": type(exc).__name__, "exit_code": code}
        for k in ("file", "row", "column"):
            if getattr(exc, k, None) is not None:
                doc[k] = getattr(exc, k)
        json.dump(doc, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    print(f"dieselwatch: {exc}", file=sys.stderr)
