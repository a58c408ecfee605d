"""What the services return to the CLI and the GUI: typed results whose statuses and roles still read, compare
and serialise as the plain strings callers and stored reports have always used."""

import json

import pytest
from sqlalchemy import text

from dieselwatch.cli import main
from dieselwatch.errors import InputError
from dieselwatch.services import batches, overview, users, vehicles
from dieselwatch.services.imports import import_records
from dieselwatch.services.reasons import reason_labels
from dieselwatch.services.settings import check_database
from dieselwatch.services.statuses import ImportStatus
from dieselwatch.services.users import Role


def test_import_status_is_the_old_string(ws, demo_dir):
    rep = import_records(ws, demo_dir / "records.csv")
    again = import_records(ws, demo_dir / "records.csv")
    assert rep.status is ImportStatus.IMPORTED and rep.status == "imported"
    assert again.status == "already_imported"
    # The stored report and the CLI's JSON carry the value, not the enum's name.
    assert json.loads(json.dumps(rep.as_dict()))["status"] == "imported"
    stored = batches.list_batches(ws, with_reports=True)
    assert [b["report"]["status"] for b in stored] == ["imported"]


def test_list_batches_order_and_reports(loaded_ws, demo_dir):
    import_records(loaded_ws, demo_dir / "records_other_platform.xlsx")
    oldest = batches.list_batches(loaded_ws)
    newest = batches.list_batches(loaded_ws, newest_first=True)
    assert [b["id"] for b in newest] == [b["id"] for b in reversed(oldest)]
    assert [b["kind"] for b in oldest] == ["registry", "records", "records"]
    assert "report" not in oldest[0]  # the CLI's listing stays short
    assert all(not b["awaits_restore"] for b in oldest)


def test_cli_lists_through_the_services(loaded_ws, capsys):
    home = str(loaded_ws.home.root)
    assert main(["--home", home, "vehicles", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["vehicles"]
    assert listed == json.loads(json.dumps(vehicles.list_vehicles(loaded_ws), default=str))
    assert [v["vin"] for v in listed] == sorted(v["vin"] for v in listed) and listed
    assert main(["--home", home, "imports", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["batches"]
    assert [r["file"] for r in rows] == ["registry.xlsx", "records.csv"]


def test_vehicle_detail_of_a_vehicle_no_longer_there(loaded_ws):
    """The vehicles page may ask for a vehicle a batch removal took meanwhile: a message, not a traceback."""
    first = overview.vehicle_rows(loaded_ws, "en")[0]
    d = overview.vehicle_detail(loaded_ws, first.id)
    assert d["vin"] == first.vin and d["days_stored"] > 0 and d["score"] is None and d["run"] is None
    with pytest.raises(InputError, match="no vehicle with id 987654"):
        overview.vehicle_detail(loaded_ws, 987654)


def test_roles_are_enums_stored_as_plain_strings(ws):
    _roles_round_trip(ws)


@pytest.mark.postgres
def test_roles_stored_as_plain_strings_on_postgresql(pg_ws):
    """The same on PostgreSQL: the column holds "officer", never the enum's name."""
    _roles_round_trip(pg_ws)


def _roles_round_trip(ws):
    users.create_user(ws, "chief", "chief-pass-1", Role.ADMIN)
    made = users.create_user(ws, "wang", "wang-pass-1", "officer")
    assert made["role"] is Role.OFFICER and made["role"] == "officer"
    users.update_user(ws, "wang", role=Role.SUPERVISOR, reason="promoted")
    with ws.engine.connect() as c:  # other tools and older versions read this column
        assert dict(c.execute(text("SELECT username, role FROM users")).all()) == {"chief": "admin",
                                                                                   "wang": "supervisor"}
    me = users.login(ws, "wang", "wang-pass-1")
    assert me["role"] is Role.SUPERVISOR and ws.role == "supervisor"
    assert [u["role"] for u in users.list_users(ws)] == [Role.ADMIN, Role.SUPERVISOR]
    with pytest.raises(InputError, match="role must be one of"):
        users.create_user(ws, "x", "long-enough-1", "chief")


def test_services_for_what_the_gui_took_from_below(tmp_path):
    assert check_database(f"sqlite:///{tmp_path / 'new.sqlite3'}").startswith("SQLite ")
    labels = reason_labels()
    assert labels["EXC_SHARE"] == "NOx above screening threshold" and labels["EXC_SHARE"].template
