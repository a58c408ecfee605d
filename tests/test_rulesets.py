"""Rule sets: reading writes nothing, saving a version does not activate it, activating is its own audited act
(admin), and scoring with any set the office has not activated is a trial that proposals never come from."""

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from test_lists import as_user, make_office

from dieselwatch.errors import ConfigError, InputError, PermissionDenied
from dieselwatch.scoring.rules import default_rules
from dieselwatch.services import auditlog, lists
from dieselwatch.services.overview import latest_run
from dieselwatch.services.rulesets import (
    activate_rule_set,
    current_rules,
    list_rule_sets,
    save_edited_rules,
    stored_rules,
)
from dieselwatch.services.scoring import score_period
from dieselwatch.storage.models import AuditEvent, RuleSet, ScoreRun
from dieselwatch.workspace import Workspace


@pytest.fixture()
def office(loaded_ws, manifest):
    """The demo fleet scored by an officer (the office's run), with the accounts of test_lists."""
    make_office(loaded_ws)
    as_user(loaded_ws, "wang")
    loaded_ws.result = score_period(loaded_ws, date.fromisoformat(manifest["start"]),
                                    date.fromisoformat(manifest["end"]))
    return loaded_ws


def _strict(version: str = "2026.9-strict") -> dict:
    rules = json.loads(json.dumps(default_rules()))
    rules["version"] = version
    rules["scr"]["efficiency_black"] = 0.97  # every real SCR now fails
    rules["scr"]["efficiency_watch"] = 0.98
    return rules


def _count(ws: Workspace, model) -> int:
    with ws.Session() as s:
        return s.scalar(select(func.count()).select_from(model))


def _events(ws: Workspace, action: str) -> list[AuditEvent]:
    with ws.Session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def test_reading_the_active_rules_writes_nothing(ws):
    assert current_rules(ws).version == default_rules().version
    assert [(r["version"], r["active"]) for r in list_rule_sets(ws)] == [(default_rules().version, True)]
    assert _count(ws, RuleSet) == 0 and _count(ws, AuditEvent) == 0


def test_saving_a_version_does_not_activate_it(ws):
    make_office(ws)
    as_user(ws, "li")  # a supervisor may store a version
    save_edited_rules(ws, _strict(), reason="stricter SCR check proposed")
    assert current_rules(ws).version == default_rules().version
    assert [(r["version"], r["active"]) for r in list_rule_sets(ws)] == [(default_rules().version, True),
                                                                  ("2026.9-strict", False)]
    assert stored_rules(ws, "2026.9-strict")["scr"]["efficiency_black"] == 0.97
    (ev,) = _events(ws, "ruleset.store")
    assert (ev.actor, ev.entity_id, ev.reason) == ("li", "2026.9-strict", "stricter SCR check proposed")
    with pytest.raises(ConfigError, match="already exists with other values"):
        changed = _strict()
        changed["scr"]["efficiency_black"] = 0.9
        save_edited_rules(ws, changed)
    as_user(ws, "wang")
    with pytest.raises(PermissionDenied, match="supervisor"):
        save_edited_rules(ws, _strict("2026.9-officer"))


def test_activating_is_an_audited_admin_action(ws):
    make_office(ws)
    as_user(ws, "li")
    save_edited_rules(ws, _strict(), reason="proposed")
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        activate_rule_set(ws, "2026.9-strict", reason="supervisor tries")
    as_user(ws, "chief")
    with pytest.raises(InputError, match="reason"):
        activate_rule_set(ws, "2026.9-strict", reason="  ")
    with pytest.raises(InputError, match="no rule set version “nope”"):
        activate_rule_set(ws, "nope", reason="typo")
    assert current_rules(ws).version == default_rules().version  # nothing changed by the refusals
    activate_rule_set(ws, "2026.9-strict", reason="bureau decision 2026-11")
    assert current_rules(ws).version == "2026.9-strict"
    (ev,) = _events(ws, "ruleset.activate")
    assert (ev.actor, ev.entity_id, ev.reason) == ("chief", "2026.9-strict", "bureau decision 2026-11")
    assert ev.before == {"version": default_rules().version}
    with pytest.raises(ConfigError, match="already the active one"):
        activate_rule_set(ws, "2026.9-strict", reason="again")
    # Going back to an older version is an activation like any other.
    activate_rule_set(ws, default_rules().version, reason="back to the shipped set")
    assert current_rules(ws).version == default_rules().version
    assert auditlog.verify(ws).ok, auditlog.verify(ws).differences


@pytest.mark.postgres
def test_activation_on_postgres(pg_ws):
    test_activating_is_an_audited_admin_action(pg_ws)


