"""The five guided exercises, each marked done from real data in the participant's workspace.

A step is never a checkbox: each check queries what the participant actually made (a filled fact
sheet, approved texts without findings, a script, clips, scheduled posts).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studio.accounts.models import Seat, Workshop
from studio.catalog.factsheet import completeness
from studio.db.models import Asset, Product, Workspace

FACT_SHEET_DONE = 0.8
CLIPS_NEEDED = 3
POSTS_NEEDED = 5


@dataclass(frozen=True)
class StepState:
    done: bool
    detail: str  # what was found, in plain words (shown to the trainer)
    open_findings: int = 0


@dataclass(frozen=True)
class Exercise:
    number: int
    key: str  # i18n key prefix: workshop.ex<number>.title / .explain
    check: Callable[[Session, Workspace, datetime | None], StepState]


def _since(stmt, column, since: datetime | None):
    return stmt.where(column >= since) if since else stmt


def check_fact_sheet(session: Session, ws: Workspace, since: datetime | None) -> StepState:
    stmt = _since(select(Product).where(Product.workspace_id == ws.id), Product.updated_at, since)
    best = max((completeness(p) for p in session.scalars(stmt)), default=0.0)
    return StepState(best >= FACT_SHEET_DONE, f"{int(best * 100)} %")


def _writing():
    """The writer's models when that capability is installed, else None."""
    try:
        return importlib.import_module("studio.writing.models")
    except ModuleNotFoundError:
        return None


def check_story(session: Session, ws: Workspace, since: datetime | None) -> StepState:
    from studio.workshop import hooks

    return hooks.story_state(session, ws, since, _writing())


def check_script(session: Session, ws: Workspace, since: datetime | None) -> StepState:
    from studio.workshop import hooks

    return hooks.script_state(session, ws, since, _writing())


def check_clips(session: Session, ws: Workspace, since: datetime | None) -> StepState:
    stmt = select(func.count()).select_from(Asset).where(
        Asset.workspace_id == ws.id, Asset.kind == "clip")
    count = session.scalar(_since(stmt, Asset.created_at, since)) or 0
    return StepState(count >= CLIPS_NEEDED, f"{count}/{CLIPS_NEEDED}")


def check_week_of_posts(session: Session, ws: Workspace, since: datetime | None) -> StepState:
    try:
        from studio.publish.models import Post
    except ModuleNotFoundError:
        return StepState(False, "-")
    zone = ZoneInfo(ws.timezone or "Asia/Ho_Chi_Minh")
    stmt = select(Post.scheduled_at).where(
        Post.workspace_id == ws.id, Post.scheduled_at.is_not(None), Post.status != "draft")
    days = sorted({t.astimezone(zone).date() for t in session.scalars(
        _since(stmt, Post.created_at, since))})
    best = 0
    for i, first in enumerate(days):  # most distinct days inside any 7-day window
        best = max(best, sum(1 for d in days[i:] if d - first < timedelta(days=7)))
    return StepState(best >= POSTS_NEEDED, f"{best}/{POSTS_NEEDED}")


EXERCISES = (
    Exercise(1, "workshop.ex1", check_fact_sheet),
    Exercise(2, "workshop.ex2", check_story),
    Exercise(3, "workshop.ex3", check_script),
    Exercise(4, "workshop.ex4", check_clips),
    Exercise(5, "workshop.ex5", check_week_of_posts),
)


def seat_progress(session: Session, seat: Seat) -> dict:
    ws = session.get(Workspace, seat.workspace_id)
    states = {ex.number: ex.check(session, ws, seat.joined_at) for ex in EXERCISES}
    return {"seat": seat.id, "code": seat.code, "participant": seat.participant,
            "workspace": ws.slug, "joined": seat.joined_at is not None,
            "steps": {n: {"done": s.done, "detail": s.detail} for n, s in states.items()},
            "done": sum(s.done for s in states.values()),
            "open_findings": sum(s.open_findings for s in states.values())}


def workshop_progress(session: Session, workshop: Workshop) -> list[dict]:
    """One row per participant, one column per step (the trainer's board)."""
    return [seat_progress(session, seat) for seat in workshop.seats]


def workspace_steps(session: Session, ws: Workspace) -> list[tuple[Exercise, StepState]]:
    """The exercises' states for one workspace (counting only work since its seat was taken)."""
    seat = session.scalar(select(Seat).where(Seat.workspace_id == ws.id))
    since = seat.joined_at if seat is not None else None
    return [(ex, ex.check(session, ws, since)) for ex in EXERCISES]
