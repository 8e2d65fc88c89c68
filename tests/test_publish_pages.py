"""Calendar, channels and analytics pages under AppTest, on the demo workspace."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from studio.catalog.service import get_workspace
from studio.db.session import session_scope
from studio.publish import posts
from studio.publish.accounts import add_account
from studio.publish.analytics import import_csv

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def run(page: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=90)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def pending(demo_engine):
    with session_scope(demo_engine) as session:
        ws = get_workspace(session, "demo")
        hook = add_account(session, ws, "webhook", "Zap",
                           {"url": "http://127.0.0.1:9/h", "secret": "supersecret-42"})
        post = posts.create_post(session, ws, texts={"vi": "Trà xạ đen Hòa Bình"},
                                 accounts=[hook],
                                 scheduled_at=datetime.now(UTC) + timedelta(days=1))
        posts.submit(session, post, "Ba")
        return post.id


def test_calendar_lists_and_approves(pending):
    at = run("pages/calendar.py", lang="en", workspace="demo")
    assert "Trà xạ đen" in "\n".join(df.value.to_csv() for df in at.dataframe)
    at.button(key=f"approve_{pending}").click().run()
    assert not at.exception
    with session_scope() as session:
        post = posts.get_post(session, get_workspace(session, "demo"), pending)
        assert post.status == "scheduled"


def test_calendar_refuses_changes_without_comment(pending):
    at = run("pages/calendar.py", lang="vi", workspace="demo")
    at.button(key=f"changes_{pending}").click().run()
    assert any("comment is required" in e.value or "nhận xét" in e.value.lower()
               for e in at.error)


def test_channels_page_masks_secrets(pending):
    at = run("pages/channels.py", lang="en", workspace="demo")
    shown = [json.loads(j.value) for j in at.json]
    assert shown[0]["credentials"] == {"secret": "••••42"}
    assert "supersecret-42" not in str(shown)


def test_analytics_page_draws_charts(demo_engine):
    with session_scope(demo_engine) as session:
        ws = get_workspace(session, "demo")
        import_csv(session, ws, "facebook", (
            "Post ID,Publish time,Title,Reach,Reactions,Comments,Shares\n"
            "1,2026-11-01 19:30,Trà,1200,50,4,3\n2,2026-11-02 11:30,Mật ong,800,20,1,0\n"
        ).encode())
    at = run("pages/analytics.py", lang="en", workspace="demo")
    assert len(at.get("plotly_chart")) == 3
