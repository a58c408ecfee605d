"""The audit history cannot be rewritten silently: triggers refuse edits, and verify() finds every direct
tampering of the database file, names the first broken event, and keeps the sequence gapless with two
workstations writing at once."""

import json
import random
import shutil
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from dieselwatch.services import auditlog, lists, users
from dieselwatch.services.settings import update_settings
from dieselwatch.storage import audit
from dieselwatch.storage.audit import event_hash
from dieselwatch.workspace import Workspace

from test_lists import PASSWORDS, as_user, fake_run, make_office


def busy_office(ws: Workspace) -> None:
    """Users and a few dozen audited changes."""
    make_office(ws)
    as_user(ws, "chief")
    for i in range(12):
        update_settings(ws, {"notices.deadline_days": 10 + i}, reason=f"change {i}")
    for name in ("wang", "zhou"):
        users.update_user(ws, name, role="supervisor", reason="acting")
        users.update_user(ws, name, role="officer", reason="back")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_triggers_refuse_update_and_delete(backend, ws, request):
    w = request.getfixturevalue("pg_ws") if backend == "postgresql" else ws
    busy_office(w)
    for stmt in ("UPDATE audit_events SET actor = 'nobody' WHERE seq = 2", "DELETE FROM audit_events WHERE seq = 3",
                 "UPDATE audit_head SET seq = 1", "DELETE FROM audit_head"):
        with pytest.raises(DBAPIError, match="append-only"):
            with w.engine.begin() as c:
                c.execute(text(stmt))
    if backend == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            with w.engine.begin() as c:
                c.execute(text("TRUNCATE audit_events"))
    assert auditlog.verify(w).ok


def _drop_triggers(con):
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        con.execute(f"DROP TRIGGER {name}")


def _restore_triggers(path):
    from dieselwatch.storage.guard import install_guards

    eng = create_engine(f"sqlite:///{path}")
    with eng.begin() as c:
        install_guards(c)
    eng.dispose()


