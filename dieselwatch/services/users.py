"""Users, roles and sign-in. Passwords are stored as scrypt hashes (memory-hard, in the standard library).
Every service that changes something calls require() itself, so a role is enforced whatever the caller:
the GUI hiding a button is a convenience, not the check.

Until the first user exists the database is in set-up mode: imports and scoring run as the login name, and
the only account that can be created is an admin. After that, every action needs a signed-in user."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from datetime import datetime
from enum import StrEnum
from typing import TypedDict

from sqlalchemy import func, select

from dieselwatch.errors import InputError, PermissionDenied
from dieselwatch.messages import Msg, joined
from dieselwatch.storage import audit
from dieselwatch.storage.auditstate import password_fingerprint, user_state
from dieselwatch.storage.models import User
from dieselwatch.workspace import Workspace

log = logging.getLogger(__name__)


class Role(StrEnum):
    """Equal to the plain strings stored in users.role ("admin" == Role.ADMIN); in rank order."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


ROLES = tuple(r.value for r in Role)
RANK = {r.value: i for i, r in enumerate(Role)}
# The role names as messages, so the GUI shows them translated inside a sentence.
ROLE_NAMES = {Role.OFFICER: Msg("officer"), Role.SUPERVISOR: Msg("supervisor"), Role.ADMIN: Msg("admin")}


class UserInfo(TypedDict):
    """A user as the services show it (never the password hash)."""

    username: str
    display_name: str | None
    role: Role
    active: bool
    created_at: str  # ISO, seconds


def role_name(role: str) -> str:
    return ROLE_NAMES.get(Role(role), role) if role in RANK else role
# scrypt at N=2^14, r=8: 16 MiB and about 50 ms per check: cheap for a sign-in, costly for a guessing attack.
_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"


# A stored-hash string with the real cost parameters and a random salt and key, matching no password. An
# unknown or disabled user's sign-in is checked against it, so it takes as long as a wrong password and the
# timing does not tell which user names exist. Random bytes, not a hash of anything: nothing to compute.
_DUMMY_HASH = (f"scrypt${_N}${_R}${_P}${base64.b64encode(secrets.token_bytes(16)).decode()}$"
               f"{base64.b64encode(secrets.token_bytes(32)).decode()}")


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(base64.b64decode(key)))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(key))


def user_count(ws: Workspace) -> int:
    with ws.Session() as s:
        return s.scalar(select(func.count()).select_from(User)) or 0


def _public(u: User) -> UserInfo:
    return UserInfo(username=u.username, display_name=u.display_name, role=Role(u.role), active=u.active,
                    created_at=u.created_at.isoformat(timespec="seconds"))


def login(ws: Workspace, username: str, password: str) -> UserInfo:
    """Sign in: the workspace acts as this user from now on."""
    with ws.Session() as s:
        u = s.scalar(select(User).where(User.username == username))
        matches = check_password(password or "", u.password_hash if u is not None else _DUMMY_HASH)
        if not (matches and u is not None and u.active):
            log.warning("failed sign-in for %r", username)
            raise PermissionDenied(Msg("wrong user name or password, or the account is disabled"))
        ws.user, ws.role = u.username, u.role
        return _public(u)


def require(ws: Workspace, role: str, *, setup_ok: bool = False) -> None:
    """Refuse unless the signed-in user is active with at least `role` (admin > supervisor > officer). The role
    is read from the database each time: a change made on another workstation applies at once.
    setup_ok lets the action run while no user exists yet (imports and scoring before the first admin)."""
    with ws.Session() as s:
        if ws.role is None:
            if setup_ok and not s.scalar(select(func.count()).select_from(User)):
                return
            raise PermissionDenied(Msg("sign in first (user name and password)") if s.scalar(
                select(func.count()).select_from(User)) else
                Msg("no users yet: create the first admin account (dieselwatch users add NAME --role admin)"))
        u = s.scalar(select(User).where(User.username == ws.user))
        if u is None or not u.active:
            raise PermissionDenied(Msg("the account “{user}” no longer exists or was disabled", user=ws.user))
        if RANK[u.role] < RANK[role]:
            raise PermissionDenied(Msg("{user} is {role}; this needs the {need} role", user=ws.user,
                                       role=role_name(u.role), need=role_name(role)))
        ws.role = u.role


