"""Lists workflow: bulk proposals from scoring, decisions with the two-person rule and roles, removals with
rectification evidence, conflicts between workstations."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from dieselwatch.errors import Conflict, InputError, PermissionDenied
from dieselwatch.services import lists, users
from dieselwatch.services.scoring import score_period
from dieselwatch.services.settings import update_settings
from dieselwatch.storage.models import Score, ScoreRun, Vehicle
from dieselwatch.workspace import Workspace

PASSWORDS = {"chief": "chief-pass-1", "wang": "wang-pass-1", "zhou": "zhou-pass-1", "li": "li-pass-12",
             "zhao": "zhao-pass-1"}


NAMES = {"chief": "陈建国", "wang": "王磊", "zhou": "周敏", "li": "李强", "zhao": "赵明"}  # sign notices


def as_user(ws: Workspace, name: str) -> Workspace:
    users.login(ws, name, PASSWORDS[name])
    return ws


def make_office(ws: Workspace) -> None:
    users.create_user(ws, "chief", PASSWORDS["chief"], "admin", NAMES["chief"])  # first-run set-up: no sign-in
    for name, role in (("wang", "officer"), ("zhou", "officer"), ("li", "supervisor"), ("zhao", "supervisor")):
        users.create_user(ws, name, PASSWORDS[name], role, NAMES[name])


@pytest.fixture()
def office(loaded_ws, manifest):
    """The demo fleet scored, with an admin, two officers and two supervisors."""
    make_office(loaded_ws)
    as_user(loaded_ws, "wang")
    res = score_period(loaded_ws, date.fromisoformat(manifest["start"]), date.fromisoformat(manifest["end"]))
    loaded_ws.result = res
    loaded_ws.behaviour = {v["vin"]: v["behaviour"] for v in manifest["vehicles"]}
    return loaded_ws


def entry_of(ws, behaviour: str, kind: str | None = None) -> dict:
    for e in lists.entries(ws, kind=kind):
        if ws.behaviour.get(e["vin"]) == behaviour:
            return e
    raise AssertionError(f"no entry for {behaviour}")


def fake_run(ws: Workspace, proposals: dict[int, str], start: date, end: date) -> int:
    """A scoring run with chosen proposals (what a later period's scoring would have stored)."""
    with ws.Session.begin() as s:
        run = ScoreRun(period_from=start, period_to=end, ruleset_version="2026.2", source="day_stats",
                       created_at=datetime.now(), created_by="tester")
        s.add(run)
        s.flush()
        for vid, p in proposals.items():
            s.add(Score(run_id=run.id, vehicle_id=vid, score=50, proposal=p,
                        reasons=[{"code": "DATA_OFFLINE", "category": "data", "text": "x"}], metrics={}))
        return run.id


def test_bulk_proposals_follow_the_scoring_run_and_are_not_repeated(office):
    r = lists.propose_from_run(office)
    counts = office.result.counts()
    assert r.proposed == {k: counts[k] for k in ("black", "white", "watch")}
    proposed = lists.entries(office, status="proposed")
    assert len(proposed) == sum(r.proposed.values())
    hi = entry_of(office, "high_emitter")
    assert hi["list"] == "black" and "EXC_SHARE" in hi["reason_codes"]
    assert hi["ruleset_version"] == office.result.ruleset_version and hi["score"] < 60
    again = lists.propose_from_run(office)
    assert sum(again.proposed.values()) == 0 and again.already_listed == len(proposed)


def test_roles_and_two_person_rule(office):
    lists.propose_from_run(office)  # proposed by officer wang
    black = entry_of(office, "high_emitter", "black")
    white = entry_of(office, "clean", "white")
    with pytest.raises(PermissionDenied, match="supervisor"):
        lists.decide(office, black["id"], True, "confirmed")  # an officer cannot put a vehicle on black
    with pytest.raises(PermissionDenied, match="two-person"):
        lists.decide(office, white["id"], True, "clean")  # nor decide what he proposed
    with pytest.raises(InputError, match="reason"):
        lists.decide(as_user(office, "zhou"), white["id"], True, "   ")
    done = lists.decide(office, white["id"], True, "clean and complete")
    assert done["status"] == "active" and done["decided_by"] == "zhou" and done["review_date"] > date.today()
    as_user(office, "li")
    done = lists.decide(office, black["id"], True, "复核属实")
    assert done["status"] == "active" and done["decided_by"] == "li"
    with pytest.raises(InputError, match="nothing to decide"):
        lists.decide(office, black["id"], False, "again")
    # Without the two-person rule a proposer may decide a watch entry alone.
    as_user(office, "chief")
    update_settings(office, {"lists.two_person_rule": "false"}, reason="single-officer county")
    other = next(e for e in lists.entries(office, kind="watch", status="proposed"))
    as_user(office, "wang")
    assert lists.decide(office, other["id"], True, "ok")["status"] == "active"


def test_role_checks_are_in_the_services(office):
    as_user(office, "wang")
    with pytest.raises(PermissionDenied):
        users.create_user(office, "mallory", "mallory-pass", "admin")
    with pytest.raises(PermissionDenied):
        update_settings(office, {"lists.two_person_rule": False})
    with pytest.raises(PermissionDenied, match="supervisor"):
        score_period(office, date(2026, 10, 1), date(2026, 10, 2), rules={"version": "x"})
    with pytest.raises(PermissionDenied, match="wrong"):
        users.login(office, "wang", "not-his-password")
    as_user(office, "chief")
    users.update_user(office, "zhou", active=False, reason="left the bureau")
    with pytest.raises(PermissionDenied, match="disabled"):
        users.login(office, "zhou", PASSWORDS["zhou"])
    with pytest.raises(PermissionDenied, match="no active admin"):
        users.update_user(office, "chief", role="officer")


def test_a_signed_in_user_demoted_elsewhere_loses_the_right_at_once(office):
    lists.propose_from_run(office)
    black = entry_of(office, "high_emitter", "black")
    as_user(office, "li")
    other = Workspace.open(home=str(office.home.root), user="chief")  # the admin at another workstation
    as_user(other, "chief")
    users.update_user(other, "li", role="officer", reason="reassigned")
    other.close()
    with pytest.raises(PermissionDenied, match="supervisor"):
        lists.decide(office, black["id"], True, "confirmed")


def test_black_supersedes_white_and_a_later_score_proposes_white_removal(office, manifest):
    lists.propose_from_run(office)
    white = entry_of(office, "clean", "white")
    lists.decide(as_user(office, "zhou"), white["id"], True, "clean")
    vid = office.result.vehicles[[v["vin"] for v in office.result.vehicles].index(white["vin"])]["vehicle_id"]
    end = date.fromisoformat(manifest["end"])
    run = fake_run(office, {vid: "watch"}, end + timedelta(days=1), end + timedelta(days=30))
    r = lists.propose_from_run(as_user(office, "wang"), run)
    assert r.white_removals == 1 and r.proposed["watch"] == 1
    pending = lists.entries(office, vin=white["vin"], status="removal_pending")
    assert [e["id"] for e in pending] == [white["id"]] and f"scoring run {run}" in pending[0]["removal_reason"]
    # A black decision on the same vehicle ends the white entry at once.
    run2 = fake_run(office, {vid: "black"}, end + timedelta(days=31), end + timedelta(days=60))
    lists.propose_from_run(office, run2)
    black = lists.entries(office, vin=white["vin"], kind="black")[0]
    lists.decide(as_user(office, "li"), black["id"], True, "confirmed")
    states = {e["list"]: e["status"] for e in lists.entries(office, vin=white["vin"])}
    assert states == {"white": "expired", "watch": "proposed", "black": "active"}
    watch = lists.entries(office, vin=white["vin"], kind="watch")[0]
    with pytest.raises(InputError, match="already on the black list"):
        lists.decide(office, watch["id"], True, "ok")
    # One clean period does not white-list a black-listed vehicle: that takes a rectified removal.
    newer = fake_run(office, {vid: "white"}, end + timedelta(days=61), end + timedelta(days=90))
    assert lists.propose_from_run(as_user(office, "wang"), newer).proposed["white"] == 0


def test_black_removal_needs_rectification_evidence(office, manifest, monkeypatch):
    start, end = date.fromisoformat(manifest["start"]), date.fromisoformat(manifest["end"])
    lists.propose_from_run(office)
    # Day one of the demo period is "today" for the decisions: the repair and re-inspection fall before it.
    monkeypatch.setattr(lists, "_today", lambda: start)
    hi = entry_of(office, "high_emitter", "black")
    lists.decide(as_user(office, "li"), hi["id"], True, "confirmed")
    monkeypatch.setattr(lists, "_today", lambda: end + timedelta(days=1))
    as_user(office, "wang")
    with pytest.raises(InputError, match="repair record"):
        lists.propose_removal(office, hi["id"], "repaired")
    with pytest.raises(InputError, match="not clean"):  # the high emitter exceeds every day after it
        lists.propose_removal(office, hi["id"], "repaired", repair_record="SCR replaced", reinspected_on=start)
    # A clean vehicle that was black-listed for a past period: its days after the re-inspection count.
    clean_vin = next(vin for vin, b in office.behaviour.items() if b == "clean")
    with office.Session.begin() as s:
        vid = s.scalar(select(Vehicle.id).where(Vehicle.vin == clean_vin))
    run = fake_run(office, {vid: "black"}, start - timedelta(days=40), start - timedelta(days=10))
    lists.propose_from_run(as_user(office, "zhou"), run)
    entry = lists.entries(office, vin=clean_vin, kind="black")[0]
    monkeypatch.setattr(lists, "_today", lambda: start - timedelta(days=5))
    lists.decide(as_user(office, "zhao"), entry["id"], True, "offline in September")
    monkeypatch.setattr(lists, "_today", lambda: end + timedelta(days=1))
    as_user(office, "chief")
    days = manifest["days"]
    update_settings(office, {"lists.removal_clean_days": days + 1})
    as_user(office, "wang")
    with pytest.raises(InputError, match=f"{days} clean days with data .* {days + 1} are required"):
        lists.propose_removal(office, entry["id"], "reconnected", repair_record="terminal reconnected",
                              reinspected_on=start - timedelta(days=1))
    as_user(office, "chief")
    update_settings(office, {"lists.removal_clean_days": days})
    as_user(office, "wang")
    e = lists.propose_removal(office, entry["id"], "reconnected", repair_record="terminal reconnected",
                              reinspected_on=start - timedelta(days=1))
    assert e["status"] == "removal_pending" and e["rectification"]["clean_days"] == days
    with pytest.raises(PermissionDenied, match="supervisor"):
        lists.decide(as_user(office, "zhou"), entry["id"], True, "ok")
    with pytest.raises(PermissionDenied, match="two-person"):
        lists.decide(_proposer_as_supervisor(office), entry["id"], True, "ok")
    done = lists.decide(as_user(office, "li"), entry["id"], True, "rectified")
    assert done["status"] == "removed" and done["ended_on"] == end + timedelta(days=1)
    h = lists.history(office, clean_vin)
    assert [ev["action"] for ev in h["events"] if ev["entity_id"] == str(entry["id"])] == [
        "list.propose", "list.approve", "list.propose_removal", "list.remove"]


def _proposer_as_supervisor(ws):
    """Promote the officer who proposed the removal, to show that rank does not lift the two-person rule."""
    as_user(ws, "chief")
    users.update_user(ws, "wang", role="supervisor", reason="promoted")
    return as_user(ws, "wang")


def test_second_workstation_gets_a_conflict_and_nothing_is_lost(office):
    lists.propose_from_run(office)
    black = entry_of(office, "high_emitter", "black")
    a = as_user(office, "li")
    b = as_user(Workspace.open(home=str(office.home.root)), "zhao")
    seen = black["version"]  # both officers opened the entry at this version
    lists.decide(a, black["id"], True, "confirmed", expected_version=seen)
    with pytest.raises(Conflict, match="after you opened it"):
        lists.decide(b, black["id"], False, "not convinced", expected_version=seen)
    b.close()
    h = lists.history(office, black["vin"])
    assert [ev["action"] for ev in h["events"]] == ["list.propose", "list.approve"]
    assert h["entries"][0]["status"] == "active" and h["entries"][0]["decided_by"] == "li"


def test_nothing_is_decided_in_set_up_mode(ws):
    with pytest.raises(PermissionDenied, match="first admin"):
        lists.expire_due(ws)
    with pytest.raises(PermissionDenied, match="first account must be an admin"):
        users.create_user(ws, "wang", "wang-pass-1", "officer")
    with pytest.raises(InputError, match="at least 8"):
        users.create_user(ws, "chief", "short", "admin")
    users.create_user(ws, "chief", "chief-pass-1", "admin")
    assert ws.user == "chief" and ws.role == "admin"


def test_passwords_are_scrypt_hashes(ws):
    users.create_user(ws, "chief", "chief-pass-1", "admin")
    with ws.Session() as s:
        from dieselwatch.storage.models import User

        stored = s.scalar(select(User.password_hash))
    assert stored.startswith("scrypt$") and "chief-pass-1" not in stored
    assert users.check_password("chief-pass-1", stored) and not users.check_password("chief-pass-2", stored)


def test_expired_white_entries(office):
    lists.propose_from_run(office)
    white = entry_of(office, "clean", "white")
    lists.decide(as_user(office, "zhou"), white["id"], True, "clean")
    assert lists.expire_due(office, today=date.today() + timedelta(days=179)) == 0
    assert lists.expire_due(office, today=date.today() + timedelta(days=181)) == 1
    assert lists.entries(office, vin=white["vin"])[0]["status"] == "expired"
