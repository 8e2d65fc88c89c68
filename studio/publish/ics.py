"""An iCalendar (RFC 5545) feed of the workspace's planned and published posts.

Times are written in UTC (``...Z``) so every calendar app shows them in its own zone; the
workspace's zone is given as ``X-WR-TIMEZONE``. UIDs are stable per post, so a re-imported or
re-fetched feed updates events instead of duplicating them. ``studio.publish.ics_server`` serves
it at a secret subscription URL per workspace; the page and ``post ics`` offer the file.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.db.models import Workspace
from studio.publish.models import Post

FEED_STATUSES = ("scheduled", "publishing", "published", "failed", "needs_attention",
                 "pending_approval")


def _summary(post: Post) -> str:
    text = post.title or post.texts.get(post.lang, "") or next(iter(post.texts.values()), "")
    first = text.strip().splitlines()[0] if text.strip() else f"Post {post.id}"
    return first[:80]


def feed(session: Session, ws: Workspace, *, since: datetime | None = None,
         now: datetime | None = None) -> bytes:
    """The ICS bytes of posts with a time, from ``since`` (default 30 days ago)."""
    now = now or datetime.now(UTC)
    since = since or now - timedelta(days=30)
    cal = Calendar()
    cal.add("prodid", "-//OCOP Live Studio//publish//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{ws.name} – lịch đăng bài")
    cal.add("x-wr-timezone", ws.timezone or "Asia/Ho_Chi_Minh")
    rows = session.scalars(select(Post).where(
        Post.workspace_id == ws.id, Post.scheduled_at.is_not(None), Post.scheduled_at >= since,
        Post.status.in_(FEED_STATUSES)).order_by(Post.scheduled_at))
    for post in rows:
        event = Event()
        event.add("uid", f"post-{post.id}-ws{ws.id}@ocop-live-studio")
        event.add("dtstamp", now)
        event.add("dtstart", post.scheduled_at.astimezone(UTC))
        event.add("duration", timedelta(minutes=15))
        event.add("summary", _summary(post))
        channels = ", ".join(f"{t.account.name} ({t.status})" for t in post.targets)
        event.add("description", f"{post.texts.get(post.lang, '')}\n\n{channels}\n"
                                 f"status: {post.status}")
        event.add("status", "CONFIRMED" if post.status != "pending_approval" else "TENTATIVE")
        cal.add_component(event)
    return cal.to_ical()


def write_feed(session: Session, ws: Workspace, path: Path) -> Path:
    """Write the feed atomically (a calendar app polling the file never sees half of it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(feed(session, ws))
    tmp.replace(path)
    return path
