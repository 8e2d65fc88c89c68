"""Metrics read back from the platforms' insights endpoints (local fakes) into PostMetric."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from studio.db.session import session_scope
from studio.publish import posts
from studio.publish.accounts import add_account
from studio.publish.analytics import import_csv
from studio.publish.insights import fetch_metrics
from studio.publish.models import ChannelAccount, PostMetric
from tests.fakes.insights import (
    FacebookInsightsFake,
    InstagramInsightsFake,
    TikTokInsightsFake,
    YouTubeInsightsFake,
)

PAGE, IG_USER = "1755847768034402", "17841400008460056"
T0 = datetime(2026, 11, 2, 12, 30, tzinfo=UTC)


def _account(session, ws, kind, fake, name=None):
    base = {"api_base": fake.base_url}
    options = {
        "facebook": {"page_id": PAGE, "access_token": "page-token"},
        "instagram": {"ig_user_id": IG_USER, "access_token": "ig-token"},
        "youtube": {"access_token": "ya29.a", "refresh_token": "1//r", "client_id": "cid",
                    "client_secret": "csec"},
        "tiktok": {"access_token": "act-1", "refresh_token": "rft-1", "client_key": "ck",
                   "client_secret": "cs"},
    }[kind]
    if kind == "youtube":
        base["token_url"] = fake.base_url + "/token"
    account = add_account(session, ws, kind, name or kind.title(), {**base, **options})
    session.commit()
    return account


def _published(session, ws, account, external_id, url="", text="Chè Thái Nguyên mùa mới"):
    post = posts.create_post(session, ws, texts={"vi": f"{text} {external_id}"},
                             accounts=[account], scheduled_at=T0, title=f"Bài {external_id}")
    target = post.targets[0]
    target.status, target.external_id, target.url = "published", external_id, url
    target.published_at = T0
    session.commit()
    return target


def _rows(engine, channel):
    with session_scope(engine) as s:
        return {m.external_id: m for m in s.scalars(select(PostMetric).where(
            PostMetric.channel == channel))}


def _fetch(engine, ws, **kw):
    kw.setdefault("sleep", lambda s: pytest.fail(f"unexpected wait of {s} s"))
    return {r.account: r for r in fetch_metrics(ws.id, engine=engine, **kw)}


# -- Facebook -----------------------------------------------------------------------------------


@pytest.fixture
def fb():
    with FacebookInsightsFake(page_id=PAGE) as fake:
        yield fake


def test_facebook_post_and_reel_metrics(engine, session, ws, fb):
    account = _account(session, ws, "facebook", fb)
    post_id, reel_id = f"{PAGE}_1001", "2002"
    fb.add_post(post_id, reactions=12, comments=3, shares=2, created_time="2026-11-02T05:30:00"
                "+0000", insights={"post_media_view": 900, "post_total_media_view_unique": 640,
                                   "post_clicks": 41, "post_impressions": 5})
    fb.add_video(reel_id, reactions=30, comments=4, title="Reel trà",
                 insights={"blue_reels_play_count": 5000, "post_impressions_unique": 3100})
    target = _published(session, ws, account, post_id)
    _published(session, ws, account, reel_id)

    report = _fetch(engine, ws)["Facebook"]

    assert (report.status, report.fetched, report.created) == ("ok", 2, 2)
    node = fb.calls(f"/v21.0/{post_id}", "GET")[0].query
    assert node["fields"] == ("created_time,message,shares,reactions.limit(0).summary(true),"
                              "comments.limit(0).summary(true)")
    assert node["access_token"] == "page-token"
    insight = fb.calls(f"/v21.0/{post_id}/insights")[0].query
    assert insight["metric"] == "post_media_view,post_total_media_view_unique,post_clicks"
    rows = _rows(engine, "facebook")
    post = rows[post_id]
    assert (post.views, post.reach, post.clicks, post.likes, post.comments, post.shares) == (
        900, 640, 41, 12, 3, 2)
    assert post.posted_at == datetime(2026, 11, 2, 5, 30, tzinfo=UTC)
    assert post.target_id == target.id
    reel = rows[reel_id]
    assert (reel.views, reel.reach, reel.likes, reel.comments) == (5000, 3100, 30, 4)
    assert reel.title == "Reel trà"
    # total_video_views was refused for the Reel: both video lists were tried, in order.
    assert [c.query["metric"] for c in fb.calls(f"/v21.0/{reel_id}/video_insights")] == [
        "total_video_views,total_video_views_unique",
        "blue_reels_play_count,post_impressions_unique"]


def test_facebook_retired_metric_falls_back_once(engine, session, ws, fb):
    account = _account(session, ws, "facebook", fb)
    ids = [f"{PAGE}_{n}" for n in (11, 12)]
    for n, pid in enumerate(ids):
        fb.add_post(pid, reactions=n, insights={"post_media_view": 99,
                                                "post_total_media_view_unique": 70 + n,
                                                "post_clicks": 5})
        _published(session, ws, account, pid)
    fb.retire("post_media_view")

    report = _fetch(engine, ws)["Facebook"]

    assert report.status == "ok" and report.fetched == 2
    rows = _rows(engine, "facebook")
    assert [(rows[p].views, rows[p].reach, rows[p].clicks) for p in ids] == [(0, 70, 5),
                                                                            (0, 71, 5)]
    metrics = [c.query["metric"] for c in fb.calls("/insights")]
    # The refused list is not asked again for the second post.
    assert metrics == ["post_media_view,post_total_media_view_unique,post_clicks",
                       "post_total_media_view_unique,post_clicks",
                       "post_total_media_view_unique,post_clicks"]


def test_facebook_without_read_insights_keeps_the_counts(engine, session, ws):
    with FacebookInsightsFake(page_id=PAGE, granted={"pages_read_engagement"}) as fb:
        account = _account(session, ws, "facebook", fb)
        for n in (1, 2):
            fb.add_post(f"{PAGE}_{n}", reactions=7, comments=2, shares=1,
                        insights={"post_media_view": 500})
            _published(session, ws, account, f"{PAGE}_{n}")
        report = _fetch(engine, ws)["Facebook"]
        denied = len(fb.calls("/insights"))
    assert report.status == "partial" and report.fetched == 2
    assert report.notes == ["this token lacks read_insights: reconnect the Page with that "
                            "permission"]
    assert denied == 1  # asked once, not once per post
    row = _rows(engine, "facebook")[f"{PAGE}_1"]
    assert (row.likes, row.comments, row.shares, row.views) == (7, 2, 1, 0)


def test_missing_permission_is_reported_and_other_accounts_go_on(engine, session, ws):
    with FacebookInsightsFake(page_id=PAGE, granted=set()) as fb, \
            YouTubeInsightsFake() as yt:
        fb_account = _account(session, ws, "facebook", fb)
        fb.add_post(f"{PAGE}_1", reactions=1)
        _published(session, ws, fb_account, f"{PAGE}_1")
        yt_account = _account(session, ws, "youtube", yt)
        yt.add_video("vid00000001", views=77)
        _published(session, ws, yt_account, "vid00000001")
        reports = _fetch(engine, ws)
    assert reports["Facebook"].status == "permission"
    assert reports["Facebook"].error == ("this token lacks pages_read_engagement: reconnect "
                                         "the Page with that permission")
    assert reports["Youtube"].status == "ok"
    assert _rows(engine, "youtube")["vid00000001"].views == 77
    assert _rows(engine, "facebook") == {}
    with session_scope(engine) as s:  # a missing permission is not a dead token
        assert s.get(ChannelAccount, fb_account.id).status == "active"


def test_facebook_rate_limit_keeps_what_was_read(engine, session, ws, fb):
    account = _account(session, ws, "facebook", fb)
    first, second = f"{PAGE}_1", f"{PAGE}_2"
    for pid in (first, second):
        fb.add_post(pid, reactions=4)
        _published(session, ws, account, pid)
    usage = json.dumps({PAGE: [{"type": "pages", "call_count": 100,
                                "estimated_time_to_regain_access": 10}]})
    fb.fail(f"/v21.0/{second}", {"status": 400, "headers": {"X-Business-Use-Case-Usage": usage},
                                 "body": {"error": {"message": "(#32) Page request limit "
                                                    "reached", "type": "OAuthException",
                                                    "code": 32, "fbtrace_id": "A1"}}})
    report = _fetch(engine, ws)["Facebook"]
    assert report.status == "rate_limited" and report.retry_after_s == 600
    assert "fetch again after 600 s" in report.error
    assert list(_rows(engine, "facebook")) == [first]


def test_facebook_short_rate_limit_is_waited_out(engine, session, ws, fb):
    account = _account(session, ws, "facebook", fb)
    fb.add_post(f"{PAGE}_1", reactions=4)
    _published(session, ws, account, f"{PAGE}_1")
    fb.fail(f"/v21.0/{PAGE}_1", {"status": 400, "headers": {"Retry-After": "2"},
                                 "body": {"error": {"message": "(#4) Application request "
                                                    "limit reached", "type": "OAuthException",
                                                    "code": 4, "fbtrace_id": "A2"}}})
    waits = []
    report = _fetch(engine, ws, sleep=waits.append)["Facebook"]
    assert waits == [2.0] and report.status == "ok"
    assert _rows(engine, "facebook")[f"{PAGE}_1"].likes == 4


def test_deleted_post_is_gone_and_keeps_its_numbers(engine, session, ws, fb):
    account = _account(session, ws, "facebook", fb)
    kept, deleted = f"{PAGE}_1", f"{PAGE}_2"
    for pid in (kept, deleted):
        fb.add_post(pid, reactions=5)
        _published(session, ws, account, pid)
    _fetch(engine, ws)
    fb.delete(deleted)
    fb.add_post(kept, reactions=6)
    report = _fetch(engine, ws)["Facebook"]
    assert report.gone == [deleted] and report.fetched == 1 and report.status == "partial"
    rows = _rows(engine, "facebook")
    assert (rows[kept].likes, rows[deleted].likes) == (6, 5)


def test_refused_page_token_asks_to_reconnect(engine, session, ws, fb):
    account = _account(session, ws, "facebook", fb)
    fb.add_post(f"{PAGE}_1")
    _published(session, ws, account, f"{PAGE}_1")
    fb.expire_token()
    report = _fetch(engine, ws)["Facebook"]
    assert report.status == "failed" and "reconnect" in report.error
    with session_scope(engine) as s:
        assert s.get(ChannelAccount, account.id).status == "needs_reauth"
    calls = len(fb.requests)
    again = _fetch(engine, ws)["Facebook"]
    assert again.status == "failed" and "reconnect" in again.error
    assert len(fb.requests) == calls  # nothing sent with a token known to be refused


# -- Instagram ----------------------------------------------------------------------------------


@pytest.fixture
def ig():
    with InstagramInsightsFake(ig_user_id=IG_USER) as fake:
        yield fake


def test_instagram_views_and_reach(engine, session, ws, ig):
    account = _account(session, ws, "instagram", ig)
    ig.add_media("18000000000000001", like_count=40, comments_count=6, caption="Reel mật ong",
                 insights={"views": 1200, "reach": 800, "shares": 9, "saved": 3,
                           "likes": 41, "comments": 6})
    _published(session, ws, account, "18000000000000001")
    _published(session, ws, account, "container:17900000000000009")  # not published yet
    report = _fetch(engine, ws)["Instagram"]
    assert report.status == "ok" and (report.posts, report.fetched) == (1, 1)
    call = ig.calls("/v21.0/18000000000000001/insights")[0].query
    assert call["metric"] == "views,reach,likes,comments,shares,saved"
    assert "plays" not in call["metric"] and "impressions" not in call["metric"]
    row = _rows(engine, "instagram")["18000000000000001"]
    assert (row.views, row.reach, row.likes, row.comments, row.shares) == (1200, 800, 41, 6, 9)
    assert row.title == "Reel mật ong"


def test_instagram_without_insights_permission_and_few_viewers(engine, session, ws):
    with InstagramInsightsFake(ig_user_id=IG_USER, granted={"instagram_basic"}) as ig:
        account = _account(session, ws, "instagram", ig)
        ig.add_media("18000000000000002", like_count=8, comments_count=1,
                     insights={"views": 10})
        _published(session, ws, account, "18000000000000002")
        report = _fetch(engine, ws)["Instagram"]
    assert report.status == "partial"
    assert report.notes == ["this token lacks instagram_manage_insights: reconnect the "
                            "Instagram account with that permission"]
    row = _rows(engine, "instagram")["18000000000000002"]
    assert (row.likes, row.comments, row.views) == (8, 1, 0)

    with InstagramInsightsFake(ig_user_id=IG_USER) as ig2:
        ig2.add_media("18000000000000002", like_count=9, insights={"views": 10})
        ig2.few_viewers.add("18000000000000002")
        with session_scope(engine) as s:
            acc = s.get(ChannelAccount, account.id)
            acc.options = {**acc.options, "api_base": ig2.base_url}
        report = _fetch(engine, ws)["Instagram"]
    assert report.status == "partial" and report.notes == [
        "not enough viewers yet for the platform to show insights"]
    assert _rows(engine, "instagram")["18000000000000002"].likes == 9


def test_instagram_unknown_metric_answers_the_graph_error(ig):
    import httpx

    ig.add_media("18000000000000003")
    answer = httpx.get(f"{ig.base_url}/v21.0/18000000000000003/insights",
                       params={"metric": "plays,reach", "access_token": "ig-token"})
    error = answer.json()["error"]
    assert answer.status_code == 400 and error["code"] == 100 and "fbtrace_id" in error


# -- YouTube ------------------------------------------------------------------------------------


@pytest.fixture
def yt():
    with YouTubeInsightsFake() as fake:
        yield fake


def test_youtube_statistics_in_batches_of_fifty(engine, session, ws, yt):
    account = _account(session, ws, "youtube", yt)
    ids = [f"v{n:010d}" for n in range(51)]
    for n, vid in enumerate(ids):
        yt.add_video(vid, views=100 + n, likes=None if n == 0 else n, comments=1,
                     title=f"Short {n}", published_at="2026-11-03T01:02:03Z")
        _published(session, ws, account, vid)
    report = _fetch(engine, ws)["Youtube"]
    assert report.status == "ok" and report.fetched == 51
    calls = yt.calls("/youtube/v3/videos", "GET")
    assert [len(c.query["id"].split(",")) for c in calls] == [50, 1]
    assert calls[0].query["part"] == "statistics,snippet"
    assert calls[0].header("authorization") == "Bearer ya29.a"
    rows = _rows(engine, "youtube")
    assert (rows[ids[5]].views, rows[ids[5]].likes, rows[ids[5]].comments) == (105, 5, 1)
    assert rows[ids[0]].likes == 0  # hidden likes: nothing reported, nothing invented
    assert rows[ids[5]].posted_at == datetime(2026, 11, 3, 1, 2, 3, tzinfo=UTC)


def test_youtube_upload_only_token_lacks_readonly(engine, session, ws):
    with YouTubeInsightsFake(scopes={"youtube.upload"}) as yt:
        account = _account(session, ws, "youtube", yt)
        yt.add_video("vid00000001")
        _published(session, ws, account, "vid00000001")
        report = _fetch(engine, ws)["Youtube"]
    assert report.status == "permission"
    assert report.error == ("this token lacks youtube.readonly: reconnect the YouTube channel "
                            "with that permission")


def test_youtube_quota_exceeded_backs_off_then_reports(engine, session, ws, yt):
    account = _account(session, ws, "youtube", yt)
    yt.add_video("vid00000001")
    _published(session, ws, account, "vid00000001")
    quota = {"status": 403, "body": {"error": {"code": 403, "message": "quota", "errors": [
        {"domain": "youtube.quota", "reason": "quotaExceeded", "message": "quota"}]}}}
    yt.fail("/youtube/v3/videos", quota, quota, quota)
    waits = []
    report = _fetch(engine, ws, sleep=waits.append)["Youtube"]
    assert waits == [5.0, 30.0]
    assert report.status == "rate_limited" and "quotaExceeded" in report.error
    assert _rows(engine, "youtube") == {}


def test_youtube_expired_token_refreshes_once(engine, session, ws, yt):
    account = _account(session, ws, "youtube", yt)
    yt.add_video("vid00000001", views=3)
    _published(session, ws, account, "vid00000001")
    yt.expire_token()
    report = _fetch(engine, ws)["Youtube"]
    assert report.status == "ok", report.error
    assert _rows(engine, "youtube")["vid00000001"].views == 3
    assert len(yt.calls("/token", "POST")) == 1


def test_youtube_deleted_video_is_gone(engine, session, ws, yt):
    account = _account(session, ws, "youtube", yt)
    for vid in ("vid00000001", "vid00000002"):
        yt.add_video(vid, views=1)
        _published(session, ws, account, vid)
    yt.delete_video("vid00000002")
    report = _fetch(engine, ws)["Youtube"]
    assert report.gone == ["vid00000002"] and report.fetched == 1


def test_youtube_fake_refuses_more_than_fifty_ids(yt):
    import httpx

    answer = httpx.get(f"{yt.base_url}/youtube/v3/videos", headers={
        "Authorization": "Bearer ya29.a"}, params={"part": "statistics",
                                                   "id": ",".join(["x"] * 51)})
    assert answer.status_code == 400 and answer.json()["error"]["errors"][0]["reason"]


# -- TikTok -------------------------------------------------------------------------------------


@pytest.fixture
def tt():
    with TikTokInsightsFake() as fake:
        yield fake


def _tiktok_video(session, ws, account, tt, vid, **stats):
    tt.add_video(vid, **stats)
    return _published(session, ws, account, f"v_pub_file~v2-1.{vid[-6:]}",
                      url=f"https://www.tiktok.com/video/{vid}")


def test_tiktok_video_query_in_batches_of_twenty(engine, session, ws, tt):
    account = _account(session, ws, "tiktok", tt)
    ids = [str(7_300_000_000_000_000_000 + n) for n in range(21)]
    for n, vid in enumerate(ids):
        _tiktok_video(session, ws, account, tt, vid, views=1000 + n, likes=n, comments=2,
                      shares=1, create_time=1793600000)
    _published(session, ws, account, "v_pub_file~v2-1.nourl")  # SELF_ONLY: no public id
    report = _fetch(engine, ws)["Tiktok"]
    assert report.status == "ok" and (report.posts, report.fetched) == (21, 21)
    calls = tt.calls("/v2/video/query/", "POST")
    assert [len(c.json()["filters"]["video_ids"]) for c in calls] == [20, 1]
    assert calls[0].query["fields"] == ("id,title,video_description,create_time,view_count,"
                                        "like_count,comment_count,share_count")
    assert calls[0].header("authorization") == "Bearer act-1"
    row = _rows(engine, "tiktok")[ids[3]]
    assert (row.views, row.likes, row.comments, row.shares) == (1003, 3, 2, 1)
    assert row.posted_at == datetime.fromtimestamp(1793600000, UTC)


def test_tiktok_without_video_list_scope(engine, session, ws):
    with TikTokInsightsFake(scopes={"user.info.basic", "video.publish"}) as tt:
        account = _account(session, ws, "tiktok", tt)
        _tiktok_video(session, ws, account, tt, "7300000000000000001")
        report = _fetch(engine, ws)["Tiktok"]
        refreshes = len(tt.calls("/v2/oauth/token/"))
    assert report.status == "permission"
    assert report.error == ("this token lacks video.list: reconnect the TikTok account with "
                            "that permission")
    assert refreshes == 0  # a missing scope is not an expired token
    with session_scope(engine) as s:
        assert s.get(ChannelAccount, account.id).status == "active"


def test_tiktok_long_rate_limit_is_reported_not_slept(engine, session, ws, tt):
    account = _account(session, ws, "tiktok", tt)
    _tiktok_video(session, ws, account, tt, "7300000000000000001")
    tt.fail("/v2/video/query/", {"status": 429, "headers": {"Retry-After": "120"}, "body": {
        "error": {"code": "rate_limit_exceeded", "message": "slow down", "log_id": "l"}}})
    report = _fetch(engine, ws)["Tiktok"]
    assert report.status == "rate_limited" and report.retry_after_s == 120


def test_tiktok_fake_refuses_too_many_ids_and_unknown_fields(tt):
    import httpx

    auth = {"Authorization": "Bearer act-1", "Content-Type": "application/json"}
    many = httpx.post(f"{tt.base_url}/v2/video/query/?fields=id", headers=auth,
                      json={"filters": {"video_ids": [str(n) for n in range(21)]}})
    odd = httpx.post(f"{tt.base_url}/v2/video/query/?fields=id,fps", headers=auth,
                     json={"filters": {"video_ids": ["1"]}})
    assert many.status_code == odd.status_code == 400
    assert many.json()["error"]["code"] == odd.json()["error"]["code"] == "invalid_params"


# -- upsert, CLI, queue -------------------------------------------------------------------------


def test_refetch_updates_one_row_and_keeps_csv_only_metrics(engine, session, ws, yt):
    account = _account(session, ws, "youtube", yt)
    yt.add_video("vid00000001", views=10, likes=1)
    target = _published(session, ws, account, "vid00000001")
    import_csv(session, ws, "youtube", b"Video ID,Publish time,Views,Link clicks\n"
                                       b"vid00000001,2026-11-02 19:30,4,17\n")
    session.commit()
    first = _fetch(engine, ws)["Youtube"]
    stamp = _rows(engine, "youtube")["vid00000001"].imported_at
    yt.add_video("vid00000001", views=25, likes=2)
    second = _fetch(engine, ws)["Youtube"]
    assert (first.created, first.updated, second.created, second.updated) == (0, 1, 0, 1)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(PostMetric)) == 1
    row = _rows(engine, "youtube")["vid00000001"]
    assert (row.views, row.likes, row.clicks, row.target_id) == (25, 2, 17, target.id)
    assert row.imported_at >= stamp


def test_cli_metrics_fetch(engine, session, ws, yt, capsys):
    from studio.cli import main

    account = _account(session, ws, "youtube", yt)
    yt.add_video("vid00000001", views=8)
    _published(session, ws, account, "vid00000001")
    assert main(["post", "metrics", "fetch", "--workspace", ws.slug, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["account"], r["status"], r["fetched"]) for r in rows] == [("Youtube", "ok", 1)]
    assert main(["post", "metrics", "fetch", "--account", "Nope", "--workspace",
                 ws.slug]) == 2
    assert "no Facebook, Instagram, YouTube or TikTok account 'Nope'" in \
        capsys.readouterr().err
    yt.scopes = {"youtube.upload"}
    assert main(["post", "metrics", "fetch", "--workspace", ws.slug]) == 1
    assert "lacks youtube.readonly" in capsys.readouterr().out


def test_queue_job_runs_the_fetch(engine, session, ws, yt):
    from studio.publish.insights import enqueue
    from studio.publish.jobs import run_job
    from studio.publish.models import Job

    account = _account(session, ws, "youtube", yt)
    yt.add_video("vid00000001", views=8)
    _published(session, ws, account, "vid00000001")
    job = enqueue(session, ws.id, run=False)
    session.commit()
    assert run_job(job.id, engine) == "done"
    with session_scope(engine) as s:
        done = s.get(Job, job.id)
        assert (done.kind, done.progress) == ("metrics_fetch", 1.0)
        assert [(a["account"], a["status"]) for a in done.result["accounts"]] == [
            ("Youtube", "ok")]
    assert _rows(engine, "youtube")["vid00000001"].views == 8


@pytest.mark.slow
def test_analytics_page_fetch_button_shows_each_account(demo_engine):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from studio.catalog.service import get_workspace

    with YouTubeInsightsFake() as yt, TikTokInsightsFake(scopes={"video.publish"}) as tt:
        with session_scope(demo_engine) as s:
            ws = get_workspace(s, "demo")
            youtube = _account(s, ws, "youtube", yt)
            tiktok = _account(s, ws, "tiktok", tt)
            yt.add_video("vid00000001", views=42)
            _published(s, ws, youtube, "vid00000001")
            _tiktok_video(s, ws, tiktok, tt, "7300000000000000001")
        page = Path(__file__).resolve().parent.parent / "pages" / "analytics.py"
        at = AppTest.from_file(str(page), default_timeout=90)
        at.session_state["lang"], at.session_state["workspace"] = "en", "demo"
        at.run()
        at.button(key="an_fetch").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Youtube (youtube): 1/1 posts read" in m.value for m in at.success)
    assert any("this token lacks video.list" in m.value for m in at.error)
    assert len(at.get("plotly_chart")) == 3
