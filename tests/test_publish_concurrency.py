"""Many posts, several consumers (threads and `python -m studio worker` processes), kill -9:
no post is published twice and none is lost. SQLite and PostgreSQL; SQLite and Redis queues."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from studio.db.session import session_scope
from studio.publish import posts, scheduler
from studio.publish.accounts import add_account
from studio.publish.models import PostTarget
from studio.publish.queue import make_huey
from tests.conftest import require
from tests.fakes.webhook_receiver import Receiver

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def _posts(engine, ws_slug, account_options, count, at):
    from studio.catalog.service import ensure_workspace

    with session_scope(engine) as session:
        ws = ensure_workspace(session, ws_slug, "Test")
        account = add_account(session, ws, "webhook", f"Hook-{uuid.uuid4().hex[:6]}",
                              account_options)
        for i in range(count):
            post = posts.create_post(session, ws, texts={"vi": f"Bài {i}"}, accounts=[account],
                                     scheduled_at=at)
            posts.schedule(session, post)
    with session_scope(engine) as session:
        return dict(session.execute(select(PostTarget.id, PostTarget.idempotency_key)).all())


def _counts(engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return dict(session.execute(select(PostTarget.status, func.count())
                                    .group_by(PostTarget.status)).all())


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def test_racing_threads_with_duplicate_tasks(engine, receiver):
    now = datetime.now(UTC)
    keys = _posts(engine, "test", {"url": receiver.url + "/hook", "secret": receiver.secret},
                  40, now)
    huey = make_huey("memory://", f"t-{uuid.uuid4().hex}", Path("."))
    for target_id in list(keys) * 2:  # every task enqueued twice
        huey.storage.enqueue(str(target_id).encode())
    results: list[str] = []

    def consume() -> None:
        while (raw := huey.storage.dequeue()) is not None:
            results.append(scheduler.publish_target(int(raw), engine=engine).result)

    threads = [threading.Thread(target=consume) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results.count("published") == 40 and results.count("skipped") == 40
    assert set(receiver.deliveries) == set(keys.values()) and not receiver.duplicates()
    assert _counts(engine) == {"published": 40}


def _queue_env(kind: str) -> dict:
    env = os.environ.copy()
    env["STUDIO_QUEUE_NAME"] = f"t-{uuid.uuid4().hex[:10]}"
    # A killed consumer's unsent batch is handed out again after this hold (default 60 s).
    env["STUDIO_PUBLISH_RESERVE_S"] = "3"
    if kind == "redis":
        require(bool(REDIS_URL), "the Redis queue tests need TEST_REDIS_URL "
                "(e.g. redis://127.0.0.1:6379/0)")
        try:
            import redis

            redis.Redis.from_url(REDIS_URL).ping()
        except Exception as exc:  # server down
            require(False, f"Redis at TEST_REDIS_URL is not reachable ({exc})")
        env["STUDIO_QUEUE_URL"] = REDIS_URL
    return env


def _start_workers(env: dict, count: int) -> list[subprocess.Popen]:
    cmd = [sys.executable, "-m", "studio", "worker", "--workers", "2", "--sweep-interval", "0.3"]
    return [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE) for _ in range(count)]


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _flush(env: dict) -> None:
    if env.get("STUDIO_QUEUE_URL"):
        make_huey(env["STUDIO_QUEUE_URL"], env["STUDIO_QUEUE_NAME"], Path(".")).flush()


@pytest.mark.slow
@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_worker_processes_publish_each_post_once(engine, receiver, queue):
    env = _queue_env(queue)
    keys = _posts(engine, "test", {"url": receiver.url + "/hook", "secret": receiver.secret},
                  60, datetime.now(UTC))
    procs = _start_workers(env, 3)
    try:
        done = _wait(lambda: _counts(engine).get("published") == 60, 90)
    finally:
        _stop(procs)
        _flush(env)
    errors = b"".join(p.stderr.read() for p in procs)
    assert done, f"not all published: {_counts(engine)}; worker stderr: {errors[-2000:]!r}"
    assert set(receiver.deliveries) == set(keys.values()) and not receiver.duplicates()


@pytest.mark.slow
@pytest.mark.parametrize("lookup", [True, False], ids=["with-lookup", "no-lookup"])
@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_kill_9_mid_publish_never_duplicates(engine, receiver, queue, lookup):
    env = _queue_env(queue)
    receiver.delay_s = 0.4  # each delivery is received, then answered late
    options = {"url": receiver.url + "/hook", "secret": receiver.secret}
    if lookup:
        options["status_url"] = receiver.url + "/status"
    keys = _posts(engine, "test", options, 30, datetime.now(UTC))
    # The victim runs alone first, so when it is killed its threads hold claims in flight.
    (victim,) = _start_workers(env, 1)
    others: list[subprocess.Popen] = []
    try:
        assert _wait(lambda: len(receiver.deliveries) >= 3, 60), "the worker did not start"
        victim.send_signal(signal.SIGKILL)  # mid-request: each answer takes 0.4 s
        victim.wait(10)
        others = _start_workers(env, 1)
        # A task the victim dequeued but never claimed stays scheduled until the requeue
        # delay; the late sweep below hands it out again, so this wait is not asserted.
        _wait(lambda: _counts(engine).get("scheduled", 0) == 0, 60)
        time.sleep(1.0)  # the survivor finishes what it holds
    finally:
        _stop(others)
        _flush(env)
    stuck = _counts(engine).get("publishing", 0)
    assert stuck >= 1, "the killed consumer held no claim: the test did not kill mid-publish"
    # After the lease runs out, a sweep settles the stuck targets.
    later = datetime.now(UTC) + timedelta(seconds=scheduler.LEASE_S + 5)
    retried: list[int] = []
    scheduler.sweep(retried.append, engine=engine, now=later)
    for target_id in retried:
        scheduler.publish_target(target_id, engine=engine, now=later)
    counts = _counts(engine)
    assert not receiver.duplicates(), receiver.duplicates()
    if lookup:
        assert counts == {"published": 30}
        assert set(receiver.deliveries) == set(keys.values())
    else:
        assert counts.get("published", 0) + counts.get("needs_attention", 0) == 30
        assert counts.get("needs_attention", 0) == stuck
