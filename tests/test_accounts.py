"""Accounts: hashing, lock-out with a delay (never permanent), the role matrix, scoping."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from studio.accounts.auth import (
    LockedOut,
    LoginFailed,
    authenticate,
    create_user,
    ensure_admin,
    lock_delay,
    require_workspace_access,
    session_expired,
    visible_workspaces,
)
from studio.accounts.models import User
from studio.accounts.permissions import ACTIONS, MATRIX, ROLES, PermissionDenied, can, check
from studio.catalog.service import ensure_workspace
from studio.errors import Conflict, StudioError

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_password_is_hashed_with_argon2(session):
    create_user(session, "Lan", "mật khẩu dài", "producer")
    stored = session.execute(text("SELECT username, password_hash FROM users")).one()
    assert stored[0] == "lan"
    assert stored[1].startswith("$argon2") and "mật khẩu" not in stored[1]
    assert authenticate(session, "LAN", "mật khẩu dài").username == "lan"


@pytest.mark.parametrize("username,password,role,needle", [
    ("x", "longenough", "producer", "2–64 characters"),
    ("bad name", "longenough", "producer", "2–64 characters"),
    ("ok", "short", "producer", "at least 8"),
    ("ok", "longenough", "emperor", "unknown role"),
])
def test_bad_user_input(session, username, password, role, needle):
    with pytest.raises(StudioError, match=needle):
        create_user(session, username, password, role)
    assert session.scalar(select(User)) is None


def test_username_taken(session):
    create_user(session, "lan", "longenough", "producer")
    with pytest.raises(Conflict, match="taken"):
        create_user(session, "LAN", "longenough", "producer")


def test_lockout_grows_and_expires(session):
    create_user(session, "lan", "right-password", "producer")
    for _ in range(5):
        with pytest.raises(LoginFailed):
            authenticate(session, "lan", "wrong", now=T0)
    # the fifth failure locks for 30 s; even the right password waits
    with pytest.raises(LockedOut, match="try again in 3[01] s"):
        authenticate(session, "lan", "right-password", now=T0 + timedelta(seconds=1))
    later = T0 + timedelta(seconds=31)
    with pytest.raises(LoginFailed):
        authenticate(session, "lan", "wrong", now=later)  # sixth failure: 60 s
    with pytest.raises(LockedOut):
        authenticate(session, "lan", "right-password", now=later + timedelta(seconds=59))
    user = authenticate(session, "lan", "right-password", now=later + timedelta(seconds=61))
    assert user.failed_logins == 0 and user.locked_until is None


def test_lock_delay_is_capped_not_permanent():
    assert [lock_delay(n) for n in (0, 4, 5, 6, 7)] == [0, 0, 30, 60, 120]
    assert lock_delay(50) == 15 * 60


def test_unknown_user_and_wrong_password_look_the_same(session):
    create_user(session, "lan", "right-password", "producer")
    with pytest.raises(LoginFailed) as a:
        authenticate(session, "nobody", "x")
    with pytest.raises(LoginFailed) as b:
        authenticate(session, "lan", "x")
    assert str(a.value) == str(b.value)


def test_unknown_user_locks_out_like_a_real_one(session):
    """Otherwise "locked" after five tries would reveal which usernames exist."""
    create_user(session, "lan", "right-password", "producer")
    messages = {}
    for name in ("lan", "nobody-here"):
        for _ in range(5):
            with pytest.raises(LoginFailed):
                authenticate(session, name, "wrong", now=T0)
        with pytest.raises(LockedOut) as info:
            authenticate(session, name, "anything", now=T0 + timedelta(seconds=1))
        messages[name] = str(info.value)
        with pytest.raises(LoginFailed):  # the lock runs out for both
            authenticate(session, name, "wrong", now=T0 + timedelta(seconds=31))
    assert messages["lan"] == messages["nobody-here"] == "too many failed logins: try again in 30 s"


def test_decoy_memory_is_bounded():
    from studio.accounts.auth import _Decoys

    decoys = _Decoys(size=3)
    for i in range(10):
        for _ in range(6):
            decoys.fail(f"name{i}", T0)
    assert decoys.locked_until("name9") is not None and decoys.locked_until("name0") is None
    assert len(decoys._seen) == 3


def test_session_timeout():
    assert not session_expired(T0, T0 + timedelta(minutes=119))
    assert session_expired(T0, T0 + timedelta(minutes=121))


# The matrix, written out by hand so a change to permissions.py must be made twice, on purpose.
EXPECTED = {
    "admin": set(ACTIONS),
    "trainer": set(ACTIONS) - {"users.manage"},
    "marketer": {"catalog.read", "catalog.write", "catalog.delete", "writer.generate",
                 "writer.approve", "media.process", "publish.draft", "publish.approve",
                 "publish.connect", "live.run", "settings.view"},
    "producer": {"catalog.read", "catalog.write", "catalog.delete", "writer.generate",
                 "media.process", "publish.draft", "live.run"},
}


@pytest.mark.parametrize("role,action", list(itertools.product(ROLES, ACTIONS)))
def test_permission_matrix_exhaustively(role, action):
    assert can(role, action) is (action in EXPECTED[role])
    if not can(role, action):
        with pytest.raises(PermissionDenied, match=action):
            check(role, action)


def test_matrix_has_every_role_and_no_unknown_action():
    assert set(MATRIX) == set(ROLES)
    assert all(set(actions) <= set(ACTIONS) for actions in MATRIX.values())
    with pytest.raises(ValueError):
        can("producer", "catalog.raed")
    with pytest.raises(ValueError):
        can("root", "catalog.read")


def test_visibility_by_role(session):
    a, b = ensure_workspace(session, "a"), ensure_workspace(session, "b")
    admin = create_user(session, "boss", "longenough", "admin")
    lan = create_user(session, "lan", "longenough", "producer", workspaces=[a])
    nobody = create_user(session, "nobody", "longenough", "marketer")
    assert [w.slug for w in visible_workspaces(session, admin)] == ["a", "b"]
    assert [w.slug for w in visible_workspaces(session, lan)] == ["a"]
    assert visible_workspaces(session, nobody) == []
    assert require_workspace_access(session, lan, "a").id == a.id
    with pytest.raises(PermissionDenied) as seen:
        require_workspace_access(session, lan, "b")
    with pytest.raises(PermissionDenied) as missing:
        require_workspace_access(session, lan, "zzz")
    # same words whether the workspace exists or not: no probing of other workspaces' names
    assert str(seen.value).replace("'b'", "X") == str(missing.value).replace("'zzz'", "X")
    assert b.id


def test_first_start_admin(session):
    generated = ensure_admin(session, None)
    assert generated and len(generated) >= 12
    assert authenticate(session, "admin", generated).role == "admin"
    assert ensure_admin(session, None) is None  # only once


def test_first_start_admin_from_env_password(session):
    assert ensure_admin(session, "chosen-by-env") is None
    assert authenticate(session, "admin", "chosen-by-env").role == "admin"


def test_cli_user_add_list_and_scoping(capsys, demo_engine, tmp_path, monkeypatch):
    from studio.cli import main

    pw = tmp_path / "pw.txt"
    pw.write_text("a-long-password\n", encoding="utf-8")
    assert main(["init", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["admin_password"]
    assert main(["user", "add", "--username", "lan", "--role", "producer",
                 "--password-file", str(pw), "--workspace", "demo", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["workspaces"] == ["demo"]
    assert main(["user", "list", "--json"]) == 0
    users = {u["username"]: u for u in json.loads(capsys.readouterr().out)["users"]}
    assert users["lan"]["workspaces"] == ["demo"] and users["admin"]["role"] == "admin"
    # acting as a producer without that workspace: refused
    assert main(["user", "add", "--username", "mai", "--role", "producer",
                 "--password-file", str(pw)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("STUDIO_USER", "mai")
    assert main(["products", "list", "--workspace", "demo"]) == 2
    assert "may open" in capsys.readouterr().err
    monkeypatch.setenv("STUDIO_USER", "lan")
    assert main(["products", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["products"]) == 6


@pytest.mark.parametrize("argv,needle", [
    (["user", "add", "--username", "x1", "--role", "producer", "--password-file", "/nope"],
     "check the path"),
    (["user", "add", "--username", "x1", "--role", "god", "--password-file", "/nope"],
     "invalid choice"),
])
def test_cli_user_errors(capsys, demo_engine, argv, needle):
    from studio.cli import main

    assert main(argv) == 2
    assert needle in capsys.readouterr().err
