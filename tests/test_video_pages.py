"""The Livestreams page under AppTest: empty state, transcript editor, highlights."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from studio.catalog.service import get_workspace
from studio.db.session import session_scope
from studio.video.ingest import ingest
from studio.video.models import Highlight, Livestream, TranscriptSegment

pytest_plugins = ("tests.media",)
ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def run(**state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/livestreams.py"), default_timeout=90)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_empty_page_invites_an_upload(demo_engine):
    at = run(lang="en", workspace="demo")
    assert any("No livestream yet" in i.value for i in at.info)


def test_transcript_editor_and_highlights(demo_engine, live_vi):
    with session_scope(demo_engine) as s:
        ws = get_workspace(s, "demo")
        stream = ingest(s, ws, live_vi.path, title="Phiên live thứ Bảy")
        for i, (a, b, text) in enumerate(live_vi.lines):
            s.add(TranscriptSegment(workspace_id=ws.id, livestream_id=stream.id, idx=i,
                                    start=a, end=b, text=text, words=[]))
        stream.transcript_done = True
        s.add(Highlight(workspace_id=ws.id, livestream_id=stream.id, start=0.0, end=17.7,
                        score=100.0, reasons=["giá 120.000đ", "sản phẩm: Trà xạ đen Ô Diên"]))
    at = run(lang="vi", workspace="demo")
    assert at.selectbox(key="video.pick").value == stream.id
    assert at.button(key="video.run_highlights")  # transcript done: highlights can run
    assert any("giá 120.000đ" in m.value for m in at.markdown)
    at.text_input(key="video.search").set_value("buoi dien").run()  # no diacritics needed
    assert not at.exception
    assert at.selectbox(key="video.hl.1.aspect").options == ["9:16", "1:1", "4:5", "16:9"]


@pytest.mark.parametrize("status", ["fallback", "skipped"])
def test_the_llm_ranking_notice_shows_above_the_highlights(demo_engine, live_vi, status):
    with session_scope(demo_engine) as s:
        ws = get_workspace(s, "demo")
        stream = ingest(s, ws, live_vi.path, title="Live")
        s.add(Highlight(workspace_id=ws.id, livestream_id=stream.id, start=0.0, end=17.7,
                        score=100.0, reasons=["giá 120.000đ"]))
    at = run(lang="en", workspace="demo")
    assert not at.warning and not any("LLM" in i.value for i in at.info)
    with session_scope(demo_engine) as s:
        s.get(Livestream, stream.id).highlight_notice = {
            "status": status, "notice": "LLM ranking failed (HTTP 500); score-only picks."}
    at = run(lang="en", workspace="demo")
    shown = at.warning if status == "fallback" else at.info
    expected = "ranking failed" if status == "fallback" else "ranking was skipped"
    assert any(expected in m.value and "HTTP 500" in m.value for m in shown)
    at = run(lang="vi", workspace="demo")
    shown = at.warning if status == "fallback" else at.info
    assert any("các đoạn chọn theo điểm" in m.value and "HTTP 500" in m.value for m in shown)
