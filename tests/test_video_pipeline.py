"""Stored livestreams: highlights from the catalog, a rendered clip stored as an Asset."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from studio.catalog.service import get_workspace
from studio.db.models import Asset
from studio.db.session import session_scope
from studio.errors import MediaError, NotFound
from studio.video import jobs, pipeline
from studio.video.crop import smooth
from studio.video.ingest import ingest
from studio.video.models import Highlight, Livestream, TranscriptSegment

pytest_plugins = ("tests.media",)


def _stream_with_script(engine, live) -> int:
    with session_scope(engine) as s:
        ws = get_workspace(s, "demo")
        stream = ingest(s, ws, live.path, title="Live")
        for i, (a, b, text) in enumerate(live.lines):
            s.add(TranscriptSegment(workspace_id=ws.id, livestream_id=stream.id, idx=i,
                                    start=a, end=b, text=text, words=[]))
        stream.transcript_done = True
        return stream.id


@pytest.mark.slow
def test_highlights_then_clip_asset(demo_engine, live_vi):
    stream_id = _stream_with_script(demo_engine, live_vi)
    seen = []
    ids = pipeline.highlight_livestream(stream_id, 2, engine=demo_engine,
                                        on_progress=lambda f, m: seen.append(f))
    assert len(ids) == 2 and seen == sorted(seen)
    with session_scope(demo_engine) as s:
        rows = s.scalars(select(Highlight).order_by(Highlight.start)).all()
        assert rows[0].product_id is not None  # the demo catalog's Trà xạ đen Ô Diên
        assert any(r.startswith("giá 120.000đ") for r in rows[0].reasons)
        assert s.get(Livestream, stream_id).status == "done"
    asset_id = pipeline.render_highlight(ids[0], engine=demo_engine)
    with session_scope(demo_engine) as s:
        clip = s.get(Asset, asset_id)
        hl = s.get(Highlight, ids[0])
        assert clip.kind == "clip" and hl.clip_asset_id == clip.id
        assert clip.meta["source_asset_id"] == s.get(Livestream, stream_id).asset_id
        assert clip.meta["start"] == hl.start and clip.meta["end"] == hl.end
        assert clip.meta["caption"] and "#OCOP" in clip.meta["hashtags"]
        assert (clip.width, clip.height) == (1080, 1920)
        thumb = s.get(Asset, clip.meta["thumbnail_asset_id"])
        assert thumb.kind == "thumbnail" and thumb.mime == "image/jpeg"
        assert len(pipeline.clips_of(s, stream_id)) == 1
    # Finding highlights again keeps the rendered one and replaces the rest.
    pipeline.highlight_livestream(stream_id, 2, engine=demo_engine)
    with session_scope(demo_engine) as s:
        assert s.get(Highlight, ids[0]) is not None


def test_steps_refuse_what_is_not_ready(demo_engine, live_vi):
    with session_scope(demo_engine) as s:
        stream_id = ingest(s, get_workspace(s, "demo"), live_vi.path).id
    with pytest.raises(MediaError, match="no transcript yet; transcribe it first"):
        pipeline.highlight_livestream(stream_id, engine=demo_engine)
    with pytest.raises(NotFound, match="find highlights again"):
        pipeline.render_highlight(999, engine=demo_engine)
    with pytest.raises(NotFound, match="does not exist"):
        jobs.transcribe_livestream(999, engine=demo_engine)


def test_background_thread_and_stale_state(demo_engine, live_vi):
    stream_id = _stream_with_script(demo_engine, live_vi)
    import threading

    gate = threading.Event()
    assert jobs.start_thread(stream_id, "demo", gate.wait, 5)
    assert not jobs.start_thread(stream_id, "demo", gate.wait, 5)  # already running
    gate.set()
    jobs._threads[(stream_id, "demo")].join(5)
    jobs.set_state(demo_engine, stream_id, status="running")
    with session_scope(demo_engine) as s:
        stream = s.get(Livestream, stream_id)
        assert not jobs.is_stale(stream)
        stream.heartbeat_at = stream.heartbeat_at - jobs.STALE_AFTER * 2
        assert jobs.is_stale(stream)


def test_crop_path_is_smoothed_and_held_still():
    rng = np.random.default_rng(1)
    raw = list(300 + 10 * np.arange(40) + rng.normal(0, 25, 40))
    raw[5] = None  # a frame with no face and no motion
    out = np.array(smooth(raw, 1280))
    jitter_raw = np.abs(np.diff([r for r in raw if r is not None])).mean()
    assert np.abs(np.diff(out)).mean() < jitter_raw / 2
    assert out[-1] > out[0] + 250  # it still follows the subject across the frame
    still = smooth([640 + d for d in (0, 8, -8, 12, -5, 9, 0, -10)], 1280)
    assert len(set(still)) == 1  # small wobble inside the dead zone: the camera holds




def test_bilingual_captions_come_from_the_translation_memory(demo_engine):
    """The stored pipeline's second caption line: approved translations, never the source."""
    from studio.catalog.service import get_workspace
    from studio.db.session import session_scope
    from studio.translate.memory import approve
    from studio.video.pipeline import _translations

    segs = [{"start": 0.0, "end": 2.0, "text": "Giá chỉ 120 nghìn một hộp", "words": []},
            {"start": 2.0, "end": 4.0, "text": "Câu này chưa có bản dịch", "words": []}]
    with session_scope(demo_engine) as session:
        ws = get_workspace(session, "demo")
        approve(session, ws, "Giá chỉ 120 nghìn một hộp", "Only 120 thousand a box", "vi", "en")
        lines = _translations(session, ws.id, segs, "vi")
    assert lines == ("Only 120 thousand a box", "")


