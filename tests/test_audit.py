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
from test_lists import PASSWORDS, as_user, fake_run, make_office, office  # noqa: F401 - a fixture

from dieselwatch.errors import InputError
from dieselwatch.services import auditlog, lists, users
from dieselwatch.services.settings import update_settings
from dieselwatch.storage import audit
from dieselwatch.storage.audit import event_hash
from dieselwatch.workspace import Workspace


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
        with pytest.raises(DBAPIError, match="append-only"), w.engine.begin() as c:
            c.execute(text(stmt))
    if backend == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), w.engine.begin() as c:
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
            ok, _first, _msg = audit.verify(s, anchor)
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
    run = fake_run(pg_ws, dict.fromkeys(vids, "watch"), date(2026, 10, 1), date(2026, 10, 5))
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
    assert not st.ok and "this workstation recorded the head" in st.message and st.first_broken == 21


# --- The audit covers the state (issue 14): every attack below must fail verification, saying what differs ---

VINS = ["LZZ1CLVB0AB000001", "LZZ1CLVB0AB000002", "LZZ1CLVB0AB000003"]


# A notice is issued only with the office's contact details.
CONTACT = {"bureau.contact": "张科长", "bureau.phone": "0531-87881234", "bureau.address": "青龙路1号"}


def listed_office(w: Workspace) -> dict[str, int]:
    """Accounts, three vehicles with an active black, an active white and a proposed watch entry, a settings
    change: list kind -> entry id."""
    from datetime import date

    from dieselwatch.services.vehicles import ensure_vehicles

    make_office(w)
    as_user(w, "wang")
    with w.Session.begin() as s:
        vids = [v.id for v in ensure_vehicles(s, VINS).values()]
    run = fake_run(w, dict(zip(vids, ("black", "white", "watch"), strict=False)), date(2026, 10, 1), date(2026, 10, 5))
    lists.propose_from_run(w, run)
    ids = {e["list"]: e["id"] for e in lists.entries(w)}
    as_user(w, "li")
    lists.decide(w, ids["black"], True, "confirmed by the supervisor")
    as_user(w, "zhou")
    lists.decide(w, ids["white"], True, "clean and complete")
    as_user(w, "chief")
    update_settings(w, {"notices.deadline_days": 20, **CONTACT}, reason="office decision")
    st = auditlog.verify(w)
    assert st.ok, st.message
    return ids


def raw_sql(w: Workspace, *stmts: str, bypass_guards: bool = False, params: dict | None = None) -> None:
    """What someone with full database rights does behind DieselWatch's back. With bypass_guards the
    append-only triggers are switched off for the edit and are intact again afterwards."""
    if w.backend == "postgresql":
        with w.engine.begin() as c:
            if bypass_guards:
                c.execute(text("SET LOCAL session_replication_role = replica"))
            for st in stmts:
                c.execute(text(st), params or {})
        return
    con = sqlite3.connect(w.engine.url.database)
    saved = (con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
             if bypass_guards else [])
    for name, _ in saved:
        con.execute(f"DROP TRIGGER {name}")
    for st in stmts:
        con.execute(st.replace(":", "$") if params else st, {f"{k}": v for k, v in (params or {}).items()})
    for _, sql in saved:
        con.execute(sql)
    con.commit()
    con.close()


def forget_heads(w: Workspace) -> None:
    """This workstation loses every outside record of the head (a new PC, a wiped profile, no anchor file)."""
    from dieselwatch.storage import headfile

    headfile.path().unlink(missing_ok=True)
    (w.home.root / "audit_anchor.json").unlink(missing_ok=True)


def pick(backend, ws, request) -> Workspace:
    return request.getfixturevalue("pg_ws") if backend == "postgresql" else ws


