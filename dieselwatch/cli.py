"""Command line: `dieselwatch` alone opens the desktop app; subcommands run the same core services headless.
Exit codes: 0 ok, 2 usage, 3 bad input, 1 internal error, 141 output pipe closed early (`| head`).
--json prints exactly one JSON document on stdout."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from dieselwatch import __version__
from dieselwatch.errors import Cancelled, ConfigError, Conflict, DieselWatchError, InputError, PermissionDenied
from dieselwatch.messages import Msg, sentences

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 128 + 13  # as a shell reports a process ended by SIGPIPE
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
    p.add_argument("--raw", help="raw sample folder (default: raw/ in the home); an office sharing one database points "
                   "every workstation at one shared folder; env DIESELWATCH_RAW")
    p.add_argument("--user", help="acting user name recorded in the history (default: the login name)")
    p.add_argument("--lang", choices=["zh_CN", "en"], help="desktop app language (default: from the system)")
    p.add_argument("--demo", action="store_true", help="open the app on a demo home, creating the demo fleet "
                   "on first use (a separate folder unless --home is given); with a command, the command works "
                   "on that demo home")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    d = sub.add_parser("demo", help="write a synthetic demo export set (registry, GBK CSV, XLSX, manifest)")
    d.add_argument("--out", required=True, type=Path)
    d.add_argument("--vehicles", type=int, default=14)
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

    i = sub.add_parser("import", help="import monitoring record exports (CSV/XLSX) or raw terminal captures "
                       "(GB 17691 / HJ 1239 frames: .log .txt .hex .bin), each file all-or-nothing")
    i.add_argument("files", nargs="+", type=Path)
    i.add_argument("--sheet")
    i.add_argument("--profile", help="a saved mapping profile's name, or a JSON file of export header -> field")
    i.add_argument("--save-profile", metavar="NAME", help="save the --profile JSON file under NAME for later use")
    i.add_argument("--allow-missing", nargs="+", metavar="FIELD", default=[],
                   help="import although these key fields (or 'all') are missing or empty; scoring cannot judge "
                        "what needs them")
    i.add_argument("--json", action="store_true")

    b = sub.add_parser("imports", help="list import batches, or export one batch's report as a workbook")
    b.add_argument("--export", type=int, metavar="BATCH", help="write this batch's report (rejects...) to --out")
    b.add_argument("--out", type=Path, help="workbook to write with --export")
    b.add_argument("--force", action="store_true", help="overwrite an existing file")
    b.add_argument("--json", action="store_true")
    b_s = b.add_subparsers(dest="action", parser_class=_Parser)
    br = b_s.add_parser("remove", help="undo a batch: remove its samples, rebuild the days it touched, forget it "
                        "(the corrected file can then be imported)")
    br.add_argument("batch", type=int)
    br.add_argument("--reason", required=True)
    br.add_argument("--json", action="store_true")

    sm = sub.add_parser("samples", help="a vehicle's stored samples: print them, or write .xlsx/.csv with --out")
    sm.add_argument("vin")
    sm.add_argument("--from", dest="start", required=True)
    sm.add_argument("--to", dest="end", required=True)
    smo = sm.add_mutually_exclusive_group()
    smo.add_argument("--json", action="store_true")
    smo.add_argument("--out", type=Path, help="FILE.xlsx or FILE.csv (UTF-8 with BOM)")
    sm.add_argument("--force", action="store_true", help="overwrite --out if it exists")

    s = sub.add_parser("score", help="score every vehicle over a period")
    s.add_argument("--from", dest="start", required=True)
    s.add_argument("--to", dest="end", required=True)
    rs = s.add_mutually_exclusive_group()
    rs.add_argument("--rules", type=Path, help="try an edited rule set (JSON): a trial run, nothing is saved or "
                                               "activated and lists never propose from it")
    rs.add_argument("--ruleset", metavar="VERSION", help="a stored rule set version (default: the active one; "
                                                         "another version gives a trial run)")
    s.add_argument("--from-raw", action="store_true", help="recompute day statistics from the raw store first")
    s.add_argument("--json", action="store_true")

    a = sub.add_parser("audit", help="the tamper-evident history")
    a_s = a.add_subparsers(dest="action", required=True, parser_class=_Parser)
    av = a_s.add_parser("verify", help="check the guards, the hash chain, the heads recorded outside the database "
                                       "and that the tables match the history")
    av.add_argument("--head", action="append", metavar="SEQ:HASH",
                    help="a head printed on a notice or publication footer; repeatable")
    av.add_argument("--forget-head", action="store_true",
                    help="after a deliberate restore or a new database in the same place: stop comparing with the "
                         "head this workstation recorded, then verify")
    av.add_argument("--json", action="store_true")
    ax = a_s.add_parser("export", help="write the whole history to a workbook")
    ax.add_argument("--out", type=Path, help="workbook path (default: exports folder)")
    ax.add_argument("--force", action="store_true", help="overwrite an existing file")
    ax.add_argument("--json", action="store_true")
    ash = a_s.add_parser("show", help="the newest events")
    ash.add_argument("--entity")
    ash.add_argument("--id", dest="entity_id")
    ash.add_argument("--actor")
    ash.add_argument("--limit", type=int, default=50)
    ash.add_argument("--json", action="store_true")

    ls = sub.add_parser("lists", help="black, white and watch lists: proposals, decisions, removals")
    l_s = ls.add_subparsers(dest="action", required=True, parser_class=_Parser)
    lp = l_s.add_parser("propose", help="propose entries from a scoring run (default: the latest)")
    lp.add_argument("--run", type=int)
    lp.add_argument("--json", action="store_true")
    lsh = l_s.add_parser("show", help="list entries")
    lsh.add_argument("--list", dest="kind", choices=["black", "white", "watch"])
    lsh.add_argument("--status", choices=["proposed", "active", "removal_pending", "rejected", "removed", "expired"])
    lsh.add_argument("--vin")
    lsh.add_argument("--json", action="store_true")
    for name, help_ in (("approve", "approve proposals or removal proposals"),
                        ("reject", "reject proposals or removal proposals")):
        x = l_s.add_parser(name, help=help_)
        x.add_argument("ids", type=int, nargs="+")
        x.add_argument("--reason", required=True)
        x.add_argument("--version", type=int, help="the entry version you reviewed (refuse if changed since)")
        x.add_argument("--json", action="store_true")
    lr = l_s.add_parser("remove", help="propose ending an active entry (black: with rectification evidence)")
    lr.add_argument("id", type=int)
    lr.add_argument("--reason", required=True)
    lr.add_argument("--repair", help="repair record: station, date, work done")
    lr.add_argument("--reinspected", help="re-inspection date, YYYY-MM-DD")
    lr.add_argument("--version", type=int)
    lr.add_argument("--json", action="store_true")
    lh = l_s.add_parser("history", help="a vehicle's entries and their audit events")
    lh.add_argument("vin")
    lh.add_argument("--json", action="store_true")
    le = l_s.add_parser("expire", help="expire white and watch entries past their review date")
    le.add_argument("--json", action="store_true")
    lx = l_s.add_parser("export", help="the list publication workbook (active black and white lists)")
    lx.add_argument("--out", type=Path)
    lx.add_argument("--force", action="store_true", help="overwrite an existing file")
    lx.add_argument("--json", action="store_true")

    n = sub.add_parser("notices", help="rectification notices (整改通知书) for black-listed vehicles")
    n_s = n.add_subparsers(dest="action", required=True, parser_class=_Parser)
    ni = n_s.add_parser("issue", help="number and record a notice for active black entries that have none")
    ni.add_argument("--entry", type=int, nargs="+", help="only these list entries")
    ni.add_argument("--json", action="store_true")
    ne = n_s.add_parser("export", help="write notices as workbooks (issuing missing ones first)")
    ne.add_argument("--out", type=Path, help="folder (default: exports/notices)")
    ne.add_argument("--ids", type=int, nargs="+", help="only these notices (no new ones are issued)")
    ne.add_argument("--one-workbook", action="store_true", help="one workbook with a sheet per notice")
    ne.add_argument("--no-issue", action="store_true", help="only write notices already issued")
    ne.add_argument("--json", action="store_true")
    nl = n_s.add_parser("list", help="notices issued")
    nl.add_argument("--json", action="store_true")
    nr = n_s.add_parser("report", help="the scoring report workbook of a run (default: the latest)")
    nr.add_argument("--run", type=int)
    nr.add_argument("--out", type=Path)
    nr.add_argument("--force", action="store_true", help="overwrite an existing file")
    nr.add_argument("--json", action="store_true")

    u = sub.add_parser("users", help="user accounts and roles (officer, supervisor, admin)")
    u_s = u.add_subparsers(dest="action", required=True, parser_class=_Parser)
    ua = u_s.add_parser("add", help="create an account (the first one must be an admin); password from "
                        "DIESELWATCH_NEW_PASSWORD or a prompt")
    ua.add_argument("username")
    ua.add_argument("--role", required=True, choices=["officer", "supervisor", "admin"])
    ua.add_argument("--name", dest="display_name")
    ua.add_argument("--json", action="store_true")
    ul = u_s.add_parser("list", help="list accounts")
    ul.add_argument("--json", action="store_true")
    up = u_s.add_parser("passwd", help="change a password (yours, or anyone's as admin)")
    up.add_argument("username")
    up.add_argument("--json", action="store_true")
    us = u_s.add_parser("set", help="change an account's role, display name (signs notices) or disable it (admin)")
    us.add_argument("username")
    us.add_argument("--name", dest="display_name", help="the person's name, printed as signer on notices")
    us.add_argument("--role", choices=["officer", "supervisor", "admin"])
    us.add_argument("--active", choices=["yes", "no"])
    us.add_argument("--reason")
    us.add_argument("--json", action="store_true")

    se = sub.add_parser("settings", help="office settings: bureau, notice options, list rules")
    se_s = se.add_subparsers(dest="action", required=True, parser_class=_Parser)
    ses = se_s.add_parser("show")
    ses.add_argument("--json", action="store_true")
    sset = se_s.add_parser("set", help="e.g. settings set bureau.name 某县生态环境局 notices.deadline_days 20")
    sset.add_argument("pairs", nargs="+", metavar="KEY VALUE")
    sset.add_argument("--reason")
    sset.add_argument("--json", action="store_true")

    sl = se_s.add_parser("legal", help="the legal texts notices cite (basis, consequences, rights), by effective "
                                       "date: show them, or replace them from a JSON file (admin)")
    sl.add_argument("--set", metavar="FILE.json", help="a list of versions as `settings legal --json` prints them")
    sl.add_argument("--reason")
    sl.add_argument("--json", action="store_true")

    ru = sub.add_parser("rules", help="rule set versions: list, show, save an edited one, activate one")
    ru_s = ru.add_subparsers(dest="action", required=True, parser_class=_Parser)
    rul = ru_s.add_parser("list", help="stored versions, the active one first")
    rul.add_argument("--json", action="store_true")
    rush = ru_s.add_parser("show", help="a version's values (default: the active one) as JSON, ready to edit")
    rush.add_argument("version", nargs="?")
    rusv = ru_s.add_parser("save", help="store an edited rule set (JSON) under its new version, not active "
                                        "(supervisor)")
    rusv.add_argument("file", type=Path)
    rusv.add_argument("--reason")
    rusv.add_argument("--json", action="store_true")
    rua = ru_s.add_parser("activate", help="make a stored version the one the office scores with (admin)")
    rua.add_argument("version")
    rua.add_argument("--reason", required=True)
    rua.add_argument("--json", action="store_true")

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


def _emit(args, doc: Mapping[str, object], text: str) -> None:
    if getattr(args, "json", False):
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(text)


def _out_file(args, default: Path) -> Path:
    """--out as given (a folder: the default file name inside it); an existing file only with --force."""
    out = args.out or default
    if out.is_dir():
        out = out / default.name
    if args.out is not None and out.exists() and not args.force:
        raise InputError(Msg("already exists: add --force to overwrite it, or choose another --out"), file=str(out))
    if not out.parent.is_dir():
        raise InputError(Msg("cannot be written: folder {folder} does not exist", folder=str(out.parent)),
                         file=str(out))
    return out


def _out_folder(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise InputError(Msg("is a file, not a folder: give a folder for --out"), file=str(out))
    return out


def _workspace(args, signin: bool = True):
    """Open the workspace; once the database has users, sign in as --user (env DIESELWATCH_USER) with the
    password from DIESELWATCH_PASSWORD or, at a terminal, a prompt."""
    import os

    from dieselwatch.workspace import Workspace

    user = args.user or os.environ.get("DIESELWATCH_USER")
    ws = Workspace.open(home=args.home, db=args.db, user=user, raw=args.raw)
    if signin:
        from dieselwatch.services.users import login, user_count

        if user_count(ws):
            if not user:
                raise PermissionDenied("this database has users: sign in with --user NAME (env DIESELWATCH_USER)")
            password = os.environ.get("DIESELWATCH_PASSWORD")
            if password is None:
                if not sys.stdin.isatty():
                    raise PermissionDenied("no password: set DIESELWATCH_PASSWORD or run at a terminal")
                import getpass

                password = getpass.getpass(f"password for {user}: ")
            login(ws, user, password)
    return ws


def _new_password(args) -> str:
    import os

    pw = os.environ.get("DIESELWATCH_NEW_PASSWORD")
    if pw is not None:
        return pw
    if not sys.stdin.isatty():
        raise InputError("no new password: set DIESELWATCH_NEW_PASSWORD or run at a terminal")
    import getpass

    pw = getpass.getpass("new password: ")
    if getpass.getpass("again: ") != pw:
        raise InputError("the two passwords differ")
    return pw


def cmd_demo(args) -> int:
    from dieselwatch.demo.fleet import generate

    start = _day(args.start, "--start")
    _out_folder(args.out)
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
    from dieselwatch.services.vehicles import list_vehicles

    rows = list_vehicles(ws)
    _emit(args, {"vehicles": rows}, "\n".join(f"{r['vin']}  {r['plate'] or '':10s} {r['owner'] or ''}" for r in rows)
          or "no vehicles")
    return EXIT_OK


def _reject_text(head: str, rejects: list[dict]) -> str:
    lines = [head] + [f"  row {r['row']}, column {r['column']}: {r['reason']}"
                      + (f" ({r['value']})" if r.get("value") else "") for r in rejects[:20]]
    return "\n".join(lines)


def cmd_import(args) -> int:
    from dieselwatch.services.imports import import_records
    from dieselwatch.services.key_fields import normalise_allowed
    from dieselwatch.services.profiles import load_profile, save_profile

    normalise_allowed(args.allow_missing)  # a typo refuses the command, not each file
    ws = _workspace(args)
    profile = load_profile(ws, args.profile) if args.profile else None
    if args.save_profile:
        if profile is None:
            raise InputError("--save-profile needs --profile FILE.json")
        save_profile(ws, args.save_profile, profile)
    reports, errors = [], []
    for f in args.files:
        try:
            reports.append(import_records(ws, f, profile=profile, sheet=args.sheet, progress=_Bar(not args.json),
                                          allow_missing=args.allow_missing))
        except InputError as exc:
            errors.append({"file": str(f), "error": str(exc), "row": exc.row, "column": exc.column})
    rejects = [{"file": r.file, **x} for r in reports for x in r.rejects][:100]
    doc = {
        "rows_read": sum(r.rows_read for r in reports if r.status != "already_imported"),
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
            lines += _sheet_lines(r)
            continue
        lines.append(f"{r.file}: {r.encoding or 'Excel ' + str(r.sheet)}, "
                     f"{'header on row ' + str(r.header_row) if r.header_row else 'raw frames'}; "
                     f"{r.rows_read:,} rows read, {r.rows_imported:,} imported, {r.duplicates:,} duplicates, "
                     f"{r.rejected:,} rejected")
        if r.frames:  # raw captures: what the frames gave and what was skipped, with where and why
            lines.append(f"  frames: {r.frames['read']:,} read, {r.frames['skipped']:,} skipped, "
                         f"{r.frames['encrypted']:,} encrypted; " + ", ".join(f"{k} {v:,}" for k, v in
                                                                             r.frames["by_command"].items()))
            lines += [f"  skipped: {', '.join(f'{k} {v}' for k, v in x.items() if k != 'reason')}: {x['reason']}"
                      for x in r.frames["skipped_first"][:5]]
        if r.status == "restored":
            lines.append(f"  restored: the file's samples that went with a removed batch are stored again "
                         f"(batch {r.batch_id})")
        for col, c in r.invalid_values.items():
            lines.append(f"  {col}: " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in c.items() if v))
        for x in r.rejects[:10]:
            lines.append(f"  {'sheet ' + x['sheet'] + ', ' if x.get('sheet') else ''}row {x['row']}, "
                         f"column {x['column']}: {x['reason']} {x['value']}")
        lines += _sheet_lines(r)
        for x in r.left_out_columns:
            lines.append(f"  column {x['header']} left out ({x['field']} from {x['kept']}): {x['reason']}")
        if r.missing_key_fields:
            from dieselwatch.services.key_fields import describe, judgements_lost

            lines.append(f"  imported without key field(s) {describe(r.missing_key_fields)}: scoring cannot judge "
                         + "; ".join(judgements_lost(r.missing_key_fields)))
        if r.unknown_columns:
            lines.append("  ignored columns: " + ", ".join(r.unknown_columns))
        if r.wrong_check_digit:
            lines.append(f"  warning: VIN check digit wrong for {', '.join(r.wrong_check_digit[:5])}")
    lines += [f"{e['file']}: NOT imported: {e['error']}" for e in errors]
    _emit(args, doc, "\n".join(lines))
    return EXIT_INPUT if errors else EXIT_OK


def _sheet_lines(r) -> list[str]:
    return [f"  sheet {x.name}: {x.status.replace('_', ' ')}" + (f", {x.rows:,} rows" if x.rows else "")
            + (f" (batch {x.batch_id})" if x.batch_id else "") + (f": {x.reason}" if x.reason else "")
            for x in r.sheets]


def cmd_imports(args) -> int:
    from dieselwatch.services.batches import list_batches

    ws = _workspace(args)
    if args.action == "remove":
        return _remove_batch(ws, args)
    if args.export is not None:
        from dieselwatch.services.import_report import export_batch_report

        out = _out_file(args, ws.home.exports_dir / f"import-report-{args.export}.xlsx")
        path = export_batch_report(ws, args.export, out)
        _emit(args, {"batch": args.export, "out": str(path)}, f"wrote {path}")
        return EXIT_OK
    rows = list_batches(ws)
    _emit(args, {"batches": rows}, "\n".join(
        f"{r['id']:4d} {r['at']:%Y-%m-%d %H:%M} {r['by']:10s} {r['kind']:8s} {r['file']}"
        f"{' [' + r['sheet'] + ']' if r['sheet'] else ''}  {r['rows_imported']:,}/{r['rows_read']:,} rows"
        + (f"; without {', '.join(r['missing_key_fields'])}" if r['missing_key_fields'] else "")
        + ("  (lost samples with a removed batch: import the file again)" if r["awaits_restore"] else "")
        for r in rows) or "no imports yet")
    return EXIT_OK


def _remove_batch(ws, args) -> int:
    from dieselwatch.services.batches import remove_batch

    r = remove_batch(ws, args.batch, args.reason, progress=_Bar(not args.json))
    lines = [f"removed batch {r.batch_id} ({r.file_name}, sha256 {r.file_hash[:12]}…): {r.rows_removed:,} samples of "
             f"{len(r.vehicles)} vehicle(s); {r.days_recomputed} vehicle-day(s) recomputed, {r.days_emptied} left "
             "without data. The file can be imported again."]
    if r.shared:
        lines.append("these batches also delivered samples the removed batch held; import their files again to "
                     "restore them (only what is missing is stored):")
        lines += [f"  batch {x.batch_id} {x.file_name}: {', '.join(x.vins)} from {x.first} to {x.last}"
                  for x in r.shared]
    if r.files_left:
        lines.append(f"  {len(r.files_left)} raw file(s) could not be deleted; they are no longer used and are "
                     "swept later")
    _emit(args, r.as_dict(), "\n".join(lines))
    return EXIT_OK


def cmd_samples(args) -> int:
    from dieselwatch.services.samples import vehicle_samples, write_samples

    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    ws = _workspace(args)
    vs = vehicle_samples(ws, args.vin, start, end)
    if args.out:
        out = Path(args.out)
        if out.is_dir():  # as every --out: a folder takes the usual file name
            out = out / f"{vs.vin}_{start}_{end}.xlsx"
        path = write_samples(vs, out, force=args.force, progress=_Bar(True))
        print(f"wrote {vs.rows:,} samples of {vs.vin} ({start} to {end}) to {path}")
    elif args.json:
        _emit(args, vs.as_dict(), "")
    else:
        frame = vs.frame.copy()
        frame["ts"] = frame["ts"].dt.strftime("%Y-%m-%d %H:%M:%S")
        # `dieselwatch samples … | head`: a closed pipe ends quietly with 141 in main(), as for every command.
        sys.stdout.write("\t".join(c.header for c in vs.columns) + "\n")
        frame.to_csv(sys.stdout, sep="\t", header=False, index=False, na_rep="")
        sys.stdout.flush()
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
    res = score_period(ws, start, end, rules=rules, version=args.ruleset, from_raw=args.from_raw,
                       progress=_Bar(not args.json))
    doc = res.as_dict()
    doc["counts"] = res.counts()
    lines = [f"period {res.period_from} to {res.period_to}, rule set {res.ruleset_version}, "
             f"{len(res.vehicles)} vehicles: " + ", ".join(f"{k} {v}" for k, v in res.counts().items())]
    if res.trial:
        lines.append(f"TRIAL run {res.run_id}: rule set {res.ruleset_version} is not the active one; lists do not "
                     "propose from this run")
    lines += [f"WARNING: {w}" for w in res.warnings]
    for v in res.vehicles:
        lines.append(f"{v['vin']}  {v['plate'] or '':9s} {v['score']:3d}  {v['proposal']:5s}  "
                     + sentences(r["text"] for r in v["reasons"]))
    _emit(args, doc, "\n".join(lines))
    return EXIT_OK


def cmd_audit(args) -> int:
    from dieselwatch.services import auditlog

    # Anyone at the workstation may check the history: verify needs no sign-in.
    ws = _workspace(args, signin=args.action != "verify")
    if args.action == "export":
        out = _out_file(args, ws.home.exports_dir / f"audit-{date.today():%Y%m%d}.xlsx")
        path = auditlog.export_workbook(ws, out)
        _emit(args, {"out": str(path)}, f"wrote {path}")
        return EXIT_OK
    if args.action == "show":
        evs = auditlog.events(ws, entity=args.entity, entity_id=args.entity_id, actor=args.actor, limit=args.limit)
        _emit(args, {"events": evs}, "\n".join(
            f"{e['seq']:6d} {e['at']} {e['actor']:12s} {e['action']:22s} {e['entity']} {e['entity_id'] or ''}"
            + (f"  ({e['reason']})" if e["reason"] else "") for e in evs) or "no events")
        return EXIT_OK
    if args.forget_head:
        auditlog.forget_workstation_head(ws)
    st = auditlog.verify(ws, heads=args.head)
    _emit(args, st.as_dict(), "\n".join([f"{'OK' if st.ok else 'BROKEN'}: {st.message}; head {st.head_seq}:"
                                         f"{st.head_hash[:12]}"] + [f"  {d}" for d in st.differences[1:]]))
    return EXIT_OK if st.ok else EXIT_INPUT


def _entry_line(e: Mapping[str, Any]) -> str:
    return (f"{e['id']:5d} {e['list']:5s} {e['status']:15s} {e['vin']} {e['plate'] or '':9s} score {e['score']!s:>3s} "
            f"{','.join(e['reason_codes'])[:60]}  v{e['version']}")


def cmd_lists(args) -> int:
    from dieselwatch.services import lists

    ws = _workspace(args)
    if args.action == "propose":
        r = lists.propose_from_run(ws, args.run)
        _emit(args, r.as_dict(), f"run {r.run_id}: proposed " + ", ".join(f"{k} {v}" for k, v in r.proposed.items())
              + f"; {r.white_removals} white removal(s) proposed; {r.already_listed} already listed; "
              f"{r.expired} expired")
        return EXIT_OK
    if args.action == "show":
        rows = lists.entries(ws, kind=args.kind, status=args.status, vin=args.vin)
        _emit(args, {"entries": rows}, "\n".join(_entry_line(e) for e in rows) or "no entries")
        return EXIT_OK
    if args.action in ("approve", "reject"):
        if args.version is not None and len(args.ids) != 1:
            raise InputError("--version applies to one entry at a time")
        done, failed = [], []
        for i in args.ids:
            try:
                done.append(lists.decide(ws, i, args.action == "approve", args.reason, expected_version=args.version))
            except (InputError, PermissionDenied, Conflict) as exc:
                failed.append({"id": i, "error": str(exc)})
        _emit(args, {"decided": done, "failed": failed},
              "\n".join([_entry_line(e) for e in done] + [f"{f['id']:5d} NOT decided: {f['error']}" for f in failed]))
        return EXIT_INPUT if failed else EXIT_OK
    if args.action == "remove":
        re_on = _day(args.reinspected, "--reinspected") if args.reinspected else None
        e = lists.propose_removal(ws, args.id, args.reason, repair_record=args.repair, reinspected_on=re_on,
                                  expected_version=args.version)
        _emit(args, e, _entry_line(e))
        return EXIT_OK
    if args.action == "history":
        h = lists.history(ws, args.vin)
        _emit(args, h, "\n".join([_entry_line(e) for e in h["entries"]] + [
            f"  {ev['seq']:6d} {ev['at']} {ev['actor']:12s} {ev['action']:20s} entry {ev['entity_id']}"
            + (f"  ({ev['reason']})" if ev["reason"] else "") for ev in h["events"]]) or "no entries")
        return EXIT_OK
    if args.action == "expire":
        n = lists.expire_due(ws)
        _emit(args, {"expired": n}, f"{n} entries expired")
        return EXIT_OK
    from dieselwatch.services.publication import export_publication

    out = _out_file(args, ws.home.exports_dir / f"lists-{date.today():%Y%m%d}.xlsx")
    path = export_publication(ws, out)
    _emit(args, {"out": str(path)}, f"wrote {path}")
    return EXIT_OK


def cmd_notices(args) -> int:
    from dieselwatch.services import notices

    ws = _workspace(args)
    if args.action in ("issue", "export"):
        from dieselwatch.services.legal import unverified_warning

        warning = unverified_warning(ws, date.today())
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
    if args.action == "issue":
        refs = notices.issue_notices(ws, args.entry)
        _emit(args, {"issued": [r.__dict__ for r in refs]},
              "\n".join(f"{r.number}  {r.vin} {r.plate or ''}" for r in refs)
              or "no active black entry without a notice")
    elif args.action == "export":
        out = _out_folder(args.out or ws.home.exports_dir / "notices")
        res = notices.export_notices(ws, out, notice_ids=args.ids, one_workbook=args.one_workbook,
                                     issue_missing=not args.no_issue, progress=_Bar(not args.json))
        _emit(args, res.as_dict(), f"{res.notices} notice(s) ({res.issued} newly issued) written to {out}"
              + "".join(f"\n  {f}" for f in res.files[:20]))
    elif args.action == "list":
        rows = notices.list_notices(ws)
        _emit(args, {"notices": rows}, "\n".join(f"{r['id']:5d} {r['number']}  {r['vin']} {r['plate'] or '':9s} "
                                                 f"due {r['deadline']}  by {r['issued_by']}" for r in rows)
              or "no notices yet")
    else:
        from dieselwatch.services.publication import export_score_report

        out = _out_file(args, ws.home.exports_dir / f"score-report-{date.today():%Y%m%d}.xlsx")
        path = export_score_report(ws, out, args.run)
        _emit(args, {"out": str(path)}, f"wrote {path}")
    return EXIT_OK


def cmd_users(args) -> int:
    from dieselwatch.services import users

    ws = _workspace(args)
    if args.action == "add":
        u = users.create_user(ws, args.username, _new_password(args), args.role, args.display_name)
        _emit(args, u, f"created {u['role']} {u['username']}")
    elif args.action == "list":
        users.require(ws, "officer")
        rows = users.list_users(ws)
        _emit(args, {"users": rows}, "\n".join(f"{u['username']:16s} {u['role']:10s} "
                                               f"{'active' if u['active'] else 'disabled'}  {u['display_name'] or ''}"
                                               for u in rows) or "no users yet")
    elif args.action == "passwd":
        import os

        users.set_password(ws, args.username, _new_password(args), old_password=os.environ.get("DIESELWATCH_PASSWORD"))
        _emit(args, {"username": args.username, "changed": True}, f"password of {args.username} changed")
    else:
        u = users.update_user(ws, args.username, role=args.role, display_name=args.display_name,
                              active=None if args.active is None else args.active == "yes", reason=args.reason)
        _emit(args, u, f"{u['username']}: {u['role']}, {'active' if u['active'] else 'disabled'}")
    return EXIT_OK


def cmd_settings(args) -> int:
    from dieselwatch.services.settings import get_settings, update_settings

    ws = _workspace(args)
    if args.action == "legal":
        return _legal(args, ws)
    if args.action == "set":
        if len(args.pairs) % 2:
            raise InputError("settings set takes KEY VALUE pairs")
        cfg = update_settings(ws, dict(zip(args.pairs[::2], args.pairs[1::2], strict=True)), reason=args.reason)
    else:
        cfg = get_settings(ws)
    _emit(args, cfg, "\n".join(f"{sec}.{k} = {v}" for sec, d in cfg.items() for k, v in d.items()))
    return EXIT_OK


def _legal(args, ws) -> int:
    from dataclasses import asdict

    from dieselwatch.services.legal import legal_versions, set_legal_versions, unverified_warning

    if args.set:
        try:
            doc = json.loads(Path(args.set).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as exc:
            raise InputError(Msg("is not readable JSON ({error})", error=exc), file=args.set) from None
        versions = set_legal_versions(ws, doc.get("versions") if isinstance(doc, dict) else doc, reason=args.reason)
    else:
        versions = legal_versions(ws)
    warning = unverified_warning(ws, date.today())
    _emit(args, {"versions": [asdict(v) for v in versions], "warning": str(warning) if warning else None},
          "\n\n".join(f"{v.effective_from}  {v.title}  ({'verified' if v.verified else 'NOT verified'})\n"
                      f"  basis: {v.basis}" for v in versions) + (f"\n\nwarning: {warning}" if warning else ""))
    return EXIT_OK


def cmd_rules(args) -> int:
    from dieselwatch.services import rulesets

    ws = _workspace(args)
    if args.action == "list":
        rows = rulesets.list_rule_sets(ws)
        _emit(args, {"rule_sets": rows},
              "\n".join(f"{r['version']:24s} {'active' if r['active'] else '      '}  {r['created_at']:%Y-%m-%d %H:%M}"
                        f"  {r['created_by']:12s} {r['name']}" for r in rows))
    elif args.action == "show":
        rules = rulesets.stored_rules(ws, args.version) if args.version else rulesets.current_rules(ws)
        json.dump(dict(rules), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.action == "save":
        try:
            data = json.loads(args.file.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as exc:
            raise InputError(Msg("is not readable JSON ({error})", error=exc), file=str(args.file)) from None
        rules = rulesets.save_edited_rules(ws, data, reason=args.reason)
        _emit(args, {"version": rules.version, "active": False},
              f"stored rule set {rules.version} (not active: dieselwatch rules activate {rules.version} --reason …)")
    else:
        rules = rulesets.activate_rule_set(ws, args.version, args.reason)
        _emit(args, {"version": rules.version, "active": True},
              f"rule set {rules.version} is now active; the next scoring run re-applies it")
    return EXIT_OK


def cmd_selftest(args) -> int:
    from dieselwatch.selftest import run_selftest

    result = run_selftest()
    _emit(args, result, "\n".join(f"{'ok  ' if s['ok'] else 'FAIL'} {s['step']}: {s['detail']}"
                                  for s in result["steps"]))
    return EXIT_OK if result["ok"] else EXIT_INTERNAL


COMMANDS = {"demo": cmd_demo, "vehicles": cmd_vehicles, "import": cmd_import, "imports": cmd_imports,
            "score": cmd_score, "audit": cmd_audit, "lists": cmd_lists, "notices": cmd_notices, "users": cmd_users,
            "settings": cmd_settings, "selftest": cmd_selftest}
COMMANDS["samples"] = cmd_samples
COMMANDS["rules"] = cmd_rules


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # a pipe closed early shows here, not in Python's exit-time flush
        return code
    except BrokenPipeError:
        # `dieselwatch score ... | head -1`: the reader has gone. Quiet, as other command-line tools are: no
        # traceback, and stdout pointed at devnull so Python's exit-time flush does not fail again.
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        from dieselwatch.launch import launch

        try:
            return launch(args, main)
        except (InputError, ConfigError) as exc:
            _fail(args, exc, EXIT_INPUT)
            return EXIT_INPUT
    if args.demo:  # `dieselwatch --demo imports`: the command works on the demo home the app would open
        from dieselwatch.config import demo_home

        args.home = demo_home(args.home)
    try:
        return COMMANDS[args.command](args)
    except (InputError, ConfigError, PermissionDenied, Conflict) as exc:
        _fail(args, exc, EXIT_INPUT)
        return EXIT_INPUT
    except Cancelled as exc:
        _fail(args, exc, EXIT_INPUT)
        return EXIT_INPUT
    except DieselWatchError as exc:
        _fail(args, exc, EXIT_INTERNAL)
        return EXIT_INTERNAL
    except BrokenPipeError:
        raise
    except OSError as exc:
        if exc.filename is None:  # not about a file the user named: an internal error after all
            log.exception("internal error")
            _fail(args, exc, EXIT_INTERNAL)
            return EXIT_INTERNAL
        # A file the user named cannot be written or read (full disk, no permission, a folder in the way).
        err = InputError(Msg("cannot be written or read: {error}", error=exc.strerror or str(exc)),
                         file=str(exc.filename))
        _fail(args, err, EXIT_INPUT)
        return EXIT_INPUT
    except Exception as exc:  # the contract: internal errors exit 1 with a message, not a traceback
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
