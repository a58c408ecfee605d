"""The list rules held by the database itself (revision 0007): one current entry per vehicle, one open proposal
per vehicle and list. A decision that loses a race to another workstation is a Conflict, and a database that
broke the rules before 0007 is put right, each change audited."""

from datetime import date, datetime

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import IntegrityError
from test_lists import as_user, fake_run, make_office

from dieselwatch.errors import Conflict
from dieselwatch.services import auditlog, lists
from dieselwatch.services.registry import import_registry
from dieselwatch.storage.db import make_engine, upgrade
from dieselwatch.storage.models import ListEntry, Vehicle
from dieselwatch.workspace import Workspace


@pytest.fixture()
def both_proposed(ws, demo_dir):
    """Every vehicle with a watch and a white proposal (two later scoring runs)."""
    make_office(ws)
    as_user(ws, "wang")
    import_registry(ws, demo_dir / "registry.xlsx")
    with ws.Session() as s:
        vids = sorted(s.scalars(select(Vehicle.id)))
    lists.propose_from_run(ws, fake_run(ws, dict.fromkeys(vids, "watch"), date(2026, 10, 1), date(2026, 10, 5)))
    lists.propose_from_run(ws, fake_run(ws, dict.fromkeys(vids, "white"), date(2026, 10, 6), date(2026, 10, 9)))
    ws.ids = {k: [e["id"] for e in lists.entries(ws, kind=k, status="proposed")] for k in ("white", "watch")}
    return ws


def test_the_database_refuses_a_second_current_entry_or_a_repeated_proposal(both_proposed):
    ws = both_proposed
    w, x = ws.ids["white"][0], ws.ids["watch"][0]
    with ws.engine.begin() as c:
        c.execute(text("UPDATE list_entries SET status = 'active' WHERE id = :id"), {"id": w})
    with pytest.raises(IntegrityError), ws.engine.begin() as c:
        c.execute(text("UPDATE list_entries SET status = 'removal_pending' WHERE id = :id"), {"id": x})
    with pytest.raises(IntegrityError), ws.engine.begin() as c:
        c.execute(text("INSERT INTO list_entries (vehicle_id, list_kind, status, reason_codes, evidence, proposed_by,"
                       " created_at, version) SELECT vehicle_id, list_kind, 'proposed', reason_codes, evidence, "
                       "'x', created_at, 1 FROM list_entries WHERE id = :id"), {"id": x})


def test_an_approval_that_loses_the_race_is_a_conflict(both_proposed, monkeypatch):
    """Another workstation activates the vehicle's watch entry between this one's check and its write."""
    ws = both_proposed
    w, x = ws.ids["white"][0], ws.ids["watch"][0]
    other = create_engine(ws.engine.url)
    real = lists._end_milder

    def raced(s, e, today):
        ended = real(s, e, today)  # nothing current yet: the check passes
        with other.begin() as c:
            c.execute(text("UPDATE list_entries SET status = 'active', version = version + 1 WHERE id = :id"),
                      {"id": x})
        return ended

    monkeypatch.setattr(lists, "_end_milder", raced)
    as_user(ws, "zhou")
    with pytest.raises(Conflict, match="became active at the same moment"):
        lists.decide(ws, w, True, "clean for months")
    other.dispose()
    with ws.Session() as s:
        assert s.get(ListEntry, w).status == "proposed" and s.get(ListEntry, x).status == "active"
    # The losing approval left no trace in tables or history; the only difference the audit finds is the
    # simulated workstation's own write, done here behind the services' back without its event.
    st = auditlog.verify(ws)
    assert not st.ok and st.differences and all(f"list entry {x}:" in d for d in st.differences), st.differences


def test_migration_puts_right_what_a_race_broke_before(tmp_path, demo_dir):
    """A database at 0003 where two approvals raced (white and watch both active) and a proposal was doubled."""
    home = tmp_path / "home"
    home.mkdir()
    eng = make_engine(f"sqlite:///{(home / 'dieselwatch.sqlite3').as_posix()}")
    upgrade(eng, "0003")
    now = datetime(2026, 10, 10, 9, 0)
    with eng.begin() as c:
        c.execute(text("INSERT INTO vehicles (id, vin, in_registry, created_at, updated_at, version) VALUES "
                       "(1, 'LFNA4LDA9RAZ00001', 0, :t, :t, 1), (2, 'LFNA4LDA0RAZ00002', 0, :t, :t, 1)"), {"t": now})
        for vid, kind, status in ((1, "white", "active"), (1, "watch", "active"), (2, "black", "proposed"),
                                  (2, "black", "proposed")):
            c.execute(text("INSERT INTO list_entries (vehicle_id, list_kind, status, reason_codes, evidence, "
                           "proposed_by, created_at, version) VALUES (:v, :k, :s, '[]', '{}', 'wang', :t, 1)"),
                      {"v": vid, "k": kind, "s": status, "t": now})
    eng.dispose()
    ws = Workspace.open(home=str(home), user="tester")  # migrates to head
    with ws.Session() as s:
        rows = {e.id: (e.list_kind, e.status) for e in s.scalars(select(ListEntry))}
        n_ids = s.scalar(select(func.count()).select_from(ListEntry))
    assert rows == {1: ("white", "expired"), 2: ("watch", "active"), 3: ("black", "proposed"),
                    4: ("black", "rejected")} and n_ids == 4
    events = [e for e in auditlog.events(ws, entity="list_entry") if e["action"] != "audit.baseline"]
    assert {(e["entity_id"], e["action"]) for e in events} == {("1", "list.supersede"), ("4", "list.reject")}
    st = auditlog.verify(ws)
    assert st.ok, st.message
    ws.close()
