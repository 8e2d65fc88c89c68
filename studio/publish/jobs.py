"""Long jobs on the queue: any plain ``studio`` function with ``on_progress``/``should_cancel``.

``submit_job(session, "studio.video.render:render_clip", kind="render", clip_id=3)`` records a
job row and enqueues it; a consumer calls the function with ``on_progress(fraction, message="")``
and ``should_cancel() -> bool`` callbacks that read and write that row, so the UI can show the
progress and ask for a cancel. A function that returns early after ``should_cancel()`` ends the
job as ``cancelled``.
"""

from __future__ import annotations

import importlib
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from studio.db.session import get_engine, session_scope
from studio.errors import ConfigError, NotFound, StudioError
from studio.publish.models import Job

log = logging.getLogger(__name__)
WRITE_EVERY_S = 0.5
CANCEL_CHECK_EVERY_S = 0.5


def resolve(func: str) -> Callable:
    """``module:function`` inside the studio package."""
    module_name, _, attr = func.partition(":")
    if not module_name.startswith("studio.") or not attr:
        raise ConfigError(f"job function {func!r} must be 'studio.<module>:<function>'")
    try:
        target = getattr(importlib.import_module(module_name), attr)
    except (ModuleNotFoundError, AttributeError):
        raise ConfigError(f"job function {func!r} does not exist; check the name") from None
    if not callable(target):
        raise ConfigError(f"{func!r} is not a function")
    return target


def submit_job(session: Session, func: str, *, kind: str = "", workspace_id: int | None = None,
               enqueue: bool = True, **params) -> Job:
    """Record a job and put it on the queue (the row commits with the caller's session)."""
    resolve(func)
    try:
        json.dumps(params)
    except TypeError as exc:
        raise ConfigError(f"job parameters must be plain JSON values ({exc})") from None
    job = Job(workspace_id=workspace_id, kind=kind or func.rsplit(":", 1)[-1], func=func,
              params=params, status="queued")
    session.add(job)
    session.flush()
    if enqueue:
        from studio.publish.queue import get_queue

        job_id = job.id
        session.commit()  # the consumer must see the row
        get_queue().run_job(job_id)
    return job


def cancel_job(session: Session, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    if job.status == "queued":
        job.status, job.finished_at = "cancelled", datetime.now(UTC)
    elif job.status == "running":
        job.cancel_requested = True
    session.flush()
    return job


def list_jobs(session: Session, workspace_id: int | None = None, limit: int = 50) -> list[Job]:
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if workspace_id is not None:
        query = query.where(Job.workspace_id == workspace_id)
    return list(session.scalars(query))


class _Reporter:
    def __init__(self, engine, job_id: int) -> None:
        self.engine, self.job_id = engine, job_id
        self.last_write = self.last_check = 0.0
        self.cancelled = False

    def _set(self, **values) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == self.job_id).values(**values))

    def on_progress(self, *args, **kwargs) -> None:
        fraction = args[0] if args else kwargs.get("fraction", 0.0)
        message = args[1] if len(args) > 1 else kwargs.get("message", "")
        now = time.monotonic()
        if now - self.last_write >= WRITE_EVERY_S or float(fraction) >= 1.0:
            self.last_write = now
            self._set(progress=max(0.0, min(1.0, float(fraction))), message=str(message)[:500])

    def should_cancel(self) -> bool:
        now = time.monotonic()
        if not self.cancelled and now - self.last_check >= CANCEL_CHECK_EVERY_S:
            self.last_check = now
            with self.engine.connect() as conn:
                self.cancelled = bool(conn.scalar(select(Job.cancel_requested).where(
                    Job.id == self.job_id)))
        return self.cancelled


def run_job(job_id: int, engine=None) -> str:
    """Run one queued job to its end; returns the final status."""
    engine = engine or get_engine()
    reporter = _Reporter(engine, job_id)
    with engine.begin() as conn:
        started = conn.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
                               .values(status="running", started_at=datetime.now(UTC)))
        if started.rowcount != 1:
            return "skipped"
    with session_scope(engine) as session:
        job = session.get(Job, job_id)
        func, params = job.func, dict(job.params or {})
    try:
        value = resolve(func)(**params, on_progress=reporter.on_progress,
                              should_cancel=reporter.should_cancel)
    except StudioError as exc:
        reporter._set(status="failed", error=str(exc), finished_at=datetime.now(UTC))
        return "failed"
    except Exception as exc:
        log.exception("job %s (%s) crashed", job_id, func)
        reporter._set(status="failed", error=f"unexpected error: {exc!r}",
                      finished_at=datetime.now(UTC))
        return "failed"
    reporter.cancelled = False
    reporter.last_check = 0.0
    status = "cancelled" if reporter.should_cancel() else "done"
    result = value if isinstance(value, dict) else {"value": value}
    try:
        json.dumps(result)
    except TypeError:
        result = {"value": repr(value)}
    reporter._set(status=status, result=result, finished_at=datetime.now(UTC),
                  progress=1.0 if status == "done" else reporter_progress(engine, job_id))
    return status


def reporter_progress(engine, job_id: int) -> float:
    with engine.connect() as conn:
        return float(conn.scalar(select(Job.progress).where(Job.id == job_id)) or 0.0)
