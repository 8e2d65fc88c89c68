"""Queue slots: recurring posting times per channel account, in the workspace's local time.

Slots are wall-clock times in the workspace's IANA zone (default Asia/Ho_Chi_Minh), expanded day
by day with zoneinfo, so a 19:30 slot in Europe/Paris stays 19:30 local across DST (its UTC time
moves) instead of drifting as an integer offset would.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.db.models import Workspace
from studio.errors import ConfigError
from studio.publish.models import ChannelAccount, Post, PostTarget, QueueSlot

#: Vietnamese social peaks: lunch break and evening (after dinner, livestream hours).
DEFAULT_TIMES = ("11:30", "19:30", "21:00")
HORIZON_DAYS = 60


def zone(ws: Workspace) -> ZoneInfo:
    try:
        return ZoneInfo(ws.timezone or "Asia/Ho_Chi_Minh")
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"workspace time zone {ws.timezone!r} is unknown; use an IANA name "
                          "such as Asia/Ho_Chi_Minh") from None


def parse_hhmm(value: str) -> int:
    """Minutes after midnight of ``HH:MM``."""
    try:
        hours, minutes = (int(p) for p in value.strip().split(":"))
    except ValueError:
        raise ConfigError(f"time {value!r} is not HH:MM (e.g. 19:30)") from None
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ConfigError(f"time {value!r} is out of range: use 00:00 to 23:59")
    return hours * 60 + minutes


def ensure_default_slots(session: Session, account: ChannelAccount) -> None:
    """Give an account without slots the default peak-hour slots, every day."""
    if session.scalar(select(QueueSlot.id).where(QueueSlot.account_id == account.id)):
        return
    for weekday in range(7):
        for hhmm in DEFAULT_TIMES:
            session.add(QueueSlot(workspace_id=account.workspace_id, account_id=account.id,
                                  weekday=weekday, minute_of_day=parse_hhmm(hhmm)))
    session.flush()


def set_slots(session: Session, account: ChannelAccount, weekdays: list[int],
              times: list[str]) -> list[QueueSlot]:
    """Replace the account's slots by ``times`` on each of ``weekdays`` (0 = Monday)."""
    minutes = sorted({parse_hhmm(t) for t in times})
    if not minutes or not weekdays:
        raise ConfigError("choose at least one weekday and one time for the queue")
    if any(d not in range(7) for d in weekdays):
        raise ConfigError("weekdays are 0 (Monday) to 6 (Sunday)")
    for slot in session.scalars(select(QueueSlot).where(QueueSlot.account_id == account.id)):
        session.delete(slot)
    session.flush()
    slots = [QueueSlot(workspace_id=account.workspace_id, account_id=account.id, weekday=d,
                       minute_of_day=m) for d in sorted(set(weekdays)) for m in minutes]
    session.add_all(slots)
    session.flush()
    return slots


def local_to_utc(day: date, minute_of_day: int, tz: ZoneInfo) -> datetime:
    """UTC instant of a local wall-clock time (a time skipped by DST moves forward)."""
    local = datetime(day.year, day.month, day.day, minute_of_day // 60, minute_of_day % 60,
                     tzinfo=tz)
    # PEP 495: fold=0 in a spring-forward gap uses the offset before the gap, which lands the
    # same distance after it (02:30 → 03:30); in the autumn overlap it is the first 01:30.
    return local.astimezone(UTC)


def upcoming(session: Session, ws: Workspace, account: ChannelAccount, after: datetime,
             days: int = HORIZON_DAYS) -> list[datetime]:
    """The account's slot instants (UTC) after ``after``, in order."""
    tz = zone(ws)
    slots = session.execute(select(QueueSlot.weekday, QueueSlot.minute_of_day).where(
        QueueSlot.account_id == account.id, QueueSlot.enabled.is_(True))).all()
    start = after.astimezone(tz).date()
    found = []
    for offset in range(days + 1):
        day = start + timedelta(days=offset)
        for weekday, minute in slots:
            if weekday == day.weekday():
                instant = local_to_utc(day, minute, tz)
                if instant > after:
                    found.append(instant)
    return sorted(found)


def next_free_slot(session: Session, ws: Workspace, account: ChannelAccount,
                   after: datetime | None = None, taken: set[datetime] | None = None) -> datetime:
    """The first slot of ``account`` after ``after`` with no post of that account on it."""
    after = after or datetime.now(UTC)
    busy = set(session.scalars(select(Post.scheduled_at).join(PostTarget).where(
        PostTarget.account_id == account.id, Post.scheduled_at > after,
        PostTarget.status != "cancelled")))
    busy |= taken or set()
    for instant in upcoming(session, ws, account, after):
        if instant not in busy:
            return instant
    raise ConfigError(f"'{account.name}' has no free queue slot in the next {HORIZON_DAYS} days;"
                      " add slots on the calendar page")