def test_clip_captions_come_from_the_writer_for_catalog_products(demo_engine):
    from studio.catalog.factsheet import facts
    from studio.catalog.service import get_product, get_workspace
    from studio.db.session import session_scope
    from studio.video.captions import clip_caption, writer_reasons

    assert writer_reasons(["sản phẩm: Trà", "giá 120.000đ", "câu chuyện", "giá 1đ"]) == [
        "price", "story"]
    with session_scope(demo_engine) as session:
        sheet = facts(get_product(session, get_workspace(session, "demo"), "tra-xa-den"))
    written = clip_caption(sheet, ["giá 120.000đ"], "vi")
    assert "findings" in written and not any(f["severity"] == "error"
                                             for f in written["findings"])
    assert "#OCOP" in written["hashtags"] or "#ocop" in [h.lower() for h in written["hashtags"]]
    bare = clip_caption({"name_vi": "Trà", "price_vnd": 1000}, [], "vi")
    assert "findings" not in bare and bare["caption"].startswith("Trà")


@pytest.mark.slow
def test_steps_run_on_the_job_queue(demo_engine, live_vi, monkeypatch):
    """With a consumer beside the studio (make run), steps become queued jobs it runs."""
    from studio.publish.jobs import run_job
    from studio.publish.models import Job

    stream_id = _stream_with_script(demo_engine, live_vi)
    with session_scope(demo_engine) as s:
        ws_id = s.get(Livestream, stream_id).workspace_id
    monkeypatch.setenv("STUDIO_MEDIA_JOBS", "queue")
    monkeypatch.setattr("studio.publish.queue.get_queue", _NoQueue)  # run_job is called below
    jobs.run_step(stream_id, "highlights", workspace_id=ws_id, engine=demo_engine,
                  livestream_id=stream_id, count=2, comments=None)
    with session_scope(demo_engine) as s:
        job = s.scalar(select(Job).where(Job.kind == "video.highlights"))
        assert job.status == "queued" and s.get(Livestream, stream_id).status == "queued"
        job_id = job.id
    assert run_job(job_id, demo_engine) == "done"
    with session_scope(demo_engine) as s:
        hl = s.scalars(select(Highlight).order_by(Highlight.start)).first()
        assert s.get(Livestream, stream_id).status == "done"
    opts = pipeline.options_json(pipeline._brand_options(None, "vi", aspect="1:1"))
    jobs.run_step(stream_id, "render", workspace_id=ws_id, engine=demo_engine,
                  highlight_id=hl.id, opts=opts)
    with session_scope(demo_engine) as s:
        render_id = s.scalar(select(Job.id).where(Job.kind == "video.render"))
    assert run_job(render_id, demo_engine) == "done"
    with session_scope(demo_engine) as s:
        clip = s.get(Asset, s.get(Highlight, hl.id).clip_asset_id)
        assert (clip.width, clip.height) == (1080, 1080)  # the options survived the queue
        assert s.get(Job, render_id).result == {"value": clip.id}


def test_media_jobs_mode_is_checked(monkeypatch):
    from studio.errors import StudioError

    monkeypatch.setenv("STUDIO_MEDIA_JOBS", "cloud")
    with pytest.raises(StudioError, match="queue or thread"):
        jobs.media_jobs_mode()


class _NoQueue:
    def run_job(self, job_id):  # the test runs the job itself, in this process
        return None


@pytest.mark.slow
def test_the_llm_ranking_notice_is_kept_on_the_livestream(demo_engine, live_vi, monkeypatch):
    from tests.fakes.openai_server import OpenAIFake

    stream_id = _stream_with_script(demo_engine, live_vi)

    def notice() -> dict | None:
        with session_scope(demo_engine) as s:
            return s.get(Livestream, stream_id).highlight_notice

    with OpenAIFake(api_key="k") as fake:
        monkeypatch.setenv("STUDIO_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("STUDIO_LLM_API_KEY", "k")
        pipeline.highlight_livestream(stream_id, 2, engine=demo_engine)
        assert fake.requests == [] and notice()["status"] == "skipped"  # too short to rank
        with session_scope(demo_engine) as s:  # the script said four times over: a choice
            stream = s.get(Livestream, stream_id)
            span = stream.duration_s
            for k in range(1, 4):
                for i, (a, b, text) in enumerate(live_vi.lines):
                    s.add(TranscriptSegment(workspace_id=stream.workspace_id,
                                            livestream_id=stream_id,
                                            idx=k * len(live_vi.lines) + i, start=a + k * span,
                                            end=b + k * span, text=text, words=[]))
            stream.duration_s = 4 * span
        fake.script({"content": '{"order": [1, 2]}'})
        pipeline.highlight_livestream(stream_id, 1, engine=demo_engine)
        assert len(fake.requests) == 1, notice()
        assert notice()["status"] == "fallback" and "score-only" in notice()["notice"]
        fake.responder = lambda body: '{"ranking": [{"id": 1, "reason": "giá rõ"}]}'
        pipeline.highlight_livestream(stream_id, 1, engine=demo_engine)
        assert len(fake.requests) == 2
    assert notice() is None
