"""Sign-in and files (issue 14, item 6): a failed sign-in takes as long whether or not the user exists, blank
passwords are refused, and the database with the password hashes is readable by its owner only."""

import hashlib
import os
import stat
import time

import pytest
from test_lists import PASSWORDS, as_user, make_office

from dieselwatch.errors import InputError, PermissionDenied
from dieselwatch.services import users
from dieselwatch.workspace import Workspace


@pytest.fixture()
def scrypt_calls(monkeypatch):
    calls = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return calls


def _failed_signin(ws, name, password) -> float:
    t = time.perf_counter()
    with pytest.raises(PermissionDenied, match="wrong user name or password"):
        users.login(ws, name, password)
    return time.perf_counter() - t


def test_unknown_user_disabled_user_and_wrong_password_all_run_the_hash(ws, scrypt_calls):
    make_office(ws)
    as_user(ws, "chief")
    users.update_user(ws, "zhao", active=False, reason="left")
    for name, password in (("nobody", "whatever-1"), ("wang", "wrong-pass-1"), ("zhao", PASSWORDS["zhao"]),
                           ("nobody", ""), ("wang", "")):
        scrypt_calls.clear()
        _failed_signin(ws, name, password)
        assert len(scrypt_calls) == 1, (name, password)  # one scrypt check, whoever it is


def test_unknown_user_and_wrong_password_take_comparable_time(ws):
    make_office(ws)
    unknown = sorted(_failed_signin(ws, "nobody", f"guess-{i}-pass") for i in range(5))[2]
    wrong = sorted(_failed_signin(ws, "wang", f"guess-{i}-pass") for i in range(5))[2]
    assert 1 / 3 < unknown / wrong < 3, (unknown, wrong)  # was 0.1 ms against 26 ms


@pytest.mark.parametrize("password", ["", " " * 8, "\t \u3000  \n   ", " " * 20])
def test_blank_or_whitespace_passwords_are_refused(ws, password):
    with pytest.raises(InputError, match="blank or only spaces"):
        users.create_user(ws, "chief", password, "admin")
    make_office(ws)
    as_user(ws, "chief")
    with pytest.raises(InputError, match="blank or only spaces"):
        users.set_password(ws, "wang", password)
    with pytest.raises(InputError, match="at least 8"):
        users.set_password(ws, "wang", "  short ")
    users.set_password(ws, "wang", "  spaced pass  ")  # spaces inside a real password are fine
    users.login(ws, "wang", "  spaced pass  ")


@pytest.mark.skipif(os.name != "posix", reason="owner-only modes are POSIX; Windows keeps the folder's ACL")
def test_database_is_owner_only_and_home_private(tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    w = Workspace.open(home=str(home), user="tester")
    try:
        users.create_user(w, "chief", PASSWORDS["chief"], "admin")
        mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
        assert mode(home) == 0o700
        db = home / "dieselwatch.sqlite3"
        assert mode(db) == 0o600
        for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            if extra.exists():
                assert mode(extra) == 0o600, extra
    finally:
        w.close()
    os.chmod(home, 0o755)  # a folder and file from an older release, world-readable
    os.chmod(db, 0o644)
    Workspace.open(home=str(home), user="tester").close()
    assert mode(home) == 0o700 and mode(db) == 0o600
