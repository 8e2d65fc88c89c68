"""The batch path of publishing: one reservation per batch, one claim per target right before it
is sent, one transaction recording the batch. Mixed outcomes in one batch, duplicate and
overlapping batches, a dead reservation, kill -9 in the middle of a batch, accounts deleted and
posts unscheduled mid-batch, a slow channel handing targets back, a revoked secret, and sweeps
that cut due targets into per-account batches. SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from studio.db.session import session_scope
from studio.publish import posts, scheduler
from studio.publish.accounts import add_account
from studio.publish.models import ChannelAccount, Post, PostTarget, PublishAudit
from tests.fakes.webhook_receiver import Receiver

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def _hook(session, ws, receiver, name="Hook", **extra):
    options = {"url": receiver.url + "/hook", "secret": receiver.secret, **extra}
    return add_account(session, ws, "webhook", name, options)


def _targets(session, ws, account, count, at=T0) -> list[int]:
    ids = []
    for i in range(count):
        post = posts.create_post(session, ws, texts={"vi": f"Bài {i}"}, accounts=[account],
                                 scheduled_at=at)
        posts.schedule(session, post)
        session.flush()
        ids.append(post.targets[0].id)
    session.commit()
    return ids


def _rows(engine, ids) -> dict[int, object]:
    with session_scope(engine) as s:
        return {r.id: r for r in s.execute(select(
            PostTarget.id, PostTarget.status, PostTarget.attempts, PostTarget.claim_token,
            PostTarget.lease_until, PostTarget.enqueued_at, PostTarget.due_at,
            PostTarget.idempotency_key, PostTarget.post_id, PostTarget.last_error)
            .where(PostTarget.id.in_(ids))).all()}


def _results(outcomes) -> dict[int, str]:
    return {o.target_id: o.result for o in outcomes}


def test_one_batch_records_every_kind_of_outcome(engine, session, ws, receiver):
    account = _hook(session, ws, receiver, timeout_s="0.5")  # no status_url: no lookup
    ids = _targets(session, ws, account, 5)
    # In id order: delivered; 429 (Retry-After under the 60 s backoff); rejected; received but
    # answered too late (unknown outcome); 500.
    receiver.script = ["ok", "429:7", "400", "slow:2", "500"]
    outcomes = scheduler.publish_batch(ids, engine=engine, now=T0)
    assert [_results(outcomes)[i] for i in ids] == [
        "published", "retry", "failed", "needs_attention", "retry"]
    rows = _rows(engine, ids)
    assert [rows[i].status for i in ids] == [
        "published", "scheduled", "failed", "needs_attention", "scheduled"]
    assert all(rows[i].attempts == 1 and rows[i].lease_until is None for i in ids)
    assert rows[ids[1]].due_at == rows[ids[4]].due_at == T0 + timedelta(seconds=60)
    assert "text too long" in rows[ids[2]].last_error
    # The post roll-up follows each target.
    statuses = dict(session.execute(select(Post.id, Post.status)).all())
    assert [statuses[rows[i].post_id] for i in ids] == [
        "published", "scheduled", "failed", "needs_attention", "scheduled"]
    # One audit row per attempt and one per HTTP exchange, for every target of the batch.
    audit = session.execute(select(PublishAudit.target_id, PublishAudit.step,
                                   PublishAudit.outcome, PublishAudit.response_status,
                                   PublishAudit.attempt)).all()
    publish = {a.target_id: (a.outcome, a.response_status) for a in audit if a.step == "publish"}
    assert [publish[i] for i in ids] == [("published", 200), ("retry", 429), ("failed", 400),
                                         ("needs_attention", None), ("retry", 500)]
    assert Counter(a.target_id for a in audit if a.step == "http") == Counter(ids)
    assert all(a.attempt == 1 for a in audit)
    keys = [rows[i].idempotency_key for i in ids]
    assert receiver.deliveries == Counter({keys[0]: 1, keys[3]: 1})
    # Only the two retries come back, when due; the unknown outcome is never retried blindly.
    got: list[int] = []
    scheduler.sweep(got.append, engine=engine, now=T0 + timedelta(hours=2))
    assert sorted(got) == sorted([ids[1], ids[4]])


def test_unknown_outcome_in_a_batch_settled_by_lookup(engine, session, ws, receiver):
    account = _hook(session, ws, receiver, timeout_s="0.5",
                    status_url=receiver.url + "/status")
    ids = _targets(session, ws, account, 3)
    receiver.script = ["slow:2", "ok", "ok"]
    outcomes = scheduler.publish_batch(ids, engine=engine, now=T0)
    assert set(_results(outcomes).values()) == {"published"}
    assert {r.status for r in _rows(engine, ids).values()} == {"published"}
    assert len(receiver.deliveries) == 3 and not receiver.duplicates()


def test_duplicate_and_overlapping_batches_publish_each_target_once(engine, session, ws,
                                                                      receiver):
    ids = _targets(session, ws, _hook(session, ws, receiver), 24)
    batches = [ids, ids, ids[6:18], ids[6:18], ids[::2]]
    outcomes: list = []
    errors: list = []

    def run(batch):
        try:
            outcomes.extend(scheduler.publish_batch(batch, engine=engine, now=T0))
        except Exception as exc:  # surfaced below: a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    published = [o.target_id for o in outcomes if o.result == "published"]
    assert sorted(published) == ids  # each exactly once, whichever batch got it
    assert {o.result for o in outcomes} <= {"published", "skipped"}
    assert len(receiver.deliveries) == 24 and not receiver.duplicates()
    assert {r.status for r in _rows(engine, ids).values()} == {"published"}
    # The same batch enqueued again later: everything skipped, nothing sent.
    again = scheduler.publish_batch(ids, engine=engine, now=T0 + timedelta(minutes=5))
    assert {o.result for o in again} == {"skipped"} and len(again) == 24
    assert sum(receiver.deliveries.values()) == 24


def test_reservation_of_a_dead_consumer_runs_out_without_loss(engine, session, ws, receiver):
    ids = _targets(session, ws, _hook(session, ws, receiver), 4)
    got: list[int] = []
    scheduler.sweep(got.append, engine=engine, now=T0)
    assert got == ids
    token, held = scheduler.reserve(engine, ids, now=T0)  # ... and that consumer dies
    assert held == ids
    # Held targets are neither sent by another batch nor handed out by the sweep meanwhile.
    assert {o.result for o in scheduler.publish_batch(
        ids, engine=engine, now=T0 + timedelta(seconds=10))} == {"skipped"}
    got.clear()
    scheduler.sweep(got.append, engine=engine, now=T0 + timedelta(seconds=30))
    assert got == [] and not receiver.deliveries
    rows = _rows(engine, ids)
    assert all(r.status == "scheduled" and r.attempts == 0 and r.claim_token == token
               for r in rows.values())
    # Once the reservation has run out the next sweep hands them out (no need to wait for the
    # requeue delay of a lost task) and they publish once.
    later = T0 + timedelta(seconds=scheduler.RESERVE_S + 1)
    assert scheduler.RESERVE_S + 1 < scheduler.REQUEUE_S
    scheduler.sweep(got.append, engine=engine, now=later)
    assert sorted(got) == ids
    assert {o.result for o in scheduler.publish_batch(got, engine=engine, now=later)} == {
        "published"}
    assert all(r.attempts == 1 for r in _rows(engine, ids).values())
    assert len(receiver.deliveries) == 4 and not receiver.duplicates()


def test_account_deleted_and_post_unscheduled_mid_batch(engine, session, ws, receiver,
                                                        monkeypatch):
    kept, gone = _hook(session, ws, receiver, "Kept"), _hook(session, ws, receiver, "Gone")
    ids = _targets(session, ws, kept, 3) + _targets(session, ws, gone, 2)
    rows = _rows(engine, ids)
    stopped_post = rows[ids[1]].post_id
    load = scheduler._load

    def load_then_change(engine_, target_ids):
        loaded = load(engine_, target_ids)
        # After the batch reserved and loaded its targets, a person deletes one account and
        # unschedules one post.
        with session_scope(engine) as s:
            s.execute(delete(ChannelAccount).where(ChannelAccount.id == gone.id))
            posts.unschedule(s, s.get(Post, stopped_post))
        return loaded

    monkeypatch.setattr(scheduler, "_load", load_then_change)
    results = _results(scheduler.publish_batch(ids, engine=engine, now=T0))
    assert [results[i] for i in ids] == ["published", "skipped", "published", "skipped",
                                         "skipped"]
    after = _rows(engine, ids)
    assert set(after) == {ids[0], ids[1], ids[2]}  # the deleted account's targets are gone
    assert after[ids[1]].status == "draft" and after[ids[1]].lease_until is None
    assert after[ids[1]].attempts == 0
    assert set(receiver.deliveries) == {rows[ids[0]].idempotency_key,
                                        rows[ids[2]].idempotency_key}


def test_slow_channel_hands_unsent_targets_back(engine, session, ws, receiver, monkeypatch):
    ids = _targets(session, ws, _hook(session, ws, receiver), 6,
                   at=datetime.now(UTC) - timedelta(minutes=1))
    monkeypatch.setattr(scheduler, "RESERVE_S", 1.0)  # half of it to start sends
    receiver.delay_s = 0.4
    results = _results(scheduler.publish_batch(ids, engine=engine))
    released = [i for i in ids if results[i] == "released"]
    published = [i for i in ids if results[i] == "published"]
    assert released and published and len(released) + len(published) == 6
    assert published == ids[:len(published)]  # in order, and the rest handed back
    rows = _rows(engine, ids)
    keys = {rows[i].idempotency_key for i in released}
    assert not keys & set(receiver.deliveries)
    assert all(rows[i].status == "scheduled" and rows[i].attempts == 0 and
               rows[i].lease_until is None and rows[i].enqueued_at is None for i in released)
    got: list[int] = []
    scheduler.sweep(got.append, engine=engine)  # handed out again at once
    assert sorted(got) == released


def test_revoked_secret_stops_the_rest_of_the_batch_without_sending(engine, session, ws,
                                                                    receiver):
    account = add_account(session, ws, "webhook", "Wrong",
                          {"url": receiver.url + "/hook", "secret": "not-the-secret"})
    ids = _targets(session, ws, account, 3)
    results = _results(scheduler.publish_batch(ids, engine=engine, now=T0))
    assert set(results.values()) == {"failed"}
    assert receiver.rejected == 1 and not receiver.deliveries  # one 401, then no more tries
    assert all("reconnect" in r.last_error for r in _rows(engine, ids).values())
    session.expire_all()
    assert session.get(ChannelAccount, account.id).status == "needs_reauth"


def test_sweep_cuts_due_targets_into_per_account_batches(engine, session, ws, receiver,
                                                          tmp_path, monkeypatch):
    big, small = _hook(session, ws, receiver, "Big"), _hook(session, ws, receiver, "Small")
    export = add_account(session, ws, "export", "Folder", {"folder": str(tmp_path)})
    by_account = {big.id: _targets(session, ws, big, 30), small.id: _targets(session, ws, small, 2),
                  export.id: _targets(session, ws, export, 3)}
    monkeypatch.setitem(scheduler.BATCH_SIZES, "export", 1)  # as a slow channel would be
    batches: list[list[int]] = []
    found = scheduler.sweep(enqueue_batch=batches.append, engine=engine, now=T0)
    assert found["enqueued"] == 35
    owner = {t: a for a, ts in by_account.items() for t in ts}
    assert all(len({owner[t] for t in b}) == 1 for b in batches)  # one account per batch
    assert sorted(len(b) for b in batches) == [1, 1, 1, 2, 5, 25]
    assert sorted(t for b in batches for t in b) == sorted(owner)
    scheduler.sweep(enqueue_batch=batches.append, engine=engine, now=T0)
    assert len(batches) == 6  # nothing handed out twice


def test_racing_sweeps_hand_each_target_out_once(engine, session, ws, receiver):
    ids = _targets(session, ws, _hook(session, ws, receiver), 120)
    got: list[list[int]] = []
    errors: list = []

    def run():
        try:
            scheduler.sweep(enqueue_batch=got.append, engine=engine, now=T0)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sorted(t for b in got for t in b) == ids


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.slow
@pytest.mark.parametrize("lookup", [True, False], ids=["with-lookup", "no-lookup"])
def test_kill_9_in_the_middle_of_a_batch(engine, session, ws, receiver, lookup):
    extra = {"status_url": receiver.url + "/status"} if lookup else {}
    ids = _targets(session, ws, _hook(session, ws, receiver, **extra), 12,
                   at=datetime.now(UTC) - timedelta(minutes=1))
    receiver.delay_s = 0.3  # each delivery is received, then answered late
    code = ("import sys\nfrom studio.publish.scheduler import publish_batch\n"
            "publish_batch([int(a) for a in sys.argv[1:]])\n")
    proc = subprocess.Popen([sys.executable, "-c", code, *map(str, ids)], cwd=ROOT,
                            env=os.environ.copy(), stderr=subprocess.PIPE)
    try:
        started = _wait(lambda: len(receiver.deliveries) >= 4, 60)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert started, proc.stderr.read().decode()[-2000:]
    rows = _rows(engine, ids)
    delivered = set(receiver.deliveries)
    by_status = Counter(r.status for r in rows.values())
    assert set(by_status) <= {"published", "publishing", "scheduled"}
    assert by_status["publishing"] >= 1, "killed between two sends: the test did not bite"
    assert by_status["scheduled"] >= 1, "the batch had finished: the test did not bite"
    for row in rows.values():
        if row.status == "scheduled":  # reserved, never claimed: not sent, no attempt
            assert row.attempts == 0 and row.idempotency_key not in delivered
        else:
            assert row.attempts == 1
    stuck = by_status["publishing"]
    # After the lease a sweep settles the claimed ones and hands out the reserved ones.
    later = datetime.now(UTC) + timedelta(seconds=scheduler.LEASE_S + 5)
    again: list[int] = []
    recovered = scheduler.sweep(again.append, engine=engine, now=later)["recovered"]
    assert recovered == stuck
    scheduler.publish_batch(again, engine=engine, now=later)
    final = Counter(r.status for r in _rows(engine, ids).values())
    assert not receiver.duplicates(), receiver.duplicates()
    if lookup:
        assert final == {"published": 12}
        assert len(receiver.deliveries) == 12
    else:
        assert final == {"published": 12 - stuck, "needs_attention": stuck}


@pytest.mark.parametrize("raw,expected", [("", 60.0), ("3", 3.0), ("2.5", 2.5), ("0", 60.0),
                                          ("abc", 60.0), ("500", 60.0), ("-4", 60.0)])
def test_reserve_hold_setting(monkeypatch, caplog, raw, expected):
    monkeypatch.setenv("STUDIO_PUBLISH_RESERVE_S", raw)
    assert scheduler._reserve_s() == expected
    warned = any("STUDIO_PUBLISH_RESERVE_S" in r.getMessage() for r in caplog.records)
    assert warned == (raw not in ("", "3", "2.5"))