BACKENDS = ["sqlite", "postgresql"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_direct_edit_of_a_list_entry_status_fails(backend, ws, request):
    w = pick(backend, ws, request)
    ids = listed_office(w)
    raw_sql(w, f"UPDATE list_entries SET status = 'removed' WHERE id = {ids['black']}")
    st = auditlog.verify(w)
    assert not st.ok
    assert f"list entry {ids['black']}: status is “removed” in the table but “active” in the history" in st.message


@pytest.mark.parametrize("backend", BACKENDS)
def test_direct_edit_of_a_user_role_fails(backend, ws, request):
    w = pick(backend, ws, request)
    listed_office(w)
    raw_sql(w, "UPDATE users SET role = 'admin' WHERE username = 'wang'")
    st = auditlog.verify(w)
    assert not st.ok and "user wang: role is “admin” in the table but “officer” in the history" in st.message


@pytest.mark.parametrize("backend", BACKENDS)
def test_deleting_all_events_fails_even_without_an_outside_head(backend, ws, request):
    w = pick(backend, ws, request)
    listed_office(w)
    assert auditlog.verify(w).ok
    raw_sql(w, "DELETE FROM audit_events", "DELETE FROM audit_head", bypass_guards=True)
    st = auditlog.verify(w)  # this workstation recorded the head: the history was cut to nothing
    assert not st.ok and "events after 0 are gone: this workstation recorded the head" in st.message
    forget_heads(w)
    st = auditlog.verify(w)  # no outside record at all: the tables still hold what the history no longer vouches for
    assert not st.ok
    assert "the history is empty but the database holds 3 list entries, 5 users and 0 notices" in st.message
    assert any("user chief is in the table but not in the history" in d for d in st.differences)


@pytest.mark.parametrize("backend", BACKENDS)
def test_tail_truncation_is_caught_by_the_head_file_and_by_the_state(backend, ws, request):
    w = pick(backend, ws, request)
    ids = listed_office(w)
    seq, _ = auditlog.current_head(w)
    # Cut the last three events (white approval, settings change, ...) and make chain and head row agree.
    keep = seq - 2
    raw_sql(w, f"DELETE FROM audit_events WHERE seq > {keep - 1}",
            f"UPDATE audit_head SET seq = {keep - 1}, hash = (SELECT hash FROM audit_events WHERE seq = {keep - 1})",
            bypass_guards=True)
    (w.home.root / "audit_anchor.json").unlink(missing_ok=True)  # the anchor beside the database is gone too
    st = auditlog.verify(w)
    assert not st.ok and f"events after {keep - 1} are gone: this workstation recorded the head at event {seq}" \
        in st.message
    forget_heads(w)
    st = auditlog.verify(w)
    assert not st.ok
    joined_diffs = " | ".join(st.differences)
    assert "settings section notices is in the table but not in the history" in joined_diffs
    assert f"list entry {ids['white']}: status is “active” in the table but “proposed” in the history" in joined_diffs


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_op_triggers_with_the_right_names_fail(backend, ws, request):
    w = pick(backend, ws, request)
    listed_office(w)
    if backend == "postgresql":
        # The function every refusing trigger runs, emptied: names and triggers unchanged.
        raw_sql(w, "CREATE OR REPLACE FUNCTION dieselwatch_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN RETURN OLD; END $$")
        st = auditlog.verify(w)
        assert not st.ok and "replaced by triggers" in st.message and "audit_events_no_delete" in st.message
        from dieselwatch.storage.guard import install_guards

        with w.engine.begin() as c:
            install_guards(c)
        assert auditlog.verify(w).ok
        raw_sql(w, "DROP TRIGGER audit_head_forward_only ON audit_head",
                "CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
                "CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head FOR EACH ROW "
                "EXECUTE FUNCTION noop()")
    else:
        raw_sql(w, "DROP TRIGGER audit_events_no_update",
                "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT 1; END",
                "DROP TRIGGER audit_head_forward_only",  # the right body on the wrong table
                "CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON settings WHEN NEW.key <> OLD.key "
                "BEGIN SELECT RAISE(ABORT, 'audit history is append-only'); END")
    st = auditlog.verify(w)
    assert not st.ok and "replaced by triggers" in st.message and "audit_head_forward_only" in st.message


@pytest.mark.parametrize("edit, expected", [
    # A password hash planted to sign in as the chief: the fingerprint in the history no longer matches.
    ("UPDATE users SET password_hash = :h WHERE username = 'chief'", "user chief: password_fp is"),
    ("UPDATE users SET active = 0 WHERE username = 'li'", "user li: active is false in the table but true"),
    ("UPDATE list_entries SET list_kind = 'white' WHERE list_kind = 'black'", ": list is “white” in the table"),
    ("UPDATE list_entries SET evidence = '{}' WHERE list_kind = 'black'", ": evidence_sha is"),
    ("INSERT INTO list_entries (vehicle_id, list_kind, status, reason_codes, evidence, proposed_by, created_at, "
     "version) SELECT vehicle_id, 'white', 'active', reason_codes, evidence, 'wang', created_at, 1 FROM list_entries "
     "WHERE list_kind = 'watch'", "is in the table but not in the history"),
    ("DELETE FROM list_entries WHERE list_kind = 'watch'", "is in the history but not in the table"),
    ("INSERT INTO settings (key, value) VALUES ('lists', '{\"two_person_rule\": false}')",
     "settings section lists is in the table but not in the history"),
    ("UPDATE rule_sets SET content = json_set(content, '$.exceedance.threshold_ppm', 900)",
     ": exceedance.threshold_ppm is 900 in the table but"),
])
def test_other_direct_edits_name_what_differs(ws, edit, expected):
    from dieselwatch.services.rulesets import install_active

    listed_office(ws)
    with ws.Session.begin() as s:
        install_active(s)  # the shipped rule set stored (and audited), as the office's first scoring run does
    assert auditlog.verify(ws).ok
    raw_sql(ws, edit, params={"h": users.hash_password("mallory-knows-1")} if ":h" in edit else None)
    st = auditlog.verify(ws)
    assert not st.ok and expected in st.message, st.message


def test_an_edit_laundered_by_a_later_legitimate_change_still_shows(ws):
    listed_office(ws)
    raw_sql(ws, "UPDATE users SET role = 'admin' WHERE username = 'wang'")
    users.update_user(ws, "wang", active=False, reason="left the office")  # the row now matches its last event
    st = auditlog.verify(ws)
    assert not st.ok
    assert "found user wang with role = “admin”, but the history had “officer”: it was changed outside" in st.message


def test_a_wholesale_rewrite_shows_against_the_head_printed_on_a_notice(ws, tmp_path):
    """A forger with full rights rewrites an old event, re-hashes the whole chain, fixes the head row and the
    head stored in the notice, and this workstation's record is gone: the database alone cannot tell. The head
    printed on the notice that went out to the owner can."""
    import re

    from dieselwatch.services.notices import export_notices

    listed_office(ws)
    as_user(ws, "wang")
    files = export_notices(ws, tmp_path / "notices").files
    footer = load_workbook(files[0]).active.oddFooter.left.text
    printed = re.search(r"审计链头 (\d+):([0-9a-f]{12})", footer)
    assert printed, footer
    seq, short_hash = int(printed.group(1)), printed.group(2)
    assert auditlog.verify(ws, heads=[f"{seq}:{short_hash}"]).ok
    ws.close()
    db = tmp_path / "home" / "dieselwatch.sqlite3"
    con = sqlite3.connect(db)
    _drop_triggers(con)
    con.execute("UPDATE audit_events SET reason = 'approved by the director' WHERE seq = 3")
    _rehash_from(con, 3)
    new_hash = con.execute("SELECT hash FROM audit_events WHERE seq = ?", (seq,)).fetchone()[0]
    con.execute("UPDATE notices SET content = json_set(content, '$.audit_hash', ?)", (new_hash,))
    con.commit()
    con.close()
    _restore_triggers(db)
    w = Workspace.open(home=str(tmp_path / "home"), user="tester")
    try:
        forget_heads(w)
        assert auditlog.verify(w).ok  # honest: a consistent rewrite passes every check inside the database
        st = auditlog.verify(w, heads=[f"{seq}:{short_hash}"])
        assert not st.ok
        assert f"event {seq} differs from the one the head {seq}:{short_hash} given to check" in st.message
    finally:
        w.close()
    r = subprocess.run([sys.executable, "-m", "dieselwatch", "--home", str(tmp_path / "home"), "audit", "verify",
                        "--head", f"{seq}:{short_hash}", "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 3 and json.loads(r.stdout)["first_broken"] == seq, r.stderr


def test_a_forgotten_notice_shows_after_its_events_are_cut(ws, tmp_path):
    """Only notice events cut from the end and no outside head: the notice table still names them."""
    from dieselwatch.services.notices import issue_notices

    listed_office(ws)
    as_user(ws, "wang")
    (ref,) = issue_notices(ws)
    seq, _ = auditlog.current_head(ws)
    raw_sql(ws, f"DELETE FROM audit_events WHERE seq = {seq}",
            f"UPDATE audit_head SET seq = {seq - 1}, hash = (SELECT hash FROM audit_events WHERE seq = {seq - 1})",
            bypass_guards=True)
    forget_heads(ws)
    st = auditlog.verify(ws)
    assert not st.ok and f"notice {ref.number} is in the table but not in the history" in st.message


def test_heads_on_notices_and_publications_and_in_the_workstation_file(ws, tmp_path):
    from dieselwatch.services.notices import export_notices
    from dieselwatch.services.publication import export_publication
    from dieselwatch.storage import headfile

    listed_office(ws)
    seq, head = auditlog.current_head(ws)
    assert headfile.recorded(ws.db_url) == (seq, head)  # recorded after each committed change, not only on verify
    assert headfile.path().parent == tmp_path / "config" and ws.home.root not in headfile.path().parents
    as_user(ws, "wang")
    export_notices(ws, tmp_path / "n")
    assert headfile.recorded(ws.db_url)[0] == seq + 1  # the notice.issue event moved it
    pub = load_workbook(export_publication(ws, tmp_path / "pub.xlsx"))
    seq, head = auditlog.current_head(ws)
    assert all(f"审计链头 {seq}:{head[:12]}" in sh.oddFooter.left.text for sh in pub.worksheets)
    assert auditlog.verify(ws, heads=[f"{seq}:{head[:12]}"]).ok
    with pytest.raises(InputError, match="SEQ:HASH"):
        auditlog.verify(ws, heads=["not a head"])


def test_a_new_database_in_the_same_place_needs_the_head_forgotten_explicitly(tmp_path):
    """A database deleted and created again at the same path looks exactly like a history cut to nothing:
    verify says so until someone at the workstation deliberately forgets the recorded head."""
    home = tmp_path / "home"
    w = Workspace.open(home=str(home), user="tester")
    make_office(w)
    w.close()
    for f in home.glob("dieselwatch.sqlite3*"):
        f.unlink()
    w = Workspace.open(home=str(home), user="tester")
    try:
        st = auditlog.verify(w)
        assert not st.ok and "this workstation recorded the head at event 5" in st.message
        r = subprocess.run([sys.executable, "-m", "dieselwatch", "--home", str(home), "audit", "verify",
                            "--forget-head"], capture_output=True, text=True, timeout=120)
        assert r.returncode == 0 and r.stdout.startswith("OK"), r.stdout + r.stderr
        assert auditlog.verify(w).ok
    finally:
        w.close()


def test_a_rolled_back_change_does_not_move_the_recorded_head(ws):
    from dieselwatch.storage import headfile

    listed_office(ws)
    before = headfile.recorded(ws.db_url)
    with pytest.raises(RuntimeError), ws.Session.begin() as s:
        audit.append(s, "chief", "settings.update", "settings", "bureau", after={"name": "x"})
        raise RuntimeError("the change fails after its event was written")
    assert headfile.recorded(ws.db_url) == before and auditlog.verify(ws).ok


def test_the_whole_workflow_verifies(office, tmp_path):
    """Every service that changes lists, users, settings, rule sets and notices leaves tables and history in
    agreement: no false alarm from a real day's work."""
    from datetime import date, timedelta

    from test_lists import entry_of

    from dieselwatch.services.notices import export_notices
    from dieselwatch.services.rulesets import current_rules, save_edited_rules

    lists.propose_from_run(office)
    black, white = entry_of(office, "high_emitter", "black"), entry_of(office, "clean", "white")
    as_user(office, "li")
    lists.decide(office, black["id"], True, "confirmed")
    as_user(office, "zhou")
    lists.decide(office, white["id"], True, "clean")
    lists.propose_removal(office, white["id"], "owner asked")
    as_user(office, "chief")
    update_settings(office, CONTACT, reason="contact details for notices")
    as_user(office, "wang")
    lists.decide(office, white["id"], False, "no reason to remove")
    export_notices(office, tmp_path / "n")
    lists.expire_due(office, today=date.today() + timedelta(days=400))
    as_user(office, "chief")
    update_settings(office, {"bureau.name": "某县生态环境局", "lists.two_person_rule": "false"}, reason="set-up")
    users.update_user(office, "zhou", role="supervisor", reason="promoted")
    users.set_password(office, "wang", "wang-new-pass-1")
    as_user(office, "li")
    rules = dict(current_rules(office))
    rules["version"] = "2026.9-office"
    save_edited_rules(office, rules, reason="office threshold")
    st = auditlog.verify(office)
    assert st.ok and not st.differences, st.differences


def test_a_database_from_before_the_state_check_gets_a_baseline(tmp_path):
    """An office upgrading from 0003: accounts without password fingerprints and a shipped rule set stored
    without an event verify after the upgrade, and from then on an edit shows."""
    from datetime import datetime

    from dieselwatch.storage.db import make_engine, upgrade
    from dieselwatch.storage.models import RuleSet as RuleSetRow
    from dieselwatch.storage.models import Setting, User

    home = tmp_path / "old"
    home.mkdir()
    eng = make_engine(f"sqlite:///{home / 'dieselwatch.sqlite3'}")
    upgrade(eng, "0003")
    with Session(eng) as s, s.begin():
        u = User(username="chief", display_name=None, password_hash=users.hash_password("chief-pass-1"),
                 role="admin", active=True, created_at=datetime(2026, 11, 1, 9, 0))
        s.add(u)
        s.flush()
        audit.append(s, "chief", "user.create", "user", "chief", after={
            "username": "chief", "display_name": None, "role": "admin", "active": True,
            "created_at": "2026-11-01T09:00:00"})
        rs = RuleSetRow.__table__.c  # the columns of 0003 only
        s.execute(RuleSetRow.__table__.insert().values({rs.version: "2026.1", rs.name: "old default",
                                                        rs.content: {"version": "2026.1"},
                                                        rs.created_at: datetime(2026, 11, 1), rs.created_by: "system"}))
        # Two admins saving at once under the old code: the second event's `before` missed the first change.
        s.add(Setting(key="notices", value={"deadline_days": 12}))
        audit.append(s, "chief", "settings.update", "settings", "notices", before={"deadline_days": 15},
                     after={"deadline_days": 10})
        audit.append(s, "chief", "settings.update", "settings", "notices", before={"deadline_days": 15},
                     after={"deadline_days": 12})
    eng.dispose()
    w = Workspace.open(home=str(home), user="tester")
    try:
        st = auditlog.verify(w)
        assert st.ok, st.differences
        baselined = {(e["entity"], e["entity_id"]) for e in auditlog.events(w) if e["action"] == "audit.baseline"}
        assert baselined == {("user", "chief"), ("rule_set", "2026.1"), ("settings", "notices")}
        raw_sql(w, "UPDATE users SET role = 'officer' WHERE username = 'chief'")
        assert "user chief: role is “officer” in the table but “admin” in the history" in auditlog.verify(w).message
    finally:
        w.close()
