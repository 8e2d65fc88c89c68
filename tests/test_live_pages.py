"""The live desk and summary pages under AppTest, on the demo catalog."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from studio.catalog.service import get_workspace
from studio.db.session import session_scope
from studio.live import service
from studio.live.orders import Comment

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
pytestmark = pytest.mark.slow


def run(page: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=90)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tables(at: AppTest) -> str:
    return "\n".join(df.value.to_csv() for df in at.dataframe)


@pytest.fixture
def live_id(demo_engine):
    with session_scope(demo_engine) as session:
        ws = get_workspace(session, "demo")
        live = service.create_live(session, ws, "Live thứ Bảy", [
            {"slug": "tra-xa-den", "stock": 5}, {"slug": "tra-hoa-cuc"}])
        service.ingest(session, live, [
            Comment(T0, "Lan", "chốt 2 trà xạ đen 0912345678"),
            Comment(T0 + timedelta(seconds=5), "Hoa", "trà hoa cúc pha thế nào?")])
        return live.id


def test_desk_shows_orders_with_masked_phones_and_questions(live_id):
    at = run("pages/live_desk.py", lang="vi", workspace="demo")
    text = tables(at)
    assert "0912***678" in text and "0912345678" not in text
    assert "tra-xa-den × 2" in text
    assert any("trà hoa cúc pha thế nào" in c.label for c in at.checkbox)
    assert at.text_area(key=f"live.script.{live_id}.0") is not None


def test_desk_takes_pasted_comments_and_changes_a_status(live_id):
    at = run("pages/live_desk.py", lang="en", workspace="demo")
    at.text_area(key="live.src.paste_text").set_value("Minh: chốt 1 hoa cúc 0987654321")
    at.button(key="live.src.paste_add").click().run()
    assert not at.exception
    assert "0987***321" in tables(at)
    at.selectbox(key="live.orders.status").set_value("shipped")
    at.button(key="live.orders.apply").click().run()
    assert not at.exception
    with session_scope() as session:
        live = service.get_live(session, get_workspace(session, "demo"), live_id)
        assert [o.status for o in live.orders] == ["shipped", "new"]


def test_desk_shows_a_clear_error_for_a_bad_file(live_id):
    at = run("pages/live_desk.py", lang="en", workspace="demo")
    at.text_area(key="live.src.paste_text").set_value("   ")
    at.button(key="live.src.paste_add").click().run()
    assert [e.value for e in at.error] and not at.exception


def test_summary_page_renders_charts(live_id):
    at = run("pages/live_summary.py", lang="vi", workspace="demo")
    assert len(at.get("plotly_chart")) == 2
    assert "trà hoa cúc pha thế nào?" in tables(at)


def test_every_ui_key_of_the_live_pages_exists_in_both_languages():
    import re

    from studio.i18n import t
    from studio.live.models import ORDER_STATUSES
    from studio.live.parser import INTENTS

    keys = set()
    for page in ("pages/live_desk.py", "pages/live_summary.py", "studio/live/summary.py"):
        keys |= set(re.findall(r"""\btr?\("([a-z_.]+)\"""", (ROOT / page).read_text()))
    keys |= {f"live.status.{s}" for s in ORDER_STATUSES}
    keys |= {f"live.intent.{i}" for i in (*INTENTS, "repeat")}
    keys |= {"nav.section.live", "nav.live_desk", "nav.live_summary"}
    assert len(keys) > 40
    for key in keys:
        assert t(key, "vi") and t(key, "en")


def test_desk_polls_a_facebook_live_through_the_graph_api(live_id, monkeypatch):
    from tests.fakes.facebook_graph import FacebookGraphFake

    with FacebookGraphFake(token="PAGE") as fb:
        fb.add_video("777")
        fb.add_comment("777", "Khoa", "chốt 3 A1 0355 111 222", T0 + timedelta(seconds=30))
        monkeypatch.setenv("STUDIO_FB_PAGE_TOKEN", "PAGE")
        monkeypatch.setenv("STUDIO_FB_GRAPH_URL", fb.base_url)
        at = run("pages/live_desk.py", lang="en", workspace="demo")
        at.text_input(key="live.src.video_id").set_value("777")
        at.button(key="live.src.poll").click().run()
        assert not at.exception and not at.error
        assert "0355***222" in tables(at)
        fb.add_comment("777", "Lan", "A2 x1", T0 + timedelta(seconds=40))
        at.toggle(key="live.src.auto").set_value(True).run()
        assert not at.exception and not at.error
    with session_scope() as session:
        live = service.get_live(session, get_workspace(session, "demo"), live_id)
        items = {o.user: {i.slug: i.qty for i in o.items} for o in live.orders}
    assert items["Khoa"] == {"tra-xa-den": 3}
    assert items["Lan"] == {"tra-xa-den": 2, "tra-hoa-cuc": 1}
    assert live.fb_cursor["after"]


def test_summary_uses_a_transcribed_recording_when_there_is_one(live_id):
    video = pytest.importorskip("studio.video.models")
    from studio.db.models import Asset

    with session_scope() as session:
        ws = get_workspace(session, "demo")
        asset = Asset(workspace_id=ws.id, kind="video", sha256="0" * 64, size=1,
                      mime="video/mp4", path="assets/00/x.mp4")
        session.add(asset)
        session.flush()
        stream = video.Livestream(workspace_id=ws.id, asset_id=asset.id, title="Live thứ Bảy",
                                  transcript_done=True, duration_s=120.0)
        stream.segments = [
            video.TranscriptSegment(workspace_id=ws.id, idx=0, start=0.0, end=40.0,
                                    text="Trà xạ đen Ô Diên thơm lắm cả nhà"),
            video.TranscriptSegment(workspace_id=ws.id, idx=1, start=40.0, end=70.0,
                                    text="còn đây là trà hoa cúc sấy lạnh")]
        session.add(stream)
        session.flush()
        stream_id = stream.id
    at = run("pages/live_summary.py", lang="en", workspace="demo")
    at.selectbox(key="live.summary.recording").set_value(stream_id).run()
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 3
    assert "start_s" in tables(at)


def test_desk_writes_the_script_with_the_writer_and_shows_the_teleprompter(live_id):
    at = run("pages/live_desk.py", lang="vi", workspace="demo")
    at.button(key="live.script.write").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with session_scope() as session:
        from studio.live.models import LiveSession

        text = session.get(LiveSession, live_id).script_text
    # the writer's script of both products on sale, with its cue lines and disclosure
    assert "Trà xạ đen" in text and "Trà hoa cúc" in text and "[SHOW]" in text
    assert "Thực phẩm này không phải là thuốc" not in text or "bảo vệ sức khỏe" in text.lower()
