"""ICS feed, metrics import and heatmap, long jobs with progress and cancel, queue config."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from studio.errors import ConfigError, ValidationFailed
from studio.publish import analytics, jobs, posts
from studio.publish.accounts import add_account
from studio.publish.models import Job, PostMetric
from studio.publish.queue import get_queue, make_huey

T0 = datetime(2026, 12, 1, 12, 30, tzinfo=UTC)


def test_ics_feed_has_scheduled_posts_in_utc(session, ws):
    account = add_account(session, ws, "export", "E", {})
    post = posts.create_post(session, ws, texts={"vi": "Gạo ST25\nvụ mới"}, accounts=[account],
                             scheduled_at=T0)
    posts.schedule(session, post)
    posts.create_post(session, ws, texts={"vi": "nháp"}, accounts=[account], scheduled_at=T0)
    from studio.publish.ics import feed

    cal = Calendar.from_ical(feed(session, ws, now=T0 - timedelta(days=1)))
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 1  # drafts stay out of the feed
    assert events[0].decoded("dtstart") == T0 and str(events[0]["summary"]) == "Gạo ST25"
    assert str(cal["x-wr-timezone"]) == "Asia/Ho_Chi_Minh"
    assert str(events[0]["uid"]).startswith(f"post-{post.id}-")


CSV = ("Post ID,Publish time,Title,Reach,Reactions,Comments,Shares\n"
       "111,2026-11-02 19:30,Trà,1200,50,4,3\n"
       "222,2026-11-09 19:10,Mật ong,800,20,1,0\n"
       "333,2026-11-03 11:30,Gạo,100,2,0,0\n")


def test_metrics_import_upserts_and_heatmap(session, ws):
    report = analytics.import_csv(session, ws, "facebook", CSV.encode())
    assert report == {"rows": 3, "created": 3, "updated": 0, "linked": 0}
    again = analytics.import_csv(session, ws, "facebook", CSV.replace("1200", "1500").encode())
    assert again["updated"] == 3
    assert session.scalar(select(func.sum(PostMetric.reach))) == 1500 + 800 + 100
    grid = analytics.heatmap(session, ws)
    # Mondays 19:xx local (Asia/Ho_Chi_Minh) hold two posts, Tuesday 11:xx one.
    assert grid["n"][0][19] == 2 and grid["n"][1][11] == 1
    assert grid["z"][0][19] == (1500 + 800) / 2  # no views column: reach stands in
    best = analytics.best_times(session, ws, min_posts=1)
    assert [(b["weekday"], b["hour"]) for b in best] == [(0, 19), (1, 11)]
    assert set(analytics.figures(session, ws)) == {"per_channel", "per_post", "heatmap"}


@pytest.mark.parametrize(("data", "field", "code"), [
    (b"", "file", "file_empty"),
    (b"Title,Reach\nx,1\n", "external_id", "missing_column"),
    (b"Post ID,Publish time,Reach\n1,yesterday,5\n", "posted_at", "publish_bad_time"),
    (b"Post ID,Publish time,Reach\n1,2026-11-02 19:30,-5\n", "reach", "publish_bad_count"),
    (b"Post ID,Publish time,Reach\n,2026-11-02 19:30,5\n", "external_id", "required"),
])
def test_metrics_import_rejects_bad_files_whole(session, ws, data, field, code):
    good_row = b"\n9,2026-11-02 19:30,5\n" if data.startswith(b"Post ID") else b""
    with pytest.raises(ValidationFailed) as info:
        analytics.import_csv(session, ws, "facebook", data + good_row)
    assert (info.value.problems[0].field, info.value.problems[0].code) == (field, code)
    assert info.value.problems[0].message("en")  # the fix is spelled out in the locale
    assert session.scalar(select(func.count()).select_from(PostMetric)) == 0


def test_bulk_schedule_fills_free_slots(session, ws):
    account = add_account(session, ws, "export", "E", {})
    items = [{"texts": {"vi": f"Clip {i}"}, "source": f"clip:{i}"} for i in range(4)]
    made = posts.bulk_schedule(session, ws, [account], items,
                               after=datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    local = [p.scheduled_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"))
             .strftime("%d %H:%M") for p in made]
    assert local == ["01 11:30", "01 19:30", "01 21:00", "02 11:30"]
    assert {p.status for p in made} == {"pending_approval"}
    with pytest.raises(ConfigError, match="choose at least one clip"):
        posts.bulk_schedule(session, ws, [account], [])


def slow_job(steps: int, on_progress, should_cancel) -> dict:
    """A job function as the clips engineer writes them (used by the test below)."""
    done = 0
    for done in range(1, steps + 1):
        if should_cancel():
            break
        on_progress(done / steps, f"step {done}")
        threading.Event().wait(0.05)
    return {"steps": done}


def test_job_progress_and_cancel(sqlite_engine, monkeypatch):
    monkeypatch.setenv("STUDIO_QUEUE_URL", "memory://")
    monkeypatch.setattr(jobs, "resolve", lambda func: slow_job)  # tests are not under studio.
    from studio.db.session import session_scope

    with session_scope(sqlite_engine) as session:
        job = jobs.submit_job(session, "studio.video.fake:slow_job", kind="render", steps=3,
                              enqueue=False)
        job_id = job.id
    assert jobs.run_job(job_id, sqlite_engine) == "done"
    with session_scope(sqlite_engine) as session:
        job = session.get(Job, job_id)
        assert (job.status, job.progress, job.result) == ("done", 1.0, {"steps": 3})
        long_job = jobs.submit_job(session, "studio.video.fake:slow_job", steps=200,
                                   enqueue=False)
        long_id = long_job.id
    monkeypatch.setattr(jobs, "CANCEL_CHECK_EVERY_S", 0.0)
    runner = threading.Thread(target=jobs.run_job, args=(long_id, sqlite_engine))
    runner.start()
    for _ in range(500):  # bounded: the job starts within a few milliseconds
        with session_scope(sqlite_engine) as session:
            if session.get(Job, long_id).status == "running":
                jobs.cancel_job(session, long_id)
                break
        threading.Event().wait(0.01)
    runner.join(30)
    with session_scope(sqlite_engine) as session:
        job = session.get(Job, long_id)
        assert job.status == "cancelled" and job.result["steps"] < 200


def test_job_function_must_be_in_studio(sqlite_engine):
    from studio.db.session import session_scope

    with session_scope(sqlite_engine) as session, pytest.raises(ConfigError, match="studio."):
        jobs.submit_job(session, "os:system", enqueue=False)
    with session_scope(sqlite_engine) as session, pytest.raises(ConfigError, match="exist"):
        jobs.submit_job(session, "studio.nothing:here", enqueue=False)


def test_queue_backends(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match="redis://"):
        make_huey("amqp://x", "n", tmp_path)
    huey = make_huey("", "n", tmp_path)
    assert Path(huey.storage.filename) == tmp_path / "queue.db"
    monkeypatch.setenv("STUDIO_QUEUE_URL", "memory://")
    queue = get_queue()
    queue.publish(12345)
    assert queue.pending() == 1