def _rehash_from(con, first: int) -> None:
    """What a careful forger does: recompute every hash from `first` on so the chain links again."""
    rows = con.execute("SELECT seq, at, actor, action, entity, entity_id, before, after, reason FROM audit_events "
                       "WHERE seq >= ? ORDER BY seq", (first,)).fetchall()
    prev = con.execute("SELECT hash FROM audit_events WHERE seq = ?", (first - 1,)).fetchone()
    prev = prev[0] if prev else audit.GENESIS
    from datetime import datetime

    for seq, at, actor, action, entity, eid, before, after, reason in rows:
        h = event_hash(seq, datetime.fromisoformat(at), actor, action, entity, eid,
                       json.loads(before) if before else None, json.loads(after) if after else None, reason, prev)
        con.execute("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, seq))
        prev = h
    con.execute("UPDATE audit_head SET seq = (SELECT max(seq) FROM audit_events), hash = ?", (prev,))


def tamper(con, rng: random.Random, n: int) -> str:
    kind = rng.choice(["drop_triggers", "edit", "delete", "delete_last", "swap", "edit_head", "forge_tail",
                       "truncate_consistently"])
    _drop_triggers(con)  # an editor has to, to change anything
    seq = rng.randint(1, n)
    if kind == "edit":
        col, val = rng.choice([("actor", "'mallory'"), ("reason", "'nothing happened'"), ("action", "'user.noop'"),
                               ("at", "'2020-01-01 00:00:00.000000'"), ("after", "'{\"role\": \"admin\"}'"),
                               ("entity_id", "'other'")])
        con.execute(f"UPDATE audit_events SET {col} = {val} WHERE seq = ?", (seq,))
    elif kind == "delete":
        con.execute("DELETE FROM audit_events WHERE seq = ?", (seq,))
    elif kind == "delete_last":
        con.execute("DELETE FROM audit_events WHERE seq = ?", (n,))
    elif kind == "swap":
        other = rng.choice([s for s in range(1, n + 1) if s != seq])
        con.execute("UPDATE audit_events SET seq = -1 WHERE seq = ?", (seq,))
        con.execute("UPDATE audit_events SET seq = ? WHERE seq = ?", (seq, other))
        con.execute("UPDATE audit_events SET seq = ? WHERE seq = -1", (other,))
    elif kind == "edit_head":
        con.execute("UPDATE audit_head SET seq = seq + ?", (rng.choice([-1, 1, 5]),))
    elif kind == "forge_tail":
        con.execute("UPDATE audit_events SET reason = 'approved by the director' WHERE seq = ?", (seq,))
        _rehash_from(con, seq)
    else:  # delete the newest events and make chain and head agree: only the workstation's anchor knows
        con.execute("DELETE FROM audit_events WHERE seq >= ?", (max(seq, 2),))
        con.execute("UPDATE audit_head SET seq = (SELECT max(seq) FROM audit_events), "
                    "hash = (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1)")
    return kind


def test_100_random_tamperings_are_all_detected(ws, tmp_path):
    busy_office(ws)
    status = auditlog.verify(ws)
    assert status.ok, status.message
    n, anchor = status.head_seq, (status.head_seq, status.head_hash)
    assert n >= 20
    ws.close()
    original = tmp_path / "home" / "dieselwatch.sqlite3"
    with sqlite3.connect(original) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    control = tmp_path / "control.sqlite3"  # the same check on an untouched copy passes
    shutil.copy(original, control)
    eng = create_engine(f"sqlite:///{control}")
    with Session(eng) as s:
        assert audit.verify(s, anchor)[0]
    eng.dispose()
    rng = random.Random(20261124)
    kinds = {}
    for i in range(100):
        copy = tmp_path / f"t{i}.sqlite3"
        shutil.copy(original, copy)
        con = sqlite3.connect(copy)
        kind = tamper(con, rng, n)
        con.commit()
        con.close()
        if kind != "drop_triggers" and rng.random() < 0.5:
            _restore_triggers(copy)  # a careful editor puts the triggers back
        eng = create_engine(f"sqlite:///{copy}")
        with Session(eng) as s:
            ok, first, msg = audit.verify(s, anchor)
        eng.dispose()
        assert not ok, f"tampering {i} ({kind}) went unnoticed"
        kinds[kind] = kinds.get(kind, 0) + 1
        copy.unlink()
    assert len(kinds) == 8  # every kind of tampering was tried


def test_verify_names_the_first_broken_event_and_the_cli_exits_3(ws, tmp_path):
    busy_office(ws)
    ws.close()
    db = tmp_path / "home" / "dieselwatch.sqlite3"
    con = sqlite3.connect(db)
    _drop_triggers(con)
    con.execute("UPDATE audit_events SET reason = 'quietly changed' WHERE seq = 7")
    con.commit()
    con.close()
    _restore_triggers(db)
    r = subprocess.run([sys.executable, "-m", "dieselwatch", "--home", str(tmp_path / "home"), "audit", "verify",
                        "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 3, r.stderr
    doc = json.loads(r.stdout)
    assert doc["ok"] is False and doc["first_broken"] == 7 and "altered" in doc["message"]


def test_dropped_triggers_alone_are_reported(ws, tmp_path):
    busy_office(ws)
    con = sqlite3.connect(tmp_path / "home" / "dieselwatch.sqlite3")
    con.execute("DROP TRIGGER audit_events_no_delete")
    con.commit()
    con.close()
    st = auditlog.verify(ws)
    assert not st.ok and "audit_events_no_delete" in st.message


def test_audit_export_workbook(ws, tmp_path):
    busy_office(ws)
    out = auditlog.export_workbook(ws, tmp_path / "audit.xlsx")
    wb = load_workbook(out)
    sheet = wb.worksheets[0]
    head = auditlog.verify(ws)
    assert sheet.max_row == head.head_seq + 1
    assert sheet["A2"].value == 1 and sheet["D2"].value == "user.create"
    assert sheet.cell(sheet.max_row, 10).value == head.head_hash
    info = {r[0].value: r[1].value for r in wb.worksheets[1].iter_rows(min_row=2)}
    assert info["链头哈希 Head hash"] == head.head_hash and "OK" in info["校验结果 Result"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref


WORKSTATION = textwrap.dedent("""
    import json, sys
    from dieselwatch.errors import Conflict, InputError
    from dieselwatch.services import lists, users
    from dieselwatch.services.settings import update_settings
    from dieselwatch.workspace import Workspace
    home, db, user, password, ids = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
    ws = Workspace.open(home=home, db=db)
    users.login(ws, user, password)
    out = {"decided": [], "conflicts": [], "other": []}
    for i, (entry_id, version) in enumerate(ids):
        try:
            lists.decide(ws, entry_id, True, f"approved at {user}", expected_version=version)
            out["decided"].append(entry_id)
        except Conflict:
            out["conflicts"].append(entry_id)
        except InputError as exc:
            out["other"].append([entry_id, str(exc)])
    print(json.dumps(out))
""")


def test_two_workstations_on_postgres_deciding_the_same_vehicles(pg_ws, demo_dir, tmp_path):
    """Two processes, two supervisors, the same 12 proposals at once: each is decided exactly once, the other
    workstation gets a conflict, and the audit sequence stays gapless."""
    from datetime import date

    from sqlalchemy import select

    from dieselwatch.services.registry import import_registry
    from dieselwatch.storage.models import Vehicle

    make_office(pg_ws)
    as_user(pg_ws, "wang")
    import_registry(pg_ws, demo_dir / "registry.xlsx")
    with pg_ws.Session() as s:
        vids = list(s.scalars(select(Vehicle.id)))
    run = fake_run(pg_ws, {v: "watch" for v in vids}, date(2026, 10, 1), date(2026, 10, 5))
    lists.propose_from_run(pg_ws, run)
    proposed = [(e["id"], e["version"]) for e in lists.entries(pg_ws, status="proposed")]
    assert len(proposed) == len(vids) >= 10
    db = pg_ws.engine.url.render_as_string(hide_password=False)
    procs = [subprocess.Popen([sys.executable, "-c", WORKSTATION, str(tmp_path / f"ws{i}"), db, user,
                               PASSWORDS[user], json.dumps(proposed if i == 0 else proposed[::-1])],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, user in enumerate(("li", "zhao"))]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        results.append(json.loads(out))
    ids = sorted(i for i, _ in proposed)
    assert sorted(results[0]["decided"] + results[1]["decided"]) == ids  # each entry decided exactly once
    for r in results:  # and what a workstation did not decide, it was told it lost
        assert sorted(r["decided"] + r["conflicts"]) == ids and not r["other"]
    st = auditlog.verify(pg_ws)
    assert st.ok, st.message
    with pg_ws.engine.connect() as c:
        seqs = [r[0] for r in c.execute(text("SELECT seq FROM audit_events ORDER BY seq"))]
    assert seqs == list(range(1, len(seqs) + 1))
    approvals = [e for e in auditlog.events(pg_ws, entity="list_entry") if e["action"] == "list.approve"]
    assert len(approvals) == len(proposed)


def test_truncation_after_a_verified_start_is_caught_by_the_anchor(ws, tmp_path):
    busy_office(ws)
    assert auditlog.verify(ws).ok  # the app verifies at start-up and remembers the head
    con = sqlite3.connect(tmp_path / "home" / "dieselwatch.sqlite3")
    _drop_triggers(con)
    con.execute("DELETE FROM audit_events WHERE seq > 20")
    con.execute("UPDATE audit_head SET seq = 20, hash = (SELECT hash FROM audit_events WHERE seq = 20)")
    con.commit()
    con.close()
    _restore_triggers(tmp_path / "home" / "dieselwatch.sqlite3")
    st = auditlog.verify(ws)
    assert not st.ok and "verified up to event" in st.message and st.first_broken == 21
