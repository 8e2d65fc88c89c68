"""Workshops: seats with single-use, expiring join codes; joining opens a seeded workspace."""

from __future__ import annotations

import secrets
import socket
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from studio.accounts.auth import MIN_PASSWORD, create_user, hash_password
from studio.accounts.models import Seat, User, Workshop
from studio.catalog.service import ensure_workspace, save_producer
from studio.db.models import Workspace
from studio.errors import NotFound, StudioError

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
CODE_LENGTH = 8
MAX_SEATS = 60
DEFAULT_TTL = timedelta(days=2)
PACKS = ("demo", "empty")
MAX_NAME = 120  # users.display_name and workshop_seats.participant


class JoinRefused(StudioError):
    """The code is unknown, used or expired."""


def _now() -> datetime:
    return datetime.now(UTC)


def new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Seat.id).where(Seat.code == code)) is None:
            return code


def normalise_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def create_workshop(session: Session, name: str, seats: int | None = None,
                    participants: list[str] | None = None, trainer: User | None = None,
                    held_on: date | None = None, ttl: timedelta = DEFAULT_TTL) -> Workshop:
    """A workshop with one seat (workspace + join code) per place or named participant."""
    name = name.strip()
    if not name:
        raise StudioError("give the workshop a name", key="workshop.name_required")
    if len(name) > 200:  # workshops.name
        raise StudioError(f"the workshop name is {len(name)} characters long; write at most 200",
                          key="workshop.name_long", max=200)
    names = [p.strip() for p in (participants or []) if p.strip()]
    long = [n for n in names if len(n) > MAX_NAME]
    if long:
        raise StudioError(f"the name '{long[0][:40]}…' is {len(long[0])} characters long; write "
                          f"at most {MAX_NAME}", key="workshop.name_long", max=MAX_NAME)
    count = len(names) if names else (seats or 0)
    if not 1 <= count <= MAX_SEATS:
        raise StudioError(f"a workshop has 1 to {MAX_SEATS} seats (asked: {count})",
                          key="workshop.seats_range", max=MAX_SEATS, count=count)
    workshop = Workshop(name=name, held_on=held_on or date.today(),
                        trainer_id=trainer.id if trainer else None, settings={})
    session.add(workshop)
    session.flush()
    expires = _now() + ttl
    for index in range(count):
        code = new_code(session)
        ws = ensure_workspace(session, f"ws{workshop.id}-{index + 1:02d}",
                              _space_name(name, names[index] if names else f"#{index + 1}"))
        session.add(Seat(workshop_id=workshop.id, workspace_id=ws.id, code=code,
                         expires_at=expires, participant=names[index] if names else ""))
    session.flush()
    return workshop


def get_workshop(session: Session, workshop_id: int, user: User | None = None) -> Workshop:
    """Workshop ``workshop_id``; with ``user``, only one that user runs (admins: any)."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None or (user is not None and workshop not in visible_workshops(session, user)):
        raise NotFound(f"no workshop {workshop_id}; 'python -m studio workshop list' shows them")
    return workshop


def visible_workshops(session: Session, user: User) -> list[Workshop]:
    """Admins see every workshop; trainers the ones they run; other roles none."""
    stmt = select(Workshop).order_by(Workshop.id.desc())
    if user.role == "admin":
        return list(session.scalars(stmt))
    if user.role != "trainer":
        return []
    return list(session.scalars(stmt.where(Workshop.trainer_id == user.id)))


def join(session: Session, code: str, participant: str, password: str,
         pack: str = "demo", now: datetime | None = None) -> tuple[User, Workspace]:
    """Use a join code once: create the participant's user and seed their workspace."""
    now = now or _now()
    if pack not in PACKS:
        raise StudioError(f"unknown pack '{pack}'; use demo or empty")
    participant = participant.strip()
    if not participant:
        raise StudioError("write your name", key="workshop.name_required")
    if len(participant) > MAX_NAME:
        raise StudioError(f"the name is {len(participant)} characters long; write at most "
                          f"{MAX_NAME}", key="workshop.name_long", max=MAX_NAME)
    seat = session.scalar(select(Seat).where(Seat.code == normalise_code(code)))
    if seat is None:
        raise JoinRefused("this join code does not exist; check it with the trainer",
                          key="workshop.code_unknown")
    if seat.joined_at is not None:
        raise JoinRefused("this join code was already used; ask the trainer for a new one",
                          key="workshop.code_used")
    if seat.expires_at < now:
        raise JoinRefused("this join code has expired; ask the trainer for a new one",
                          key="workshop.code_expired")
    if len(password) < MIN_PASSWORD:
        hash_password(password)  # raises "too short" before the seat is taken
    # Take the seat only if nobody took it since it was read: one code, one participant.
    taken = session.execute(update(Seat).where(Seat.id == seat.id, Seat.joined_at.is_(None))
                            .values(participant=participant, joined_at=now)
                            .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise JoinRefused("this join code was already used; ask the trainer for a new one",
                          key="workshop.code_used")
    session.refresh(seat)
    ws = session.get(Workspace, seat.workspace_id)
    username = _free_username(session, participant, seat)
    user = create_user(session, username, password, "producer", participant, [ws])
    seat.user_id = user.id
    ws.name = _space_name(seat.workshop.name, participant)
    if pack == "demo":
        from studio.demo import seed_workspace

        seed_workspace(session, ws)
    else:
        save_producer(session, ws, {"name": participant, "kind": "household"})
    session.flush()
    return user, ws


def _free_username(session: Session, participant: str, seat: Seat) -> str:
    from studio.catalog.schema import slugify

    base = slugify(participant).replace("-", ".")[:40]
    if len(base) < 2:  # "Ý", "Y" or a name of emoji: a username needs two characters
        base = f"hocvien.{base}" if base else "hocvien"
    name, n = base, 2
    while session.scalar(select(User.id).where(User.username == name)) is not None:
        name, n = f"{base}{n}", n + 1
    return name


def _space_name(workshop: str, participant: str) -> str:
    """A seat's workspace name, cut to fit the column (200 characters)."""
    return f"{workshop} · {participant}"[:200]


def lan_address() -> str:
    """This machine's LAN IPv4 address when it has one (for join links), else 127.0.0.1."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return "127.0.0.1"
    for info in infos:
        addr = info[4][0]
        if not addr.startswith("127."):
            return addr
    return "127.0.0.1"


def join_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/join?code={code}"
