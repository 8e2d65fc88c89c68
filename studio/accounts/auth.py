"""Users, password hashing (argon2), login with a growing lock-out delay, workspace scoping."""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from studio.accounts.models import Membership, Seat, User, Workshop
from studio.accounts.permissions import ROLES, PermissionDenied
from studio.db.models import Workspace
from studio.errors import Conflict, NotFound, StudioError

_hasher = PasswordHasher()
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8
#: Failures allowed before the first lock; each further failure doubles the wait (capped).
FREE_FAILURES = 5
LOCK_BASE_S = 30
LOCK_MAX_S = 15 * 60
SESSION_IDLE = timedelta(hours=2)


class LoginFailed(StudioError):
    """Wrong username or password (deliberately not saying which)."""


class LockedOut(StudioError):
    """Too many failures: wait, then try again. Never permanent."""


def _now() -> datetime:
    return datetime.now(UTC)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise StudioError(f"the password is too short: use at least {MIN_PASSWORD} characters",
                          key="accounts.password_short", min=MIN_PASSWORD)
    return _hasher.hash(password)


def create_user(session: Session, username: str, password: str, role: str,
                display_name: str = "", workspaces: list[Workspace] = ()) -> User:
    """A new user; the username is lower-cased; the password is stored as an argon2 hash."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise StudioError("a username is 2–64 characters: a-z, 0-9, '.', '_' or '-'",
                          key="accounts.username_format")
    if role not in ROLES:
        raise StudioError(f"unknown role '{role}'; use one of: {', '.join(ROLES)}",
                          key="accounts.role_unknown", role=role)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"the username '{username}' is taken; choose another",
                       key="accounts.username_taken", username=username)
    user = User(username=username, display_name=display_name or username,
                password_hash=hash_password(password), role=role, failed_logins=0)
    session.add(user)
    session.flush()
    for ws in workspaces:
        grant(session, user, ws)
    return user


def grant(session: Session, user: User, ws: Workspace) -> None:
    exists = session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.workspace_id == ws.id))
    if exists is None:
        session.add(Membership(user_id=user.id, workspace_id=ws.id))
        session.flush()


def lock_delay(failures: int) -> int:
    """Seconds to wait after ``failures`` consecutive failures (0 while under the free count)."""
    if failures < FREE_FAILURES:
        return 0
    return min(LOCK_MAX_S, LOCK_BASE_S * 2 ** (failures - FREE_FAILURES))


class _Decoys:
    """Failure counts for usernames that do not exist, so that they lock out exactly like real
    ones: otherwise "locked" after five tries would tell that a username exists. Kept in memory
    (the studio serves from one process), bounded, oldest forgotten first."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._seen: OrderedDict[str, tuple[int, datetime | None]] = OrderedDict()
        self._lock = threading.Lock()

    def locked_until(self, name: str) -> datetime | None:
        with self._lock:
            return self._seen.get(name, (0, None))[1]

    def fail(self, name: str, now: datetime) -> None:
        with self._lock:
            failures = self._seen.pop(name, (0, None))[0] + 1
            delay = lock_delay(failures)
            self._seen[name] = (failures, now + timedelta(seconds=delay) if delay else None)
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)


_decoys = _Decoys()


def _raise_if_locked(locked_until: datetime | None, now: datetime) -> None:
    if locked_until and locked_until > now:
        wait = int((locked_until - now).total_seconds()) + 1
        raise LockedOut(f"too many failed logins: try again in {wait} s",
                        key="accounts.locked", seconds=wait)


def authenticate(session: Session, username: str, password: str,
                 now: datetime | None = None) -> User:
    """The user when the password is right; LoginFailed or LockedOut otherwise. Unknown and
    inactive usernames fail, and lock out, exactly as a wrong password does."""
    now = now or _now()
    name = username.strip().lower()
    user = session.scalar(select(User).where(User.username == name))
    if user is None or not user.active:
        _raise_if_locked(_decoys.locked_until(name), now)
        _hasher.hash("x" * MIN_PASSWORD)  # same work as a real check: no timing oracle
        _decoys.fail(name, now)
        raise LoginFailed("wrong username or password", key="accounts.login_failed")
    _raise_if_locked(user.locked_until, now)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        # Counted in SQL, then read back: failures of concurrent requests all add up.
        session.execute(update(User).where(User.id == user.id)
                        .values(failed_logins=User.failed_logins + 1)
                        .execution_options(synchronize_session=False))
        session.refresh(user, ["failed_logins"])
        delay = lock_delay(user.failed_logins)
        user.locked_until = now + timedelta(seconds=delay) if delay else None
        session.flush()
        raise LoginFailed("wrong username or password", key="accounts.login_failed") from None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.flush()


def visible_workspaces(session: Session, user: User) -> list[Workspace]:
    """Admins see all; trainers their memberships and their workshops' seats; others their own."""
    stmt = select(Workspace).order_by(Workspace.slug)
    if user.role == "admin":
        return list(session.scalars(stmt))
    member = select(Membership.workspace_id).where(Membership.user_id == user.id)
    ids = set(session.scalars(member))
    if user.role == "trainer":
        seats = select(Seat.workspace_id).join(Workshop).where(Workshop.trainer_id == user.id)
        ids |= set(session.scalars(seats))
    if not ids:
        return []
    return list(session.scalars(stmt.where(Workspace.id.in_(ids))))


def require_workspace_access(session: Session, user: User, slug: str) -> Workspace:
    """The workspace ``slug`` if ``user`` may see it; the same error whether or not it exists."""
    for ws in visible_workspaces(session, user):
        if ws.slug == slug:
            return ws
    raise PermissionDenied(f"no workspace '{slug}' that you may open; ask its trainer",
                           key="accounts.no_workspace", slug=slug)


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"no user '{username}'; 'python -m studio user list' shows them")
    return user


def ensure_admin(session: Session, password: str | None) -> str | None:
    """Create the first admin when there is no user; returns a generated password (else None)."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    create_user(session, "admin", password, "admin", "Admin")
    return generated


def session_expired(last_seen: datetime, now: datetime | None = None) -> bool:
    return (now or _now()) - last_seen > SESSION_IDLE