def _check_password_rules(username: str, password: str) -> None:
    if not (password or "").strip():
        raise InputError(Msg("the password must not be blank or only spaces"))
    if len(password.strip()) < MIN_PASSWORD:  # spaces padding a short password add nothing to guess
        raise InputError(Msg("the password must have at least {n} characters", n=MIN_PASSWORD))
    if password.lower() == username.lower():
        raise InputError(Msg("the password must differ from the user name"))


def create_user(ws: Workspace, username: str, password: str, role: str, display_name: str | None = None) -> UserInfo:
    username = (username or "").strip()
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise InputError(Msg("a user name is 1 to 100 characters without spaces"))
    if role not in ROLES:
        raise InputError(Msg("role must be one of {roles}, got “{role}”", roles=joined(ROLES), role=role))
    _check_password_rules(username, password)
    display_name = (display_name or "").strip()[:200] or None  # signs notices: the person's real name
    first = user_count(ws) == 0
    if first:
        if role != "admin":
            raise PermissionDenied(Msg("the first account must be an admin"))
        actor = username
    else:
        require(ws, "admin")
        actor = ws.user
    with ws.Session.begin() as s:
        if s.scalar(select(User).where(User.username == username)):
            raise InputError(Msg("the user “{user}” already exists", user=username))
        # The column holds the plain value ("officer"), whatever enum or string the caller passed.
        u = User(username=username, display_name=display_name, password_hash=hash_password(password),
                 role=Role(role).value, active=True, created_at=datetime.now())
        s.add(u)
        s.flush()
        audit.append(s, actor, "user.create", "user", username, after=user_state(u),
                     reason="first-run admin set-up" if first else None)
        out = _public(u)
    if first:
        ws.user, ws.role = username, Role(role).value
    return out


def update_user(ws: Workspace, username: str, *, role: str | None = None, active: bool | None = None,
                display_name: str | None = None, reason: str | None = None) -> UserInfo:
    require(ws, "admin")
    if display_name is not None and not (display_name := display_name.strip()):
        raise InputError(Msg("a display name cannot be blank"))
    if role is not None and role not in ROLES:
        raise InputError(Msg("role must be one of {roles}, got “{role}”", roles=joined(ROLES), role=role))
    with ws.Session.begin() as s:
        u = s.scalar(select(User).where(User.username == username))
        if u is None:
            raise InputError(Msg("no user “{user}”", user=username))
        before = user_state(u)
        if role is not None:
            u.role = Role(role).value
        if active is not None:
            u.active = active
        if display_name is not None:
            u.display_name = display_name[:200]  # signs notices: the person's real name
        admins = s.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active,
                                                                        User.id != u.id))
        if not admins and not (u.role == "admin" and u.active):
            raise PermissionDenied(Msg("this would leave no active admin"))
        s.flush()
        audit.append(s, ws.user, "user.update", "user", username, before=before, after=user_state(u), reason=reason)
        return _public(u)


def set_password(ws: Workspace, username: str, new_password: str, *, old_password: str | None = None) -> None:
    """Users change their own password (with the old one); an admin resets anyone's."""
    if ws.role is None:
        raise PermissionDenied(Msg("sign in first (user name and password)"))
    own = username == ws.user
    if not own:
        require(ws, "admin")
    _check_password_rules(username, new_password)
    with ws.Session.begin() as s:
        u = s.scalar(select(User).where(User.username == username))
        if u is None:
            raise InputError(Msg("no user “{user}”", user=username))
        if own and ws.role != "admin" and not check_password(old_password or "", u.password_hash):
            raise PermissionDenied(Msg("the current password is wrong"))
        before = {"password_fp": password_fingerprint(u.password_hash)}
        u.password_hash = hash_password(new_password)
        s.flush()
        # The hash itself stays out of the history: the event says that it changed, with a fingerprint that
        # cannot test a guess (auditstate.password_fingerprint) but shows a hash planted in the table.
        audit.append(s, ws.user, "user.password", "user", username, before=before,
                     after={"password": "changed", "password_fp": password_fingerprint(u.password_hash)})


def list_users(ws: Workspace) -> list[UserInfo]:
    with ws.Session() as s:
        return [_public(u) for u in s.scalars(select(User).order_by(User.username))]