def test_a_trial_never_changes_the_active_set_or_the_office_run(office, manifest):
    start, end = date.fromisoformat(manifest["start"]), date.fromisoformat(manifest["end"])
    office_run_id = office.result.run_id
    as_user(office, "li")
    trial = score_period(office, start, end, rules=_strict())
    assert trial.trial and trial.ruleset_version == "2026.9-strict"
    wrong = _strict("2026.9-wrong")
    wrong["scr"]["efficiency_watch"] = 0.5
    with pytest.raises(ConfigError, match=r"“scr\.efficiency_black” \(0\.97\) must not exceed “scr\.efficiency_watch”"):
        score_period(office, start, end, rules=wrong)  # a trial is checked as a save is
    assert trial.counts()["black"] > office.result.counts()["black"]
    assert current_rules(office).version == default_rules().version
    assert [r["version"] for r in list_rule_sets(office)] == [default_rules().version]  # nothing stored
    with office.Session() as s:
        assert s.get(ScoreRun, trial.run_id).trial  # kept for reading and comparing, marked as a trial
    assert latest_run(office).id == office_run_id
    with pytest.raises(InputError, match=r"is a trial with rule set 2026\.9-strict"):
        lists.propose_from_run(office, trial.run_id)
    assert lists.propose_from_run(office).run_id == office_run_id  # the office's run, not the newer trial
    blacks = {e["vin"] for e in lists.entries(office, kind="black")}
    assert blacks == {v["vin"] for v in office.result.vehicles if v["proposal"] == "black"}
    # A stored version the office has not activated is a trial too; once activated, its run is the office's.
    save_edited_rules(office, _strict(), reason="proposed")
    assert score_period(office, start, end, version="2026.9-strict").trial
    assert latest_run(office).id == office_run_id
    as_user(office, "chief")
    activate_rule_set(office, "2026.9-strict", reason="decided")
    as_user(office, "wang")
    run = score_period(office, start, end)
    assert not run.trial and run.ruleset_version == "2026.9-strict" and latest_run(office).id == run.run_id
    assert auditlog.verify(office).ok


def test_upgrade_keeps_the_newest_set_active(tmp_path):
    """A database from before 0010 had the newest stored set active: it stays active after the upgrade."""
    from dieselwatch.storage.db import make_engine, upgrade

    home = tmp_path / "old"
    home.mkdir()
    eng = make_engine(f"sqlite:///{home / 'dieselwatch.sqlite3'}")
    upgrade(eng, "0009")
    c = RuleSet.__table__.c  # the columns of 0009 only
    with Session(eng) as s, s.begin():
        for version in (default_rules().version, "2026.8-office"):
            content = dict(default_rules())
            content["version"] = version
            s.execute(RuleSet.__table__.insert().values({
                c.version: version, c.name: version, c.content: content, c.created_at: datetime(2026, 11, 1),
                c.created_by: "system" if version == default_rules().version else "li"}))
    eng.dispose()
    w = Workspace.open(home=str(home), user="tester")
    try:
        assert current_rules(w).version == "2026.8-office"
        assert list_rule_sets(w)[0]["version"] == "2026.8-office" and list_rule_sets(w)[0]["active"]
    finally:
        w.close()


def test_rules_commands_store_show_and_activate(capsys, tmp_path, monkeypatch):
    """The command line: `rules show` gives a file to edit, `rules save` stores it without activating, `score
    --rules` is a trial, `rules activate` needs an admin and a reason."""
    from dieselwatch.cli import main

    home = str(tmp_path / "home")

    def run(*args):
        code = main(["--home", home, *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run("rules", "show")
    edited = json.loads(out)
    assert code == 0 and edited["version"] == default_rules().version
    edited["version"] = "2026.9-cli"
    edited["exceedance"]["threshold_ppm"] = 450
    f = tmp_path / "r.json"
    f.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    assert run("rules", "save", str(f), "--reason", "proposal")[0] == 0
    code, out, _ = run("rules", "list", "--json")
    assert [(r["version"], r["active"]) for r in json.loads(out)["rule_sets"]] == [
        (default_rules().version, True), ("2026.9-cli", False)]
    edited["exceedance"]["threshold_ppm"] = 1
    f.write_text(json.dumps(edited), encoding="utf-8")
    code, _, err = run("rules", "save", str(f))
    assert code == 3 and "already exists with other values" in err
    monkeypatch.setenv("DIESELWATCH_NEW_PASSWORD", "chief-pass-1")
    assert run("users", "add", "chief", "--role", "admin")[0] == 0
    with pytest.raises(SystemExit) as usage:  # the reason is required: a usage error
        run("rules", "activate", "2026.9-cli")
    assert usage.value.code == 2 and "--reason" in capsys.readouterr().err
    code, _, err = run("rules", "activate", "2026.9-cli", "--reason", "not signed in")
    assert code == 3 and "sign in" in err
    monkeypatch.setenv("DIESELWATCH_PASSWORD", "chief-pass-1")
    code, out, _ = run("--user", "chief", "rules", "activate", "2026.9-cli", "--reason", "bureau decision")
    assert code == 0 and "now active" in out
    code, out, _ = run("--user", "chief", "rules", "show")
    assert json.loads(out)["exceedance"]["threshold_ppm"] == 450
