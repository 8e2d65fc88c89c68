"""The job queue (Huey): SqliteHuey in the data dir by default, RedisHuey with
``STUDIO_QUEUE_URL=redis://...`` so consumers on several machines share one Redis and one
PostgreSQL. ``STUDIO_QUEUE_NAME`` (default ``studio``) separates studios sharing a Redis.

Tasks: ``publish_batch`` (a list of one account's target ids, see
:mod:`studio.publish.scheduler`), ``publish`` (one target id), ``sweep``, ``refresh_token`` and
``run_job`` (a long media job with progress and cancel, see :mod:`studio.publish.jobs`). The
database is the source of truth: a task only carries ids, so a lost or duplicated task is
harmless (the sweep re-enqueues after a while, the reservation and the claim skip duplicates).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey

from studio.config import get_settings
from studio.errors import ConfigError

log = logging.getLogger(__name__)
_queues: dict[tuple, Queue] = {}
_lock = threading.Lock()


def make_huey(url: str | None, name: str, data_dir: Path) -> Huey:
    """The Huey for a queue URL: empty → SQLite file, redis:// → Redis, memory:// → memory."""
    if not url:
        data_dir.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(data_dir / "queue.db"), results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url.startswith("memory://"):
        return MemoryHuey(name, results=False)
    raise ConfigError(f"STUDIO_QUEUE_URL {url!r} is not supported: leave it empty (SQLite in the "
                      "data dir) or use redis://host:6379/0")


@dataclass
class Queue:
    huey: Huey

    def __post_init__(self) -> None:
        task = self.huey.task
        self.publish = task(name="publish")(_publish)
        self.publish_batch = task(name="publish_batch")(_publish_batch)
        self.sweep = task(name="sweep")(_sweep_task)
        self.refresh_token = task(name="refresh_token")(_refresh)
        self.run_job = task(name="run_job")(_run_job)

    def sweep_now(self) -> dict:
        """Run one sweep here (sweeps may overlap: each due target is handed out once)."""
        return run_sweep(self)

    def pending(self) -> int:
        return self.huey.pending_count()

    def drain(self, deadline: float) -> int:
        """Execute queued tasks in this thread until the queue is empty; returns the count."""
        done = 0
        while time.monotonic() < deadline:
            task = self.huey.dequeue()
            if task is None:
                break
            self.huey.execute(task)
            done += 1
        return done


def get_queue() -> Queue:
    """The queue of the current settings (one per URL, name and data dir per process)."""
    settings = get_settings()
    name = os.environ.get("STUDIO_QUEUE_NAME", "studio")
    key = (settings.queue_url or "", name, str(settings.data_dir.resolve()))
    with _lock:
        if key not in _queues:
            _queues[key] = Queue(make_huey(settings.queue_url, name, settings.data_dir))
        return _queues[key]


def run_sweep(queue: Queue) -> dict:
    from studio.publish.scheduler import sweep

    return sweep(enqueue_batch=queue.publish_batch, refresh=queue.refresh_token)


def _publish(target_id: int) -> str:
    from studio.publish.scheduler import publish_target

    return publish_target(target_id).result


def _publish_batch(target_ids: list[int]) -> dict[str, int]:
    from collections import Counter

    from studio.publish.scheduler import publish_batch

    return dict(Counter(o.result for o in publish_batch(target_ids)))


def _sweep_task() -> None:
    get_queue().sweep_now()


def _refresh(account_id: int) -> None:
    from studio.publish.channels.base import ChannelError
    from studio.publish.tokens import refresh_account

    try:
        refresh_account(account_id)
    except ChannelError as exc:  # recorded on the account; the next sweep tries again
        log.warning("token refresh of account %s: %s", account_id, exc)


def _run_job(job_id: int) -> None:
    from studio.publish.jobs import run_job

    run_job(job_id)
